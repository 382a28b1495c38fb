package decompress

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

func gz(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func zst(t testing.TB, data []byte) []byte {
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	return w.EncodeAll(data, nil)
}

// bz2Sample is a small bzip2 stream of "hello, bzip2\n", made with bzip2 -9.
const bz2Sample = "BZh91AY&SY\xb1#\xdeC\x00\x00\x03Y\x80\x00\x10@\x04\x10\x00\x12d\xc0\x10 \x001\x03@\xd0 \x01\xa6\x91\x03\xabl\x82\x84\xf8\xbb\x92)\xc2\x84\x85\x89\x1e\xf2\x18"

func readAll(t *testing.T, in []byte) ([]byte, Format, error) {
	t.Helper()
	rc, f, err := NewReader(bytes.NewReader(in))
	if err != nil {
		return nil, f, err
	}
	defer rc.Close()
	out, err := io.ReadAll(rc)
	return out, f, err
}

func TestFormats(t *testing.T) {
	payload := bytes.Repeat([]byte("routing data "), 300000) // several read-ahead chunks
	for _, tc := range []struct {
		name   string
		in     []byte
		format Format
		want   []byte
	}{
		{"plain", payload, Plain, payload},
		{"empty", nil, Plain, nil},
		{"gzip", gz(t, payload), Gzip, payload},
		{"gzip multi-member", append(gz(t, payload[:100]), gz(t, payload[100:200])...), Gzip, payload[:200]},
		{"zstd", zst(t, payload), Zstd, payload},
		{"bzip2", []byte(bz2Sample), Bzip2, []byte("hello, bzip2\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, f, err := readAll(t, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if f != tc.format || !bytes.Equal(got, tc.want) {
				t.Errorf("format %v, %d bytes; want %v, %d bytes", f, len(got), tc.format, len(tc.want))
			}
		})
	}
}

func TestCorrupt(t *testing.T) {
	payload := bytes.Repeat([]byte("x"), 100000)
	truncGz := gz(t, payload)
	truncGz = truncGz[:len(truncGz)/2]
	badBz := []byte(bz2Sample)
	badBz[20] ^= 0xff
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"truncated gzip", truncGz, "gzip"},
		{"corrupt bzip2", badBz, "bzip2"},
		{"truncated bzip2", []byte(bz2Sample[:30]), "bzip2"},
		{"gzip header only", []byte{0x1f, 0x8b, 8}, "gzip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %s", err, tc.want)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	// A gzip file whose name does not say so.
	name := filepath.Join(dir, "rib.mrt")
	if err := os.WriteFile(name, gz(t, []byte("abc")), 0o644); err != nil {
		t.Fatal(err)
	}
	rc, f, err := Open(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	if err != nil || string(b) != "abc" || f != Gzip {
		t.Errorf("%q %v %v", b, f, err)
	}
	if err := rc.Close(); err != nil {
		t.Error(err)
	}
	if _, _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestCloseEarly closes a reader in the middle of a large stream: the
// goroutines must end and nothing may race (run with -race).
func TestCloseEarly(t *testing.T) {
	in := gz(t, bytes.Repeat([]byte("0123456789"), 1<<20))
	for range 10 {
		rc, _, err := NewReader(bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1000)
		if _, err := io.ReadFull(rc, buf); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
}

// FuzzNewReader feeds arbitrary bytes, with the magic numbers as seeds: no
// panic, and any error names the format.
func FuzzNewReader(f *testing.F) {
	f.Add(gz(f, []byte("seed")))
	f.Add([]byte(bz2Sample))
	f.Add(zst(f, []byte("seed")))
	f.Add([]byte("plain"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rc, format, err := NewReader(bytes.NewReader(in))
		if err != nil {
			if !strings.Contains(err.Error(), format.String()) {
				t.Fatalf("error %v does not name %v", err, format)
			}
			return
		}
		defer rc.Close()
		n, err := io.Copy(io.Discard, io.LimitReader(rc, 64<<20))
		if err != nil && !strings.Contains(err.Error(), format.String()) {
			t.Fatalf("error %v does not name %v", err, format)
		}
		if format == Plain && n != int64(len(in)) {
			t.Fatalf("plain input of %d bytes read as %d", len(in), n)
		}
	})
}

// bz2 compresses data with the system's bzip2 (the test skips without
// it), in blocks of 100 kB so that a small input spans several.
func bz2(t *testing.T, data []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath("bzip2"); err != nil {
		t.Skip("bzip2 is not installed")
	}
	cmd := exec.Command("bzip2", "-1", "-c")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBzip2Truncated: a bzip2 stream cut short yields every whole block
// before the cut, then an error.
func TestBzip2Truncated(t *testing.T) {
	payload := make([]byte, 1_000_000)
	for i := range payload {
		payload[i] = byte(i * 7 % 251)
	}
	z := bz2(t, payload)
	got, _, err := readAll(t, z[:len(z)-200])
	if err == nil || !strings.Contains(err.Error(), "bzip2") {
		t.Fatalf("err = %v", err)
	}
	if len(got) < 800_000 || !bytes.Equal(got, payload[:len(got)]) {
		t.Errorf("%d bytes before the fault, want most of %d and a prefix of the input", len(got), len(payload))
	}
	got, _, err = readAll(t, z)
	if err != nil || !bytes.Equal(got, payload) {
		t.Errorf("whole stream: %d bytes, %v", len(got), err)
	}
}

// TestBzip2Close: closing a bzip2 reader early ends its goroutines.
func TestBzip2Close(t *testing.T) {
	payload := bytes.Repeat([]byte("abcdefghij"), 500_000)
	z := bz2(t, payload)
	before := runtime.NumGoroutine()
	for range 5 {
		rc, _, err := NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 10)
		if _, err := io.ReadFull(rc, buf); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+1 {
		t.Errorf("%d goroutines after closing, %d before", n, before)
	}
}

// TestDetectMRTTimestamp: an MRT record from 2005-04-11 12:06:09 starts
// with "BZh1"; it is not bzip2.
func TestDetectMRTTimestamp(t *testing.T) {
	rec := []byte{'B', 'Z', 'h', '1', 0, 13, 0, 1, 0, 0, 0, 0}
	if f := Detect(rec); f != Plain {
		t.Errorf("Detect = %v", f)
	}
	if f := Detect([]byte(bz2Sample)); f != Bzip2 {
		t.Errorf("Detect(bzip2) = %v", f)
	}
}

// TestZstdWindowCap: a frame that asks for a huge window is refused
// without allocating it.
func TestZstdWindowCap(t *testing.T) {
	// Frame header: magic, descriptor (single segment 0), window
	// descriptor for 2^41 bytes.
	frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xd8, 0, 0, 0, 0}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	before := m.TotalAlloc
	_, _, err := readAll(t, frame)
	runtime.ReadMemStats(&m)
	if err == nil {
		t.Error("no error for a 2 TB window")
	}
	if grew := m.TotalAlloc - before; grew > 256<<20 {
		t.Errorf("allocated %d MB", grew>>20)
	}
}
