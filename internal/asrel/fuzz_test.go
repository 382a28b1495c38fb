package asrel

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

func FuzzReader(f *testing.F) {
	for _, name := range []string{"20210901.as-rel2.txt.bz2", "serial1-cycle.as-rel.txt", "bad-lines.as-rel2.txt"} {
		f.Add(readFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data), "fuzz")
		b := NewBuilder()
		var links []Link
		for rd.Next() {
			l := rd.Link()
			// Round trip through the text form.
			back := NewReader(bytes.NewReader(l.AppendText(nil)), "back")
			if !back.Next() {
				t.Fatalf("%+v does not read back: %v", l, back.Stats().Errors)
			}
			bl := back.Link()
			bl.Line = l.Line
			if bl != l {
				t.Fatalf("round trip: %+v, want %+v", bl, l)
			}
			if err := b.Add(l); err != nil {
				t.Fatalf("reader gave a link the builder rejects: %v", err)
			}
			links = append(links, l)
		}
		if rd.Err() != nil {
			t.Fatal(rd.Err())
		}
		st := rd.Stats()
		if len(st.Errors) > MaxErrors || len(rd.Header().Comments) > MaxHeaderLines || st.Records+st.Skipped+st.Comments > st.Lines {
			t.Fatalf("stats %+v", st)
		}
		g, conflicts := b.Build()
		if g.Links()+len(conflicts) != len(links) {
			t.Fatalf("%d links + %d conflicts != %d read", g.Links(), len(conflicts), len(links))
		}
		dropped := map[int]bool{}
		for _, c := range conflicts {
			dropped[c.Dropped.Line] = true
		}
		for _, l := range links {
			if dropped[l.Line] {
				continue
			}
			if got := g.Relation(l.A, l.B); got != l.Rel || g.Relation(l.B, l.A) != l.Rel.Invert() {
				t.Fatalf("line %d: Relation = %v, want %v", l.Line, got, l.Rel)
			}
		}
		for _, a := range g.ASNs() {
			if !slices.IsSorted(g.Providers(a)) || !slices.IsSorted(g.Customers(a)) || !slices.IsSorted(g.Peers(a)) {
				t.Fatalf("AS%d: neighbours not sorted", a)
			}
			cone := g.CustomerCone(a)
			if !slices.Contains(cone, a) || !slices.IsSorted(cone) {
				t.Fatalf("cone of AS%d: %v", a, cone)
			}
		}
	})
}

func FuzzConeReader(f *testing.F) {
	f.Add(readFixture(f, "ppdc-ases-excerpt.txt"))
	f.Add([]byte("1 2 3\n# x\n4 4294967295 4294967296\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, st, err := LoadCones(bytes.NewReader(data), "fuzz", false)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Errors) > MaxErrors || st.Records != c.Len() {
			t.Fatalf("stats %+v for %d cones", st, c.Len())
		}
		if !slices.IsSorted(c.ASNs()) {
			t.Fatal("owners not sorted")
		}
		total := 0
		for _, a := range c.ASNs() {
			m := c.Cone(a)
			if !slices.IsSorted(m) || len(slices.Compact(slices.Clone(m))) != len(m) {
				t.Fatalf("cone of %d: %v", a, m)
			}
			total += len(m)
		}
		// Each member took at least two bytes of input.
		if total > len(data)/2+1 {
			t.Fatalf("%d members from %d bytes", total, len(data))
		}
	})
}

// synthetic returns a serial-2 file of about n links over n/6 ASes in the
// shape of the Internet: a clique of 20, 2.5% large transit, 15% small
// transit, the rest stubs with one or two providers each, and the
// remaining links peering (about 70% of all, as in the CAIDA data).
func synthetic(n int) []byte {
	rng := rand.New(rand.NewPCG(7, 8))
	nAS := n / 6
	asn := make([]bgp.ASN, nAS)
	used := map[bgp.ASN]bool{}
	for i := range asn {
		for {
			a := bgp.ASN(1 + rng.IntN(400_000))
			if !used[a] {
				used[a], asn[i] = true, a
				break
			}
		}
	}
	t1, t2, t3 := 20, 20+nAS/40, 20+nAS/40+nAS*15/100
	pairs := map[uint64]bool{}
	var b bytes.Buffer
	b.WriteString("# source:topology|BGP|20240101|synthetic|gen\n")
	links := 0
	add := func(p, c int, rel string, src string) {
		k := blink{a: asn[p], b: asn[c]}.pairKey()
		if p == c || pairs[k] {
			return
		}
		pairs[k] = true
		fmt.Fprintf(&b, "%d|%d|%s|%s\n", asn[p], asn[c], rel, src)
		links++
	}
	for i := range t1 {
		for j := i + 1; j < t1; j++ {
			add(i, j, "0", "bgp")
		}
	}
	for i := t1; i < nAS; i++ {
		k := 1 + rng.IntN(3)
		for range k {
			var p int
			switch {
			case i < t2:
				p = rng.IntN(i)
			case i < t3:
				p = t1 + rng.IntN(i-t1)
			default:
				p = t1 + rng.IntN(t3-t1)
			}
			add(p, i, "-1", "bgp")
		}
	}
	for links < n {
		x, y := t1+rng.IntN(nAS-t1), t1+rng.IntN(t3-t1)
		src := "bgp"
		if rng.IntN(3) == 0 {
			src = "mlp"
		}
		add(x, y, "0", src)
	}
	return b.Bytes()
}

// BenchmarkLoad reads and builds a synthetic file of 500,000 links, the
// size of a CAIDA serial-2 file.
func BenchmarkLoad(b *testing.B) {
	data := synthetic(500_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		g, _, st, err := Load(bytes.NewReader(data), "synthetic", true)
		if err != nil || g.Links() != 500_000 {
			b.Fatalf("%v, %d links, %+v", err, g.Links(), st)
		}
	}
	b.ReportMetric(float64(500_000*b.N)/b.Elapsed().Seconds(), "links/s")
}

func BenchmarkRelation(b *testing.B) {
	g, _, _, err := Load(bytes.NewReader(synthetic(500_000)), "synthetic", true)
	if err != nil {
		b.Fatal(err)
	}
	asns := g.ASNs()
	rng := rand.New(rand.NewPCG(9, 10))
	q := make([][2]bgp.ASN, 1<<16)
	for i := range q {
		a := asns[rng.IntN(len(asns))]
		nb := g.Peers(a)
		if len(nb) == 0 || rng.IntN(2) == 0 {
			q[i] = [2]bgp.ASN{a, asns[rng.IntN(len(asns))]}
			continue
		}
		q[i] = [2]bgp.ASN{a, nb[rng.IntN(len(nb))]}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := q[i&(len(q)-1)]
		g.Relation(p[0], p[1])
		i++
	}
}

func BenchmarkCustomerCones(b *testing.B) {
	g, _, _, err := Load(bytes.NewReader(synthetic(500_000)), "synthetic", true)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var members int
	for b.Loop() {
		c := g.CustomerCones()
		members = len(c.members)
	}
	b.ReportMetric(float64(members), "members")
	b.ReportMetric(float64(g.Len()), "ASes")
}
