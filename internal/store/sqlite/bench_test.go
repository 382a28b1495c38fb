package sqlite

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
)

// Internet scale, per day (docs/observatory.md; the brief of this
// package): ASes seen, ASes originating prefixes, their prefix statuses,
// incidents.
const (
	scaleASes      = 80_000
	scaleOrigins   = 75_000
	scalePrefixes  = 1_300_000
	scaleIncidents = 3_000
)

// internetDay generates a day of Internet scale: 80k ASes, 1.3M prefix
// statuses over 75k origins (a few originate thousands), four
// measurements per origin (300k) and 3,000 incidents with evidence.
func internetDay(date time.Time, seed uint64) *incident.Day {
	r := rand.New(rand.NewPCG(seed, 1))
	d := &incident.Day{
		Date:    date,
		Reasons: []string{"rib route-views6: missing"},
		Inputs:  []incident.Input{{Kind: "rib", Name: "rrc00/bview.gz", Items: 1_300_000}, {Kind: "vrps", Name: "vrps.json", Items: 550_000}},
	}
	asn := func(i int) bgp.ASN {
		if i%4 == 3 {
			return bgp.ASN(200_000 + 7*i) // 4-byte ASNs
		}
		return bgp.ASN(1 + i)
	}
	for i := range scaleASes {
		d.ASes = append(d.ASes, asn(i))
	}
	// Prefix counts: 1 + a Pareto-like tail, scaled to the total.
	counts := make([]int, scaleOrigins)
	total := 0
	for i := range counts {
		counts[i] = 1 + int(3/(r.Float64()*r.Float64()+0.01))%4000
		total += counts[i]
	}
	d.Prefixes = make(map[bgp.ASN][]incident.PrefixStatus, scaleOrigins)
	next := uint32(0x0b000000)
	for i, n := range counts {
		n = max(1, n*scalePrefixes/total)
		ps := make([]incident.PrefixStatus, n)
		for j := range ps {
			var p netip.Prefix
			if j%5 == 4 {
				var a [16]byte
				a[0], a[1] = 0x2a, 0x00
				a[2], a[3], a[4], a[5] = byte(next>>24), byte(next>>16), byte(next>>8), byte(next)
				p = netip.PrefixFrom(netip.AddrFrom16(a), 48)
			} else {
				p = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(next >> 16), byte(next >> 8), byte(next), 0}), 24)
			}
			next++
			ps[j] = incident.PrefixStatus{Prefix: p, RPKI: incident.RPKIState(r.IntN(3)), IRR: r.IntN(2) == 0, Peers: 1 + r.IntN(400)}
		}
		a := asn(i)
		d.Prefixes[a] = ps
		for _, m := range []incident.Metric{incident.M7IRR, incident.M7RPKI, incident.M7RPKIN} {
			d.Measurements = append(d.Measurements, incident.Measurement{ASN: a, Metric: m, Value: r.Float64(), Count: n})
		}
		if i%2 == 0 {
			d.Measurements = append(d.Measurements, incident.Measurement{ASN: a, Metric: incident.M6, Value: 1, Count: 1, Detail: "RIPE aut-num"})
		} else {
			d.Measurements = append(d.Measurements, incident.Measurement{ASN: a, Metric: incident.M8, Value: 1, Count: 1, Detail: "PeeringDB"})
		}
	}
	metrics := []incident.Metric{incident.M1, incident.M1C, incident.M2, incident.M2C, incident.M3, incident.M4}
	for i := range scaleIncidents {
		a := asn(r.IntN(scaleOrigins))
		ps := d.Prefixes[a]
		start := date.Add(time.Duration(r.IntN(86400)) * time.Second)
		in := incident.Incident{
			Metric: metrics[i%len(metrics)], ASN: a, Culprit: a,
			Start: start, End: start.Add(time.Duration(r.IntN(7200)) * time.Second),
			Peers: 2 + r.IntN(50), Reason: "RPKI invalid: no VRP names the origin; no IRR route object",
		}
		for j := range min(len(ps), 1+r.IntN(3)) {
			in.Prefixes = append(in.Prefixes, ps[j].Prefix)
			for k := range 2 {
				in.Evidence = append(in.Evidence, incident.Route{
					Collector: "rrc00", PeerASN: bgp.ASN(3000 + k), PeerIP: netip.AddrFrom4([4]byte{192, 0, 2, byte(k)}),
					Prefix: ps[j].Prefix, Path: []bgp.ASN{bgp.ASN(3000 + k), 174, 3356, a}, Seen: start,
				})
			}
		}
		in.ID = incident.MakeID(date, in.Metric, in.ASN, in.Culprit, in.Prefixes[0], start.Add(time.Duration(i)))
		d.Incidents = append(d.Incidents, in)
	}
	return d
}

// redate moves d to date, with the incident IDs of that date.
func redate(d *incident.Day, date time.Time) {
	d.Date = date
	for i := range d.Incidents {
		in := &d.Incidents[i]
		in.ID = incident.MakeID(date, in.Metric, in.ASN, in.Culprit, in.Prefixes[0], in.Start.Add(time.Duration(i)))
	}
}

func dayRowCount(d *incident.Day) int {
	return 2 + len(d.Incidents) + len(d.Measurements) + len(d.Prefixes)
}

func openBench(b *testing.B) (*Store, string) {
	path := filepath.Join(b.TempDir(), "manrs.db")
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, path
}

// BenchmarkPutDay stores an Internet-scale day: "new" a date not stored
// before, "replace" one that is (deleting the old rows first).
func BenchmarkPutDay(b *testing.B) {
	day := internetDay(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 1)
	b.Logf("%d measurements, %d prefix rows, %d prefix statuses, %d incidents",
		len(day.Measurements), len(day.Prefixes), countPrefixes(day), len(day.Incidents))
	ctx := context.Background()
	b.Run("new", func(b *testing.B) {
		s, _ := openBench(b)
		b.ReportAllocs()
		n := 0
		cpu := cpuTime()
		for b.Loop() {
			redate(day, day.Date.AddDate(0, 0, 1))
			if err := s.PutDay(ctx, day); err != nil {
				b.Fatal(err)
			}
			n++
		}
		reportDay(b, n, dayRowCount(day), cpuTime()-cpu)
	})
	b.Run("replace", func(b *testing.B) {
		s, _ := openBench(b)
		if err := s.PutDay(ctx, day); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		n := 0
		cpu := cpuTime()
		for b.Loop() {
			if err := s.PutDay(ctx, day); err != nil {
				b.Fatal(err)
			}
			n++
		}
		reportDay(b, n, dayRowCount(day), cpuTime()-cpu)
	})
}

// reportDay reports rows per second of wall time, and CPU seconds per
// day (of all goroutines: SQLite's work, and the GC's).
func reportDay(b *testing.B, n, rows int, cpu time.Duration) {
	b.ReportMetric(float64(n*rows)/b.Elapsed().Seconds(), "rows/s")
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(n), "cpu-s/op")
	}
}

func countPrefixes(d *incident.Day) int {
	n := 0
	for _, ps := range d.Prefixes {
		n += len(ps)
	}
	return n
}

// BenchmarkASReads reads what an AS's page shows from a store of 30
// Internet-scale days: its incidents and measurements over the 30 days,
// and its prefixes of the last day.
func BenchmarkASReads(b *testing.B) {
	const days = 30
	s, path := openBench(b)
	ctx := context.Background()
	first := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	day := internetDay(first, 1)
	for i := range days {
		redate(day, first.AddDate(0, 0, i))
		if err := s.PutDay(ctx, day); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	if fi, err := os.Stat(path); err == nil {
		b.Logf("%d days in %d MB, %.1f MB a day", days, fi.Size()>>20, float64(fi.Size())/(1<<20)/days)
	}
	last := first.AddDate(0, 0, days-1)
	// The AS of the most incidents, and one with the most prefixes.
	asn := day.Incidents[0].ASN
	b.ResetTimer()
	b.Run("incidents", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Incidents(ctx, store.Query{ASN: asn, From: first, To: last}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("measurements", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ms, err := s.Measurements(ctx, asn, first, last)
			if err != nil || len(ms) != 4*days {
				b.Fatal(len(ms), err)
			}
		}
	})
	b.Run("prefixes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Prefixes(ctx, asn, last); err != nil {
				b.Fatal(err)
			}
		}
	})
}
