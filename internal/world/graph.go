package world

import (
	"cmp"
	"math/rand/v2"
	"net/netip"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
)

// Tier is an AS's place in the transit hierarchy.
type Tier uint8

// Tiers.
const (
	Stub    Tier = iota // no customers
	Transit             // customers and providers
	Tier1               // member of the clique: peers only, no providers
)

func (t Tier) String() string {
	switch t {
	case Tier1:
		return "tier1"
	case Transit:
		return "transit"
	}
	return "stub"
}

// AS is one autonomous system of the world. Relationships are indexes
// into World.ASes, sorted.
type AS struct {
	ASN       bgp.ASN
	Name      string
	Tier      Tier
	Providers []int32
	Customers []int32
	Peers     []int32
	// MLPPeers are the peers reached through an IXP route server
	// (multilateral peering); they are also in Peers.
	MLPPeers []int32
	// IPv4 and IPv6 are the prefixes the AS originates.
	IPv4, IPv6 []Prefix
	// RIR is the registry that allocated the AS and its space.
	RIR string
}

// Prefix is an originated prefix.
type Prefix struct {
	Prefix netip.Prefix
	// Real is set when the prefix comes from the real tables with this
	// origin; carved and allocated prefixes are synthetic.
	Real bool
}

// realTier1 are the ASes of the real tier-1 clique, in the order the
// generator takes them.
var realTier1 = []bgp.ASN{3356, 1299, 174, 2914, 3257, 6762, 6453, 701, 6461, 3491, 7018, 1239, 2828, 5511, 6830, 12956, 3320}

// ixpRouteServers are route server ASNs of large IXPs, used for the IXPs
// of a world.
var ixpRouteServers = []bgp.ASN{6777, 6695, 8714, 24115, 42476, 47541, 16374, 49869}

// rank orders ASes for the hierarchy: a provider always ranks before its
// customers, so that provider links cannot form a cycle.
type ranked struct {
	idx    int32
	weight int // prefixes originated
}

// buildGraph chooses tiers and relationships. a is the world's ASes, the
// tier-1 ASes first; the rest in any order.
func buildGraph(r *rand.Rand, ases []AS, tier1 int) {
	n := len(ases)
	// Rank non-tier-1 ASes by size, then ASN, for determinism.
	order := make([]ranked, 0, n)
	for i := tier1; i < n; i++ {
		order = append(order, ranked{int32(i), len(ases[i].IPv4) + 4*len(ases[i].IPv6)})
	}
	slices.SortFunc(order, func(a, b ranked) int {
		if c := cmp.Compare(b.weight, a.weight); c != 0 {
			return c
		}
		return cmp.Compare(ases[a.idx].ASN, ases[b.idx].ASN)
	})
	for i := 0; i < tier1; i++ {
		ases[i].Tier = Tier1
	}
	// About one AS in seven has customers: the larger ones mostly, a few
	// small ones too.
	nTransit := max(1, (n-tier1)/7)
	for k, o := range order {
		if k < nTransit*8/10 || k >= nTransit*8/10 && r.IntN(40) == 0 && k < len(order)/2 {
			ases[o.idx].Tier = Transit
		}
	}
	// Tier-1 clique.
	for i := 0; i < tier1; i++ {
		for j := i + 1; j < tier1; j++ {
			link(ases, int32(i), int32(j), false)
		}
	}
	// Providers: each AS attaches to ASes ranked before it, preferring
	// those that already have many customers (preferential attachment),
	// transit ASes to 1-4 providers, stubs to 1-3.
	eligible := make([]int32, 0, n) // tier-1 and transit ASes ranked so far
	weights := make([]float64, 0, n)
	total := 0.0
	for i := 0; i < tier1; i++ {
		eligible = append(eligible, int32(i))
		weights = append(weights, 8)
		total += 8
	}
	for _, o := range order {
		a := &ases[o.idx]
		want := 1
		switch x := r.Float64(); {
		case a.Tier == Transit && x < 0.35:
			want = 1
		case a.Tier == Transit && x < 0.75:
			want = 2
		case a.Tier == Transit:
			want = 3 + r.IntN(2)
		case x < 0.6:
			want = 1
		case x < 0.92:
			want = 2
		default:
			want = 3
		}
		want = min(want, len(eligible))
		for tries := 0; len(a.Providers) < want && tries < 20*want; tries++ {
			k := pickWeighted(r, weights, total)
			p := eligible[k]
			if hasLink(ases, o.idx, p) {
				continue
			}
			link(ases, p, o.idx, true)
			weights[k]++
			total++
		}
		if a.Tier == Transit {
			eligible = append(eligible, o.idx)
			weights = append(weights, 1)
			total++
		}
	}
	// Lateral peering among transit ASes of similar rank.
	var transits []int32
	for _, o := range order {
		if ases[o.idx].Tier == Transit {
			transits = append(transits, o.idx)
		}
	}
	for k, t := range transits {
		peers := 1 + int(r.ExpFloat64()*3)
		for j := 0; j < peers; j++ {
			// A peer of similar rank: within a window around k.
			w := max(8, len(transits)/10)
			m := k + r.IntN(2*w+1) - w
			if m < 0 || m >= len(transits) || m == k {
				continue
			}
			u := transits[m]
			if !hasLink(ases, t, u) {
				link(ases, t, u, false)
			}
		}
	}
	for i := range ases {
		a := &ases[i]
		slices.Sort(a.Providers)
		slices.Sort(a.Customers)
		slices.Sort(a.Peers)
	}
}

// link adds a provider-customer link (p provider of c) or a peer link.
func link(ases []AS, p, c int32, transit bool) {
	if transit {
		ases[p].Customers = append(ases[p].Customers, c)
		ases[c].Providers = append(ases[c].Providers, p)
		return
	}
	ases[p].Peers = append(ases[p].Peers, c)
	ases[c].Peers = append(ases[c].Peers, p)
}

func hasLink(ases []AS, a, b int32) bool {
	x := &ases[a]
	return slices.Contains(x.Providers, b) || slices.Contains(x.Customers, b) || slices.Contains(x.Peers, b)
}
