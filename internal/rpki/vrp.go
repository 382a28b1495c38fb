package rpki

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// VRP is a Validated ROA Payload (RFC 6811 section 2): the origin ASN that
// may announce Prefix and its more-specifics up to MaxLength.
type VRP struct {
	Prefix    netip.Prefix
	MaxLength uint8
	ASN       bgp.ASN
	TA        string // trust anchor name, "" if unknown
	Expires   int64  // unix seconds, 0 if unknown
}

// ASPA is a validated ASPA payload (draft-ietf-sidrops-aspa-profile): the
// ASes that Customer has authorised as its providers.
type ASPA struct {
	Customer  bgp.ASN
	Providers []bgp.ASN // sorted, no duplicates
	TA        string
	Expires   int64
}

// Metadata describes where a Set came from.
type Metadata struct {
	// BuildTime is when the validator produced the data; zero if unknown.
	BuildTime time.Time
}

// Set is a collection of VRPs and ASPAs.
type Set struct {
	VRPs     []VRP
	ASPAs    []ASPA
	Metadata Metadata
}

// CompareVRP orders VRPs canonically: IPv4 before IPv6, then by address,
// prefix length, maximum length, ASN, trust anchor and expiry.
func CompareVRP(a, b VRP) int {
	if c := compareKey(a, b); c != 0 {
		return c
	}
	if c := cmp.Compare(a.TA, b.TA); c != 0 {
		return c
	}
	return cmp.Compare(a.Expires, b.Expires)
}

// compareKey orders by the VRP's identity (prefix, maxLength, ASN) only.
func compareKey(a, b VRP) int {
	// netip.Addr.Compare puts IPv4 before IPv6.
	if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.MaxLength, b.MaxLength); c != 0 {
		return c
	}
	return cmp.Compare(a.ASN, b.ASN)
}

// Sort puts the VRPs and ASPAs in canonical order.
func (s *Set) Sort() {
	slices.SortFunc(s.VRPs, CompareVRP)
	slices.SortFunc(s.ASPAs, func(a, b ASPA) int {
		if c := cmp.Compare(a.Customer, b.Customer); c != 0 {
			return c
		}
		return cmp.Compare(a.TA, b.TA)
	})
}

// Dedup sorts the set and merges duplicates. VRPs with the same prefix,
// maximum length and ASN are one VRP (RFC 6811 section 2 compares only
// those); the first non-empty trust anchor in order is kept, with the
// latest expiry.
// ASPAs for the same customer are merged into one whose providers are the
// union, as an RTR cache merges them; the first non-empty trust anchor in
// order is kept, with the latest expiry.
func (s *Set) Dedup() {
	s.Sort()
	s.VRPs = dedupVRPs(s.VRPs)
	s.ASPAs = dedupASPAs(s.ASPAs)
}

func dedupVRPs(v []VRP) []VRP {
	if len(v) < 2 {
		return v
	}
	out := v[:1]
	for _, x := range v[1:] {
		last := &out[len(out)-1]
		if compareKey(*last, x) == 0 {
			last.Expires = max(last.Expires, x.Expires)
			if last.TA == "" {
				last.TA = x.TA
			}
			continue
		}
		out = append(out, x)
	}
	clear(v[len(out):])
	return out[:len(out):len(out)]
}

func dedupASPAs(a []ASPA) []ASPA {
	for i := range a {
		a[i].Providers = normaliseProviders(a[i].Providers)
	}
	if len(a) < 2 {
		return a
	}
	out := a[:1]
	for _, x := range a[1:] {
		last := &out[len(out)-1]
		if last.Customer == x.Customer {
			last.Providers = normaliseProviders(append(slices.Clip(last.Providers), x.Providers...))
			last.Expires = max(last.Expires, x.Expires)
			if last.TA == "" {
				last.TA = x.TA
			}
			continue
		}
		out = append(out, x)
	}
	clear(a[len(out):])
	return out[:len(out):len(out)]
}

// normaliseProviders sorts p and removes duplicates, in place.
func normaliseProviders(p []bgp.ASN) []bgp.ASN {
	if !slices.IsSorted(p) {
		slices.Sort(p)
	}
	return slices.Compact(p)
}

// Equal reports whether two sets hold the same VRPs and ASPAs in the same
// order; metadata is not compared.
func (s *Set) Equal(o *Set) bool {
	if !slices.Equal(s.VRPs, o.VRPs) {
		return false
	}
	return slices.EqualFunc(s.ASPAs, o.ASPAs, func(a, b ASPA) bool {
		return a.Customer == b.Customer && a.TA == b.TA && a.Expires == b.Expires &&
			slices.Equal(a.Providers, b.Providers)
	})
}

// Merge appends the payload of o to s; the later build time wins. Call
// Dedup afterwards for a canonical set.
func (s *Set) Merge(o *Set) {
	s.VRPs = append(s.VRPs, o.VRPs...)
	s.ASPAs = append(s.ASPAs, o.ASPAs...)
	if o.Metadata.BuildTime.After(s.Metadata.BuildTime) {
		s.Metadata.BuildTime = o.Metadata.BuildTime
	}
}
