package irr

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpsl"
)

// synthDump returns an IRR dump of n route and route6 objects in the
// layout of a RIPE split dump (descr, mnt-by, timestamps, a comment on
// source), from two sources, with aut-nums and as-sets among them: /24s
// and shorter IPv4 prefixes, /32 to /48 IPv6 ones, origins skewed
// towards a few large ASes, one object in twenty repeated in the other
// source. It returns the routes written, one per object, for lookups.
func synthDump(n int) ([]byte, []Route) {
	rng := rand.New(rand.NewPCG(5, 6))
	var b bytes.Buffer
	w := rpsl.NewWriter(&b)
	w.Raw = true
	if err := w.Comment("Synthetic IRR dump for the irr benchmarks"); err != nil {
		panic(err)
	}
	routes := make([]Route, 0, n)
	seen := make(map[Route]bool, n)
	write := func(o *rpsl.Object) {
		if err := w.Write(o); err != nil {
			panic(err)
		}
	}
	origin := func() bgp.ASN {
		if rng.IntN(4) == 0 {
			return bgp.ASN(1 + rng.IntN(50)) // large ASes
		}
		return bgp.ASN(1 + rng.IntN(70_000))
	}
	for len(routes) < n {
		asn := origin()
		var p netip.Prefix
		class := "route"
		if rng.IntN(5) == 0 {
			class = "route6"
			a := [16]byte{0x20, 0x01, byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}
			p = netip.PrefixFrom(netip.AddrFrom16(a), 32+rng.IntN(17)).Masked()
		} else {
			a := [4]byte{byte(1 + rng.IntN(223)), byte(rng.IntN(256)), byte(rng.IntN(256)), 0}
			bits := 24
			if rng.IntN(3) == 0 {
				bits = 16 + rng.IntN(8)
			}
			p = netip.PrefixFrom(netip.AddrFrom4(a), bits).Masked()
		}
		if seen[Route{Prefix: p, Origin: asn}] {
			continue
		}
		seen[Route{Prefix: p, Origin: asn}] = true
		for _, src := range []string{"RIPE", "RADB"} {
			o := &rpsl.Object{}
			o.Add(class, p.String())
			o.Add("descr", "Synthetic Networks Ltd")
			o.Add("origin", asn.String())
			o.Add("mnt-by", fmt.Sprintf("AS%d-MNT", asn))
			o.Add("created", "2002-05-21T15:33:55Z")
			o.Add("last-modified", "2009-10-15T09:32:17Z")
			o.AddRaw("source", src+" # Filtered")
			write(o)
			routes = append(routes, Route{Prefix: p, Origin: asn})
			if rng.IntN(20) != 0 || len(routes) == n {
				break
			}
		}
		if rng.IntN(50) == 0 {
			o := &rpsl.Object{}
			o.Add("aut-num", asn.String())
			o.Add("as-name", "SYNTH")
			o.Add("member-of", "AS-SYNTH")
			o.Add("import", "from AS1 accept ANY")
			o.Add("export", "to AS1 announce "+asn.String())
			o.Add("admin-c", "DUMY-RIPE")
			o.Add("mnt-by", fmt.Sprintf("AS%d-MNT", asn))
			o.Add("source", "RIPE")
			write(o)
			o = &rpsl.Object{}
			o.Add("as-set", fmt.Sprintf("AS%d:AS-CUSTOMERS", asn))
			o.Add("members", fmt.Sprintf("AS%d, AS%d, AS%d", origin(), origin(), origin()))
			o.Add("source", "RIPE")
			write(o)
		}
	}
	if err := w.Flush(); err != nil {
		panic(err)
	}
	return b.Bytes(), routes
}

// BenchmarkLoad loads a dump of 100,000 route and route6 objects, and
// reports the heap the DB holds per route object.
func BenchmarkLoad(b *testing.B) {
	data, routes := synthDump(100_000)
	heap := heapPerRoute(b, data, len(routes))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		db := New("RIPE", "RADB")
		st, err := db.Load(bytes.NewReader(data), "synthetic", LoadOptions{})
		if err != nil || st.Bad() != 0 {
			b.Fatal(st, err)
		}
	}
	b.ReportMetric(float64(len(routes))*float64(b.N)/b.Elapsed().Seconds(), "routes/s")
	b.ReportMetric(heap, "heapB/route")
}

// heapPerRoute returns the heap a DB of data holds, per route object.
func heapPerRoute(tb testing.TB, data []byte, n int) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	db := New("RIPE", "RADB")
	if _, err := db.Load(bytes.NewReader(data), "synthetic", LoadOptions{}); err != nil {
		tb.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(db)
	return (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(n)
}

// BenchmarkHasRoute looks up routes of a DB of 100,000 route objects,
// half of them registered, half with another origin.
func BenchmarkHasRoute(b *testing.B) {
	data, routes := synthDump(100_000)
	db := New("RIPE", "RADB")
	if _, err := db.Load(bytes.NewReader(data), "synthetic", LoadOptions{}); err != nil {
		b.Fatal(err)
	}
	queries := make([]Route, 4096)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range queries {
		queries[i] = routes[rng.IntN(len(routes))]
		if i%2 == 1 {
			queries[i].Origin += 100_000
		}
	}
	b.ReportAllocs()
	i, found := 0, 0
	for b.Loop() {
		q := queries[i%len(queries)]
		if db.HasRoute(q.Prefix, q.Origin) {
			found++
		}
		i++
	}
	if found == 0 || found > i/2+1 {
		b.Fatalf("%d of %d found", found, i)
	}
}

// BenchmarkExpandRouteSet expands the routes of an as-set of about 1,300
// ASes, the aut-nums that join AS-SYNTH with mbrs-by-ref ANY.
func BenchmarkExpandRouteSet(b *testing.B) {
	data, _ := synthDump(100_000)
	db := New("RIPE", "RADB")
	if _, err := db.Load(bytes.NewReader(data), "synthetic", LoadOptions{}); err != nil {
		b.Fatal(err)
	}
	loadString(b, db, "as-set: AS-SYNTH\nmbrs-by-ref: ANY\nsource: RIPE\n")
	b.ReportAllocs()
	var x Expansion
	for b.Loop() {
		var err error
		if x, err = db.ExpandRouteSet("AS-SYNTH", false, ExpandOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(x.ASNs)), "ASes")
	b.ReportMetric(float64(len(x.Prefixes)), "prefixes")
}

// TestSynthDump checks the benchmarks' input: every object is indexed,
// every route found.
func TestSynthDump(t *testing.T) {
	data, routes := synthDump(5000)
	db := New("RIPE", "RADB")
	st, err := db.Load(bytes.NewReader(data), "synthetic", LoadOptions{Strict: true})
	if err != nil || st.Bad() != 0 || st.Objects != st.Indexed {
		t.Fatalf("%+v, %v", st, err)
	}
	for _, r := range routes {
		if !db.HasRoute(r.Prefix, r.Origin) {
			t.Fatalf("%s %s not found", r.Prefix, r.Origin)
		}
	}
	if c := db.Len(); c.Route+c.Route6 != len(routes) || c.Sources["RADB"].Route+c.Sources["RADB"].Route6 == 0 {
		t.Errorf("counts %+v for %d routes written", c, len(routes))
	}
}
