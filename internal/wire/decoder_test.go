package wire

import (
	"errors"
	"net/netip"
	"testing"
)

func TestDecoder(t *testing.T) {
	d := New([]byte{1, 0, 2, 0, 0, 0, 3, 192, 0, 2, 1, 9})
	if got := d.U8(); got != 1 {
		t.Fatalf("U8 = %d", got)
	}
	if got := d.U16(); got != 2 {
		t.Fatalf("U16 = %d", got)
	}
	if got := d.U32(); got != 3 {
		t.Fatalf("U32 = %d", got)
	}
	if got := d.Addr4(); got != netip.MustParseAddr("192.0.2.1") {
		t.Fatalf("Addr4 = %v", got)
	}
	if d.Len() != 1 || d.Off() != 11 {
		t.Fatalf("Len, Off = %d, %d", d.Len(), d.Off())
	}
	if got := d.U16(); got != 0 {
		t.Fatalf("short U16 = %d, want 0", got)
	}
	var se *ShortError
	if !errors.As(d.Err(), &se) || se.Off != 11 || se.Need != 2 || se.Have != 1 {
		t.Fatalf("Err = %v", d.Err())
	}
	// Sticky: later reads fail too and keep the first error.
	if d.U8() != 0 || d.Bytes(1) != nil || d.Len() != 0 {
		t.Fatal("reads after an error must return zero values")
	}
	if !errors.As(d.Err(), &se) || se.Need != 2 {
		t.Fatalf("error was replaced: %v", d.Err())
	}
}

func TestDecoderSub(t *testing.T) {
	d := New([]byte{0, 2, 0xaa, 0xbb, 7})
	n := d.U16()
	s := d.Sub(int(n))
	if s.U16() != 0xaabb || s.Len() != 0 || s.Err() != nil {
		t.Fatalf("sub decoder: %v", s.Err())
	}
	s.U8()
	if s.Err() == nil {
		t.Fatal("reading past a sub decoder must fail")
	}
	if d.U8() != 7 || d.Err() != nil {
		t.Fatal("parent decoder must continue after the sub slice")
	}
	if d.Bytes(-1); d.Err() == nil {
		t.Fatal("negative length must fail")
	}
}
