package filter

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// The prefixes of a filter live in a binary radix (Patricia) tree, the
// tree bgpq4 keeps: a node per prefix inserted, and glue nodes where two
// branches part. Its traversal, node then left then right, lists the
// prefixes in address order, a covering prefix before those it covers.
// bgpq4's more-specifics (-R, -r) and aggregation (-A) are operations on
// the tree that mark nodes as aggregates (a prefix and a range of
// lengths) and the nodes they cover as glue; aggregation may hang a
// second aggregate of the same prefix off a node (its son). The
// operations are those of bgpq4's sx_prefix.c, so that the entries are
// the same.

// key is a prefix as bits: the address left-aligned in 128 bits.
type key struct {
	hi, lo uint64
	bits   uint8
}

func keyOf(p netip.Prefix) key {
	a := p.Addr()
	if a.Is4() {
		b := a.As4()
		return key{hi: uint64(binary.BigEndian.Uint32(b[:])) << 32, bits: uint8(p.Bits())}
	}
	b := a.As16()
	return key{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:]), bits: uint8(p.Bits())}
}

// prefix returns the key as a prefix of the family.
func (k key) prefix(v6 bool) netip.Prefix {
	if !v6 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(k.hi>>32))
		return netip.PrefixFrom(netip.AddrFrom4(b), int(k.bits))
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], k.hi)
	binary.BigEndian.PutUint64(b[8:], k.lo)
	return netip.PrefixFrom(netip.AddrFrom16(b), int(k.bits))
}

// bit reports whether bit i (0 the most significant) is set.
func (k key) bit(i uint8) bool {
	if i < 64 {
		return k.hi>>(63-i)&1 != 0
	}
	return k.lo>>(127-i)&1 != 0
}

// withBit returns k with bit i set.
func (k key) withBit(i uint8) key {
	if i < 64 {
		k.hi |= 1 << (63 - i)
	} else {
		k.lo |= 1 << (127 - i)
	}
	return k
}

// masked returns the first n bits of k as a key of length n.
func (k key) masked(n uint8) key {
	switch {
	case n == 0:
		return key{}
	case n < 64:
		return key{hi: k.hi &^ (1<<(64-n) - 1), bits: n}
	case n == 64:
		return key{hi: k.hi, bits: n}
	case n < 128:
		return key{hi: k.hi, lo: k.lo &^ (1<<(128-n) - 1), bits: n}
	}
	return key{hi: k.hi, lo: k.lo, bits: n}
}

// common returns the number of leading bits a and b share, at most the
// shorter length.
func common(a, b key) uint8 {
	n := 128
	if x := a.hi ^ b.hi; x != 0 {
		n = bits.LeadingZeros64(x)
	} else if x := a.lo ^ b.lo; x != 0 {
		n = 64 + bits.LeadingZeros64(x)
	}
	return uint8(min(n, int(a.bits), int(b.bits)))
}

// node is a node of the tree. A glue node is not printed; an aggregate
// stands for the prefixes of its prefix with lengths lo to hi.
type node struct {
	key       key
	l, r, son *node
	glue      bool
	aggregate bool
	lo, hi    uint8
}

// tree is a radix tree of the prefixes of one family.
type tree struct {
	head    *node
	maxBits uint8
	slab    []node
	size    int // the number of prefixes expected, to size allocations
}

func newTree(v6 bool) *tree {
	t := &tree{maxBits: 32}
	if v6 {
		t.maxBits = 128
	}
	return t
}

// newNode allocates a node from a slab, to spare the allocator a call
// per prefix.
func (t *tree) newNode(k key) *node {
	if len(t.slab) == 0 {
		t.slab = make([]node, min(max(t.size, 64), 1<<14))
	}
	n := &t.slab[0]
	t.slab = t.slab[1:]
	n.key = k
	return n
}

// insert adds prefix k and returns its node; a prefix already in the
// tree keeps its node, which stops being glue.
func (t *tree) insert(k key) *node {
	if t.head == nil {
		t.head = t.newNode(k)
		return t.head
	}
	link, c := &t.head, t.head
	for {
		eb := common(k, c.key)
		switch {
		case eb < k.bits && eb < c.key.bits:
			// k and c part at bit eb: a glue node of the common bits
			// takes both.
			g := t.newNode(k.masked(eb))
			g.glue = true
			n := t.newNode(k)
			if k.bit(eb) {
				g.l, g.r = c, n
			} else {
				g.l, g.r = n, c
			}
			*link = g
			return n
		case eb == k.bits && eb < c.key.bits:
			// k covers c: it takes c's place, c below it.
			n := t.newNode(k)
			if c.key.bit(eb) {
				n.r = c
			} else {
				n.l = c
			}
			*link = n
			return n
		case eb == c.key.bits && eb < k.bits:
			// c covers k: go down.
			next := &c.l
			if k.bit(eb) {
				next = &c.r
			}
			if *next == nil {
				*next = t.newNode(k)
				return *next
			}
			link, c = next, *next
		default:
			c.glue = false
			return c
		}
	}
}

// insertRange adds the prefixes within k of lengths lo to hi, each one,
// as bgpq4 expands a prefix range (sx_radix_tree_insert_specifics), and
// returns the node of the first, the shortest.
func (t *tree) insertRange(k key, lo, hi uint8) *node {
	var first *node
	var walk func(k key)
	walk = func(k key) {
		if k.bits >= lo {
			if n := t.insert(k); first == nil {
				first = n
			}
		}
		if k.bits+1 > hi {
			return
		}
		k.bits++
		walk(k)
		walk(k.withBit(k.bits - 1))
	}
	walk(k)
	return first
}

// find returns the node of prefix k, glue or not, or nil.
func (t *tree) find(k key) *node {
	for c := t.head; c != nil; {
		eb := common(k, c.key)
		switch {
		case eb == k.bits && eb == c.key.bits:
			return c
		case eb == c.key.bits && eb < k.bits:
			if k.bit(eb) {
				c = c.r
			} else {
				c = c.l
			}
		default:
			return nil
		}
	}
	return nil
}

// insertAggregate adds the prefixes within k of lengths lo to hi as one
// aggregate entry, hung off k's node as a son when k is in the tree
// already. It is for ranges too large to expand; call it after the
// other insertions, which could otherwise land on the aggregate.
func (t *tree) insertAggregate(k key, lo, hi uint8) *node {
	if n := t.find(k); n != nil && !n.glue {
		last := n
		for last.son != nil {
			last = last.son
		}
		last.son = &node{key: k, aggregate: true, lo: lo, hi: hi}
		return last.son
	}
	n := t.insert(k)
	n.aggregate, n.lo, n.hi = true, lo, hi
	return n
}

// rangeSize returns how many prefixes a range of a prefix of length bits
// with lengths lo to hi holds, capped at limit+1.
func rangeSize(bits, lo, hi uint8, limit int) int {
	n := 0
	for l := int(lo); l <= int(hi); l++ {
		d := l - int(bits)
		if d >= 31 {
			return limit + 1
		}
		if n += 1 << d; n > limit {
			return limit + 1
		}
	}
	return n
}

// aggregate joins sibling prefixes into aggregates, bottom up, as bgpq4's
// sx_radix_node_aggregate does: two halves of a prefix become the prefix
// with a range of lengths, and aggregates of the same range over both
// halves of a prefix join into one.
func (t *tree) aggregate() {
	if t.head != nil {
		aggregateNode(t.head)
	}
}

func aggregateNode(n *node) {
	if n.l != nil {
		aggregateNode(n.l)
	}
	if n.r != nil {
		aggregateNode(n.r)
	}
	l, r := n.l, n.r
	if l == nil || r == nil {
		return
	}
	halves := l.key.bits == n.key.bits+1 && r.key.bits == n.key.bits+1
	sonOf := func(lo, hi uint8) *node {
		return &node{key: n.key, aggregate: true, lo: lo, hi: hi}
	}
	switch {
	case !r.aggregate && !l.aggregate && !r.glue && !l.glue && r.key.bits == l.key.bits:
		if r.key.bits == n.key.bits+1 {
			n.aggregate, r.glue, l.glue = true, true, true
			n.hi = r.key.bits
			if n.glue {
				n.glue = false
				n.lo = r.key.bits
			} else {
				n.lo = n.key.bits
			}
		}
		if r.son != nil && l.son != nil && r.son.aggregate && l.son.aggregate &&
			r.son.hi == l.son.hi && r.son.lo == l.son.lo && halves {
			n.son = sonOf(r.son.lo, r.son.hi)
			r.son.glue, l.son.glue = true, true
		}
	case r.aggregate && l.aggregate && r.hi == l.hi && r.lo == l.lo:
		if !halves {
			return
		}
		switch {
		case n.glue:
			r.glue, l.glue = true, true
			n.aggregate, n.glue = true, false
			n.lo, n.hi = r.lo, r.hi
		case r.key.bits == r.lo:
			r.glue, l.glue = true, true
			n.aggregate = true
			n.lo, n.hi = n.key.bits, r.hi
		default:
			n.son = sonOf(r.lo, r.hi)
			r.glue, l.glue = true, true
			if r.son != nil && l.son != nil && r.son.hi == l.son.hi && r.son.lo == l.son.lo {
				n.son.son = sonOf(r.son.lo, r.son.hi)
				r.son.glue, l.son.glue = true, true
			}
		}
	case l.son != nil && r.aggregate && l.son.aggregate && r.hi == l.son.hi && r.lo == l.son.lo:
		if !halves {
			return
		}
		if n.glue {
			r.glue, l.son.glue = true, true
			n.aggregate, n.glue = true, false
			n.lo, n.hi = r.lo, r.hi
		} else {
			n.son = sonOf(r.lo, r.hi)
			r.glue, l.son.glue = true, true
		}
	case r.son != nil && l.aggregate && r.son.aggregate && l.hi == r.son.hi && l.lo == r.son.lo:
		if !halves {
			return
		}
		if n.glue {
			l.glue, r.son.glue = true, true
			n.aggregate, n.glue = true, false
			n.lo, n.hi = l.lo, l.hi
		} else {
			n.son = sonOf(l.lo, l.hi)
			l.glue, r.son.glue = true, true
		}
	}
}

// refine lets every prefix shorter than length through with its more
// specifics up to length (bgpq4 -R; sx_radix_node_refine): the prefix
// becomes an aggregate of its length to length, and the prefixes it
// covers up to length become glue.
func (t *tree) refine(length uint8) {
	if t.head != nil {
		refineNode(t.head, length)
	}
}

func refineNode(n *node, length uint8) {
	switch {
	case !n.glue && n.key.bits < length:
		n.aggregate = true
		n.lo, n.hi = n.key.bits, length
		for _, c := range [2]*node{n.l, n.r} {
			if c != nil {
				glueUpTo(c, length)
				refineNode(c, length)
			}
		}
	case !n.glue && n.key.bits == length:
		for _, c := range [2]*node{n.l, n.r} {
			if c != nil {
				refineNode(c, length)
			}
		}
	case n.glue:
		for _, c := range [2]*node{n.r, n.l} {
			if c != nil {
				refineNode(c, length)
			}
		}
	}
	// A prefix longer than length passes as it is, and so do the
	// prefixes it covers.
}

// glueUpTo makes glue of n and the nodes below it of at most length bits.
func glueUpTo(n *node, length uint8) {
	if n.key.bits <= length {
		n.glue = true
	}
	if n.l != nil {
		glueUpTo(n.l, length)
	}
	if n.r != nil {
		glueUpTo(n.r, length)
	}
}

// refineLow lets the prefixes of at most length bits through only with
// lengths from length on (bgpq4 -r; sx_radix_node_refineLow), after
// refine.
func (t *tree) refineLow(length uint8) {
	if t.head != nil {
		refineLowNode(t.head, length, t.maxBits)
	}
}

func refineLowNode(n *node, length, maxBits uint8) {
	switch {
	case !n.glue && n.key.bits <= length:
		if !n.aggregate {
			n.aggregate = true
			n.hi = maxBits
		}
		n.lo = length
		for _, c := range [2]*node{n.l, n.r} {
			if c != nil {
				glueUpTo(c, length)
				refineLowNode(c, length, maxBits)
			}
		}
	case n.glue:
		for _, c := range [2]*node{n.r, n.l} {
			if c != nil {
				refineLowNode(c, length, maxBits)
			}
		}
	}
}
