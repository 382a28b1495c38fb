package world

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
)

// Collector is a route collector with BGP sessions to peers.
type Collector struct {
	Name string
	// Style is how the collector publishes: "ris" (RIPE RIS: bview and
	// updates files, gzip) or "routeviews" (RIBS and UPDATES, bzip2).
	Style string
	// Addr4 and Addr6 are the collector's session addresses.
	Addr4, Addr6 netip.Addr
	Peers        []CollectorPeer
}

// CollectorPeer is an AS that feeds a collector, over one IPv4 and one
// IPv6 session.
type CollectorPeer struct {
	AS           int32
	Addr4, Addr6 netip.Addr
	// Full is set for a full-table feed; a partial feed sends only the
	// peer's own and its customers' routes, as a lateral peer would.
	Full bool
}

// addr is the peer's address on the session that carries p.
func (p *CollectorPeer) addr(q netip.Prefix) netip.Addr {
	if q.Addr().Is6() {
		return p.Addr6
	}
	return p.Addr4
}

// collectorNames are the names of the collectors of a world, by style.
var collectorNames = []struct{ name, style string }{
	{"rrc00", "ris"}, {"route-views2", "routeviews"}, {"rrc01", "ris"}, {"route-views.linx", "routeviews"},
	{"rrc03", "ris"}, {"route-views6", "routeviews"},
}

// buildCollectors chooses the peers of each collector: about seven in ten
// full feeds from tier-1 and transit ASes, the others partial feeds from
// any AS. Session addresses come from 198.18.0.0/15 and 2001:db8::/32,
// which are never routed.
func (w *World) buildCollectors(r *rand.Rand) {
	var transit, any []int32
	for i := range w.ASes {
		any = append(any, int32(i))
		if w.ASes[i].Tier != Stub {
			transit = append(transit, int32(i))
		}
	}
	for c := 0; c < w.Scale.Collectors && c < len(collectorNames); c++ {
		col := Collector{
			Name:  collectorNames[c].name,
			Style: collectorNames[c].style,
			Addr4: netip.AddrFrom4([4]byte{198, 18, byte(c), 254}),
			Addr6: netip.MustParseAddr(fmt.Sprintf("2001:db8:%x::fe", c)),
		}
		used := map[int32]bool{}
		for k := 0; len(col.Peers) < w.Scale.PeersPerCollector && k < 50*w.Scale.PeersPerCollector; k++ {
			full := r.Float64() < 0.7
			pool := any
			if full {
				pool = transit
			}
			a := pool[r.IntN(len(pool))]
			if used[a] {
				continue
			}
			used[a] = true
			n := len(col.Peers) + 1
			col.Peers = append(col.Peers, CollectorPeer{
				AS:    a,
				Addr4: netip.AddrFrom4([4]byte{198, 18, byte(c), byte(n)}),
				Addr6: netip.MustParseAddr(fmt.Sprintf("2001:db8:%x::%x", c, n)),
				Full:  full,
			})
		}
		slices.SortFunc(col.Peers, func(a, b CollectorPeer) int { return a.Addr4.Compare(b.Addr4) })
		w.Collectors = append(w.Collectors, col)
	}
}

// exports reports whether a peer sends the collector a route it learned
// in the given way.
func (p *CollectorPeer) exports(k routeKind) bool {
	return k != kindNone && (p.Full || k == kindSelf || k == kindCustomer)
}
