package irr

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpsl"
)

// Limits of set expansion. Real as-sets nest 15 to 17 levels deep; the
// largest expand to tens of thousands of ASes and their routes to about
// a million prefixes.
const (
	// DefaultMaxDepth is the deepest level of nested sets expanded.
	DefaultMaxDepth = 64
	// DefaultMaxMembers is the most ASes (as-set) or prefix ranges
	// (route-set) an expansion returns.
	DefaultMaxMembers = 2_000_000
	// MaxOperatorsPerSet is the most combinations of range operators
	// one route-set or as-set is expanded under in one expansion (a set
	// named as RS-FOO, RS-FOO^+ and RS-FOO^24 is expanded three times);
	// one more ends the expansion, truncated. Real sets see one or two;
	// a hostile set naming itself under many operators would see
	// thousands.
	MaxOperatorsPerSet = 16
)

// ExpandOptions tune set expansion. A zero field takes its default.
type ExpandOptions struct {
	// MaxDepth is the deepest level of sets expanded, the named set
	// being level 1; a set past it ends the expansion, Truncated.
	MaxDepth int
	// MaxMembers is the most ASes (ExpandASSet) or prefix ranges
	// (ExpandRouteSet) returned; reaching it ends the expansion,
	// Truncated.
	MaxMembers int
	// Sources restricts the expansion to the named sources: sets,
	// aut-nums and route objects are looked up in them only, still in
	// the order of the DB (IRRd's !s). Empty means all sources.
	Sources []string
}

// Expansion is the result of expanding a set.
type Expansion struct {
	// ASNs are the AS numbers the expansion reached, sorted: for an
	// as-set its members; for a route-set the ASes whose route objects
	// it includes.
	ASNs []bgp.ASN
	// Prefixes are the address prefix ranges of a route-set, sorted (by
	// address, length, then operator) and each once.
	Prefixes []Range
	// Sets names the sets expanded, sorted.
	Sets []string
	// Unknown names the sets referenced that no source has, sorted.
	Unknown []string
	// Depth is the deepest level of sets expanded: 1 for a set without
	// nested sets, 0 for an AS number.
	Depth int
	// Truncated tells that MaxDepth or MaxMembers cut the expansion
	// short.
	Truncated bool
}

// Range is an address prefix range (RFC 2622 section 2): the prefixes
// within Prefix whose lengths Op admits. Op is in canonical form: none
// for the prefix alone, ^+ or ^- where they say the same as ^n-m.
type Range struct {
	Prefix netip.Prefix
	Op     rpsl.RangeOp
}

// String returns the range as RPSL writes it, e.g. "192.0.2.0/24^+".
func (r Range) String() string { return r.Prefix.String() + r.Op.String() }

// Lengths returns the shortest and the longest prefix length the range
// admits.
func (r Range) Lengths() (lo, hi int) {
	lo, hi, _ = r.Op.Lengths(r.Prefix.Bits(), r.Prefix.Addr().BitLen())
	return lo, hi
}

// makeRange returns the range of prefix p and lengths lo to hi, its
// operator in canonical form.
func makeRange(p netip.Prefix, lo, hi int) Range {
	b, m := p.Bits(), p.Addr().BitLen()
	switch {
	case lo == b && hi == b:
		return Range{Prefix: p}
	case lo == b && hi == m:
		return Range{Prefix: p, Op: rpsl.RangeOp{Kind: rpsl.RangePlus}}
	case lo == b+1 && hi == m:
		return Range{Prefix: p, Op: rpsl.RangeOp{Kind: rpsl.RangeMinus}}
	}
	return Range{Prefix: p, Op: rpsl.RangeOp{Kind: rpsl.RangeLength, Min: uint8(lo), Max: uint8(hi)}}
}

func compareRange(a, b Range) int {
	if c := comparePrefix(a.Prefix, b.Prefix); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Op.Kind, b.Op.Kind); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Op.Min, b.Op.Min); c != 0 {
		return c
	}
	return cmp.Compare(a.Op.Max, b.Op.Max)
}

// transform is what the range operators met on the way from the named
// set down to a member do to the member's range of lengths [lo, hi]: a
// range operator applied to a set applies to each of its members, and
// an operator applied to a range applies to each prefix in it, the
// results joined (RFC 2622 sections 2 and 5.2). Every composition of
// operators maps [lo, hi] to [max(a, lo+k), c] (c < 0: hi), or to
// nothing when lo > t. It is comparable, so that a set reached under
// two different operators is expanded twice and under the same one
// once.
type transform struct {
	a, k, c, t int16
}

// identity returns the transform of no operator, for prefixes of at most
// maxBits.
func identity(maxBits int) transform { return transform{c: -1, t: int16(maxBits)} }

// none is the transform that admits nothing.
var none = transform{t: -1}

// opTransform returns the transform of op.
func opTransform(op rpsl.RangeOp, maxBits int) transform {
	m := int16(maxBits)
	switch op.Kind {
	case rpsl.RangeMinus: // [lo+1, M], nothing from a host route
		return transform{k: 1, c: m, t: m - 1}
	case rpsl.RangePlus: // [lo, M]
		return transform{c: m, t: m}
	case rpsl.RangeLength: // [max(n, lo), m], nothing when lo > m
		n, x := int16(op.Min), min(int16(op.Max), m)
		if n > x {
			return none
		}
		return transform{a: n, c: x, t: x}
	}
	return identity(maxBits)
}

// then returns the transform of applying inner, then outer.
func (inner transform) then(outer transform) transform {
	if inner.t < 0 || outer.t < 0 || inner.a > outer.t {
		return none
	}
	t := min(inner.t, outer.t-inner.k)
	if t < 0 {
		return none
	}
	c := outer.c
	if c < 0 {
		c = inner.c
	}
	a, k := max(outer.a, inner.a+outer.k), inner.k+outer.k
	if a <= k {
		a = 0 // lo+k >= k: no floor; one form for equal transforms
	}
	return transform{a: a, k: k, c: c, t: t}
}

// apply returns the range of lengths of a prefix of length b under tr.
func (tr transform) apply(b int) (lo, hi int, ok bool) {
	if b > int(tr.t) {
		return 0, 0, false
	}
	lo = max(int(tr.a), b+int(tr.k))
	hi = b
	if tr.c >= 0 {
		hi = int(tr.c)
	}
	return lo, hi, lo <= hi
}

// ExpandASSet expands the as-set called name into its AS numbers,
// recursively (RFC 2622 section 5.1): its members that are AS numbers,
// the members of its nested as-sets, and the aut-nums that join it with
// member-of, each only if the set's mbrs-by-ref names one of the
// aut-num's mnt-by, or is ANY. Each set is taken from the earliest
// source that has it; each set is expanded once, so cycles end. name may
// also be an AS number, which expands to itself. The error is a name
// that is neither, or a set no source has (wrapping ErrNotFound).
func (db *DB) ExpandASSet(name string, opt ExpandOptions) (Expansion, error) {
	name = strings.ToUpper(name)
	if asn, ok := asnMember(name); ok {
		return Expansion{ASNs: []bgp.ASN{asn}}, nil
	}
	if c, err := rpsl.ParseSetName(name); err != nil || c != rpsl.ASSetClass {
		return Expansion{}, fmt.Errorf("irr: expand %q: not an as-set name or AS number", name)
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	e, err := db.newExpander(opt, false, false)
	if err != nil {
		return Expansion{}, err
	}
	return e.run(name)
}

// ExpandRouteSet expands the route-set called name into its address
// prefix ranges, recursively (RFC 2622 section 5.2, RFC 4012 section
// 4.2): its members and mp-members that are prefixes, with their range
// operators; its nested route-sets; its as-sets and AS numbers, which
// stand for the route objects of those ASes; and the route objects that
// join it with member-of, each only if the set's mbrs-by-ref names one of
// the route's mnt-by, or is ANY. A range operator after a set name or AS
// number applies to each of its prefixes; a set met under several
// operators is expanded under each, up to MaxOperatorsPerSet. v6 false
// gives the IPv4
// prefixes and route objects, v6 true the IPv6 prefixes and route6
// objects. name may also be an as-set name or an AS number, giving the
// prefixes of their route objects, as bgpq4 does.
func (db *DB) ExpandRouteSet(name string, v6 bool, opt ExpandOptions) (Expansion, error) {
	name = strings.ToUpper(name)
	db.mu.RLock()
	defer db.mu.RUnlock()
	e, err := db.newExpander(opt, true, v6)
	if err != nil {
		return Expansion{}, err
	}
	if asn, ok := asnMember(name); ok {
		e.asn(asn, identity(e.maxBits))
		return e.result(), nil
	}
	if _, err := rpsl.ParseSetName(name); err != nil || !isSetOf(name, rpsl.ASSetClass, rpsl.RouteSetClass) {
		return Expansion{}, fmt.Errorf("irr: expand %q: not a route-set or as-set name or AS number", name)
	}
	return e.run(name)
}

// isSetOf reports whether set name (valid) is of one of the classes.
func isSetOf(name string, classes ...rpsl.SetClass) bool {
	c, _ := rpsl.ParseSetName(name)
	return slices.Contains(classes, c)
}

// asnMember parses an AS number member ("AS64500"), not a set name.
func asnMember(s string) (bgp.ASN, bool) {
	if len(s) < 3 || s[2] < '0' || s[2] > '9' {
		return 0, false
	}
	n, err := rpsl.ParseASN(s)
	return n, err == nil
}

// node is a set to expand and the operators met on the way to it.
type node struct {
	name string
	tr   transform
}

type leaf struct {
	asn bgp.ASN
	tr  transform
}

// expander holds the state of one expansion; the caller holds the read
// lock.
type expander struct {
	db         *DB
	mask       uint64
	maxDepth   int
	maxMembers int
	routes     bool // a route-set expansion: collect prefix ranges
	v6         bool
	maxBits    int

	visited   map[node]struct{}
	operators map[string]int // transforms per set name visited
	leaves    map[leaf]struct{}
	sets      map[string]struct{}
	unknown   map[string]struct{}
	asns      map[bgp.ASN]struct{}
	ranges    map[Range]struct{}
	level     int // the level being expanded
	depth     int // the deepest level of a set found
	truncated bool
}

func (db *DB) newExpander(opt ExpandOptions, routes, v6 bool) (*expander, error) {
	mask, err := db.mask(opt.Sources)
	if err != nil {
		return nil, err
	}
	e := &expander{
		db: db, mask: mask, maxDepth: opt.MaxDepth, maxMembers: opt.MaxMembers,
		routes: routes, v6: v6, maxBits: 32,
		visited: make(map[node]struct{}), operators: make(map[string]int), leaves: make(map[leaf]struct{}),
		sets: make(map[string]struct{}), unknown: make(map[string]struct{}),
		asns: make(map[bgp.ASN]struct{}), ranges: make(map[Range]struct{}),
	}
	if v6 {
		e.maxBits = 128
	}
	if e.maxDepth <= 0 {
		e.maxDepth = DefaultMaxDepth
	}
	if e.maxMembers <= 0 {
		e.maxMembers = DefaultMaxMembers
	}
	return e, nil
}

// run expands the set called name, breadth first, so that each set is
// expanded at the shallowest level it appears on.
func (e *expander) run(name string) (Expansion, error) {
	root := node{name: name, tr: identity(e.maxBits)}
	if !e.exists(name) {
		return Expansion{Unknown: []string{name}}, fmt.Errorf("irr: expand %s: %w", name, ErrNotFound)
	}
	e.visited[root] = struct{}{}
	e.operators[name]++
	frontier := []node{root}
	var next []node
	for len(frontier) > 0 && !e.truncated {
		if e.level == e.maxDepth {
			for _, n := range frontier {
				if e.exists(n.name) {
					e.truncated = true
				} else {
					e.unknown[n.name] = struct{}{}
				}
			}
			break
		}
		e.level++
		next = next[:0]
		for _, n := range frontier {
			if next = e.expand(n, next); e.truncated {
				break
			}
		}
		frontier, next = next, frontier
	}
	return e.result(), nil
}

// exists reports whether a source of the expansion has the set.
func (e *expander) exists(name string) bool {
	if _, ok := e.db.asSets.first(name, e.mask); ok {
		return true
	}
	_, ok := e.db.routeSets.first(name, e.mask)
	return ok && e.routes
}

// expand expands the set of n one level, appending the sets it names to
// next.
func (e *expander) expand(n node, next []node) []node {
	child := func(name string, tr transform) {
		c := node{name: name, tr: tr}
		if _, ok := e.visited[c]; ok || tr.t < 0 {
			return
		}
		if e.operators[name] >= MaxOperatorsPerSet {
			e.truncated = true
			return
		}
		e.operators[name]++
		e.visited[c] = struct{}{}
		next = append(next, c)
	}
	if s, ok := e.db.asSets.first(n.name, e.mask); ok {
		e.sets[n.name] = struct{}{}
		e.depth = e.level
		for _, m := range s.Members {
			if asn, ok := asnMember(m); ok {
				e.asn(asn, n.tr)
			} else {
				child(m, n.tr)
			}
			if e.truncated {
				return next
			}
		}
		if len(s.MbrsByRef) > 0 {
			for _, ref := range e.db.autJoins[n.name] {
				if e.mask&(1<<ref.src) == 0 {
					continue
				}
				a := e.db.autNums.get(ref.asn, ref.src)
				if a != nil && maintained(s.MbrsByRef, a.MntBy) {
					if e.asn(ref.asn, n.tr); e.truncated {
						return next
					}
				}
			}
		}
		return next
	}
	s, ok := e.db.routeSets.first(n.name, e.mask)
	if !ok || !e.routes {
		e.unknown[n.name] = struct{}{}
		return next
	}
	e.sets[n.name] = struct{}{}
	e.depth = e.level
	for _, list := range [...][]string{s.Members, s.MpMembers} {
		for _, text := range list {
			m, err := rpsl.ParseRouteSetMember(text, true)
			if err != nil {
				continue // cannot happen: the view holds canonical members
			}
			tr := opTransform(m.Op, e.maxBits).then(n.tr)
			switch m.Kind {
			case rpsl.MemberPrefix:
				e.prefix(m.Prefix, tr)
			case rpsl.MemberASN:
				e.asn(m.ASN, tr)
			case rpsl.MemberSet:
				child(m.Set, tr)
			}
			if e.truncated {
				return next
			}
		}
	}
	if len(s.MbrsByRef) > 0 {
		for _, ref := range e.db.routeJoins[n.name] {
			if e.mask&(1<<ref.src) == 0 {
				continue
			}
			info := e.db.routeInfo[ref]
			if info != nil && maintained(s.MbrsByRef, info.mntBy) {
				if e.prefix(ref.prefix, n.tr); e.truncated {
					return next
				}
			}
		}
	}
	return next
}

// maintained reports whether mbrs-by-ref admits an object maintained by
// mntBy: it names one of them, or is ANY (RFC 2622 section 5.1).
func maintained(mbrsByRef, mntBy []string) bool {
	for _, m := range mbrsByRef {
		if m == "ANY" || slices.Contains(mntBy, m) {
			return true
		}
	}
	return false
}

// asn adds an AS number: in a route-set expansion, the prefixes of its
// route objects under tr.
func (e *expander) asn(asn bgp.ASN, tr transform) {
	if !e.routes {
		if _, ok := e.asns[asn]; !ok {
			if len(e.asns) >= e.maxMembers {
				e.truncated = true
				return
			}
			e.asns[asn] = struct{}{}
		}
		return
	}
	if tr.t < 0 {
		return
	}
	l := leaf{asn: asn, tr: tr}
	if _, ok := e.leaves[l]; ok {
		return
	}
	e.leaves[l] = struct{}{}
	e.asns[asn] = struct{}{}
	e.db.eachPrefix(asn, e.v6, e.mask, func(p netip.Prefix) bool {
		e.prefix(p, tr)
		return !e.truncated
	})
}

// prefix adds the range of p under tr, if p is of the family expanded.
func (e *expander) prefix(p netip.Prefix, tr transform) {
	if p.Addr().Is6() != e.v6 {
		return
	}
	lo, hi, ok := tr.apply(p.Bits())
	if !ok {
		return
	}
	r := makeRange(p, lo, hi)
	if _, ok := e.ranges[r]; ok {
		return
	}
	if len(e.ranges) >= e.maxMembers {
		e.truncated = true
		return
	}
	e.ranges[r] = struct{}{}
}

func (e *expander) result() Expansion {
	x := Expansion{Depth: e.depth, Truncated: e.truncated}
	x.ASNs = sortedKeys(e.asns, cmp.Compare[bgp.ASN])
	x.Sets = sortedKeys(e.sets, strings.Compare)
	x.Unknown = sortedKeys(e.unknown, strings.Compare)
	x.Prefixes = sortedKeys(e.ranges, compareRange)
	return x
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
