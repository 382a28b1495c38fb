package rpki

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"slices"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

// syntheticSet makes n distinct VRPs spread over the address space.
func syntheticSet(n int) *Set {
	r := rand.New(rand.NewPCG(1, 1))
	s := &Set{}
	tas := []string{"afrinic", "apnic", "arin", "lacnic", "ripe"}
	for len(s.VRPs) < n {
		var p netip.Prefix
		if r.IntN(5) == 0 {
			var b [16]byte
			b[0], b[1], b[2], b[3], b[4], b[5] = 0x2a, byte(r.IntN(16)), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())
			p = netip.PrefixFrom(netip.AddrFrom16(b), 29+r.IntN(20)).Masked()
		} else {
			v := r.Uint32()
			p = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), 12+r.IntN(13)).Masked()
		}
		ml := p.Bits()
		if r.IntN(4) == 0 {
			ml = min(ml+r.IntN(4), p.Addr().BitLen())
		}
		s.VRPs = append(s.VRPs, VRP{Prefix: p, MaxLength: uint8(ml), ASN: bgp.ASN(1 + r.IntN(400000)), TA: tas[r.IntN(5)], Expires: 1714608000 + int64(r.IntN(86400))})
	}
	for c := range 800 {
		s.ASPAs = append(s.ASPAs, ASPA{Customer: bgp.ASN(100000 + c), Providers: []bgp.ASN{174, 1299, bgp.ASN(2914 + c)}})
	}
	return s
}

// routinatorJSON writes s the way Routinator's json format does.
func routinatorJSON(s *Set) []byte {
	var b bytes.Buffer
	b.WriteString("{\n  \"metadata\": {\n    \"generated\": 1714564800,\n    \"generatedTime\": \"2024-05-01T12:00:00Z\"\n  },\n  \"roas\": [\n")
	for i, v := range s.VRPs {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "    { \"asn\": \"AS%d\", \"prefix\": \"%s\", \"maxLength\": %d, \"ta\": \"%s\" }", v.ASN, v.Prefix, v.MaxLength, v.TA)
	}
	b.WriteString("\n  ]\n}\n")
	return b.Bytes()
}

// BenchmarkLoad loads 800k VRPs in each input format; the goal is well under
// a second per load.
func BenchmarkLoad(b *testing.B) {
	const n = 800_000
	s := syntheticSet(n)
	s.Dedup()
	inputs := map[string][]byte{"routinator-json": routinatorJSON(s)}
	for _, f := range []string{"json", "csv"} {
		out, _ := LookupOutput(f)
		var buf bytes.Buffer
		if err := out.Write(&buf, s, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
		inputs["rpki-client-"+f] = buf.Bytes()
	}
	runtime.GC()
	for _, name := range []string{"rpki-client-json", "routinator-json", "rpki-client-csv"} {
		in := inputs[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				got, _, err := Load(bytes.NewReader(in), name, LoadOptions{Strict: true})
				if err != nil {
					b.Fatal(err)
				}
				if len(got.VRPs) != len(s.VRPs) {
					b.Fatalf("%d VRPs, want %d", len(got.VRPs), len(s.VRPs))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/load")
		})
	}
	b.Run("dedup", func(b *testing.B) {
		got, _, _ := Load(bytes.NewReader(inputs["rpki-client-json"]), "x", LoadOptions{})
		b.ReportAllocs()
		for b.Loop() {
			c := &Set{VRPs: append([]VRP(nil), got.VRPs...)}
			c.Dedup()
		}
	})
	b.Run("write-json", func(b *testing.B) {
		out, _ := LookupOutput("json")
		b.ReportAllocs()
		for b.Loop() {
			var buf bytes.Buffer
			out.Write(&buf, s, WriteOptions{})
		}
	})
}

// BenchmarkApplySLURM: the overlap check of two large SLURM files, and many
// prefix filters against a full VRP set. Both used to compare every pair.
func BenchmarkApplySLURM(b *testing.B) {
	assertions := func(first byte, n int) *SLURM {
		s := &SLURM{Source: fmt.Sprintf("%d.json", first)}
		for i := range n {
			p := netip.PrefixFrom(netip.AddrFrom4([4]byte{first, byte(i >> 8), byte(i), 0}), 24)
			s.PrefixAssertions = append(s.PrefixAssertions, PrefixAssertion{Prefix: p, ASN: 64496, MaxLength: 24})
		}
		return s
	}
	b.Run("overlap-2x20k", func(b *testing.B) {
		files := []*SLURM{assertions(10, 20_000), assertions(11, 20_000)}
		b.ReportAllocs()
		for b.Loop() {
			if err := CheckOverlap(files); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("filters-5k-x-200k", func(b *testing.B) {
		s := syntheticSet(200_000)
		s.Dedup()
		r := rand.New(rand.NewPCG(2, 2))
		filters := &SLURM{Source: "filters.json"}
		for i := range 5_000 {
			v := s.VRPs[r.IntN(len(s.VRPs))]
			f := PrefixFilter{Prefix: netip.PrefixFrom(v.Prefix.Addr(), max(v.Prefix.Bits()-r.IntN(4), 8)).Masked()}
			if i%2 == 0 {
				f.ASN, f.HasASN = v.ASN, true
			}
			filters.PrefixFilters = append(filters.PrefixFilters, f)
		}
		for i := range 100 {
			filters.PrefixFilters = append(filters.PrefixFilters, PrefixFilter{ASN: bgp.ASN(1 + i*4000), HasASN: true})
		}
		b.ReportAllocs()
		for b.Loop() {
			c := &Set{VRPs: slices.Clone(s.VRPs)}
			if err := c.ApplySLURM(filters); err != nil {
				b.Fatal(err)
			}
		}
	})
}
