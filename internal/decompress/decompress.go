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

// Detect returns the format whose magic number starts b.
func Detect(b []byte) Format {
	switch {
	case bytes.HasPrefix(b, magicGzip):
		return Gzip
	case bytes.HasPrefix(b, magicBzip2) && len(b) >= 4 && b[3] >= '1' && b[3] <= '9':
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
	head, err := br.Peek(4)
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
		ctx, cancel := context.WithCancel(context.Background())
		zr := pbzip2.NewReader(ctx, br, pbzip2.DecompressionOptions(pbzip2.BZConcurrency(runtime.GOMAXPROCS(0))))
		return &bzip2Reader{r: zr, cancel: cancel}, format, nil
	case Zstd:
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, format, fmt.Errorf("zstd: %w", err)
		}
		return readAhead(zr, "zstd", closeFunc(func() error { zr.Close(); return nil })), format, nil
	}
	return io.NopCloser(br), format, nil
}

type closeFunc func() error

func (f closeFunc) Close() error { return f() }

type bzip2Reader struct {
	r      io.Reader
	cancel context.CancelFunc
}

func (b *bzip2Reader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("bzip2: %w", err)
	}
	return n, err
}

func (b *bzip2Reader) Close() error {
	b.cancel()
	return nil
}
