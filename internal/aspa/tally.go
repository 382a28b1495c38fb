package aspa

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
)

// Counts counts verified paths by outcome.
type Counts struct {
	Valid   int `json:"valid"`
	Invalid int `json:"invalid"`
	Unknown int `json:"unknown"`
}

// Add counts one outcome.
func (c *Counts) Add(s State) {
	switch s {
	case Valid:
		c.Valid++
	case Invalid:
		c.Invalid++
	default:
		c.Unknown++
	}
}

// Total is the number of paths counted.
func (c Counts) Total() int { return c.Valid + c.Invalid + c.Unknown }

// Peer identifies the collector peer that a route came from.
type Peer struct {
	Addr netip.Addr
	ASN  bgp.ASN
}

// PeerCounts are the counts of one peer, by address family.
type PeerCounts struct {
	Peer       Peer
	IPv4, IPv6 Counts
}

// Tally sums verification outcomes by address family and by peer.
type Tally struct {
	IPv4, IPv6 Counts
	peers      map[Peer]*PeerCounts
}

// Add counts the outcome s of a route of prefix p from peer.
func (t *Tally) Add(peer Peer, p netip.Prefix, s State) {
	if t.peers == nil {
		t.peers = make(map[Peer]*PeerCounts)
	}
	pc := t.peers[peer]
	if pc == nil {
		pc = &PeerCounts{Peer: peer}
		t.peers[peer] = pc
	}
	if p.Addr().Is4() {
		t.IPv4.Add(s)
		pc.IPv4.Add(s)
	} else {
		t.IPv6.Add(s)
		pc.IPv6.Add(s)
	}
}

// Peers returns the per-peer counts ordered by peer ASN, then address.
func (t *Tally) Peers() []PeerCounts {
	out := make([]PeerCounts, 0, len(t.peers))
	for _, pc := range t.peers {
		out = append(out, *pc)
	}
	slices.SortFunc(out, func(a, b PeerCounts) int {
		if c := cmp.Compare(a.Peer.ASN, b.Peer.ASN); c != 0 {
			return c
		}
		return a.Peer.Addr.Compare(b.Peer.Addr)
	})
	return out
}
