package filter

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/irr"
)

// synthSet returns an IRR dump of an as-set, AS-BENCH, whose nested sets
// reach levels deep and hold asns AS numbers, each set also naming a set
// of its own level or above (cycles), with routes route objects for
// those ASes, and a tenth as many of other ASes.
func synthSet(asns, levels, routes int) string {
	rng := rand.New(rand.NewPCG(17, 5000))
	const perLevel = 18
	var b strings.Builder
	name := func(level, i int) string {
		if level == 1 {
			return "AS-BENCH"
		}
		return fmt.Sprintf("AS-BENCH-L%d-%d", level, i)
	}
	type set struct{ members []string }
	sets := make(map[string]*set)
	var order []string
	for level := 1; level <= levels; level++ {
		n := perLevel
		if level == 1 {
			n = 1
		}
		for i := range n {
			s := &set{}
			sets[name(level, i)] = s
			order = append(order, name(level, i))
			if level < levels {
				// Two sets of the next level; every one of them named by
				// some set of this level.
				s.members = append(s.members, name(level+1, i%perLevel), name(level+1, (i+1+rng.IntN(perLevel-1))%perLevel))
				if level == 1 {
					for j := 2; j < perLevel; j++ {
						s.members = append(s.members, name(2, j))
					}
				}
			}
			if level > 1 {
				back := 1 + rng.IntN(level)
				s.members = append(s.members, name(back, rng.IntN(perLevel)))
			}
		}
	}
	for i := range asns {
		s := sets[order[i%len(order)]]
		s.members = append(s.members, fmt.Sprintf("AS%d", 10000+i))
	}
	for _, n := range order {
		fmt.Fprintf(&b, "as-set: %s\nmembers: %s\nmnt-by: BENCH-MNT\nsource: RIPE\n\n", n, strings.Join(sets[n].members, ", "))
	}
	others := routes / 10
	for i := range routes + others {
		asn := 10000 + i%asns
		if i >= routes {
			asn = 200000 + i
		}
		a := netip.AddrFrom4([4]byte{byte(1 + i>>16), byte(i >> 8), byte(i), 0})
		bits := 24
		if i%7 == 0 {
			bits = 23 + i%2 // some shorter prefixes covering others
		}
		p := netip.PrefixFrom(a, bits).Masked()
		src := "RIPE"
		if i%5 == 0 {
			src = "RADB"
		}
		fmt.Fprintf(&b, "route: %s\norigin: AS%d\nmnt-by: BENCH-MNT\nsource: %s\n\n", p, asn, src)
	}
	return b.String()
}

func loadSynth(tb testing.TB, asns, levels, routes int) *irr.DB {
	tb.Helper()
	db := irr.New("RIPE", "RADB")
	st, err := db.Load(strings.NewReader(synthSet(asns, levels, routes)), "synthetic", irr.LoadOptions{Strict: true})
	if err != nil || st.Bad() != 0 {
		tb.Fatalf("%+v, %v", st, err)
	}
	return db
}

// TestSynthSet checks the benchmark's input on a smaller scale: the
// as-set nests as deep as asked, holds every AS, and its expansion ends
// despite the cycles.
func TestSynthSet(t *testing.T) {
	db := loadSynth(t, 500, 17, 5000)
	x, err := db.ExpandASSet("AS-BENCH", irr.ExpandOptions{})
	if err != nil || x.Depth != 17 || len(x.ASNs) != 500 || x.Truncated {
		t.Fatalf("depth %d, %d ASNs, truncated %v, %v", x.Depth, len(x.ASNs), x.Truncated, err)
	}
}

// BenchmarkFilter expands an as-set of 5,000 ASes nested 17 levels deep,
// with cycles, over 110,000 route objects, and writes its prefix list of
// 100,000 prefixes for IOS: what "bgpq4 AS-BENCH" does.
func BenchmarkFilter(b *testing.B) {
	db := loadSynth(b, 5000, 17, 100_000)
	q, err := ParseQuery([]string{"AS-BENCH"})
	if err != nil {
		b.Fatal(err)
	}
	f, _ := LookupFormat("ios")
	o := Options{ASWidth: -1}
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	var l *List
	b.ReportAllocs()
	for b.Loop() {
		x, err := Expand(db, q, ExpandOptions{Routes: true})
		if err != nil {
			b.Fatal(err)
		}
		l, _ = Build(x, o, Policy{})
		if err := f.Write(w, l); err != nil {
			b.Fatal(err)
		}
		if len(x.ASNs) != 5000 {
			b.Fatalf("%d ASNs", len(x.ASNs))
		}
	}
	b.ReportMetric(float64(len(l.Entries)), "entries")
}

// BenchmarkFilterAggregate is BenchmarkFilter with aggregation (-A) for
// Junos route filters (-E).
func BenchmarkFilterAggregate(b *testing.B) {
	db := loadSynth(b, 5000, 17, 100_000)
	q, err := ParseQuery([]string{"AS-BENCH"})
	if err != nil {
		b.Fatal(err)
	}
	f, _ := LookupFormat("junos")
	o := Options{Kind: Extended, Aggregate: true, ASWidth: -1}
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	var l *List
	b.ReportAllocs()
	for b.Loop() {
		x, err := Expand(db, q, ExpandOptions{Routes: true})
		if err != nil {
			b.Fatal(err)
		}
		l, _ = Build(x, o, Policy{})
		if err := f.Write(w, l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(l.Entries)), "entries")
}
