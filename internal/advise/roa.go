package advise

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
)

// vrpKey is a VRP without its trust anchor and expiry: what a ROA
// authorises.
type vrpKey struct {
	prefix    netip.Prefix
	maxLength uint8
	asn       bgp.ASN
}

// roas gives the ROA advice: the RPKI state of each announced prefix,
// the ROAs to create, the VRPs that make announcements invalid, and the
// ROAs of the AS whose maxLength admits more than it announces.
func (a *advisor) roas() {
	ix := a.in.Index
	type candidate struct {
		prefix netip.Prefix
		why    string
	}
	var cands []candidate
	invalidating := make(map[vrpKey]*Advice)
	var order []vrpKey
	var vrps []rpki.VRP
	for _, p := range a.sortedAnnounced() {
		pr := a.announced[p]
		if ix == nil {
			st := a.stored[p]
			if st == nil {
				continue
			}
			pr.RPKI = st.RPKI.String()
			switch st.RPKI {
			case rov.NotFound:
				cands = append(cands, candidate{p, "not-found: no ROA covered it on the day observed"})
			case rov.Invalid:
				cands = append(cands, candidate{p, "invalid on the day observed: ROAs covered it but none authorised " + a.in.ASN.String() + " (give VRPs to name them)"})
			}
			continue
		}
		var st rov.State
		var reason rov.Reason
		st, reason, vrps = ix.ValidateVRPs(vrps[:0], p, a.in.ASN)
		pr.RPKI = st.String()
		switch st {
		case rov.NotFound:
			cands = append(cands, candidate{p, "not-found: no ROA covers it"})
		case rov.Invalid:
			pr.RPKIReason = reason.String()
			why := fmt.Sprintf("invalid (%s): ROAs cover it but none authorises %s for a /%d", reason, a.in.ASN, p.Bits())
			if reason == rov.ReasonAS {
				why += "; the holder of the space creates it, if " + a.in.ASN.String() + " is to originate it"
			}
			cands = append(cands, candidate{p, why})
			for _, v := range vrps {
				k := vrpKey{v.Prefix, v.MaxLength, v.ASN}
				adv := invalidating[k]
				if adv == nil {
					adv = &Advice{Kind: ROAInvalid, Prefix: v.Prefix, MaxLength: int(v.MaxLength), ASN: v.ASN, TA: v.TA, Reason: a.invalidReason(v)}
					invalidating[k] = adv
					order = append(order, k)
				}
				adv.Covers = append(adv.Covers, p)
			}
		}
	}
	// One ROA per announced prefix, as specific as announced; one ROA
	// with a maxLength only where every more-specific up to it is
	// announced (RFC 9319 section 5).
	// The candidates are sorted: those within a prefix follow it.
	covered := make(map[netip.Prefix]bool)
	for i, c := range cands {
		if covered[c.prefix] {
			continue
		}
		m := a.allAnnounced(c.prefix)
		adv := Advice{Kind: ROAMissing, Prefix: c.prefix, MaxLength: m, ASN: a.in.ASN, Reason: c.why, Covers: []netip.Prefix{c.prefix}}
		for _, d := range cands[i+1:] {
			if !c.prefix.Contains(d.prefix.Addr()) || d.prefix.Addr().Is4() != c.prefix.Addr().Is4() {
				break
			}
			if d.prefix.Bits() <= m {
				covered[d.prefix] = true
				adv.Covers = append(adv.Covers, d.prefix)
			}
		}
		if m > c.prefix.Bits() {
			adv.Reason = fmt.Sprintf("%s; one ROA with maxLength %d, as %s announces every more-specific of it up to /%d (RFC 9319 section 5)", c.why, m, a.in.ASN, m)
		}
		a.add(adv, adv.Covers...)
	}
	for _, k := range order {
		adv := invalidating[k]
		a.add(*adv, adv.Covers...)
	}
	if a.in.VRPs != nil {
		a.looseROAs()
	}
}

// invalidReason says why a covering VRP makes an announcement of the AS
// invalid.
func (a *advisor) invalidReason(v rpki.VRP) string {
	as := a.in.ASN
	switch {
	case v.ASN == 0:
		return "an AS0 ROA: the holder of the space says it is not to be routed (RFC 6483 section 4, RFC 7607)"
	case v.ASN != as:
		return fmt.Sprintf("authorises %s, not %s: a ROA of another origin (a previous holder's, or a provider's for its own routes) covers the announcement", v.ASN, as)
	}
	return fmt.Sprintf("authorises %s only up to /%d, shorter than the announcement: create a ROA for the announced prefix rather than raising maxLength (RFC 9319 section 5)", as, v.MaxLength)
}

// allAnnounced returns the longest length m from p's own such that the
// AS announces every prefix within p of the lengths after p's up to m:
// the maxLength one ROA for p may have under RFC 9319 section 5.
func (a *advisor) allAnnounced(p netip.Prefix) int {
	m := p.Bits()
	level := []netip.Prefix{p}
	for m < p.Addr().BitLen() && 2*len(level) <= len(a.announced) {
		next := make([]netip.Prefix, 0, 2*len(level))
		for _, q := range level {
			lo, hi := halves(q)
			if a.announced[lo] == nil || a.announced[hi] == nil {
				return m
			}
			next = append(next, lo, hi)
		}
		level = next
		m++
	}
	return m
}

// halves splits p into its two halves.
func halves(p netip.Prefix) (lo, hi netip.Prefix) {
	bits := p.Bits()
	lo = netip.PrefixFrom(p.Addr(), bits+1)
	if p.Addr().Is4() {
		b := p.Addr().As4()
		b[bits/8] |= 0x80 >> (bits % 8)
		return lo, netip.PrefixFrom(netip.AddrFrom4(b), bits+1)
	}
	b := p.Addr().As16()
	b[bits/8] |= 0x80 >> (bits % 8)
	return lo, netip.PrefixFrom(netip.AddrFrom16(b), bits+1)
}

// looseROAs advises on the ROAs of the AS with a maxLength beyond their
// prefix that admit more-specifics it does not announce: a forged-origin
// subprefix hijack of those is RPKI-valid (RFC 9319 sections 3 and 5).
func (a *advisor) looseROAs() {
	seen := make(map[vrpKey]bool)
	for _, v := range a.in.VRPs {
		k := vrpKey{v.Prefix, v.MaxLength, v.ASN}
		if v.ASN != a.in.ASN || int(v.MaxLength) <= v.Prefix.Bits() || seen[k] {
			continue
		}
		seen[k] = true
		if a.announced[v.Prefix] != nil && a.allAnnounced(v.Prefix) >= int(v.MaxLength) {
			continue
		}
		adv := Advice{Kind: ROAMaxLength, Prefix: v.Prefix, MaxLength: int(v.MaxLength), ASN: v.ASN, TA: v.TA,
			Covers: a.within(v.Prefix, int(v.MaxLength))}
		var what string
		switch len(adv.Covers) {
		case 0:
			what = "announces none of them"
		default:
			list := make([]string, len(adv.Covers))
			for i, p := range adv.Covers {
				list[i] = p.String()
			}
			what = "announces only " + strings.Join(list, " ")
		}
		adv.Reason = fmt.Sprintf("maxLength %d admits every prefix within it from /%d to /%d, and %s %s: replace it with one ROA per announced prefix, without maxLength (RFC 9319 section 5)",
			v.MaxLength, v.Prefix.Bits(), v.MaxLength, a.in.ASN, what)
		a.add(adv, adv.Covers...)
	}
}
