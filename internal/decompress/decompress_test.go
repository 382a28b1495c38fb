package decompress

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
