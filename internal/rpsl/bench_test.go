package rpsl

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// synthDump returns a RIPE-style dump of about n lines: the terms header,
// then route, route6, aut-num and as-set objects in the proportions and
// layout of a RIPE split dump, with remarks, continuation lines and
// comments.
func synthDump(n int) (data []byte, lines int) {
	rng := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	b.WriteString("#\n# The contents of this file are subject to \n# RIPE Database Terms and Conditions\n#\n# http://www.ripe.net/db/support/db-terms-conditions.pdf\n#\n")
	lines = 6
	w := NewWriter(&b)
	for lines < n {
		o := &Object{}
		asn := 1 + rng.IntN(400_000)
		switch k := rng.IntN(20); {
		case k < 14:
			o.Add("route", fmt.Sprintf("%d.%d.%d.0/24", 1+rng.IntN(223), rng.IntN(256), rng.IntN(256)))
			o.Add("descr", "Synthetic Networks Ltd")
			o.Add("origin", fmt.Sprintf("AS%d", asn))
			o.Add("mnt-by", fmt.Sprintf("AS%d-MNT", asn))
			if k < 3 {
				o.Add("member-of", fmt.Sprintf("AS%d:RS-CUSTOMERS,\nAS%d:RS-ALL", asn, asn))
			}
			o.Add("created", "2002-05-21T15:33:55Z")
			o.Add("last-modified", "2009-10-15T09:32:17Z")
			o.AddRaw("source", "RIPE # Filtered")
		case k < 18:
			o.Add("route6", fmt.Sprintf("2001:%x:%x::/48", rng.IntN(1<<16), rng.IntN(1<<16)))
			o.Add("origin", fmt.Sprintf("AS%d", asn))
			o.Add("mnt-by", fmt.Sprintf("AS%d-MNT", asn))
			o.Add("source", "RIPE")
		case k < 19:
			o.Add("aut-num", fmt.Sprintf("AS%d", asn))
			o.Add("as-name", "SYNTH-AS")
			for range 4 {
				peer := 1 + rng.IntN(400_000)
				o.Add("import", fmt.Sprintf("from AS%d accept ANY", peer))
				o.Add("export", fmt.Sprintf("to AS%d announce AS%d:AS-CUSTOMERS", peer, asn))
			}
			o.Add("mp-import", "afi ipv6.unicast from AS1 accept ANY")
			o.Add("admin-c", "DUMY-RIPE")
			o.Add("tech-c", "DUMY-RIPE")
			o.Add("mnt-by", fmt.Sprintf("AS%d-MNT", asn))
			o.Add("source", "RIPE")
		default:
			o.Add("as-set", fmt.Sprintf("AS%d:AS-CUSTOMERS", asn))
			members := ""
			for i := range 10 {
				if i > 0 {
					members += ",\n"
				}
				members += fmt.Sprintf("AS%d", 1+rng.IntN(400_000))
			}
			o.Add("members", members)
			o.Add("mnt-by", fmt.Sprintf("AS%d-MNT", asn))
			o.Add("source", "RIPE")
		}
		for _, r := range [...]string{"****************************", "* THIS OBJECT IS MODIFIED", "****************************"} {
			o.Add("remarks", r)
		}
		w.Raw = true
		if err := w.Write(o); err != nil {
			panic(err)
		}
		for _, a := range o.Attrs {
			lines += 1 + bytes.Count([]byte(a.Value), []byte("\n"))
		}
		lines++ // the blank line
	}
	if err := w.Flush(); err != nil {
		panic(err)
	}
	return b.Bytes(), lines
}

// BenchmarkReader reads a generated dump of a million lines, about a
// tenth of a RIPE dump.
func BenchmarkReader(b *testing.B) {
	data, lines := synthDump(1_000_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	objects := 0
	for b.Loop() {
		rd := NewReader(bytes.NewReader(data), "synthetic")
		objects = 0
		for rd.Next() {
			objects++
		}
		if rd.Err() != nil || rd.Stats().BadLines != 0 {
			b.Fatal(rd.Err(), rd.Stats())
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(objects), "objects")
}

// BenchmarkReaderRoutes reads the same dump and builds the Route view of
// each route and route6 object, as the IRR dump reader does.
func BenchmarkReaderRoutes(b *testing.B) {
	data, lines := synthDump(1_000_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rd := NewReader(bytes.NewReader(data), "synthetic")
		for rd.Next() {
			o := rd.Object()
			if c := o.Class(); c == "route" || c == "route6" {
				if _, err := ParseRoute(o); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func BenchmarkWriter(b *testing.B) {
	data, lines := synthDump(100_000)
	objs, _, err := ReadAll(bytes.NewReader(data), "synthetic")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		w := NewWriter(io.Discard)
		for _, o := range objs {
			if err := w.Write(o); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// TestSynthDump checks the benchmark's input: it reads cleanly, each
// object comes back as written.
func TestSynthDump(t *testing.T) {
	data, lines := synthDump(5000)
	objs, st, err := ReadAll(bytes.NewReader(data), "synthetic")
	if err != nil || st.BadLines != 0 || st.Dropped != 0 || st.Lines != lines-1 {
		t.Fatalf("%d objects, %+v (want %d lines), %v", len(objs), st, lines-1, err)
	}
	for _, o := range objs {
		checkRoundTrip(t, o)
	}
}
