package delegated

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("2|x|1|1|||+0000\nx|ZZ|ipv4|0.0.0.0|4294967296||available\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data), "fuzz")
		var pfx []netip.Prefix
		for rd.Next() {
			rec := rd.Record()
			checkRoundTrip(t, rec)
			switch rec.Type {
			case IPv4:
				pfx = rec.AppendPrefixes(pfx[:0])
				var n uint64
				for _, p := range pfx {
					n += 1 << (32 - p.Bits())
				}
				if n != rec.Value || len(pfx) > 62 || pfx[0].Addr() != rec.Start {
					t.Fatalf("%+v: prefixes %v cover %d addresses", rec, pfx, n)
				}
			case IPv6:
				if rec.LastAddr().Less(rec.Start) {
					t.Fatalf("%+v: last address before the start", rec)
				}
			case ASN:
				if rec.LastASN() < rec.StartASN {
					t.Fatalf("%+v: last ASN before the start", rec)
				}
			default:
				t.Fatalf("record of type %v", rec.Type)
			}
		}
		if err := rd.Err(); err != nil {
			t.Fatalf("in-memory input ended with %v", err)
		}
		st := rd.Stats()
		if len(st.Errors) > MaxErrors || len(rd.Header().Summaries) > 16 {
			t.Fatalf("unbounded: %d errors, %d summaries", len(st.Errors), len(rd.Header().Summaries))
		}
		if st.Records+st.Summaries+st.Comments+st.Skipped > st.Lines {
			t.Fatalf("counts %+v exceed the lines", st)
		}
	})
}

// synthetic returns a delegated-extended file of n records in the mix of
// the NRO file (about 20% asn, 45% ipv4, 35% ipv6, a tenth of them
// available or reserved).
func synthetic(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	regs := []string{"afrinic", "apnic", "arin", "lacnic", "ripencc"}
	ccs := []string{"US", "DE", "BR", "JP", "ZA", "GB", "NL", "CN", "AU", "EU"}
	var b bytes.Buffer
	fmt.Fprintf(&b, "2.3|nro|20240104|%d|19821213|20240104|+0000\n", n)
	b.WriteString("nro|*|asn|*|0|summary\nnro|*|ipv4|*|0|summary\nnro|*|ipv6|*|0|summary\n")
	v4 := uint32(0x01000000)
	v6 := uint64(0x2001_0200_0000_0000)
	asn := uint32(1)
	for i := range n {
		reg, cc := regs[rng.IntN(len(regs))], ccs[rng.IntN(len(ccs))]
		status, opaque := "allocated", fmt.Sprintf("%08X", rng.IntN(60000))
		if rng.IntN(10) == 0 {
			status, cc, opaque = "available", "ZZ", ""
		}
		date := fmt.Sprintf("%04d%02d%02d", 1990+rng.IntN(34), 1+rng.IntN(12), 1+rng.IntN(28))
		switch r := i % 20; {
		case r < 4:
			fmt.Fprintf(&b, "%s|%s|asn|%d|1|%s|%s|%s|e-stats\n", reg, cc, asn, date, status, opaque)
			asn++
		case r < 13:
			size := uint32(256) << rng.IntN(8)
			if rng.IntN(20) == 0 {
				size = 768
			}
			a := netip.AddrFrom4([4]byte{byte(v4 >> 24), byte(v4 >> 16), byte(v4 >> 8), byte(v4)})
			fmt.Fprintf(&b, "%s|%s|ipv4|%s|%d|%s|%s|%s|e-stats\n", reg, cc, a, size, date, status, opaque)
			v4 += size
		default:
			var a [16]byte
			for j := range 8 {
				a[j] = byte(v6 >> (56 - 8*j))
			}
			fmt.Fprintf(&b, "%s|%s|ipv6|%s|32|%s|%s|%s|e-stats\n", reg, cc, netip.AddrFrom16(a), date, status, opaque)
			v6 += 1 << 32
		}
	}
	return b.Bytes()
}

// BenchmarkReader reads a synthetic file the size of the NRO
// delegated-extended file (700,000 records).
func BenchmarkReader(b *testing.B) {
	data := synthetic(700_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var pfx []netip.Prefix
	for b.Loop() {
		rd := NewReader(bytes.NewReader(data), "bench")
		n := 0
		for rd.Next() {
			pfx = rd.Record().AppendPrefixes(pfx[:0])
			n++
		}
		if rd.Err() != nil || n != 700_000 {
			b.Fatalf("read %d records: %v %v", n, rd.Err(), rd.Stats().Errors)
		}
	}
	b.ReportMetric(float64(700_000*b.N)/b.Elapsed().Seconds(), "records/s")
}
