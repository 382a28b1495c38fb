package wire

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// ShortError reports a read past the end of the input.
type ShortError struct {
	Off  int // offset of the read within the decoder's input
	Need int // bytes the read needed
	Have int // bytes that were left
}

func (e *ShortError) Error() string {
	return fmt.Sprintf("truncated at offset %d: need %d bytes, have %d", e.Off, e.Need, e.Have)
}

// Decoder reads big-endian values from a byte slice with a sticky error.
type Decoder struct {
	b   []byte
	off int
	err error
}

// New returns a Decoder over b.
func New(b []byte) Decoder { return Decoder{b: b} }

// Reset points d at b, clearing its offset and error.
func (d *Decoder) Reset(b []byte) { *d = Decoder{b: b} }

// Err returns the first error met, or nil.
func (d *Decoder) Err() error { return d.err }

// Fail records err unless an error is already recorded.
func (d *Decoder) Fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// Off returns the offset of the next read.
func (d *Decoder) Off() int { return d.off }

// Len returns the number of unread bytes (0 after an error).
func (d *Decoder) Len() int {
	if d.err != nil {
		return 0
	}
	return len(d.b) - d.off
}

// Rest returns the unread bytes without consuming them.
func (d *Decoder) Rest() []byte {
	if d.err != nil {
		return nil
	}
	return d.b[d.off:]
}

func (d *Decoder) short(n int) {
	if d.err == nil {
		d.err = &ShortError{Off: d.off, Need: n, Have: len(d.b) - d.off}
	}
}

// U8 reads one byte.
func (d *Decoder) U8() uint8 {
	if d.err != nil || d.off >= len(d.b) {
		d.short(1)
		return 0
	}
	v := d.b[d.off]
	d.off++
	return v
}

// U16 reads a big-endian uint16.
func (d *Decoder) U16() uint16 {
	if d.err != nil || len(d.b)-d.off < 2 {
		d.short(2)
		return 0
	}
	v := binary.BigEndian.Uint16(d.b[d.off:])
	d.off += 2
	return v
}

// U32 reads a big-endian uint32.
func (d *Decoder) U32() uint32 {
	if d.err != nil || len(d.b)-d.off < 4 {
		d.short(4)
		return 0
	}
	v := binary.BigEndian.Uint32(d.b[d.off:])
	d.off += 4
	return v
}

// U64 reads a big-endian uint64.
func (d *Decoder) U64() uint64 {
	if d.err != nil || len(d.b)-d.off < 8 {
		d.short(8)
		return 0
	}
	v := binary.BigEndian.Uint64(d.b[d.off:])
	d.off += 8
	return v
}

// Bytes returns the next n bytes as a sub-slice of the input (no copy).
func (d *Decoder) Bytes(n int) []byte {
	if d.err != nil || n < 0 || len(d.b)-d.off < n {
		d.short(n)
		return nil
	}
	v := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return v
}

// Skip discards n bytes.
func (d *Decoder) Skip(n int) {
	if d.err != nil || n < 0 || len(d.b)-d.off < n {
		d.short(n)
		return
	}
	d.off += n
}

// Sub returns a Decoder over the next n bytes and consumes them from d;
// offsets reported by the sub-decoder are relative to its own start.
func (d *Decoder) Sub(n int) Decoder {
	return Decoder{b: d.Bytes(n), err: d.err}
}

// Addr4 reads an IPv4 address.
func (d *Decoder) Addr4() netip.Addr {
	if d.err != nil || len(d.b)-d.off < 4 {
		d.short(4)
		return netip.Addr{}
	}
	a := netip.AddrFrom4([4]byte(d.b[d.off : d.off+4]))
	d.off += 4
	return a
}

// Addr16 reads an IPv6 address.
func (d *Decoder) Addr16() netip.Addr {
	if d.err != nil || len(d.b)-d.off < 16 {
		d.short(16)
		return netip.Addr{}
	}
	a := netip.AddrFrom16([16]byte(d.b[d.off : d.off+16]))
	d.off += 16
	return a
}
