package mrt

import (
	"net/netip"

	"github.com/manrs/manrs/internal/bgp"
)

// HeaderLen is the length of the MRT common header (RFC 6396 section 2).
const HeaderLen = 12

// Header is the MRT common header; for the _ET types it includes the
// microsecond timestamp (RFC 6396 section 3).
type Header struct {
	Timestamp    uint32
	Type         Type
	Subtype      uint16
	Length       uint32 // of the message that follows the 12-byte header
	Microseconds uint32 // _ET types only
}

// Record is one decoded MRT record. The field that its Kind names is set;
// the others hold stale data. A Record and everything it points to is
// reused by the Reader's next call to Next.
type Record struct {
	Header Header
	Num    int   // 1 for the first record of the stream
	Offset int64 // byte offset of the header in the (decompressed) stream
	Kind   Kind
	// Err is set when the record could be decoded only in part: the
	// fields hold what was decoded before the fault (the prefixes before
	// a truncated one, the RIB entries the record really holds).
	Err error

	TableDump TableDump
	PeerIndex *PeerIndex // the table in force; set for every record after one was read
	RIB       RIB
	Message   Message
	State     StateChange
}

// Peer is a BGP peer of a collector, from a PEER_INDEX_TABLE.
type Peer struct {
	BGPID netip.Addr
	Addr  netip.Addr
	ASN   bgp.ASN
}

// PeerIndex is a TABLE_DUMP_V2 PEER_INDEX_TABLE (RFC 6396 section 4.3.1).
type PeerIndex struct {
	CollectorID netip.Addr
	ViewName    string
	Peers       []Peer
}

// TableDump is a TABLE_DUMP (v1) entry (RFC 6396 section 4.2): one route
// of one peer. Its attributes use two-octet ASNs.
type TableDump struct {
	View       uint16
	Sequence   uint16
	Prefix     netip.Prefix
	Status     uint8
	Originated uint32
	PeerAddr   netip.Addr
	PeerAS     bgp.ASN
	AS4        bool // subtypes 3 and 4: four-octet ASNs
	Attrs      bgp.Attrs
}

// RIB is a TABLE_DUMP_V2 RIB record (RFC 6396 sections 4.3.2 and 4.3.3,
// RFC 8050 section 4): one prefix and the route of each peer that has it.
type RIB struct {
	Sequence uint32
	AFI      bgp.AFI
	SAFI     bgp.SAFI
	Prefix   netip.Prefix // as encoded: host bits are kept
	// NLRI holds the NLRI of a RIB_GENERIC record whose family package
	// bgp does not decode; Prefix is then invalid.
	NLRI    []byte
	Generic bool
	AddPath bool
	Entries []RIBEntry
}

// RIBEntry is one peer's route in a RIB record.
type RIBEntry struct {
	PeerIndex  uint16
	Peer       Peer
	Originated uint32
	PathID     uint32 // ADD-PATH subtypes only
	Attrs      bgp.Attrs
	// Err is set when this entry's attributes could not be decoded; the
	// entry is then kept only so that its peer and position are known.
	Err error
}

// Message is a BGP message with the session it was seen on: a BGP4MP
// MESSAGE* record (RFC 6396 section 4.4.2) or an UPDATE of the deprecated
// type BGP.
type Message struct {
	PeerAS    bgp.ASN
	LocalAS   bgp.ASN
	Interface uint16
	AFI       bgp.AFI // family of the two addresses
	PeerAddr  netip.Addr
	LocalAddr netip.Addr
	// Local is set for the _LOCAL subtypes: the message was sent by the
	// collector, not received (RFC 6396 section 4.4.6).
	Local   bool
	AS4     bool
	AddPath bool
	BGP     bgp.Message
}

// StateChange is a BGP FSM state change of a peer (RFC 6396 sections
// 4.4.1 and 4.4.4).
type StateChange struct {
	PeerAS    bgp.ASN
	LocalAS   bgp.ASN
	Interface uint16
	AFI       bgp.AFI
	PeerAddr  netip.Addr
	LocalAddr netip.Addr
	OldState  uint16
	NewState  uint16
}
