package world

import (
	"slices"
)

// routeKind is how an AS learned its best route to an origin, in Gao and
// Rexford's order of preference.
type routeKind uint8

const (
	kindNone     routeKind = iota
	kindSelf               // the AS is the origin
	kindCustomer           // learned from a customer
	kindPeer               // learned from a lateral peer
	kindProvider           // learned from a provider
)

// cone is the customer cone of an AS found by a breadth-first walk down
// its customer links: every AS it reaches, sorted, with the AS it was
// reached from and the number of hops.
type cone struct {
	nodes  []int32
	parent []int32
	dist   []uint16
}

func (c *cone) find(d int32) (int, bool) { return slices.BinarySearch(c.nodes, d) }

// table is an AS's best route to every origin AS.
type table struct {
	kind []routeKind
	via  []int32  // the neighbour the route came from (peer or provider routes)
	dist []uint16 // ASes on the path after this one, the origin included
}

// router computes routes with valley-free export (customers get every
// route, peers and providers only customer routes), preferring customer
// over peer over provider routes, then the shorter path, then the
// neighbour with the lower ASN. It memoises cones and tables, which are
// only computed for the ASes that a question needs.
type router struct {
	w      *World
	cones  map[int32]*cone
	tables map[int32]*table
}

func newRouter(w *World) *router {
	return &router{w: w, cones: map[int32]*cone{}, tables: map[int32]*table{}}
}

func (rt *router) cone(root int32) *cone {
	if c, ok := rt.cones[root]; ok {
		return c
	}
	type item struct {
		node, parent int32
		dist         uint16
	}
	seen := map[int32]bool{root: true}
	queue := []item{{root, -1, 0}}
	for k := 0; k < len(queue); k++ {
		it := queue[k]
		for _, c := range rt.w.ASes[it.node].Customers {
			if !seen[c] {
				seen[c] = true
				queue = append(queue, item{c, it.node, it.dist + 1})
			}
		}
	}
	slices.SortFunc(queue, func(a, b item) int { return int(a.node) - int(b.node) })
	c := &cone{nodes: make([]int32, len(queue)), parent: make([]int32, len(queue)), dist: make([]uint16, len(queue))}
	for i, it := range queue {
		c.nodes[i], c.parent[i], c.dist[i] = it.node, it.parent, it.dist
	}
	rt.cones[root] = c
	return c
}

// better reports whether a route of kind k and length d via neighbour v
// beats the current one of t at origin o.
func (rt *router) better(t *table, o int32, k routeKind, d uint16, v int32) bool {
	switch ck := t.kind[o]; {
	case ck == kindNone:
		return true
	case k != ck:
		return k < ck
	case d != t.dist[o]:
		return d < t.dist[o]
	default:
		return rt.w.ASes[v].ASN < rt.w.ASes[t.via[o]].ASN
	}
}

func (rt *router) table(x int32) *table {
	if t, ok := rt.tables[x]; ok {
		return t
	}
	n := len(rt.w.ASes)
	t := &table{kind: make([]routeKind, n), via: make([]int32, n), dist: make([]uint16, n)}
	c := rt.cone(x)
	for i, d := range c.nodes {
		t.kind[d], t.via[d], t.dist[d] = kindCustomer, c.parent[i], c.dist[i]
	}
	t.kind[x], t.via[x], t.dist[x] = kindSelf, -1, 0
	a := &rt.w.ASes[x]
	for _, q := range a.Peers {
		cq := rt.cone(q)
		for i, d := range cq.nodes {
			if dd := cq.dist[i] + 1; rt.better(t, d, kindPeer, dd, q) {
				t.kind[d], t.via[d], t.dist[d] = kindPeer, q, dd
			}
		}
	}
	for _, p := range a.Providers {
		tp := rt.table(p)
		for d := int32(0); d < int32(n); d++ {
			if tp.kind[d] == kindNone {
				continue
			}
			if dd := tp.dist[d] + 1; rt.better(t, d, kindProvider, dd, p) {
				t.kind[d], t.via[d], t.dist[d] = kindProvider, p, dd
			}
		}
	}
	rt.tables[x] = t
	return t
}

// appendPath appends the ASes of x's best route to origin o, after x
// itself and ending with o, to dst (nothing when x is o); ok is false when
// x has no route to o.
func (rt *router) appendPath(dst []int32, x, o int32) ([]int32, bool) {
	for {
		t := rt.table(x)
		switch t.kind[o] {
		case kindNone:
			return dst, false
		case kindSelf:
			return dst, true
		case kindCustomer:
			return rt.appendConePath(dst, x, o), true
		case kindPeer:
			q := t.via[o]
			dst = append(dst, q)
			return rt.appendConePath(dst, q, o), true
		case kindProvider:
			p := t.via[o]
			dst = append(dst, p)
			x = p
		}
	}
}

// appendConePath appends the path down x's customer cone to o.
func (rt *router) appendConePath(dst []int32, x, o int32) []int32 {
	c := rt.cone(x)
	start := len(dst)
	for d := o; d != x; {
		i, _ := c.find(d)
		dst = append(dst, d)
		d = c.parent[i]
	}
	slices.Reverse(dst[start:])
	return dst
}
