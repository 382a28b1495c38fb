package asrel

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/manrs/manrs/internal/bgp"
)

// Graph is the AS graph of an as-rel file: for each AS its providers,
// customers and peers, as sorted slices packed into one array. It is
// immutable and safe for concurrent use.
type Graph struct {
	asns []bgp.ASN // every AS, sorted
	// off[3i], off[3i+1], off[3i+2] start the providers, customers and
	// peers of asns[i] in adj; off[3i+3] ends its peers.
	off []uint32
	adj []bgp.ASN
	// src[j] indexes sources for adj[j]; 0 when the link has no source.
	src     []uint8
	sources []string
	links   int
}

// Len returns the number of ASes.
func (g *Graph) Len() int { return len(g.asns) }

// Links returns the number of links.
func (g *Graph) Links() int { return g.links }

// ASNs returns every AS of the graph in ascending order. The slice is
// the graph's own: do not modify it.
func (g *Graph) ASNs() []bgp.ASN { return g.asns }

func (g *Graph) index(a bgp.ASN) (int, bool) {
	i, ok := slices.BinarySearch(g.asns, a)
	return i, ok
}

func (g *Graph) region(a bgp.ASN, k int) []bgp.ASN {
	i, ok := g.index(a)
	if !ok {
		return nil
	}
	return g.adj[g.off[3*i+k]:g.off[3*i+k+1]:g.off[3*i+k+1]]
}

// Providers returns the providers of a in ascending order (nil if a is
// not in the graph). The slice is the graph's own: do not modify it.
func (g *Graph) Providers(a bgp.ASN) []bgp.ASN { return g.region(a, 0) }

// Customers returns the customers of a in ascending order.
func (g *Graph) Customers(a bgp.ASN) []bgp.ASN { return g.region(a, 1) }

// Peers returns the peers of a in ascending order.
func (g *Graph) Peers(a bgp.ASN) []bgp.ASN { return g.region(a, 2) }

// Relation returns how a relates to b: ProviderOf, CustomerOf, PeerOf, or
// None when the graph has no link between them.
func (g *Graph) Relation(a, b bgp.ASN) Relation {
	rel, _ := g.find(a, b)
	return rel
}

// Source returns the serial-2 source of the link between a and b ("" for
// serial-1 links), and whether there is such a link.
func (g *Graph) Source(a, b bgp.ASN) (string, bool) {
	rel, j := g.find(a, b)
	if rel == None {
		return "", false
	}
	return g.sources[g.src[j]], true
}

func (g *Graph) find(a, b bgp.ASN) (Relation, int) {
	i, ok := g.index(a)
	if !ok {
		return None, 0
	}
	for k, rel := range [3]Relation{CustomerOf, ProviderOf, PeerOf} {
		lo, hi := int(g.off[3*i+k]), int(g.off[3*i+k+1])
		if j, ok := slices.BinarySearch(g.adj[lo:hi], b); ok {
			return rel, lo + j
		}
	}
	return None, 0
}

// Builder gathers links into a Graph.
type Builder struct {
	links   []blink
	sources map[string]uint8
	names   []string
}

// blink is a link as a Builder keeps it: 16 bytes.
type blink struct {
	a, b bgp.ASN
	line uint32
	rel  Relation // ProviderOf or PeerOf
	src  uint8
}

func (l blink) link(names []string) Link {
	return Link{A: l.a, B: l.b, Rel: l.rel, Source: names[l.src], Line: int(l.line)}
}

func (l blink) pairKey() uint64 {
	lo, hi := min(l.a, l.b), max(l.a, l.b)
	return uint64(lo)<<32 | uint64(hi)
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{sources: map[string]uint8{"": 0}, names: []string{""}}
}

// Add adds a link. A link of an AS to itself, or with a relation other
// than ProviderOf, CustomerOf or PeerOf, is an error.
func (b *Builder) Add(l Link) error {
	switch {
	case l.A == l.B:
		return fmt.Errorf("AS%d linked to itself", l.A)
	case l.Rel == CustomerOf:
		l.A, l.B, l.Rel = l.B, l.A, ProviderOf
	case l.Rel != ProviderOf && l.Rel != PeerOf:
		return fmt.Errorf("link AS%d-AS%d: relation %v", l.A, l.B, l.Rel)
	}
	src, ok := b.sources[l.Source]
	if !ok {
		if len(b.names) >= 255 {
			// The last index is for OtherSource and the sources past it.
			l.Source = OtherSource
		}
		if src, ok = b.sources[l.Source]; !ok {
			src = uint8(len(b.names))
			b.sources[l.Source] = src
			b.names = append(b.names, l.Source)
		}
	}
	line := uint32(0)
	if l.Line > 0 && l.Line <= 1<<32-1 {
		line = uint32(l.Line)
	}
	b.links = append(b.links, blink{a: l.A, b: l.B, line: line, rel: l.Rel, src: src})
	return nil
}

// Conflict is a link that Build dropped because an earlier one joins the
// same two ASes.
type Conflict struct {
	Kept, Dropped Link
}

// Build returns the Graph of the links added so far, and the links it
// dropped because an earlier link joins the same two ASes (a repeat, or
// a contradiction such as a|b|-1 after b|a|-1).
func (b *Builder) Build() (*Graph, []Conflict) {
	type item struct {
		key uint64
		i   uint32
	}
	order := make([]item, len(b.links))
	for i, l := range b.links {
		order[i] = item{l.pairKey(), uint32(i)}
	}
	slices.SortFunc(order, func(x, y item) int {
		if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.i, y.i)
	})
	var conflicts []Conflict
	kept := make([]blink, 0, len(order))
	for j, it := range order {
		if j > 0 && order[j-1].key == it.key {
			conflicts = append(conflicts, Conflict{Kept: kept[len(kept)-1].link(b.names), Dropped: b.links[it.i].link(b.names)})
			continue
		}
		kept = append(kept, b.links[it.i])
	}
	order = nil
	slices.SortFunc(conflicts, func(x, y Conflict) int { return cmp.Compare(x.Dropped.Line, y.Dropped.Line) })

	g := &Graph{links: len(kept), sources: slices.Clone(b.names)}
	g.asns = make([]bgp.ASN, 0, 2*len(kept))
	for _, l := range kept {
		g.asns = append(g.asns, l.a, l.b)
	}
	slices.Sort(g.asns)
	g.asns = slices.Clip(slices.Compact(g.asns))

	// The region of each link end: k is 0 for providers, 1 for
	// customers, 2 for peers.
	type end struct{ ia, ka, ib, kb uint32 }
	ends := make([]end, len(kept))
	count := make([]uint32, 3*len(g.asns)+1)
	for j, l := range kept {
		ia, _ := g.index(l.a)
		ib, _ := g.index(l.b)
		e := end{uint32(ia), 2, uint32(ib), 2}
		if l.rel == ProviderOf {
			e.ka, e.kb = 1, 0 // b is a's customer, a is b's provider
		}
		ends[j] = e
		count[3*e.ia+e.ka+1]++
		count[3*e.ib+e.kb+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	g.off = count
	tmp := make([]uint64, 2*len(kept))
	next := slices.Clone(count[:len(count)-1])
	for j, l := range kept {
		e, s := ends[j], uint64(l.src)
		tmp[next[3*e.ia+e.ka]] = uint64(l.b)<<8 | s
		next[3*e.ia+e.ka]++
		tmp[next[3*e.ib+e.kb]] = uint64(l.a)<<8 | s
		next[3*e.ib+e.kb]++
	}
	g.adj = make([]bgp.ASN, len(tmp))
	g.src = make([]uint8, len(tmp))
	for r := 0; r+1 < len(g.off); r++ {
		slices.Sort(tmp[g.off[r]:g.off[r+1]])
	}
	for j, v := range tmp {
		g.adj[j], g.src[j] = bgp.ASN(v>>8), uint8(v)
	}
	return g, conflicts
}

// Load reads an as-rel file (serial-1 or serial-2) into a Graph. Bad
// lines, and links that repeat or contradict an earlier link between the
// same ASes, are skipped and counted in Stats unless strict is set, in
// which case the first ends the load with its error. The Header holds the
// file's metadata.
func Load(r io.Reader, name string, strict bool) (*Graph, *Header, Stats, error) {
	rd := NewReader(r, name)
	rd.Strict = strict
	b := NewBuilder()
	for rd.Next() {
		if err := b.Add(rd.Link()); err != nil {
			return nil, nil, rd.Stats(), err // the reader rejects what Add would
		}
	}
	st := rd.Stats()
	if err := rd.Err(); err != nil {
		return nil, rd.Header(), st, err
	}
	g, conflicts := b.Build()
	for _, c := range conflicts {
		pe := &ParseError{Name: name, Line: c.Dropped.Line,
			Err: fmt.Errorf("link AS%d-AS%d repeats or contradicts line %d", c.Dropped.A, c.Dropped.B, c.Kept.Line)}
		if err := st.add(pe, strict); err != nil {
			return nil, rd.Header(), st, err
		}
		st.Records--
	}
	if len(conflicts) > 0 {
		// Keep the errors in line order with those of the reader.
		sort.SliceStable(st.Errors, func(i, j int) bool {
			return st.Errors[i].(*ParseError).Line < st.Errors[j].(*ParseError).Line
		})
	}
	return g, rd.Header(), st, nil
}
