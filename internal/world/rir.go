package world

import (
	"bufio"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/manrs/manrs/internal/delegated"
)

// countries of each registry, for the holders of a world's resources.
var countries = map[string][]string{
	"ripencc": {"NL", "DE", "GB", "FR", "RU", "IT", "SE", "PL", "ES", "UA"},
	"arin":    {"US", "CA", "US", "US"},
	"apnic":   {"JP", "CN", "AU", "IN", "KR", "SG", "ID"},
	"lacnic":  {"BR", "AR", "MX", "CL", "CO"},
	"afrinic": {"ZA", "NG", "KE", "EG"},
}

// writeDelegated writes the NRO's combined delegated-extended statistics
// of the first day: every AS and the shortest prefixes each originates as
// allocations of its registry, and a few blocks of available space (which
// no AS originates) in each registry.
func (g *generation) writeDelegated() error {
	w := g.w
	r := rng(g.opt.Seed, "rir")
	g.progress("RIR statistics")
	var recs []delegated.Record
	date := func() time.Time {
		return time.Date(1995+r.IntN(30), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	}
	for i := range w.ASes {
		a := &w.ASes[i]
		cc := countries[a.RIR][r.IntN(len(countries[a.RIR]))]
		opaque := fmt.Sprintf("%s-%08x", a.RIR, uint32(a.ASN)*2654435761)
		recs = append(recs, delegated.Record{Registry: a.RIR, Country: cc, Type: delegated.ASN, StartASN: a.ASN, Value: 1, Date: date(), Status: delegated.Allocated, OpaqueID: opaque})
		for _, ps := range [][]Prefix{a.IPv4, a.IPv6} {
			for _, p := range outermost(ps) {
				rec := delegated.Record{Registry: a.RIR, Country: cc, Start: p.Addr(), Date: date(), Status: delegated.Allocated, OpaqueID: opaque}
				if p.Addr().Is4() {
					rec.Type, rec.Value = delegated.IPv4, 1<<(32-p.Bits())
				} else {
					rec.Type, rec.Value = delegated.IPv6, uint64(p.Bits())
				}
				recs = append(recs, rec)
			}
		}
	}
	// Available space: /16s in 5.0.0.0/8 to 9.255.0.0/16 that nobody
	// originates (in the world's tables, 2014, these were mostly unused
	// or legacy blocks; here they are the unallocated space).
	used := map[[2]byte]bool{}
	for i := range w.ASes {
		for _, p := range w.ASes[i].IPv4 {
			b := p.Prefix.Addr().As4()
			used[[2]byte{b[0], b[1]}] = true
		}
	}
	for k := 0; k < 12; k++ {
		b := [2]byte{byte(5 + r.IntN(5)), byte(r.IntN(256))}
		if used[b] {
			continue
		}
		used[b] = true
		rir := rirs[r.IntN(len(rirs))].name
		recs = append(recs, delegated.Record{Registry: rir, Type: delegated.IPv4, Start: netip.AddrFrom4([4]byte{b[0], b[1], 0, 0}), Value: 1 << 16, Status: delegated.Available})
	}
	slices.SortStableFunc(recs, func(x, y delegated.Record) int {
		if x.Type != y.Type {
			return int(x.Type) - int(y.Type)
		}
		if x.Type == delegated.ASN {
			return int(x.StartASN) - int(y.StartASN)
		}
		return x.Start.Compare(y.Start)
	})
	out, done, err := g.create("rir/delegated-nro-extended-"+day(g.opt.Start), "rir-delegated-extended")
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(out)
	counts := map[delegated.Type]int{}
	for _, rec := range recs {
		counts[rec.Type]++
	}
	fmt.Fprintf(bw, "2.3|nro|%s|%d|19830101|%s|+0000\n", day(g.opt.Start), len(recs), day(g.opt.Start))
	for _, t := range []delegated.Type{delegated.ASN, delegated.IPv4, delegated.IPv6} {
		fmt.Fprintf(bw, "nro|*|%s|*|%d|summary\n", t, counts[t])
	}
	var line []byte
	for i := range recs {
		line = recs[i].AppendFormat(line[:0])
		if recs[i].Status != delegated.Available {
			line = append(line, "|e-stats"...)
		}
		line = append(line, '\n')
		bw.Write(line)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return done()
}

// outermost returns the prefixes of ps that no other prefix of ps covers.
func outermost(ps []Prefix) []netip.Prefix {
	sorted := make([]netip.Prefix, len(ps))
	for i, p := range ps {
		sorted[i] = p.Prefix
	}
	slices.SortFunc(sorted, comparePrefixes)
	var out []netip.Prefix
	for _, p := range sorted {
		if n := len(out); n > 0 && out[n-1].Overlaps(p) {
			continue
		}
		out = append(out, p)
	}
	return out
}
