package rov

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
)

// Counts counts routes by validation outcome.
type Counts struct {
	Valid         int `json:"valid"`
	InvalidAS     int `json:"invalid_as"`
	InvalidLength int `json:"invalid_length"`
	NotFound      int `json:"not_found"`
}

// Add counts one route.
func (c *Counts) Add(s State, r Reason) {
	switch {
	case s == Valid:
		c.Valid++
	case s == Invalid && r == ReasonLength:
		c.InvalidLength++
	case s == Invalid:
		c.InvalidAS++
	default:
		c.NotFound++
	}
}

// Total is the number of routes counted.
func (c Counts) Total() int { return c.Valid + c.InvalidAS + c.InvalidLength + c.NotFound }

// Peer identifies the collector peer that a route came from.
type Peer struct {
	Addr netip.Addr
	ASN  bgp.ASN
}

// PeerCounts are the counts of one peer, by address family.
type PeerCounts struct {
	Peer Peer
	IPv4 Counts
	IPv6 Counts
}

// Tally sums validation outcomes by address family and by peer.
type Tally struct {
	IPv4, IPv6 Counts
	peers      map[Peer]*PeerCounts
}

// Add counts a route of prefix p from peer.
func (t *Tally) Add(peer Peer, p netip.Prefix, s State, r Reason) {
	if t.peers == nil {
		t.peers = make(map[Peer]*PeerCounts)
	}
	pc := t.peers[peer]
	if pc == nil {
		pc = &PeerCounts{Peer: peer}
		t.peers[peer] = pc
	}
	if p.Addr().Is4() {
		t.IPv4.Add(s, r)
		pc.IPv4.Add(s, r)
	} else {
		t.IPv6.Add(s, r)
		pc.IPv6.Add(s, r)
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
