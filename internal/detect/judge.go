package detect

import (
	"fmt"
	"slices"
	"strings"

	"github.com/manrs/manrs/internal/aspa"
	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
)

// judgeOrigin fills in the verdict of a prefix-origin pair, and tells
// reason why it raises a metric when it does.
func (k *Knowledge) judgeOrigin(pr *pair, reason func(*cause)) {
	p, origin := pr.key.prefix, pr.key.origin
	if k.Bogons != nil {
		if k.Bogons.IsBogonASN(origin) {
			pr.flags |= bogonOrigin
		}
	}
	if k.IRR != nil {
		pr.irr = k.IRR.HasRoute(p, origin)
	}
	var vrps []rpki.VRP
	if k.ROV != nil {
		var st rov.State
		st, _, vrps = k.ROV.ValidateVRPs(nil, p, origin)
		switch st {
		case rov.Valid:
			pr.rpki = incident.Valid
		case rov.Invalid:
			pr.rpki = incident.Invalid
		}
	}
	if pr.flags&bogonOrigin != 0 {
		return
	}
	if pr.rpki == incident.Invalid && !pr.irr {
		authorised := false
		for _, v := range vrps {
			authorised = authorised || v.ASN == origin
		}
		if !authorised {
			pr.flags |= misorigin
			why := &cause{}
			for _, v := range vrps {
				why.detail.Expected = append(why.detail.Expected, v.ASN)
				why.detail.ExactROA = why.detail.ExactROA || v.Prefix == p
			}
			slices.Sort(why.detail.Expected)
			why.detail.Expected = slices.Compact(why.detail.Expected)
			var b strings.Builder
			fmt.Fprintf(&b, "RPKI invalid: no ROA authorises AS%d for %s (covering:", origin, p)
			for i, v := range vrps {
				if i == 4 {
					fmt.Fprintf(&b, " and %d more", len(vrps)-4)
					break
				}
				fmt.Fprintf(&b, " %s-%d AS%d", v.Prefix, v.MaxLength, v.ASN)
			}
			b.WriteString("); no IRR route object")
			if k.IRR == nil {
				b.WriteString(" checked (no IRR data)")
			}
			why.reason = b.String()
			reason(why)
			return
		}
	}
	if k.Bogons != nil {
		if m, bad := k.Bogons.Covering(p); bad {
			pr.flags |= bogonPrefix
			reason(&cause{reason: fmt.Sprintf("bogon prefix: %s lies in %s (%s)", p, m.Prefix, describeBogon(m.Entry))})
		}
	}
}

// describeBogon names a bogon registry entry for a reason.
func describeBogon(e bogon.Entry) string {
	s := e.Name
	if e.Source != "" {
		s += ", " + e.Source
	}
	return s
}

// judgePath appends to dst what an AS path (collector peer first,
// prepends removed, no AS_SET) raises: a bogon ASN (M4, M4C) and a route
// leak (M1, M1C).
func (k *Knowledge) judgePath(seq []bgp.ASN, dst []finding) []finding {
	n := len(seq)
	// Which positions hold a bogon ASN, worked out once: the checks below
	// ask for each position up to four times. Paths longer than the
	// bitmask (none seen in practice) ask the set directly past it.
	var bogons uint64
	if k.Bogons != nil {
		for i := 0; i < n && i < 64; i++ {
			if k.Bogons.IsBogonASN(seq[i]) {
				bogons |= 1 << i
			}
		}
	}
	bogonAt := func(i int) bool {
		if i < 64 {
			return bogons&(1<<i) != 0
		}
		return k.Bogons != nil && k.Bogons.IsBogonASN(seq[i])
	}
	rel := func(a, b bgp.ASN) asrel.Relation {
		if k.Rel == nil {
			return asrel.None
		}
		return k.Rel.Relation(a, b)
	}
	// M4: the leftmost bogon ASN past the collector peer; the culprit
	// is the AS in front of it, which took the route and passed it on.
	for i := 1; i < n; i++ {
		if !bogonAt(i) {
			continue
		}
		j := i - 1
		for j >= 1 && bogonAt(j) {
			j--
		}
		if j >= 0 && !bogonAt(j) {
			culprit := seq[j]
			m, _ := k.Bogons.CheckASN(seq[i])
			why := &cause{reason: fmt.Sprintf("bogon ASN AS%d (%s) in the path behind AS%d", seq[i], describeBogon(m.Entry), culprit),
				detail: incident.Detail{BogonASN: seq[i]}}
			dst = append(dst, finding{metric: incident.M4, asn: culprit, culprit: culprit, why: why})
			if j >= 1 && rel(seq[j-1], culprit) == asrel.ProviderOf {
				dst = append(dst, finding{metric: incident.M4C, asn: seq[j-1], culprit: culprit, why: why})
			}
		}
		break
	}
	// M1: the first valley from the origin: an AS that learned the route
	// from a provider or a peer and passed it to a provider or a peer.
	if k.Rel == nil {
		return dst
	}
	for i := n - 2; i >= 1; i-- {
		a, b, c := seq[i-1], seq[i], seq[i+1]
		if bogonAt(i-1) || bogonAt(i) || bogonAt(i+1) {
			continue
		}
		from := k.Rel.Relation(c, b)
		if from != asrel.ProviderOf && from != asrel.PeerOf {
			continue
		}
		to := k.Rel.Relation(a, b)
		if to != asrel.ProviderOf && to != asrel.PeerOf {
			continue
		}
		typ := leakType(from == asrel.ProviderOf, to == asrel.ProviderOf)
		why := &cause{reason: fmt.Sprintf("route leak (RFC 7908 type %d): AS%d passed a route learned from its %s AS%d to its %s AS%d",
			typ, b, relName(from), c, relName(to), a), detail: incident.Detail{LeakType: typ}}
		if k.ASPA != nil {
			why.detail.ASPA = k.ASPA.Verify(seq, aspa.Downstream).String()
		}
		dst = append(dst, finding{metric: incident.M1, asn: b, culprit: b, why: why})
		if to == asrel.ProviderOf {
			dst = append(dst, finding{metric: incident.M1C, asn: a, culprit: b, why: why})
		}
		break
	}
	return dst
}

// leakType is the RFC 7908 section 3 type of a valley: 1 provider to
// provider, 2 peer to peer, 3 provider to peer, 4 peer to provider.
func leakType(fromProvider, toProvider bool) int {
	switch {
	case fromProvider && toProvider:
		return 1
	case !fromProvider && !toProvider:
		return 2
	case fromProvider:
		return 3
	}
	return 4
}

func relName(r asrel.Relation) string {
	if r == asrel.ProviderOf {
		return "provider"
	}
	return "peer"
}
