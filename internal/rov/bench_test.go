package rov

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"math/rand/v2"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpki"
)

// route is a (prefix, origin) pair of a routing table.
type route struct {
	prefix netip.Prefix
	origin bgp.ASN
}

// readPyASN reads a pyasn IPASN file: "prefix<TAB>asn" lines, ';' comments.
func readPyASN(tb testing.TB, name string) []route {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var out []route
	sc := bufio.NewScanner(z)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == ';' {
			continue
		}
		ps, as, ok := strings.Cut(line, "\t")
		if !ok {
			tb.Fatalf("%s: bad line %q", name, line)
		}
		p, err := netip.ParsePrefix(ps)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		n, err := strconv.ParseUint(as, 10, 32)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		out = append(out, route{p.Masked(), bgp.ASN(n)})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// world is a full-table benchmark input generated deterministically from
// the real prefix-to-origin tables in testdata.
type world struct {
	vrps     []rpki.VRP
	routes   []route // in prefix order, as a RIB dump has them
	shuffled []route // the same in random order
}

var (
	worldOnce sync.Once
	theWorld  world
)

// fullTable makes about 800k VRPs and 1.2M routes. Every real (prefix,
// origin) pair is a route; most are covered by a VRP for their origin, some
// with a maxLength above the prefix length, some for a wrong origin, some
// by an aggregate; more-specifics of real prefixes fill the table up to
// 1.2M routes, so that some are valid by maxLength, some invalid by length
// and some hijack-like (wrong origin).
func fullTable(tb testing.TB) world {
	worldOnce.Do(func() {
		r := rand.New(rand.NewPCG(20140513, 20151101))
		routes := readPyASN(tb, "../world/data/ipasn6_20151101.dat.gz")
		routes = append(routes, readPyASN(tb, "../world/data/ipasn_20140513.dat.gz")...)
		seen := make(map[route]bool, len(routes))
		uniq := routes[:0]
		for _, rt := range routes {
			if !seen[rt] {
				seen[rt] = true
				uniq = append(uniq, rt)
			}
		}
		routes = uniq
		var vrps []rpki.VRP
		for _, rt := range routes {
			p := rt.prefix
			x := r.IntN(100)
			switch {
			case x < 72:
				vrps = append(vrps, rpki.VRP{Prefix: p, MaxLength: uint8(p.Bits()), ASN: rt.origin, TA: "ripe"})
			case x < 84:
				ml := min(p.Bits()+1+r.IntN(4), p.Addr().BitLen())
				vrps = append(vrps, rpki.VRP{Prefix: p, MaxLength: uint8(ml), ASN: rt.origin, TA: "apnic"})
			case x < 88:
				vrps = append(vrps, rpki.VRP{Prefix: p, MaxLength: uint8(p.Bits()), ASN: rt.origin + 1, TA: "arin"})
			case x < 93 && p.Bits() > 8:
				agg := netip.PrefixFrom(p.Addr(), p.Bits()-1-r.IntN(4)).Masked()
				vrps = append(vrps, rpki.VRP{Prefix: agg, MaxLength: uint8(agg.Bits()), ASN: rt.origin, TA: "lacnic"})
			}
			if r.IntN(100) < 12 { // a second origin
				vrps = append(vrps, rpki.VRP{Prefix: p, MaxLength: uint8(p.Bits()), ASN: bgp.ASN(r.IntN(400000)), TA: "afrinic"})
			}
		}
		for len(routes) < 1_200_000 {
			base := routes[r.IntN(len(routes))]
			bitsMax := 24
			if !base.prefix.Addr().Is4() {
				bitsMax = 48
			}
			if base.prefix.Bits() >= bitsMax {
				continue
			}
			l := base.prefix.Bits() + 1 + r.IntN(bitsMax-base.prefix.Bits())
			a := base.prefix.Addr().As16()
			if base.prefix.Addr().Is4() {
				a4 := base.prefix.Addr().As4()
				v := uint32(a4[0])<<24 | uint32(a4[1])<<16 | uint32(a4[2])<<8 | uint32(a4[3])
				v |= r.Uint32() >> base.prefix.Bits()
				p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), l).Masked()
				origin := base.origin
				if r.IntN(10) == 0 {
					origin = bgp.ASN(r.IntN(400000))
				}
				routes = append(routes, route{p, origin})
				continue
			}
			for i := base.prefix.Bits() / 8; i < 8; i++ {
				a[i] |= byte(r.Uint32())
			}
			p := netip.PrefixFrom(netip.AddrFrom16(a), l).Masked()
			routes = append(routes, route{p, base.origin})
		}
		shuffled := slices.Clone(routes)
		// A RIB dump (MRT TABLE_DUMP_V2) lists routes in prefix order.
		slices.SortFunc(routes, func(a, b route) int {
			if c := a.prefix.Addr().Compare(b.prefix.Addr()); c != 0 {
				return c
			}
			return cmp.Compare(a.prefix.Bits(), b.prefix.Bits())
		})
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		theWorld = world{vrps: vrps, routes: routes, shuffled: shuffled}
	})
	return theWorld
}

// BenchmarkValidate validates a full table in RIB (prefix) order.
func BenchmarkValidate(b *testing.B) { benchmarkValidate(b, fullTable(b).routes) }

// BenchmarkValidateShuffled validates the same table in random order, the
// worst case for the caches.
func BenchmarkValidateShuffled(b *testing.B) { benchmarkValidate(b, fullTable(b).shuffled) }

func benchmarkValidate(b *testing.B, routes []route) {
	w := fullTable(b)
	ix := New(w.vrps)
	var counts [3]int
	for _, rt := range routes {
		s, _ := ix.Validate(rt.prefix, rt.origin)
		counts[s]++
	}
	b.Logf("%d VRPs, %d routes: %d valid, %d invalid, %d not found", len(w.vrps), len(routes), counts[Valid], counts[Invalid], counts[NotFound])
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, rt := range routes {
			ix.Validate(rt.prefix, rt.origin)
		}
		n += len(routes)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "validations/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/validation")
	b.ReportMetric(float64(ix.SizeBytes())/float64(ix.Len()), "index-bytes/VRP")
}

func BenchmarkValidateVRPs(b *testing.B) {
	w := fullTable(b)
	ix := New(w.vrps)
	b.ReportAllocs()
	var dst []rpki.VRP
	n := 0
	for b.Loop() {
		for _, rt := range w.routes {
			_, _, dst = ix.ValidateVRPs(dst[:0], rt.prefix, rt.origin)
		}
		n += len(w.routes)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "validations/s")
}

func BenchmarkNew(b *testing.B) {
	w := fullTable(b)
	b.ReportAllocs()
	for b.Loop() {
		New(w.vrps)
	}
	b.ReportMetric(float64(len(w.vrps)), "VRPs")
}
