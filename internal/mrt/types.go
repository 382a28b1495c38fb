package mrt

import "strconv"

// Type is an MRT record type (RFC 6396 section 4, IANA "MRT Types").
type Type uint16

// MRT types.
const (
	TypeNull        Type = 0 // deprecated (RFC 6396 appendix B)
	TypeStart       Type = 1
	TypeDie         Type = 2
	TypeIAmDead     Type = 3
	TypePeerDown    Type = 4
	TypeBGP         Type = 5 // deprecated, still in early RIS archives
	TypeRIP         Type = 6
	TypeIDRP        Type = 7
	TypeRIPNG       Type = 8
	TypeBGP4Plus    Type = 9
	TypeBGP4Plus01  Type = 10
	TypeOSPFv2      Type = 11
	TypeTableDump   Type = 12
	TypeTableDumpV2 Type = 13
	TypeBGP4MP      Type = 16
	TypeBGP4MPET    Type = 17
	TypeISIS        Type = 32
	TypeISISET      Type = 33
	TypeOSPFv3      Type = 48
	TypeOSPFv3ET    Type = 49
)

var typeNames = map[Type]string{
	TypeNull: "NULL", TypeStart: "START", TypeDie: "DIE", TypeIAmDead: "I_AM_DEAD",
	TypePeerDown: "PEER_DOWN", TypeBGP: "BGP", TypeRIP: "RIP", TypeIDRP: "IDRP",
	TypeRIPNG: "RIPNG", TypeBGP4Plus: "BGP4PLUS", TypeBGP4Plus01: "BGP4PLUS_01",
	TypeOSPFv2: "OSPFv2", TypeTableDump: "TABLE_DUMP", TypeTableDumpV2: "TABLE_DUMP_V2",
	TypeBGP4MP: "BGP4MP", TypeBGP4MPET: "BGP4MP_ET", TypeISIS: "ISIS", TypeISISET: "ISIS_ET",
	TypeOSPFv3: "OSPFv3", TypeOSPFv3ET: "OSPFv3_ET",
}

func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return "TYPE_" + strconv.Itoa(int(t))
}

// extended reports whether records of type t carry a microsecond field
// after the common header (RFC 6396 section 3).
func (t Type) extended() bool { return t == TypeBGP4MPET || t == TypeISISET || t == TypeOSPFv3ET }

// TABLE_DUMP_V2 subtypes (RFC 6396 section 4.3, RFC 6397, RFC 8050 section 4).
const (
	PeerIndexTable          uint16 = 1
	RIBIPv4Unicast          uint16 = 2
	RIBIPv4Multicast        uint16 = 3
	RIBIPv6Unicast          uint16 = 4
	RIBIPv6Multicast        uint16 = 5
	RIBGeneric              uint16 = 6
	GeoPeerTable            uint16 = 7
	RIBIPv4UnicastAddPath   uint16 = 8
	RIBIPv4MulticastAddPath uint16 = 9
	RIBIPv6UnicastAddPath   uint16 = 10
	RIBIPv6MulticastAddPath uint16 = 11
	RIBGenericAddPath       uint16 = 12
)

// BGP4MP and BGP4MP_ET subtypes (RFC 6396 section 4.4, RFC 8050 section 3).
const (
	BGP4MPStateChange            uint16 = 0
	BGP4MPMessage                uint16 = 1
	BGP4MPEntry                  uint16 = 2 // deprecated
	BGP4MPSnapshot               uint16 = 3 // deprecated
	BGP4MPMessageAS4             uint16 = 4
	BGP4MPStateChangeAS4         uint16 = 5
	BGP4MPMessageLocal           uint16 = 6
	BGP4MPMessageAS4Local        uint16 = 7
	BGP4MPMessageAddPath         uint16 = 8
	BGP4MPMessageAS4AddPath      uint16 = 9
	BGP4MPMessageLocalAddPath    uint16 = 10
	BGP4MPMessageAS4LocalAddPath uint16 = 11
)

// Subtypes of the deprecated type BGP (5).
const (
	BGPNull        uint16 = 0
	BGPUpdate      uint16 = 1
	BGPPrefUpdate  uint16 = 2
	BGPStateChange uint16 = 3
	BGPSync        uint16 = 4
	BGPOpen        uint16 = 5
	BGPNotify      uint16 = 6
	BGPKeepalive   uint16 = 7
)

// TABLE_DUMP (v1) subtypes are address families (RFC 6396 section 4.2).
const (
	TableDumpIPv4 uint16 = 1
	TableDumpIPv6 uint16 = 2
)

// Kind says which decoded form a Record holds.
type Kind uint8

// Record kinds.
const (
	KindTableDump   Kind = iota + 1 // TABLE_DUMP entry: Record.TableDump
	KindPeerIndex                   // TABLE_DUMP_V2 PEER_INDEX_TABLE: Record.PeerIndex
	KindRIB                         // TABLE_DUMP_V2 RIB record: Record.RIB
	KindMessage                     // a BGP message: Record.Message
	KindStateChange                 // a peer state change: Record.State
)

func (k Kind) String() string {
	switch k {
	case KindTableDump:
		return "table-dump"
	case KindPeerIndex:
		return "peer-index"
	case KindRIB:
		return "rib"
	case KindMessage:
		return "message"
	case KindStateChange:
		return "state-change"
	}
	return "kind-" + strconv.Itoa(int(k))
}
