package world

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpki"
)

// World is a generated Internet.
type World struct {
	Seed  uint64
	Scale Scale
	ASes  []AS // tier-1 ASes first, then ordered by ASN
	index map[bgp.ASN]int32
	// IXPs are the route servers and their members.
	IXPs []IXP
	// VRPs and ASPAs are the RPKI payload; StaleROAs are the VRPs that
	// name an AS other than the prefix's origin.
	VRPs      []rpki.VRP
	ASPAs     []rpki.ASPA
	StaleROAs []rpki.VRP
	// Collectors are the route collectors and their peers.
	Collectors []Collector
}

// IXP is an Internet exchange with a route server.
type IXP struct {
	RouteServer bgp.ASN
	Members     []int32
}

// Index returns the index of asn in w.ASes.
func (w *World) Index(asn bgp.ASN) (int32, bool) {
	i, ok := w.index[asn]
	return i, ok
}

// rirs and their shares of the ASes of a world.
var rirs = []struct {
	name  string
	share float64
}{{"ripencc", 0.36}, {"arin", 0.28}, {"apnic", 0.20}, {"lacnic", 0.11}, {"afrinic", 0.05}}

// Build makes the world of a seed and scale: ASes and their prefixes,
// tiers and relationships, IXPs.
func Build(seedValue uint64, sc Scale) (*World, error) {
	sd, err := loadSeed()
	if err != nil {
		return nil, err
	}
	w := &World{Seed: seedValue, Scale: sc, index: map[bgp.ASN]int32{}}
	r := rng(seedValue, "ases")
	tier1 := realTier1[:min(sc.Tier1, len(realTier1))]
	isTier1 := map[bgp.ASN]bool{}
	for _, a := range tier1 {
		isTier1[a] = true
	}
	// Sample the other ASes from the real origins, uniformly, which keeps
	// the distribution of prefixes per AS.
	pool := make([]int, 0, len(sd.ASes))
	for i, s := range sd.ASes {
		if !isTier1[s.ASN] && !isSpecialASN(s.ASN) {
			pool = append(pool, i)
		}
	}
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	want := max(sc.ASes-len(tier1), 0)
	chosen := pool[:min(want, len(pool))]
	slices.Sort(chosen)
	bySeed := map[bgp.ASN]*seedAS{}
	for i := range sd.ASes {
		bySeed[sd.ASes[i].ASN] = &sd.ASes[i]
	}
	addAS := func(asn bgp.ASN, s *seedAS) {
		a := AS{ASN: asn, Name: sd.Names[asn]}
		if s != nil {
			for _, p := range s.IPv4 {
				a.IPv4 = append(a.IPv4, Prefix{Prefix: p, Real: true})
			}
			for _, p := range s.IPv6 {
				a.IPv6 = append(a.IPv6, Prefix{Prefix: p, Real: true})
			}
		}
		if a.Name == "" {
			a.Name = fmt.Sprintf("SYNTH-AS%d", asn)
		}
		w.index[asn] = int32(len(w.ASes))
		w.ASes = append(w.ASes, a)
	}
	for _, a := range tier1 {
		addAS(a, bySeed[a])
	}
	for _, i := range chosen {
		addAS(sd.ASes[i].ASN, &sd.ASes[i])
	}
	// Beyond the real origins, synthetic ASes from the 4-octet range
	// (which the 2014 tables barely use).
	for next := bgp.ASN(270000); len(w.ASes) < sc.ASes; next++ {
		if _, taken := bySeed[next]; !taken {
			addAS(next, nil)
		}
	}
	rr := rng(seedValue, "rir")
	weights := make([]float64, len(rirs))
	for i, x := range rirs {
		weights[i] = x.share
	}
	for i := range w.ASes {
		w.ASes[i].RIR = rirs[pickWeighted(rr, weights, 1)].name
	}
	buildGraph(rng(seedValue, "graph"), w.ASes, len(tier1))
	w.buildIXPs(rng(seedValue, "ixps"))
	w.fillPrefixes(rng(seedValue, "prefixes"))
	w.buildRPKI(rng(seedValue, "rpki"))
	w.buildCollectors(rng(seedValue, "collectors"))
	return w, nil
}

// isSpecialASN reports ASNs that a real origin table should not hold
// (private use, documentation, AS_TRANS): the generator leaves them out
// so that the only bogon ASNs of a world are the injected ones.
func isSpecialASN(a bgp.ASN) bool {
	return a == 0 || a == bgp.ASTrans || a >= 64496 && a <= 131071 || a >= 4200000000
}

// buildIXPs makes IXPs whose members peer multilaterally through the
// route server (CAIDA's "mlp" links).
func (w *World) buildIXPs(r *rand.Rand) {
	var candidates []int32
	for i := range w.ASes {
		if w.ASes[i].Tier != Tier1 {
			candidates = append(candidates, int32(i))
		}
	}
	for k := 0; k < w.Scale.IXPs && k < len(ixpRouteServers); k++ {
		ix := IXP{RouteServer: ixpRouteServers[k]}
		size := min(len(candidates), 5+len(candidates)/(4+2*k))
		perm := r.Perm(len(candidates))[:size]
		for _, p := range perm {
			ix.Members = append(ix.Members, candidates[p])
		}
		slices.Sort(ix.Members)
		// Each member peers with a few others through the route server.
		for _, m := range ix.Members {
			for range 1 + r.IntN(4) {
				o := ix.Members[r.IntN(len(ix.Members))]
				if o == m || hasLink(w.ASes, m, o) {
					continue
				}
				link(w.ASes, m, o, false)
				w.ASes[m].MLPPeers = append(w.ASes[m].MLPPeers, o)
				w.ASes[o].MLPPeers = append(w.ASes[o].MLPPeers, m)
			}
		}
		w.IXPs = append(w.IXPs, ix)
	}
	for i := range w.ASes {
		slices.Sort(w.ASes[i].Peers)
		slices.Sort(w.ASes[i].MLPPeers)
	}
}

// fillPrefixes gives ASes without prefixes an allocation, and carves
// more-specifics until the scale's prefix counts are reached.
func (w *World) fillPrefixes(r *rand.Rand) {
	// Every prefix has one origin: carving never reuses a prefix that an
	// AS already originates (that would be a conflict nobody injected).
	taken := map[netip.Prefix]bool{}
	for i := range w.ASes {
		for _, p := range w.ASes[i].IPv4 {
			taken[p.Prefix] = true
		}
	}
	// Synthetic ASes without space take a /24 out of a provider's
	// IPv4 prefixes (provider-aggregatable space, as customers do).
	for i := range w.ASes {
		a := &w.ASes[i]
		if len(a.IPv4) > 0 || len(a.Providers) == 0 {
			continue
		}
		if p, ok := w.carve(r, a.Providers[r.IntN(len(a.Providers))], 24); ok && !taken[p] {
			taken[p] = true
			a.IPv4 = append(a.IPv4, Prefix{Prefix: p})
		}
	}
	// IPv6: new allocations from 2a10::/12, which the real tables do not
	// use, until the target is reached.
	count6 := 0
	for i := range w.ASes {
		count6 += len(w.ASes[i].IPv6)
	}
	next6 := uint64(0x2a10) << 48
	for count6 < w.Scale.IPv6 {
		i := r.IntN(len(w.ASes))
		a := &w.ASes[i]
		bits := 48
		if a.Tier != Stub {
			bits = 32
		}
		var b [16]byte
		for k := 0; k < 8; k++ {
			b[k] = byte(next6 >> (56 - 8*k))
		}
		a.IPv6 = append(a.IPv6, Prefix{Prefix: netip.PrefixFrom(netip.AddrFrom16(b), bits)})
		next6 += 1 << (64 - 32) // a /32 apart
		count6++
	}
	// IPv4: carve /24s out of shorter prefixes, for the AS itself or one
	// of its customers.
	count4 := 0
	type carvable struct {
		as int32
		p  netip.Prefix
	}
	var pool []carvable
	for i := range w.ASes {
		count4 += len(w.ASes[i].IPv4)
		for _, p := range w.ASes[i].IPv4 {
			if p.Prefix.Bits() <= 22 {
				pool = append(pool, carvable{int32(i), p.Prefix})
			}
		}
	}
	for tries := 0; count4 < w.Scale.IPv4 && len(pool) > 0 && tries < 4*w.Scale.IPv4; tries++ {
		c := pool[r.IntN(len(pool))]
		to := c.as
		if cs := w.ASes[c.as].Customers; len(cs) > 0 && r.IntN(2) == 0 {
			to = cs[r.IntN(len(cs))]
		}
		p := carveFrom(r, c.p, 24)
		if !taken[p] {
			taken[p] = true
			w.ASes[to].IPv4 = append(w.ASes[to].IPv4, Prefix{Prefix: p})
			count4++
		}
	}
	for i := range w.ASes {
		a := &w.ASes[i]
		slices.SortFunc(a.IPv4, comparePrefix)
		a.IPv4 = slices.CompactFunc(a.IPv4, func(x, y Prefix) bool { return x.Prefix == y.Prefix })
		slices.SortFunc(a.IPv6, comparePrefix)
		a.IPv6 = slices.CompactFunc(a.IPv6, func(x, y Prefix) bool { return x.Prefix == y.Prefix })
	}
}

func comparePrefix(a, b Prefix) int {
	if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits())
}

// carve returns a random more-specific of length bits inside one of the
// IPv4 prefixes of AS i that is shorter than bits.
func (w *World) carve(r *rand.Rand, i int32, bits int) (netip.Prefix, bool) {
	a := &w.ASes[i]
	if len(a.IPv4) == 0 {
		return netip.Prefix{}, false
	}
	p := a.IPv4[r.IntN(len(a.IPv4))].Prefix
	if p.Bits() >= bits {
		return netip.Prefix{}, false
	}
	return carveFrom(r, p, bits), true
}

// carveFrom returns a random more-specific of length bits inside p.
func carveFrom(r *rand.Rand, p netip.Prefix, bits int) netip.Prefix {
	b := p.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= uint32(r.IntN(1<<(bits-p.Bits()))) << (32 - bits)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits)
}
