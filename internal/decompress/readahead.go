package decompress

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// chunkSize and depth bound the memory of a read-ahead: at most depth+2
// chunks exist at a time.
const (
	chunkSize = 1 << 20
	depth     = 4
)

type chunk struct {
	b   []byte
	err error
}

// aheadReader decompresses in a goroutine of its own, depth chunks ahead
// of the consumer.
type aheadReader struct {
	ch     chan chunk
	free   chan []byte
	done   chan struct{}
	once   sync.Once
	closer io.Closer
	cur    []byte
	buf    []byte
	err    error
}

func readAhead(r io.Reader, format string, closer io.Closer) *aheadReader {
	a := &aheadReader{
		ch:     make(chan chunk, depth),
		free:   make(chan []byte, depth+2),
		done:   make(chan struct{}),
		closer: closer,
	}
	go a.fill(r, format)
	return a
}

func (a *aheadReader) fill(r io.Reader, format string) {
	defer close(a.ch)
	if a.closer != nil {
		// The decompressor is closed here, by the goroutine that reads
		// it, never concurrently with a Read.
		defer a.closer.Close()
	}
	for {
		var b []byte
		select {
		case b = <-a.free:
		default:
			b = make([]byte, chunkSize)
		}
		// Fill the chunk; io.ReadFull would not tell a short last chunk
		// from a stream that the decompressor found cut short (which it
		// reports as io.ErrUnexpectedEOF).
		n := 0
		var err error
		for n < cap(b) && err == nil {
			select {
			case <-a.done:
				return
			default:
			}
			var m int
			m, err = r.Read(b[n:cap(b)])
			n += m
		}
		if err != nil && err != io.EOF && !strings.HasPrefix(err.Error(), format+":") {
			err = fmt.Errorf("%s: %w", format, err)
		}
		select {
		case a.ch <- chunk{b[:n], err}:
		case <-a.done:
			return
		}
		if err != nil {
			return
		}
	}
}

func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.buf != nil {
			select {
			case a.free <- a.buf[:0]:
			default:
			}
			a.buf = nil
		}
		c, ok := <-a.ch
		if !ok {
			a.err = io.EOF
			return 0, a.err
		}
		a.buf, a.cur, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

func (a *aheadReader) Close() error {
	a.once.Do(func() { close(a.done) })
	// Drain so the filler can exit.
	go func() {
		for range a.ch {
		}
	}()
	return nil
}
