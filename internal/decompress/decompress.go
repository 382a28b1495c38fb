package decompress

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/cosnicolaou/pbzip2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Format is a compression format.
type Format uint8

// Formats that Open recognises.
const (
	Plain Format = iota
	Gzip
	Bzip2
	Zstd
)

func (f Format) String() string {
	switch f {
	case Gzip:
		return "gzip"
	case Bzip2:
		return "bzip2"
	case Zstd:
		return "zstd"
	}
	return "plain"
}

var (
	magicGzip  = []byte{0x1f, 0x8b}
	magicBzip2 = []byte("BZh")
	magicZstd  = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// bzip2 block and end-of-stream magic numbers (BCD pi and sqrt(pi)).
var (
	magicBzip2Block = []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}
	magicBzip2EOS   = []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90}
)

// Detect returns the format whose magic number starts b. It needs the
// first 10 bytes to tell bzip2 (a stream header followed by a block or
// end-of-stream magic) from an MRT file whose first timestamp happens to
// spell "BZh1".
func Detect(b []byte) Format {
	switch {
	case bytes.HasPrefix(b, magicGzip):
		return Gzip
	case bytes.HasPrefix(b, magicBzip2) && len(b) >= 10 && b[3] >= '1' && b[3] <= '9' &&
		(bytes.Equal(b[4:10], magicBzip2Block) || bytes.Equal(b[4:10], magicBzip2EOS)):
		return Bzip2
	case bytes.HasPrefix(b, magicZstd):
		return Zstd
	}
	return Plain
}

// Open opens the file at path and returns a reader of its decompressed
// content. Closing the reader closes the file.
func Open(path string) (io.ReadCloser, Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Plain, err
	}
	rc, format, err := NewReader(f)
	if err != nil {
		f.Close()
		return nil, format, fmt.Errorf("%s: %w", path, err)
	}
	return &closers{ReadCloser: rc, next: f}, format, nil
}

type closers struct {
	io.ReadCloser
	next io.Closer
}

func (c *closers) Close() error {
	err := c.ReadCloser.Close()
	if err2 := c.next.Close(); err == nil {
		err = err2
	}
	return err
}

// readBufSize is the read-ahead of the raw input.
const readBufSize = 1 << 20

// NewReader returns a reader of the decompressed content of r, whose
// format it detects from the first bytes. Close releases the goroutines
// it started; it does not close r.
func NewReader(r io.Reader) (io.ReadCloser, Format, error) {
	br := bufio.NewReaderSize(r, readBufSize)
	head, err := br.Peek(10)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, Plain, err
	}
	format := Detect(head)
	switch format {
	case Gzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, format, fmt.Errorf("gzip: %w", err)
		}
		return readAhead(zr, "gzip", zr), format, nil
	case Bzip2:
		return newBzip2Reader(br), format, nil
	case Zstd:
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(maxZstdWindow))
		if err != nil {
			return nil, format, fmt.Errorf("zstd: %w", err)
		}
		return readAhead(zr, "zstd", closeFunc(func() error { zr.Close(); return nil })), format, nil
	}
	return io.NopCloser(br), format, nil
}

type closeFunc func() error

func (f closeFunc) Close() error { return f() }

// maxZstdWindow caps the window a zstd stream may ask for (the format
// allows 3.75 TB; zstd -19 uses 8 MB, --long up to 128 MB), so that a
// small hostile file cannot make the decoder allocate gigabytes.
const maxZstdWindow = 128 << 20

// bzip2Reader decodes bzip2 blocks on all cores with pbzip2's scanner and
// decompressor. It runs them itself so that a stream cut short yields every
// whole block before the fault and then the error (pbzip2.NewReader reports
// the scanner's error first, dropping blocks already decoded).
type bzip2Reader struct {
	dc      *pbzip2.Decompressor
	cancel  context.CancelFunc
	scanErr chan error
	err     error
}

func newBzip2Reader(r io.Reader) *bzip2Reader {
	ctx, cancel := context.WithCancel(context.Background())
	b := &bzip2Reader{
		dc:      pbzip2.NewDecompressor(ctx, pbzip2.BZConcurrency(runtime.GOMAXPROCS(0))),
		cancel:  cancel,
		scanErr: make(chan error, 1),
	}
	go func() {
		sc := pbzip2.NewScanner(r)
		var err error
		for sc.Scan(ctx) {
			if err = b.dc.Append(sc.Block()); err != nil {
				break
			}
		}
		if err == nil {
			err = sc.Err()
		}
		// Finish hands out every block appended so far before the
		// decompressor's output ends.
		if ferr := b.dc.Finish(); err == nil {
			err = ferr
		}
		b.scanErr <- err
	}()
	return b
}

func (b *bzip2Reader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.dc.Read(p)
	switch {
	case err == io.EOF:
		if serr := <-b.scanErr; serr != nil {
			err = fmt.Errorf("bzip2: %w", serr)
		}
		b.err = err
	case err != nil:
		err = fmt.Errorf("bzip2: %w", err)
		b.err = err
	}
	return n, err
}

// Close stops the decoding goroutines.
func (b *bzip2Reader) Close() error {
	b.cancel()
	b.dc.Cancel(context.Canceled)
	return nil
}
