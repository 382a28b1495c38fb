package filter

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/irr"
)

// ExpandOptions tune Expand.
type ExpandOptions struct {
	// V6 selects route6 objects and IPv6 prefixes (bgpq4 -6); else
	// route objects and IPv4 prefixes.
	V6 bool
	// Routes resolves AS numbers to the prefixes of their route
	// objects, for prefix lists. Without it only the AS numbers are
	// gathered, for AS-path lists and AS lists.
	Routes bool
	// Sources restricts the expansion to these IRR sources (bgpq4 -S):
	// sets and route objects are taken from them only. Empty means every
	// source of the DB. A source the DB holds nothing of is reported in
	// Expansion.MissingSources.
	Sources []string
	// MaxDepth is the deepest level of nested sets expanded (bgpq4 -L),
	// the named set being level 1; 0 for irr.DefaultMaxDepth.
	MaxDepth int
	// MaxLength leaves out prefixes longer than this (bgpq4 -m); 0 for
	// none.
	MaxLength int
	// Special keeps the AS numbers SpecialASN names (bgpq4 -p).
	Special bool
	// Validate leaves out AS numbers without route objects of the
	// family (bgpq4 -w).
	Validate bool
}

// Expansion is what the objects of a query stand for.
type Expansion struct {
	// V6 tells the family of Routes and Ranges.
	V6 bool
	// ASNs are the AS numbers of the query, sorted: AS numbers given and
	// the members of as-sets, without those left out (Skipped).
	ASNs []bgp.ASN
	// Routes are the prefixes of the route objects of ASNs, sorted, each
	// with the ASNs that register it.
	Routes []Route
	// Ranges are the prefix ranges of route-sets and of prefix objects,
	// sorted.
	Ranges []Range
	// TooLong are the registered prefixes, and the prefixes of ranges,
	// left out for being longer than MaxLength.
	TooLong []Route
	// Skipped lists the AS numbers left out, sorted, with the reason.
	Skipped []SkippedASN
	// Sets names the sets expanded; Unknown the sets named that no
	// source has, as SOURCE::NAME for a set looked for in one source.
	Sets, Unknown []string
	// MissingSources names the sources asked for that the DB holds no
	// object of; they add nothing.
	MissingSources []string
	// Truncated tells that a limit of package irr (depth, members) cut
	// an expansion short.
	Truncated bool
}

// Route is a registered prefix and the AS numbers of the query whose
// route objects name it as their origin.
type Route struct {
	Prefix  netip.Prefix
	Origins []bgp.ASN
}

// Range is a prefix range: the prefixes within Prefix of lengths Lo to
// Hi (RFC 2622 section 2). Origins are the AS numbers of the route-set
// that register Prefix itself, when they do.
type Range struct {
	Prefix  netip.Prefix
	Lo, Hi  int
	Origins []bgp.ASN
	// From names the route-set or the prefix object it comes from.
	From string
}

// SkippedASN is an AS number left out of an expansion and why.
type SkippedASN struct {
	ASN    bgp.ASN
	Reason string
}

// SpecialASN reports whether bgpq4 leaves asn out of expansions unless
// asked (-p), and why: the documentation ASNs (RFC 5398), the private-use
// ASNs (RFC 6996) and the last ASNs of the 16-bit and 32-bit spaces (RFC
// 7300). These are bgpq4's ranges, 64496 to 65551 and 4200000000 on.
func SpecialASN(asn bgp.ASN) (string, bool) {
	switch {
	case asn >= 64496 && asn <= 64511, asn >= 65536 && asn <= 65551:
		return "documentation ASN (RFC 5398)", true
	case asn >= 64512 && asn <= 65534, asn >= 4200000000 && asn <= 4294967294:
		return "private-use ASN (RFC 6996)", true
	case asn == 65535, asn == 4294967295:
		return "reserved ASN (RFC 7300)", true
	}
	return "", false
}

// sources is the restriction of an expansion to sources.
type sources struct {
	names []string // for irr.ExpandOptions; nil for all
	mask  uint64   // bits of the DB's order; ^0 for all
	none  bool     // restricted to sources the DB does not hold
}

func sourcesOf(db *irr.DB, want []string) (sources, []string) {
	if len(want) == 0 {
		return sources{mask: ^uint64(0)}, nil
	}
	order := db.Order()
	var s sources
	var missing []string
	for _, w := range want {
		w = strings.ToUpper(w)
		i := slices.Index(order, w)
		if i < 0 {
			if !slices.Contains(missing, w) {
				missing = append(missing, w)
			}
			continue
		}
		if s.mask&(1<<i) == 0 {
			s.mask |= 1 << i
			s.names = append(s.names, w)
		}
	}
	s.none = s.mask == 0
	return s, missing
}

// Expand resolves the objects of q against db. A set that no source has
// is not an error: it adds nothing and is named in Unknown, as bgpq4
// answers an unknown set with an empty list. The error is a prefix
// object of the other family or longer than MaxLength (bgpq4 refuses
// them too), or a failure of the DB.
func Expand(db *irr.DB, q Query, opt ExpandOptions) (*Expansion, error) {
	x := &Expansion{V6: opt.V6}
	src, missing := sourcesOf(db, opt.Sources)
	x.MissingSources = missing
	maxBits := 32
	if opt.V6 {
		maxBits = 128
	}
	maxLen := maxBits
	if opt.MaxLength > 0 && opt.MaxLength < maxBits {
		maxLen = opt.MaxLength
	}
	for _, o := range q.Objects {
		if o.Kind == ObjectPrefix {
			if o.Prefix.Addr().Is6() != opt.V6 {
				return nil, fmt.Errorf("object %q: not an %s prefix", o.Text, family(opt.V6))
			}
			if o.Prefix.Bits() > maxLen {
				return nil, fmt.Errorf("object %q: longer than the maximum length /%d", o.Text, maxLen)
			}
		}
	}
	sets := make(map[string]struct{})
	unknown := make(map[string]struct{})
	asns := make(map[bgp.ASN]struct{})
	expandSet := func(o Object) (irr.Expansion, bool, error) {
		s := src
		if o.Source != "" {
			s, _ = sourcesOf(db, []string{o.Source})
			if s.none && !slices.Contains(x.MissingSources, o.Source) {
				x.MissingSources = append(x.MissingSources, o.Source)
			}
		}
		// A set not found is named with the source it was looked for
		// in, when the object names one.
		top := o.Name
		if o.Source != "" {
			top = o.Source + "::" + o.Name
		}
		if s.none {
			unknown[top] = struct{}{}
			return irr.Expansion{}, false, nil
		}
		eo := irr.ExpandOptions{MaxDepth: opt.MaxDepth, Sources: s.names}
		var e irr.Expansion
		var err error
		if o.Kind == ObjectRouteSet {
			e, err = db.ExpandRouteSet(o.Name, opt.V6, eo)
		} else {
			e, err = db.ExpandASSet(o.Name, eo)
		}
		for _, n := range e.Sets {
			sets[n] = struct{}{}
		}
		for _, n := range e.Unknown {
			if n == o.Name {
				n = top
			}
			unknown[n] = struct{}{}
		}
		x.Truncated = x.Truncated || e.Truncated
		if errors.Is(err, irr.ErrNotFound) {
			return e, false, nil
		}
		if err != nil {
			return e, false, fmt.Errorf("object %q: %w", o.Text, err)
		}
		return e, true, nil
	}
	for _, o := range q.Objects {
		switch o.Kind {
		case ObjectASN:
			asns[o.ASN] = struct{}{}
		case ObjectASSet:
			e, ok, err := expandSet(o)
			if err != nil {
				return nil, err
			}
			if ok {
				for _, a := range e.ASNs {
					asns[a] = struct{}{}
				}
			}
		case ObjectRouteSet:
			if !opt.Routes {
				continue // bgpq4 expands route-sets for prefix lists only
			}
			e, ok, err := expandSet(o)
			if err != nil {
				return nil, err
			}
			if ok {
				x.addRanges(db, e, o.Name, maxLen)
			}
		case ObjectPrefix:
			lo, hi, _ := o.Op.Lengths(o.Prefix.Bits(), maxBits)
			if hi = min(hi, maxLen); lo > hi {
				x.TooLong = append(x.TooLong, Route{Prefix: o.Prefix})
				continue
			}
			x.Ranges = append(x.Ranges, Range{Prefix: o.Prefix, Lo: lo, Hi: hi, From: o.Text})
		}
	}
	if err := x.leaveOut(q.Except, asns, opt, expandSet); err != nil {
		return nil, err
	}
	x.ASNs = sortedKeys(asns, cmp.Compare[bgp.ASN])
	x.Sets = sortedKeys(sets, strings.Compare)
	x.Unknown = sortedKeys(unknown, strings.Compare)
	if opt.Routes || opt.Validate {
		x.collectRoutes(db, src, maxLen, opt)
	}
	x.TooLong = mergeRoutes(x.TooLong)
	slices.SortFunc(x.Ranges, func(a, b Range) int {
		if c := comparePrefix(a.Prefix, b.Prefix); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Lo, b.Lo); c != 0 {
			return c
		}
		return cmp.Compare(a.Hi, b.Hi)
	})
	return x, nil
}

// addRanges adds the prefix ranges of a route-set expansion.
func (x *Expansion) addRanges(db *irr.DB, e irr.Expansion, from string, maxLen int) {
	for _, r := range e.Prefixes {
		lo, hi := r.Lengths()
		rg := Range{Prefix: r.Prefix, Lo: lo, Hi: min(hi, maxLen), From: from}
		for _, a := range db.Origins(r.Prefix) {
			if _, ok := slices.BinarySearch(e.ASNs, a); ok {
				rg.Origins = append(rg.Origins, a)
			}
		}
		if rg.Lo > rg.Hi {
			x.TooLong = append(x.TooLong, Route{Prefix: r.Prefix, Origins: rg.Origins})
			continue
		}
		x.Ranges = append(x.Ranges, rg)
	}
}

// leaveOut removes from asns those given after EXCEPT and, unless
// opt.Special, the special-purpose ones, recording why.
func (x *Expansion) leaveOut(except []Object, asns map[bgp.ASN]struct{}, opt ExpandOptions,
	expandSet func(Object) (irr.Expansion, bool, error)) error {
	out := make(map[bgp.ASN]string)
	for _, o := range except {
		var list []bgp.ASN
		if o.Kind == ObjectASN {
			list = []bgp.ASN{o.ASN}
		} else {
			e, _, err := expandSet(o)
			if err != nil {
				return err
			}
			list = e.ASNs
		}
		for _, a := range list {
			if _, ok := asns[a]; ok {
				out[a] = "after " + Except + " (" + o.Text + ")"
			}
		}
	}
	if !opt.Special {
		for a := range asns {
			if why, ok := SpecialASN(a); ok {
				out[a] = why
			}
		}
	}
	for a, why := range out {
		delete(asns, a)
		x.Skipped = append(x.Skipped, SkippedASN{ASN: a, Reason: why})
	}
	slices.SortFunc(x.Skipped, func(a, b SkippedASN) int { return cmp.Compare(a.ASN, b.ASN) })
	return nil
}

// collectRoutes gathers the prefixes of the route objects of x.ASNs in
// the sources of src; with opt.Validate it leaves out the ASNs that have
// none.
func (x *Expansion) collectRoutes(db *irr.DB, src sources, maxLen int, opt ExpandOptions) {
	type pair struct {
		p   netip.Prefix
		asn bgp.ASN
	}
	var pairs, long []pair
	kept := x.ASNs[:0:0]
	for _, a := range x.ASNs {
		found := false
		if !src.none {
			for _, p := range db.Prefixes(a, opt.V6) {
				if src.mask != ^uint64(0) && db.RouteSources(p, a).Bits()&src.mask == 0 {
					continue
				}
				found = true
				if !opt.Routes {
					break // -w needs one route object, not the prefixes
				}
				if p.Bits() > maxLen {
					long = append(long, pair{p, a})
				} else {
					pairs = append(pairs, pair{p, a})
				}
			}
		}
		if opt.Validate && !found {
			x.Skipped = append(x.Skipped, SkippedASN{ASN: a, Reason: "no " + objectClass(opt.V6) + " objects (-w)"})
			continue
		}
		kept = append(kept, a)
	}
	if opt.Validate {
		x.ASNs = kept
		slices.SortFunc(x.Skipped, func(a, b SkippedASN) int { return cmp.Compare(a.ASN, b.ASN) })
	}
	if !opt.Routes {
		return
	}
	group := func(ps []pair) []Route {
		slices.SortFunc(ps, func(a, b pair) int {
			if c := comparePrefix(a.p, b.p); c != 0 {
				return c
			}
			return cmp.Compare(a.asn, b.asn)
		})
		origins := make([]bgp.ASN, len(ps))
		out := make([]Route, 0, len(ps))
		for i, pr := range ps {
			origins[i] = pr.asn
			if n := len(out); n > 0 && out[n-1].Prefix == pr.p {
				out[n-1].Origins = origins[i-len(out[n-1].Origins) : i+1 : i+1]
				continue
			}
			out = append(out, Route{Prefix: pr.p, Origins: origins[i : i+1 : i+1]})
		}
		return out
	}
	x.Routes = group(pairs)
	x.TooLong = append(x.TooLong, group(long)...)
}

// mergeRoutes sorts routes by prefix and merges those of one prefix,
// their origins joined.
func mergeRoutes(rs []Route) []Route {
	slices.SortStableFunc(rs, func(a, b Route) int { return comparePrefix(a.Prefix, b.Prefix) })
	var out []Route
	for _, r := range rs {
		if n := len(out); n > 0 && out[n-1].Prefix == r.Prefix {
			for _, a := range r.Origins {
				if !slices.Contains(out[n-1].Origins, a) {
					out[n-1].Origins = append(out[n-1].Origins, a)
				}
			}
			slices.Sort(out[n-1].Origins)
			continue
		}
		out = append(out, Route{Prefix: r.Prefix, Origins: slices.Clone(r.Origins)})
	}
	return out
}

func objectClass(v6 bool) string {
	if v6 {
		return "route6"
	}
	return "route"
}

func family(v6 bool) string {
	if v6 {
		return "IPv6"
	}
	return "IPv4"
}

// comparePrefix orders prefixes by address, then length: the order of
// the radix tree's traversal.
func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

func sortedKeys[K comparable](m map[K]struct{}, f func(a, b K) int) []K {
	if len(m) == 0 {
		return nil
	}
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, f)
	return out
}
