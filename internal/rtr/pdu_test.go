package rtr

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

var samplePDUs = []PDU{
	SerialNotify{SessionID: 7, Serial: 42},
	SerialQuery{SessionID: 7, Serial: 0xffffffff},
	ResetQuery{},
	CacheResponse{SessionID: 65535},
	Prefix{Announce: true, Prefix: netip.MustParsePrefix("192.0.2.0/24"), MaxLength: 24, ASN: 64496},
	Prefix{Prefix: netip.MustParsePrefix("2001:db8::/32"), MaxLength: 48, ASN: 4200000000},
	EndOfData{SessionID: 7, Serial: 3, Refresh: 3600, Retry: 600, Expire: 7200},
	CacheReset{},
	RouterKey{Announce: true, SKI: [20]byte{1, 2, 3}, ASN: 64496, SPKI: []byte{0x30, 0x59, 0x30}},
	ErrorReport{Code: CorruptData, PDU: ResetQuery{}.AppendPDU(nil, 1), Text: "bad"},
	ErrorReport{Code: NoDataAvailable},
	ASPA{Announce: true, Customer: 64496, Providers: []bgp.ASN{64497, 64498}},
	ASPA{Customer: 64496},
}

func supported(p PDU, v Version) bool {
	switch p.Type() {
	case TypeRouterKey:
		return v >= Version1
	case TypeASPA:
		return v >= Version2
	}
	return true
}

func TestRoundTrip(t *testing.T) {
	for _, v := range []Version{Version0, Version1, Version2} {
		for _, p := range samplePDUs {
			if !supported(p, v) {
				continue
			}
			t.Run(p.Type().String()+"/v"+string(rune('0'+v)), func(t *testing.T) {
				b := p.AppendPDU(nil, v)
				got, gv, err := Decode(b)
				if err != nil {
					t.Fatalf("Decode(%x): %v", b, err)
				}
				if gv != v {
					t.Errorf("version %d, want %d", gv, v)
				}
				if again := got.AppendPDU(nil, gv); !bytes.Equal(again, b) {
					t.Errorf("re-encoded %x, want %x", again, b)
				}
				if v == Version0 && p.Type() == TypeEndOfData {
					return
				}
				if got.Type() != p.Type() {
					t.Errorf("type %s, want %s", got.Type(), p.Type())
				}
			})
		}
	}
}

// TestWireFormat pins the octets of PDUs to the figures of the RFCs.
func TestWireFormat(t *testing.T) {
	tests := []struct {
		name string
		p    PDU
		v    Version
		hex  string
	}{
		{"reset query v1", ResetQuery{}, 1, "0102000000000008"},
		{"ipv4 prefix", Prefix{Announce: true, Prefix: netip.MustParsePrefix("1.0.0.0/24"), MaxLength: 24, ASN: 13335}, 2,
			"0204000000000014011818000100000000003417"},
		{"end of data v0", EndOfData{SessionID: 0x3cb1, Serial: 5, Refresh: 1}, 0, "00073cb10000000c00000005"},
		{"end of data v1", EndOfData{SessionID: 0x3cb1, Serial: 0, Refresh: 3600, Retry: 600, Expire: 7200}, 1,
			"01073cb1000000180000000000000e100000025800001c20"},
		{"aspa", ASPA{Announce: true, Customer: 64496, Providers: []bgp.ASN{64497}}, 2, "020b01000000001000" + "00fbf00000fbf1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hex.EncodeToString(tt.p.AppendPDU(nil, tt.v)); got != tt.hex {
				t.Errorf("got %s, want %s", got, tt.hex)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	h := func(s string) []byte {
		b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name   string
		in     []byte
		code   ErrorCode
		reason string
	}{
		{"short", h("0102"), CorruptData, "shorter than the 8-octet header"},
		{"version 3", h("0302000000000008"), UnsupportedProtocolVersion, "protocol version 3"},
		{"length field", h("0102000000000009 0000"), CorruptData, "length field 9"},
		{"reset query long", h("0102000000000009 00"), CorruptData, "length 9, want 8"},
		{"reset query not zero", h("0102000100000008"), CorruptData, "zero field"},
		{"serial query short", h("0101000100000008"), CorruptData, "length 8, want 12"},
		{"unknown type", h("0105000000000008"), UnsupportedPDUType, "unknown PDU type 5"},
		{"host bits", h("0104000000000014 011818000100000100003417"), CorruptData, "host bits"},
		{"max length below length", h("0104000000000014 011817000100000000003417"), CorruptData, "max length 23"},
		{"max length above 32", h("0104000000000014 011821000100000000003417"), CorruptData, "max length 33"},
		{"reserved flag", h("0104000000000014 031818000100000000003417"), CorruptData, "reserved flag"},
		{"end of data v0 long", h("0007000100000018 0000000000000e100000025800001c20"), CorruptData, "want 12"},
		{"router key v0", h("0009000000000020" + strings.Repeat("00", 24)), UnsupportedPDUType, "version 0"},
		{"aspa v1", h("010b01000000000c 0000fbf0"), UnsupportedPDUType, "version 1"},
		{"aspa odd length", h("020b01000000000e 0000fbf00000"), CorruptData, "multiple of 4"},
		{"aspa withdrawal with providers", h("020b000000000010 0000fbf00000fbf1"), CorruptData, "withdrawal lists 1"},
		{"error report inner pdu too long", h("010a000000000010 000000ff00000000"), CorruptData, "encapsulated PDU length 255"},
		{"error report text length", h("010a000000000011 0000000000000002 41"), CorruptData, "error text length 2"},
		{"error report not utf8", h("010a000000000011 0000000000000001 ff"), CorruptData, "not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Decode(tt.in)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode: %v, want *Error", err)
			}
			if e.Code != tt.code || !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("got code %d %q, want code %d containing %q", e.Code, e.Reason, tt.code, tt.reason)
			}
			if !strings.Contains(e.Error(), "RFC") && !strings.Contains(e.Error(), "draft") {
				t.Errorf("error %q cites no clause", e)
			}
			if !bytes.Equal(e.PDU, tt.in) {
				t.Errorf("Error.PDU %x, want the input", e.PDU)
			}
		})
	}
}

func TestReader(t *testing.T) {
	var b []byte
	for _, p := range samplePDUs {
		b = p.AppendPDU(b, Version2)
	}
	r := NewReader(bytes.NewReader(b))
	for i := range samplePDUs {
		if _, _, err := r.Next(); err != nil {
			t.Fatalf("PDU %d: %v", i+1, err)
		}
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Fatalf("at the end: %v, want io.EOF", err)
	}

	t.Run("oversized", func(t *testing.T) {
		in := []byte{2, 11, 1, 0, 0x7f, 0xff, 0xff, 0xff}
		_, _, err := NewReader(bytes.NewReader(append(ResetQuery{}.AppendPDU(nil, 2), in...))).skip(1)
		var e *Error
		if !errors.As(err, &e) || e.Index != 2 || e.Off != 8 || !strings.Contains(err.Error(), "PDU 2 at 0x8") {
			t.Fatalf("got %v, want an *Error for PDU 2 at 0x8", err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		in := Prefix{Announce: true, Prefix: netip.MustParsePrefix("192.0.2.0/24"), MaxLength: 24}.AppendPDU(nil, 1)
		_, _, err := NewReader(bytes.NewReader(in[:15])).Next()
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("got %v, want io.ErrUnexpectedEOF", err)
		}
	})
}

// skip reads and discards n PDUs, then returns the next.
func (r *Reader) skip(n int) (PDU, Version, error) {
	for range n {
		if _, _, err := r.Next(); err != nil {
			return nil, 0, err
		}
	}
	return r.Next()
}

// FuzzDecode checks that Decode never panics and that whatever it accepts
// encodes back to the same octets.
func FuzzDecode(f *testing.F) {
	for _, v := range []Version{0, 1, 2} {
		for _, p := range samplePDUs {
			f.Add(p.AppendPDU(nil, v))
		}
	}
	seeds, _ := filepath.Glob("testdata/*.pdu")
	for _, name := range seeds {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, v, err := Decode(b)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		if again := p.AppendPDU(nil, v); !bytes.Equal(again, b) {
			t.Fatalf("round trip: %x became %x", b, again)
		}
	})
}

func TestSerialLess(t *testing.T) {
	tests := []struct {
		a, b uint32
		want bool
	}{
		{1, 2, true}, {2, 1, false}, {5, 5, false},
		{0xffffffff, 0, true}, {0, 0xffffffff, false},
		{0xfffffff0, 0x10, true},
		{0, 1 << 31, false}, {1 << 31, 0, false}, // undefined in RFC 1982: neither
		{0, 1<<31 - 1, true},
	}
	for _, tt := range tests {
		if got := SerialLess(tt.a, tt.b); got != tt.want {
			t.Errorf("SerialLess(%#x, %#x) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
