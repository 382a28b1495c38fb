package rtr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"unicode/utf8"

	"github.com/manrs/manrs/internal/bgp"
)

// clause names the section of the specification that defines a PDU type
// in version v.
func clause(t Type, v Version) string {
	if t == TypeASPA {
		return "draft-ietf-sidrops-8210bis-25 5.12"
	}
	sec := map[Type]string{
		TypeSerialNotify: "5.2", TypeSerialQuery: "5.3", TypeResetQuery: "5.4", TypeCacheResponse: "5.5",
		TypeIPv4Prefix: "5.6", TypeIPv6Prefix: "5.7", TypeEndOfData: "5.8", TypeCacheReset: "5.9",
		TypeRouterKey: "5.10", TypeErrorReport: "5.11",
	}[t]
	if sec == "" {
		sec = "5"
	}
	if v == Version0 {
		if t == TypeErrorReport {
			sec = "5.10"
		}
		return "RFC 6810 " + sec
	}
	return "RFC 8210 " + sec
}

// Decode decodes b, which must hold exactly one PDU. The decoded PDU does
// not alias b.
func Decode(b []byte) (PDU, Version, error) {
	p, v, err := decode(b)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.PDU = append([]byte(nil), b...)
		}
	}
	return p, v, err
}

func decode(b []byte) (PDU, Version, error) {
	if len(b) < headerLen {
		return nil, 0, newError(0, CorruptData, "RFC 8210 5.1", "%d octets, shorter than the 8-octet header", len(b))
	}
	v, t := Version(b[0]), Type(b[1])
	field := binary.BigEndian.Uint16(b[2:])
	n := binary.BigEndian.Uint32(b[4:])
	if v > MaxVersion {
		return nil, v, newError(t, UnsupportedProtocolVersion, "RFC 8210 7", "protocol version %d, highest supported %d", v, MaxVersion)
	}
	cl := clause(t, v)
	if n != uint32(len(b)) {
		return nil, v, newError(t, CorruptData, cl, "length field %d, PDU has %d octets", n, len(b))
	}
	fixed := func(want int) error {
		if len(b) != want {
			return newError(t, CorruptData, cl, "length %d, want %d", len(b), want)
		}
		return nil
	}
	zero := func() error {
		if field != 0 {
			return newError(t, CorruptData, cl, "zero field is %#04x", field)
		}
		return nil
	}
	switch t {
	case TypeSerialNotify, TypeSerialQuery:
		if err := fixed(serialLen); err != nil {
			return nil, v, err
		}
		serial := binary.BigEndian.Uint32(b[8:])
		if t == TypeSerialNotify {
			return SerialNotify{SessionID: field, Serial: serial}, v, nil
		}
		return SerialQuery{SessionID: field, Serial: serial}, v, nil
	case TypeResetQuery, TypeCacheReset:
		if err := fixed(headerLen); err != nil {
			return nil, v, err
		}
		if err := zero(); err != nil {
			return nil, v, err
		}
		if t == TypeResetQuery {
			return ResetQuery{}, v, nil
		}
		return CacheReset{}, v, nil
	case TypeCacheResponse:
		if err := fixed(headerLen); err != nil {
			return nil, v, err
		}
		return CacheResponse{SessionID: field}, v, nil
	case TypeIPv4Prefix, TypeIPv6Prefix:
		return decodePrefix(b, v, t, cl, zero)
	case TypeEndOfData:
		want := endOfDataV1Len
		if v == Version0 {
			want = endOfDataV0Len
		}
		if err := fixed(want); err != nil {
			return nil, v, err
		}
		p := EndOfData{SessionID: field, Serial: binary.BigEndian.Uint32(b[8:])}
		if v > Version0 {
			p.Refresh = binary.BigEndian.Uint32(b[12:])
			p.Retry = binary.BigEndian.Uint32(b[16:])
			p.Expire = binary.BigEndian.Uint32(b[20:])
		}
		return p, v, nil
	case TypeRouterKey:
		if v == Version0 {
			return nil, v, newError(t, UnsupportedPDUType, "RFC 6810 5", "no Router Key PDU in version 0")
		}
		if len(b) < routerKeyMinLen {
			return nil, v, newError(t, CorruptData, cl, "length %d, shorter than %d", len(b), routerKeyMinLen)
		}
		ann, err := decodeFlags(uint8(field>>8), t, cl)
		if err != nil {
			return nil, v, err
		}
		if field&0xff != 0 {
			return nil, v, newError(t, CorruptData, cl, "zero octet is %#02x", field&0xff)
		}
		p := RouterKey{Announce: ann, ASN: bgp.ASN(binary.BigEndian.Uint32(b[28:]))}
		copy(p.SKI[:], b[8:28])
		p.SPKI = append([]byte(nil), b[32:]...)
		return p, v, nil
	case TypeErrorReport:
		return decodeErrorReport(b, v, cl, field)
	case TypeASPA:
		if v < Version2 {
			return nil, v, newError(t, UnsupportedPDUType, cl, "no ASPA PDU in version %d", v)
		}
		if len(b) < aspaMinLen || (len(b)-aspaMinLen)%4 != 0 {
			return nil, v, newError(t, CorruptData, cl, "length %d is not 12 plus a multiple of 4", len(b))
		}
		ann, err := decodeFlags(uint8(field>>8), t, cl)
		if err != nil {
			return nil, v, err
		}
		if field&0xff != 0 {
			return nil, v, newError(t, CorruptData, cl, "zero octet is %#02x", field&0xff)
		}
		p := ASPA{Announce: ann, Customer: bgp.ASN(binary.BigEndian.Uint32(b[8:]))}
		if k := (len(b) - aspaMinLen) / 4; k > 0 {
			if !ann {
				return nil, v, newError(t, CorruptData, cl, "withdrawal lists %d providers", k)
			}
			p.Providers = make([]bgp.ASN, k)
			for i := range p.Providers {
				p.Providers[i] = bgp.ASN(binary.BigEndian.Uint32(b[aspaMinLen+4*i:]))
			}
		}
		return p, v, nil
	}
	return nil, v, newError(t, UnsupportedPDUType, cl, "unknown PDU type %d", uint8(t))
}

func decodeFlags(f uint8, t Type, cl string) (bool, error) {
	if f&^flagAnnouncement != 0 {
		return false, newError(t, CorruptData, cl, "reserved flag bits set in %#02x", f)
	}
	return f == flagAnnouncement, nil
}

func decodePrefix(b []byte, v Version, t Type, cl string, zero func() error) (PDU, Version, error) {
	want, bits := ipv4PrefixLen, 32
	if t == TypeIPv6Prefix {
		want, bits = ipv6PrefixLen, 128
	}
	if len(b) != want {
		return nil, v, newError(t, CorruptData, cl, "length %d, want %d", len(b), want)
	}
	if err := zero(); err != nil {
		return nil, v, err
	}
	ann, err := decodeFlags(b[8], t, cl)
	if err != nil {
		return nil, v, err
	}
	plen, maxLen := int(b[9]), int(b[10])
	if b[11] != 0 {
		return nil, v, newError(t, CorruptData, cl, "zero octet is %#02x", b[11])
	}
	if plen > bits || maxLen < plen || maxLen > bits {
		return nil, v, newError(t, CorruptData, cl, "prefix length %d, max length %d: want prefix length <= max length <= %d", plen, maxLen, bits)
	}
	addr, _ := netip.AddrFromSlice(b[12 : 12+bits/8])
	pfx := netip.PrefixFrom(addr, plen)
	if pfx.Masked() != pfx {
		return nil, v, newError(t, CorruptData, cl, "prefix %s has host bits set", pfx)
	}
	asn := bgp.ASN(binary.BigEndian.Uint32(b[12+bits/8:]))
	return Prefix{Announce: ann, Prefix: pfx, MaxLength: uint8(maxLen), ASN: asn}, v, nil
}

func decodeErrorReport(b []byte, v Version, cl string, code uint16) (PDU, Version, error) {
	t := TypeErrorReport
	if len(b) < errorReportMin {
		return nil, v, newError(t, CorruptData, cl, "length %d, shorter than %d", len(b), errorReportMin)
	}
	pduLen := binary.BigEndian.Uint32(b[8:])
	if uint64(pduLen) > uint64(len(b)-errorReportMin) {
		return nil, v, newError(t, CorruptData, cl, "encapsulated PDU length %d exceeds the %d octets left", pduLen, len(b)-errorReportMin)
	}
	rest := b[12+pduLen:]
	textLen := binary.BigEndian.Uint32(rest)
	if uint64(textLen) != uint64(len(rest)-4) {
		return nil, v, newError(t, CorruptData, cl, "error text length %d, %d octets left", textLen, len(rest)-4)
	}
	text := rest[4:]
	if !utf8.Valid(text) {
		return nil, v, newError(t, CorruptData, cl, "error text is not UTF-8")
	}
	p := ErrorReport{Code: ErrorCode(code), Text: string(text)}
	if pduLen > 0 {
		p.PDU = append([]byte(nil), b[12:12+pduLen]...)
	}
	return p, v, nil
}

// Reader reads PDUs from a stream, numbering them for errors.
type Reader struct {
	r     io.Reader
	buf   []byte
	index int
	off   int64
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r, buf: make([]byte, 0, 64)} }

// Next reads the next PDU. It returns io.EOF at a clean end of the stream,
// and an *Error, with the PDU's position, for a PDU that breaks the
// protocol.
func (r *Reader) Next() (PDU, Version, error) {
	var hdr [headerLen]byte
	if _, err := io.ReadFull(r.r, hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, 0, fmt.Errorf("rtr: PDU %d at %#x: truncated header: %w", r.index+1, r.off, err)
		}
		return nil, 0, err
	}
	r.index++
	off := r.off
	n := binary.BigEndian.Uint32(hdr[4:])
	if n < headerLen || n > MaxPDULen {
		e := newError(Type(hdr[1]), CorruptData, "RFC 8210 5.1", "length %d outside %d..%d", n, headerLen, MaxPDULen)
		e.Index, e.Off, e.PDU = r.index, off, append([]byte(nil), hdr[:]...)
		return nil, Version(hdr[0]), e
	}
	if cap(r.buf) < int(n) {
		r.buf = make([]byte, n)
	}
	b := r.buf[:n]
	copy(b, hdr[:])
	if _, err := io.ReadFull(r.r, b[headerLen:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, Version(hdr[0]), fmt.Errorf("rtr: PDU %d at %#x: truncated %s: %w", r.index, off, Type(hdr[1]), err)
	}
	r.off += int64(n)
	p, v, err := Decode(b)
	if e, ok := err.(*Error); ok {
		e.Index, e.Off = r.index, off
	}
	return p, v, err
}
