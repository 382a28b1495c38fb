package rtr

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/manrs/manrs/internal/bgp"
)

// Version is an RTR protocol version.
type Version uint8

// Protocol versions.
const (
	Version0 Version = 0 // RFC 6810
	Version1 Version = 1 // RFC 8210
	Version2 Version = 2 // draft-ietf-sidrops-8210bis-25

	// MaxVersion is the highest version spoken.
	MaxVersion = Version2
)

// Type is a PDU type (RFC 8210 section 5, draft-ietf-sidrops-8210bis-25
// section 5).
type Type uint8

// PDU types.
const (
	TypeSerialNotify  Type = 0
	TypeSerialQuery   Type = 1
	TypeResetQuery    Type = 2
	TypeCacheResponse Type = 3
	TypeIPv4Prefix    Type = 4
	TypeIPv6Prefix    Type = 6
	TypeEndOfData     Type = 7
	TypeCacheReset    Type = 8
	TypeRouterKey     Type = 9
	TypeErrorReport   Type = 10
	TypeASPA          Type = 11
)

var typeNames = map[Type]string{
	TypeSerialNotify:  "Serial Notify",
	TypeSerialQuery:   "Serial Query",
	TypeResetQuery:    "Reset Query",
	TypeCacheResponse: "Cache Response",
	TypeIPv4Prefix:    "IPv4 Prefix",
	TypeIPv6Prefix:    "IPv6 Prefix",
	TypeEndOfData:     "End of Data",
	TypeCacheReset:    "Cache Reset",
	TypeRouterKey:     "Router Key",
	TypeErrorReport:   "Error Report",
	TypeASPA:          "ASPA",
}

func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("type %d", uint8(t))
}

// ErrorCode is the code of an Error Report (RFC 8210 section 12).
type ErrorCode uint16

// Error Report codes.
const (
	CorruptData                   ErrorCode = 0
	InternalError                 ErrorCode = 1
	NoDataAvailable               ErrorCode = 2
	InvalidRequest                ErrorCode = 3
	UnsupportedProtocolVersion    ErrorCode = 4
	UnsupportedPDUType            ErrorCode = 5
	WithdrawalOfUnknownRecord     ErrorCode = 6
	DuplicateAnnouncementReceived ErrorCode = 7
	UnexpectedProtocolVersion     ErrorCode = 8
)

var codeNames = [...]string{
	"corrupt data", "internal error", "no data available", "invalid request",
	"unsupported protocol version", "unsupported PDU type", "withdrawal of unknown record",
	"duplicate announcement received", "unexpected protocol version",
}

func (c ErrorCode) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("error code %d", uint16(c))
}

// Lengths of the fixed-size PDUs and caps on the variable ones.
const (
	headerLen        = 8
	serialLen        = 12 // Serial Notify, Serial Query
	ipv4PrefixLen    = 20
	ipv6PrefixLen    = 32
	endOfDataV0Len   = 12
	endOfDataV1Len   = 24
	routerKeyMinLen  = 32 // header, SKI, ASN
	errorReportMin   = 16 // header, two length fields
	aspaMinLen       = 12 // header, customer ASN
	flagAnnouncement = 1

	// MaxPDULen is the longest PDU accepted. It bounds what a peer can make
	// us allocate; an ASPA PDU with 65,535 providers fits.
	MaxPDULen = 1 << 18
)

// PDU is a decoded RTR PDU.
type PDU interface {
	// Type returns the PDU type.
	Type() Type
	// AppendPDU appends the PDU encoded for version v to b.
	AppendPDU(b []byte, v Version) []byte
}

// SerialNotify tells a router that the cache has new data (RFC 8210 5.2).
type SerialNotify struct {
	SessionID uint16
	Serial    uint32
}

// SerialQuery asks for the changes since Serial (RFC 8210 5.3).
type SerialQuery struct {
	SessionID uint16
	Serial    uint32
}

// ResetQuery asks for the full set (RFC 8210 5.4).
type ResetQuery struct{}

// CacheResponse starts an answer to a query (RFC 8210 5.5).
type CacheResponse struct {
	SessionID uint16
}

// Prefix is an IPv4 or IPv6 Prefix PDU (RFC 8210 5.6, 5.7): a VRP
// announced or withdrawn. The address family of Prefix chooses the type.
type Prefix struct {
	Announce  bool
	Prefix    netip.Prefix
	MaxLength uint8
	ASN       bgp.ASN
}

// EndOfData ends an answer (RFC 8210 5.8). Version 0 carries only the
// serial (RFC 6810 5.8); the intervals are in seconds.
type EndOfData struct {
	SessionID uint16
	Serial    uint32
	Refresh   uint32
	Retry     uint32
	Expire    uint32
}

// CacheReset tells a router that the cache cannot answer its Serial Query
// incrementally (RFC 8210 5.9).
type CacheReset struct{}

// RouterKey is a BGPsec router key (RFC 8210 5.10), version 1 and later.
type RouterKey struct {
	Announce bool
	SKI      [20]byte
	ASN      bgp.ASN
	SPKI     []byte
}

// ErrorReport reports an error (RFC 8210 5.11). PDU is the erroneous PDU
// (possibly empty), Text a UTF-8 diagnostic (possibly empty).
type ErrorReport struct {
	Code ErrorCode
	PDU  []byte
	Text string
}

// ASPA is an ASPA PDU (draft-ietf-sidrops-8210bis-25 section 5.12),
// version 2 only. A withdrawal carries no providers.
type ASPA struct {
	Announce  bool
	Customer  bgp.ASN
	Providers []bgp.ASN
}

func (SerialNotify) Type() Type  { return TypeSerialNotify }
func (SerialQuery) Type() Type   { return TypeSerialQuery }
func (ResetQuery) Type() Type    { return TypeResetQuery }
func (CacheResponse) Type() Type { return TypeCacheResponse }
func (CacheReset) Type() Type    { return TypeCacheReset }
func (EndOfData) Type() Type     { return TypeEndOfData }
func (RouterKey) Type() Type     { return TypeRouterKey }
func (ErrorReport) Type() Type   { return TypeErrorReport }
func (ASPA) Type() Type          { return TypeASPA }

// Type returns TypeIPv4Prefix or TypeIPv6Prefix.
func (p Prefix) Type() Type {
	if p.Prefix.Addr().Is4() {
		return TypeIPv4Prefix
	}
	return TypeIPv6Prefix
}

func appendHeader(b []byte, v Version, t Type, field uint16, length int) []byte {
	b = append(b, byte(v), byte(t))
	b = binary.BigEndian.AppendUint16(b, field)
	return binary.BigEndian.AppendUint32(b, uint32(length))
}

func flags(announce bool) byte {
	if announce {
		return flagAnnouncement
	}
	return 0
}

func (p SerialNotify) AppendPDU(b []byte, v Version) []byte {
	return binary.BigEndian.AppendUint32(appendHeader(b, v, TypeSerialNotify, p.SessionID, serialLen), p.Serial)
}

func (p SerialQuery) AppendPDU(b []byte, v Version) []byte {
	return binary.BigEndian.AppendUint32(appendHeader(b, v, TypeSerialQuery, p.SessionID, serialLen), p.Serial)
}

func (ResetQuery) AppendPDU(b []byte, v Version) []byte {
	return appendHeader(b, v, TypeResetQuery, 0, headerLen)
}

func (p CacheResponse) AppendPDU(b []byte, v Version) []byte {
	return appendHeader(b, v, TypeCacheResponse, p.SessionID, headerLen)
}

func (CacheReset) AppendPDU(b []byte, v Version) []byte {
	return appendHeader(b, v, TypeCacheReset, 0, headerLen)
}

func (p Prefix) AppendPDU(b []byte, v Version) []byte {
	n := ipv6PrefixLen
	if p.Prefix.Addr().Is4() {
		n = ipv4PrefixLen
	}
	b = appendHeader(b, v, p.Type(), 0, n)
	b = append(b, flags(p.Announce), byte(p.Prefix.Bits()), p.MaxLength, 0)
	b = append(b, p.Prefix.Addr().AsSlice()...)
	return binary.BigEndian.AppendUint32(b, uint32(p.ASN))
}

func (p EndOfData) AppendPDU(b []byte, v Version) []byte {
	if v == Version0 {
		return binary.BigEndian.AppendUint32(appendHeader(b, v, TypeEndOfData, p.SessionID, endOfDataV0Len), p.Serial)
	}
	b = appendHeader(b, v, TypeEndOfData, p.SessionID, endOfDataV1Len)
	for _, x := range [...]uint32{p.Serial, p.Refresh, p.Retry, p.Expire} {
		b = binary.BigEndian.AppendUint32(b, x)
	}
	return b
}

func (p RouterKey) AppendPDU(b []byte, v Version) []byte {
	b = appendHeader(b, v, TypeRouterKey, uint16(flags(p.Announce))<<8, routerKeyMinLen+len(p.SPKI))
	b = append(b, p.SKI[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(p.ASN))
	return append(b, p.SPKI...)
}

func (p ErrorReport) AppendPDU(b []byte, v Version) []byte {
	b = appendHeader(b, v, TypeErrorReport, uint16(p.Code), errorReportMin+len(p.PDU)+len(p.Text))
	b = binary.BigEndian.AppendUint32(b, uint32(len(p.PDU)))
	b = append(b, p.PDU...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(p.Text)))
	return append(b, p.Text...)
}

func (p ASPA) AppendPDU(b []byte, v Version) []byte {
	b = appendHeader(b, v, TypeASPA, uint16(flags(p.Announce))<<8, aspaMinLen+4*len(p.Providers))
	b = binary.BigEndian.AppendUint32(b, uint32(p.Customer))
	for _, a := range p.Providers {
		b = binary.BigEndian.AppendUint32(b, uint32(a))
	}
	return b
}
