package bogon

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

// sharedFullbogons6 is the full Team Cymru IPv6 list in the shared data
// beside the repository, used by benchmarks when present.
const sharedFullbogons6 = "../../../shared/data/bogons/teamcymru-via-c2theg/fullbogons-ipv6.txt"

func FuzzFullbogons(f *testing.F) {
	for _, file := range []string{"testdata/fullbogons-ipv6-excerpt.txt", "testdata/fullbogons-bad.txt"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("# last updated 99999999999999999999\n0.0.0.0/0\n::/0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewFullbogonsReader(bytes.NewReader(data), "fuzz")
		n := 0
		for rd.Next() {
			p := rd.Prefix()
			if !p.IsValid() || p.Masked() != p {
				t.Fatalf("line %d: prefix %v not canonical", rd.Line(), p)
			}
			back, err := netip.ParsePrefix(p.String())
			if err != nil || back != p {
				t.Fatalf("round trip of %v: %v %v", p, back, err)
			}
			n++
		}
		if rd.Err() != nil {
			t.Fatalf("in-memory input ended with %v", rd.Err())
		}
		st := rd.Stats()
		if st.Prefixes != n || len(st.Errors) > MaxErrors || st.Prefixes+st.Skipped+st.Comments > st.Lines {
			t.Fatalf("stats %+v after %d prefixes", st, n)
		}
	})
}

// FuzzBuilder loads arbitrary delegated statistics and fullbogons input
// and checks that what the built-in registries call a bogon stays one:
// files only add bogons.
func FuzzBuilder(f *testing.F) {
	for _, file := range []string{"testdata/nro-extended-excerpt.txt", "testdata/delegated-arin-extended.txt"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, []byte("10.0.0.0/8\n2000::/16\n"))
	}
	builtin := Builtin()
	f.Fuzz(func(t *testing.T, deleg, full []byte) {
		b := NewBuilder()
		b.Absent = AbsentUnallocated
		if _, err := b.AddDelegated(bytes.NewReader(deleg), "deleg"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.AddFullbogons(bytes.NewReader(full), "full"); err != nil {
			t.Fatal(err)
		}
		s := b.Build()
		for _, e := range builtin {
			if !e.Bogon {
				continue
			}
			if e.IsASN() {
				if _, ok := s.CheckASN(e.First); !ok {
					t.Fatalf("AS%d is no longer a bogon", e.First)
				}
				continue
			}
			if _, ok := s.CheckPrefix(e.Prefix); !ok {
				t.Fatalf("%s is no longer a bogon", e.Prefix)
			}
		}
		for _, l := range s.asns {
			for i := 1; i < len(l); i++ {
				if l[i].first <= l[i-1].last {
					t.Fatalf("ASN ranges overlap: %v %v", l[i-1], l[i])
				}
			}
		}
	})
}

// benchSet builds a Set of the built-in registries and the fullbogons
// lists: the full IPv6 list when the shared data is present.
func benchSet(b *testing.B) *Set {
	b.Helper()
	bl := NewBuilder()
	v6 := "testdata/fullbogons-ipv6-excerpt.txt"
	if _, err := os.Stat(sharedFullbogons6); err == nil {
		v6 = sharedFullbogons6
	}
	for _, file := range []string{"testdata/fullbogons-ipv4.txt", v6} {
		if _, err := bl.AddFullbogons(mustOpen(b, file), file); err != nil {
			b.Fatal(err)
		}
	}
	return bl.Build()
}

// queries returns n random prefixes: 80% IPv4 /8-/24, 20% IPv6 /19-/48
// within 2000::/3, like the mix of a full table.
func queries(n int) []netip.Prefix {
	rng := rand.New(rand.NewPCG(3, 4))
	out := make([]netip.Prefix, n)
	for i := range out {
		if rng.IntN(5) > 0 {
			var a [4]byte
			for j := range a {
				a[j] = byte(rng.UintN(256))
			}
			out[i] = netip.PrefixFrom(netip.AddrFrom4(a), 8+rng.IntN(17)).Masked()
			continue
		}
		var a [16]byte
		for j := range 8 {
			a[j] = byte(rng.UintN(256))
		}
		a[0] = 0x20 | a[0]&0x1f
		out[i] = netip.PrefixFrom(netip.AddrFrom16(a), 19+rng.IntN(30)).Masked()
	}
	return out
}

func BenchmarkCheckPrefix(b *testing.B) {
	s := benchSet(b)
	qs := queries(1 << 16)
	b.ReportAllocs()
	i, hits := 0, 0
	for b.Loop() {
		if _, ok := s.CheckPrefix(qs[i&(len(qs)-1)]); ok {
			hits++
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
	b.ReportMetric(float64(hits)/float64(b.N), "bogon-share")
}

func BenchmarkCovering(b *testing.B) {
	s := benchSet(b)
	qs := queries(1 << 16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Covering(qs[i&(len(qs)-1)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
}

func BenchmarkCheckASN(b *testing.B) {
	s := Default()
	rng := rand.New(rand.NewPCG(5, 6))
	asns := make([]bgp.ASN, 1<<16)
	for i := range asns {
		asns[i] = bgp.ASN(rng.Uint32() >> rng.IntN(17))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.CheckASN(asns[i&(len(asns)-1)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
}

// BenchmarkLoadFullbogonsIPv6 loads the full 130,000-line IPv6 list.
func BenchmarkLoadFullbogonsIPv6(b *testing.B) {
	data, err := os.ReadFile(sharedFullbogons6)
	if err != nil {
		b.Skipf("shared data not present: %v", err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		bl := NewBuilder()
		st, err := bl.AddFullbogons(bytes.NewReader(data), "fullbogons-ipv6.txt")
		if err != nil || st.Prefixes < 100_000 {
			b.Fatalf("%v, %d prefixes", err, st.Prefixes)
		}
		bl.Build()
	}
}

// nroLike returns an NRO-style delegated-extended file of n records that
// covers IPv4 from 1.0.0.0 and IPv6 from 2001:200:: in consecutive blocks,
// one in ten of them available.
func nroLike(n int) []byte {
	rng := rand.New(rand.NewPCG(11, 12))
	var b bytes.Buffer
	fmt.Fprintf(&b, "2.3|nro|20240104|%d|19821213|20240104|+0000\n", n)
	v4, v6, asn := uint32(0x01000000), uint64(0x2001_0200_0000_0000), uint32(1)
	for i := range n {
		status := "assigned"
		if rng.IntN(10) == 0 {
			status = "available"
		}
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, "ripencc|ZZ|asn|%d|1|20100101|%s|x|e-stats\n", asn, status)
			asn++
		case 1:
			size := uint32(256) << rng.IntN(6)
			fmt.Fprintf(&b, "apnic|ZZ|ipv4|%d.%d.%d.%d|%d|20100101|%s|x|e-stats\n", byte(v4>>24), byte(v4>>16), byte(v4>>8), byte(v4), size, status)
			v4 += size
		default:
			fmt.Fprintf(&b, "arin|ZZ|ipv6|%x:%x:%x::|48|20100101|%s|x|e-stats\n", uint16(v6>>48), uint16(v6>>32), uint16(v6>>16), status)
			v6 += 1 << 16
		}
	}
	return b.Bytes()
}

// BenchmarkBuildDelegated loads and builds an NRO-sized delegated file
// (700,000 records), gaps included.
func BenchmarkBuildDelegated(b *testing.B) {
	data := nroLike(700_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		bl := NewBuilder()
		st, err := bl.AddDelegated(bytes.NewReader(data), "nro")
		if err != nil || st.Records != 700_000 {
			b.Fatalf("%v, %+v", err, st)
		}
		s := bl.Build()
		if _, ok := s.CheckPrefix(netip.MustParsePrefix("1.0.0.0/24")); ok {
			b.Fatal("1.0.0.0/24 listed but reported")
		}
	}
}
