package world

import (
	"math/rand/v2"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpki"
)

// RPKI adoption of a world, after the state of late 2025: about half the
// ASes (weighted towards the larger ones) publish ROAs, and those that do
// cover all they originate; about 1% of routes end up invalid, mostly
// from forgotten more-specifics and ROAs left behind by a previous holder.
const (
	adoptShare       = 0.45 // of stubs; transit ASes adopt more
	maxLengthShare   = 0.12 // ROAs with maxLength beyond the prefix (RFC 9319 advises against)
	forgetShare      = 0.02 // more-specifics an adopting AS has no ROA for
	wrongOriginShare = 0.005
	aspaShare        = 0.004
)

// taOf is the trust anchor of an AS's registry.
func taOf(rir string) string {
	switch rir {
	case "ripencc":
		return "ripe"
	case "arin":
		return "arin"
	case "apnic":
		return "apnic"
	case "lacnic":
		return "lacnic"
	}
	return "afrinic"
}

// buildRPKI makes the VRPs and ASPAs of the world.
func (w *World) buildRPKI(r *rand.Rand) {
	adopts := make([]bool, len(w.ASes))
	for i := range w.ASes {
		share := adoptShare
		if w.ASes[i].Tier != Stub {
			share = 0.7
		}
		adopts[i] = r.Float64() < share
	}
	// A customer that originates a more-specific of its provider's space
	// has it covered when either publishes ROAs: the provider's ROA
	// manager creates them for its customers.
	for i := range w.ASes {
		a := &w.ASes[i]
		ta := taOf(a.RIR)
		providerAdopts := false
		for _, p := range a.Providers {
			providerAdopts = providerAdopts || adopts[p]
		}
		add := func(p Prefix, longest int) {
			switch {
			case adopts[i]:
			case !p.Real && providerAdopts && r.Float64() < 0.9:
			default:
				return
			}
			if r.Float64() < forgetShare {
				return
			}
			v := rpki.VRP{Prefix: p.Prefix, MaxLength: uint8(p.Prefix.Bits()), ASN: a.ASN, TA: ta}
			if r.Float64() < maxLengthShare && p.Prefix.Bits() < longest {
				v.MaxLength = uint8(min(longest, p.Prefix.Bits()+r.IntN(9)))
			}
			if r.Float64() < wrongOriginShare {
				// A ROA left behind by a previous holder.
				v.ASN = w.ASes[r.IntN(len(w.ASes))].ASN
				w.StaleROAs = append(w.StaleROAs, v)
			}
			w.VRPs = append(w.VRPs, v)
		}
		for _, p := range a.IPv4 {
			add(p, 24)
		}
		for _, p := range a.IPv6 {
			add(p, 48)
		}
		if adopts[i] && len(a.Providers) > 0 && r.Float64() < aspaShare*float64(1+len(a.Customers)) {
			asp := rpki.ASPA{Customer: a.ASN, TA: ta}
			for _, p := range a.Providers {
				asp.Providers = append(asp.Providers, w.ASes[p].ASN)
			}
			slices.Sort(asp.Providers)
			w.ASPAs = append(w.ASPAs, asp)
		}
	}
	// Some tier-1 ASes attest that they have no providers (AS0).
	for i := range w.ASes {
		if w.ASes[i].Tier == Tier1 && adopts[i] {
			w.ASPAs = append(w.ASPAs, rpki.ASPA{Customer: w.ASes[i].ASN, Providers: []bgp.ASN{0}, TA: taOf(w.ASes[i].RIR)})
		}
	}
	set := rpki.Set{VRPs: w.VRPs, ASPAs: w.ASPAs}
	set.Dedup()
	w.VRPs, w.ASPAs = set.VRPs, set.ASPAs
}
