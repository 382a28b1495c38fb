package bgp

import "strconv"

// AFI is an Address Family Identifier (RFC 4760, IANA registry).
type AFI uint16

// Address families that routing archives carry.
const (
	AFIIPv4 AFI = 1
	AFIIPv6 AFI = 2
)

func (a AFI) String() string {
	switch a {
	case AFIIPv4:
		return "ipv4"
	case AFIIPv6:
		return "ipv6"
	}
	return "afi-" + strconv.Itoa(int(a))
}

// SAFI is a Subsequent Address Family Identifier (RFC 4760).
type SAFI uint8

// Subsequent address families.
const (
	SAFIUnicast   SAFI = 1
	SAFIMulticast SAFI = 2
	// SAFIUnicastMulticast is value 3, deprecated by RFC 4760 but present in
	// old archives.
	SAFIUnicastMulticast SAFI = 3
)

func (s SAFI) String() string {
	switch s {
	case SAFIUnicast:
		return "unicast"
	case SAFIMulticast:
		return "multicast"
	case SAFIUnicastMulticast:
		return "unicast-multicast"
	}
	return "safi-" + strconv.Itoa(int(s))
}

// Origin is the value of the ORIGIN attribute (RFC 4271 section 5.1.1).
type Origin uint8

// ORIGIN values.
const (
	OriginIGP        Origin = 0
	OriginEGP        Origin = 1
	OriginIncomplete Origin = 2
)

func (o Origin) String() string {
	switch o {
	case OriginIGP:
		return "IGP"
	case OriginEGP:
		return "EGP"
	case OriginIncomplete:
		return "INCOMPLETE"
	}
	return "origin-" + strconv.Itoa(int(o))
}

// AttrType is a path attribute type code (IANA "BGP Path Attributes").
type AttrType uint8

// Path attribute type codes.
const (
	AttrOrigin           AttrType = 1
	AttrASPath           AttrType = 2
	AttrNextHop          AttrType = 3
	AttrMED              AttrType = 4
	AttrLocalPref        AttrType = 5
	AttrAtomicAggregate  AttrType = 6
	AttrAggregator       AttrType = 7
	AttrCommunities      AttrType = 8
	AttrOriginatorID     AttrType = 9
	AttrClusterList      AttrType = 10
	AttrMPReach          AttrType = 14
	AttrMPUnreach        AttrType = 15
	AttrExtCommunities   AttrType = 16
	AttrAS4Path          AttrType = 17
	AttrAS4Aggregator    AttrType = 18
	AttrOTC              AttrType = 35
	AttrLargeCommunities AttrType = 32
)

var attrNames = [...]string{
	AttrOrigin:           "ORIGIN",
	AttrASPath:           "AS_PATH",
	AttrNextHop:          "NEXT_HOP",
	AttrMED:              "MULTI_EXIT_DISC",
	AttrLocalPref:        "LOCAL_PREF",
	AttrAtomicAggregate:  "ATOMIC_AGGREGATE",
	AttrAggregator:       "AGGREGATOR",
	AttrCommunities:      "COMMUNITIES",
	AttrOriginatorID:     "ORIGINATOR_ID",
	AttrClusterList:      "CLUSTER_LIST",
	AttrMPReach:          "MP_REACH_NLRI",
	AttrMPUnreach:        "MP_UNREACH_NLRI",
	AttrExtCommunities:   "EXTENDED_COMMUNITIES",
	AttrAS4Path:          "AS4_PATH",
	AttrAS4Aggregator:    "AS4_AGGREGATOR",
	AttrLargeCommunities: "LARGE_COMMUNITY",
	AttrOTC:              "ONLY_TO_CUSTOMER",
}

func (t AttrType) String() string {
	if int(t) < len(attrNames) && attrNames[t] != "" {
		return attrNames[t]
	}
	return "ATTR_" + strconv.Itoa(int(t))
}

// Attribute flag bits (RFC 4271 section 4.3).
const (
	FlagOptional   = 0x80
	FlagTransitive = 0x40
	FlagPartial    = 0x20
	FlagExtLen     = 0x10
)
