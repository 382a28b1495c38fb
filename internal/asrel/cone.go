package asrel

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
)

// Cones holds the customer cone of each of a set of ASes, packed: the
// members of all cones in one array, each cone sorted.
type Cones struct {
	asns    []bgp.ASN // cone owners, sorted
	off     []uint32  // cone i is members[off[i]:off[i+1]]
	members []bgp.ASN
}

// Len returns the number of cones.
func (c *Cones) Len() int { return len(c.asns) }

// ASNs returns the ASes that have a cone, in ascending order. The slice
// is the set's own: do not modify it.
func (c *Cones) ASNs() []bgp.ASN { return c.asns }

// Cone returns the customer cone of a in ascending order, nil if a has
// none in the set. The slice is the set's own: do not modify it.
func (c *Cones) Cone(a bgp.ASN) []bgp.ASN {
	i, ok := slices.BinarySearch(c.asns, a)
	if !ok {
		return nil
	}
	return c.members[c.off[i]:c.off[i+1]:c.off[i+1]]
}

// Size returns the number of ASes in a's cone, 0 if it has none.
func (c *Cones) Size(a bgp.ASN) int { return len(c.Cone(a)) }

// Contains reports whether member is in a's cone.
func (c *Cones) Contains(a, member bgp.ASN) bool {
	_, ok := slices.BinarySearch(c.Cone(a), member)
	return ok
}

// conesBuilder appends cones in any order.
type conesBuilder struct {
	c Cones
}

func (b *conesBuilder) add(a bgp.ASN, members []bgp.ASN) {
	b.c.asns = append(b.c.asns, a)
	if len(b.c.off) == 0 {
		b.c.off = append(b.c.off, 0)
	}
	b.c.members = append(b.c.members, members...)
	b.c.off = append(b.c.off, uint32(len(b.c.members)))
}

// done sorts the cones by owner (they were added sorted when sorted is
// set) and returns them.
func (b *conesBuilder) done(sorted bool) *Cones {
	c := &b.c
	if len(c.off) == 0 {
		c.off = []uint32{0}
	}
	if sorted {
		return c
	}
	idx := make([]int, len(c.asns))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int { return int(int64(c.asns[x]) - int64(c.asns[y])) })
	out := &Cones{asns: make([]bgp.ASN, 0, len(idx)), off: make([]uint32, 1, len(idx)+1), members: make([]bgp.ASN, 0, len(c.members))}
	for _, i := range idx {
		out.asns = append(out.asns, c.asns[i])
		out.members = append(out.members, c.members[c.off[i]:c.off[i+1]]...)
		out.off = append(out.off, uint32(len(out.members)))
	}
	return out
}

// CustomerCone returns the customer cone of a: a itself and every AS
// reachable from a by provider-to-customer links, in ascending order. A
// cycle of such links (which inference can produce) puts each AS on it
// in the others' cones. It returns nil if a is not in the graph.
func (g *Graph) CustomerCone(a bgp.ASN) []bgp.ASN {
	i, ok := g.index(a)
	if !ok {
		return nil
	}
	w := newConeWalker(g)
	return w.cone(i, nil)
}

// CustomerCones returns the customer cone of every AS of the graph.
func (g *Graph) CustomerCones() *Cones {
	w := newConeWalker(g)
	var b conesBuilder
	b.c.off = make([]uint32, 1, len(g.asns)+1)
	b.c.asns = make([]bgp.ASN, 0, len(g.asns))
	var buf []bgp.ASN
	for i, a := range g.asns {
		buf = w.cone(i, buf[:0])
		b.add(a, buf)
	}
	return b.done(true)
}

// coneWalker walks customer links; seen[i] == stamp marks AS i as
// visited in the current walk, so walks need no clearing.
type coneWalker struct {
	g *Graph
	// cust holds, for each AS, the indices of its customers:
	// cust[coff[i]:coff[i+1]].
	cust  []int32
	coff  []uint32
	seen  []uint32
	stamp uint32
	queue []int32
}

func newConeWalker(g *Graph) *coneWalker {
	n := len(g.asns)
	w := &coneWalker{g: g, seen: make([]uint32, n), coff: make([]uint32, n+1)}
	for i := range n {
		w.coff[i+1] = w.coff[i] + g.off[3*i+2] - g.off[3*i+1]
	}
	w.cust = make([]int32, w.coff[n])
	for i := range n {
		for j, c := range g.adj[g.off[3*i+1]:g.off[3*i+2]] {
			k, _ := g.index(c)
			w.cust[int(w.coff[i])+j] = int32(k)
		}
	}
	return w
}

// cone appends the cone of AS index i to dst, sorted.
func (w *coneWalker) cone(i int, dst []bgp.ASN) []bgp.ASN {
	w.stamp++
	w.queue = append(w.queue[:0], int32(i))
	w.seen[i] = w.stamp
	for q := 0; q < len(w.queue); q++ {
		j := w.queue[q]
		for _, k := range w.cust[w.coff[j]:w.coff[j+1]] {
			if w.seen[k] != w.stamp {
				w.seen[k] = w.stamp
				w.queue = append(w.queue, k)
			}
		}
	}
	if len(w.queue)*16 > len(w.seen) {
		// A large cone: a pass over seen is cheaper than a sort.
		for k, s := range w.seen {
			if s == w.stamp {
				dst = append(dst, w.g.asns[k])
			}
		}
		return dst
	}
	slices.Sort(w.queue)
	for _, k := range w.queue {
		dst = append(dst, w.g.asns[k])
	}
	return dst
}

// ConeReader reads a customer cone file (ppdc-ases.txt) one cone at a
// time. Lines may be of any length: the cone of a large transit network
// lists tens of thousands of ASes.
type ConeReader struct {
	// Strict makes the first bad line end the stream with its error.
	Strict bool

	name    string
	br      *bufio.Reader
	as      bgp.ASN
	members []bgp.ASN
	stats   Stats
	err     error
}

// NewConeReader returns a ConeReader of r; name names the input in
// errors.
func NewConeReader(r io.Reader, name string) *ConeReader {
	return &ConeReader{name: name, br: bufio.NewReaderSize(r, 64<<10)}
}

// Next reads up to the next cone and reports whether there is one.
func (r *ConeReader) Next() bool {
	for r.err == nil {
		ok, err := r.readCone()
		switch {
		case err == io.EOF:
			return false
		case err != nil:
			var pe *ParseError
			if errors.As(err, &pe) {
				r.err = r.stats.add(pe, r.Strict)
				continue
			}
			r.err = fmt.Errorf("asrel: %s: line %d: %w", r.name, r.stats.Lines, err)
			return false
		case ok:
			r.stats.Records++
			return true
		}
	}
	return false
}

// Cone returns the cone that Next read: the AS and its members, sorted
// and without repeats. The slice is reused by the next call to Next.
func (r *ConeReader) Cone() (bgp.ASN, []bgp.ASN) { return r.as, r.members }

// Stats returns the counts so far.
func (r *ConeReader) Stats() Stats { return r.stats }

// Err returns the error that ended the stream, nil at a clean end.
func (r *ConeReader) Err() error { return r.err }

// readCone reads one line. It returns true for a cone, false for a
// comment or blank line, io.EOF at the end, or a *ParseError for a bad
// line (which it has consumed).
func (r *ConeReader) readCone() (bool, error) {
	r.members = r.members[:0]
	var (
		cur      uint64
		inToken  bool
		tokens   int
		comment  bool
		fault    error
		sawBytes bool
	)
	end := func() {
		if !inToken {
			return
		}
		inToken = false
		if fault != nil {
			return
		}
		if cur > 1<<32-1 {
			fault = fmt.Errorf("AS number %d out of range", cur)
			return
		}
		if tokens == 0 {
			r.as = bgp.ASN(cur)
		} else {
			r.members = append(r.members, bgp.ASN(cur))
		}
		tokens++
	}
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(chunk) > 0 && !sawBytes {
			sawBytes = true
			r.stats.Lines++
		}
		for _, c := range chunk {
			switch {
			case comment:
			case c >= '0' && c <= '9':
				if !inToken {
					inToken, cur = true, 0
				}
				if cur <= 1<<32 {
					cur = cur*10 + uint64(c-'0')
				}
			case c == ' ' || c == '\t' || c == '\r' || c == '\n':
				end()
			case c == '#' && tokens == 0 && !inToken:
				comment = true
			default:
				if fault == nil {
					fault = fmt.Errorf("unexpected byte %q", c)
				}
				end()
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && err != io.EOF {
			return false, err
		}
		if !sawBytes {
			return false, io.EOF
		}
		end()
		switch {
		case fault != nil:
			return false, &ParseError{Name: r.name, Line: r.stats.Lines, Format: "customer cones", Err: fault}
		case comment || tokens == 0:
			r.stats.Comments++
			return false, nil
		}
		slices.Sort(r.members)
		r.members = slices.Compact(r.members)
		return true, nil
	}
}

// LoadCones reads a customer cone file. A bad line, or a second cone for
// the same AS, is skipped and counted in Stats unless strict is set, in
// which case it ends the load with its error.
func LoadCones(r io.Reader, name string, strict bool) (*Cones, Stats, error) {
	rd := NewConeReader(r, name)
	rd.Strict = strict
	var b conesBuilder
	seen := make(map[bgp.ASN]int)
	var extra Stats
	for rd.Next() {
		a, members := rd.Cone()
		line := rd.Stats().Lines
		if first, dup := seen[a]; dup {
			pe := &ParseError{Name: name, Line: line, Format: "customer cones", Err: fmt.Errorf("second cone of AS%d (first at line %d)", a, first)}
			if err := extra.add(pe, strict); err != nil {
				return nil, merge(rd.Stats(), extra), err
			}
			continue
		}
		seen[a] = line
		b.add(a, members)
	}
	st := merge(rd.Stats(), extra)
	if err := rd.Err(); err != nil {
		return nil, st, err
	}
	return b.done(false), st, nil
}

// merge adds the skipped cones of extra to st.
func merge(st, extra Stats) Stats {
	st.Records -= extra.Skipped
	st.Skipped += extra.Skipped
	for _, e := range extra.Errors {
		if len(st.Errors) < MaxErrors {
			st.Errors = append(st.Errors, e)
		}
	}
	return st
}
