package storetest

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
)

// Day1 is the first date of the fixtures; Date(n) is n days later.
var Day1 = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// Date returns the date n days after Day1.
func Date(n int) time.Time { return Day1.AddDate(0, 0, n) }

var (
	pfx = netip.MustParsePrefix
	ip  = netip.MustParseAddr
)

// MakeDay returns a day with every field of incident.Day set, for date.
// Version ("a", "b") changes what a re-observation would: reasons,
// counts, one incident dropped and one added, measurements and prefixes;
// the incidents both versions share keep their IDs.
func MakeDay(date time.Time, version string) *incident.Day {
	at := func(h, m, s int) time.Time {
		return date.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
	}
	inc := func(m incident.Metric, asn, culprit bgp.ASN, start, end time.Time, ps ...string) incident.Incident {
		in := incident.Incident{
			Metric: m, ASN: asn, Culprit: culprit, Start: start, End: end,
			Peers: 7, Reason: fmt.Sprintf("%s by %s (%s)", m, culprit, version),
		}
		for _, p := range ps {
			in.Prefixes = append(in.Prefixes, pfx(p))
		}
		first := netip.Prefix{}
		if len(in.Prefixes) > 0 {
			first = in.Prefixes[0]
		}
		in.ID = incident.MakeID(date, m, asn, culprit, first, start)
		return in
	}
	hijack := inc(incident.M2, 64500, 64500, at(3, 0, 0), at(5, 30, 15), "192.0.2.0/24", "2001:db8::/32")
	hijack.Evidence = []incident.Route{
		{Collector: "rrc00", PeerASN: 64510, PeerIP: ip("203.0.113.1"), Prefix: pfx("192.0.2.0/24"),
			Path: []bgp.ASN{64510, 64501, 64500}, Seen: at(3, 0, 0)},
		{Collector: "route-views2", PeerASN: 4200000001, PeerIP: ip("2001:db8:ffff::1"), Prefix: pfx("2001:db8::/32"),
			Path: []bgp.ASN{4200000001, 64500}, Seen: at(3, 1, 59)},
	}
	hijack.Detail = incident.Detail{Expected: []bgp.ASN{64496, 4200000000}, ExactROA: true}
	propagated := inc(incident.M2C, 64501, 64500, at(3, 0, 0), at(5, 30, 15), "192.0.2.0/24")
	propagated.Detail = hijack.Detail
	propagated.Peers = 2
	propagated.Evidence = hijack.Evidence[:1]
	leak := inc(incident.M1, 64502, 64502, date, date.Add(24*time.Hour), "198.51.100.0/24")
	leak.Continued, leak.Ongoing = true, true
	leak.Detail = incident.Detail{LeakType: 3, ASPA: "invalid"}
	leak.Evidence = []incident.Route{{Collector: "rrc01", PeerASN: 64511, PeerIP: ip("198.51.100.77"),
		Prefix: pfx("198.51.100.0/24"), Path: []bgp.ASN{64511, 64502, 64503}, Seen: date}}
	bogonASN := inc(incident.M4, 64500, 64500, at(12, 0, 0), at(12, 10, 0), "203.0.113.0/24")
	bogonASN.Peers = 3 // no evidence: Evidence stays nil
	bogonASN.Detail = incident.Detail{BogonASN: 65535}
	spoof := inc(incident.M5, 64503, 64503, at(0, 0, 0), at(23, 59, 59))

	d := &incident.Day{
		Date:    date,
		Partial: version == "a",
		Reasons: []string{"rib rrc02: missing (" + version + ")"},
		Inputs: []incident.Input{
			{Kind: "rib", Name: "rrc00/bview.20261001.0000.gz", Items: 1200000, Faults: 2},
			{Kind: "rib", Name: "rrc02/bview.20261001.0000.gz", Err: "open: no such file (" + version + ")"},
			{Kind: "vrps", Name: "vrps.json", Items: 550000},
		},
		ASes:      []bgp.ASN{64502, 64500, 4200000001, 64501, 64503, 64510, 64511},
		Incidents: []incident.Incident{hijack, propagated, leak, bogonASN},
		Measurements: []incident.Measurement{
			{ASN: 64500, Metric: incident.M7RPKI, Value: -2.5, Count: 4},
			{ASN: 64500, Metric: incident.M6, Value: 1, Count: 1, Detail: "RIPE AS64500 (" + version + ")"},
			{ASN: 64500, Metric: incident.M7IRR, Value: 0.75, Count: 4},
			{ASN: 64500, Metric: incident.M7RPKIN, Value: 0.25, Count: 4},
			{ASN: 64500, Metric: incident.M8, Value: 0, Count: 0},
			{ASN: 64501, Metric: incident.M7IRR, Value: 1, Count: 1},
			{ASN: 4200000001, Metric: incident.M7RPKI, Value: 1, Count: 1},
			{ASN: 64503, Metric: incident.M5, Value: 0, Count: 3, Detail: "spoofer session 1234"},
		},
		Prefixes: map[bgp.ASN][]incident.PrefixStatus{
			64500: {
				{Prefix: pfx("2001:db8::/32"), RPKI: incident.NotFound, Peers: 40},
				{Prefix: pfx("192.0.2.0/24"), RPKI: incident.Valid, IRR: true, Peers: 311},
				{Prefix: pfx("203.0.113.0/24"), RPKI: incident.Valid, Peers: 3},
				{Prefix: pfx("198.51.100.128/25"), RPKI: incident.Invalid, Peers: 1},
				{Prefix: pfx("10.0.0.0/8"), RPKI: incident.Invalid, IRR: true, Peers: 0},
			},
			64501:      {{Prefix: pfx("203.0.113.0/24"), RPKI: incident.Valid, IRR: true, Peers: 100000}},
			4200000001: {{Prefix: pfx("2001:db8:1234::/48"), RPKI: incident.Valid, Peers: 12}},
		},
	}
	if version != "a" {
		// Re-observed: the bogon-ASN incident is gone, a spoofing one
		// appeared, values moved.
		d.Incidents = []incident.Incident{hijack, propagated, leak, spoof}
		d.Incidents[0].Peers = 9
		d.Measurements = d.Measurements[:4]
		d.Measurements[0].Value = 1
		d.Prefixes = map[bgp.ASN][]incident.PrefixStatus{
			64500: {{Prefix: pfx("192.0.2.0/24"), RPKI: incident.Valid, IRR: true, Peers: 312}},
			64503: {{Prefix: pfx("0.0.0.0/0"), Peers: 2}, {Prefix: pfx("::/0"), Peers: 2}},
		}
		d.ASes = d.ASes[:4]
	}
	return d
}

// wantDay is what Day returns for d.
func wantDay(d *incident.Day) *incident.Day {
	return &incident.Day{Date: d.Date, Partial: d.Partial, Reasons: d.Reasons, Inputs: d.Inputs}
}

// wantIncidents is what Incidents returns of d's incidents, in order,
// with no disputes.
func wantIncidents(d *incident.Day) []store.Incident {
	var out []store.Incident
	for _, in := range d.Incidents {
		out = append(out, store.Incident{Incident: in, Date: d.Date})
	}
	sortIncidents(out)
	return out
}

func sortIncidents(s []store.Incident) {
	slices.SortStableFunc(s, func(a, b store.Incident) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.ASN, b.ASN),
			a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	})
}

// wantMeasurements is what Measurements returns for asn of d.
func wantMeasurements(d *incident.Day, asn bgp.ASN) []store.Measurement {
	var out []store.Measurement
	for _, m := range d.Measurements {
		if m.ASN == asn {
			out = append(out, store.Measurement{Measurement: m, Date: d.Date})
		}
	}
	slices.SortFunc(out, func(a, b store.Measurement) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Metric, b.Metric))
	})
	return out
}

// wantPrefixes is what Prefixes returns for asn of d.
func wantPrefixes(d *incident.Day, asn bgp.ASN) []incident.PrefixStatus {
	out := slices.Clone(d.Prefixes[asn])
	slices.SortFunc(out, func(a, b incident.PrefixStatus) int { return store.ComparePrefixes(a.Prefix, b.Prefix) })
	return out
}

// wantASes is what ASes returns for d.
func wantASes(d *incident.Day) []bgp.ASN {
	out := slices.Clone(d.ASes)
	slices.Sort(out)
	return out
}

// bigDay returns a day of n incidents and n measurements per AS of asns,
// all marked with version in their reason and detail.
func bigDay(date time.Time, version string, n int, asns []bgp.ASN) *incident.Day {
	d := &incident.Day{Date: date, Reasons: []string{version}, ASes: asns}
	d.Prefixes = map[bgp.ASN][]incident.PrefixStatus{}
	for i := range n {
		asn := asns[i%len(asns)]
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24)
		start := date.Add(time.Duration(i) * time.Second)
		d.Incidents = append(d.Incidents, incident.Incident{
			ID:     incident.MakeID(date, incident.M2, asn, asn, p, start),
			Metric: incident.M2, ASN: asn, Culprit: asn, Prefixes: []netip.Prefix{p},
			Start: start, End: start.Add(time.Minute), Peers: 2, Reason: version,
		})
		d.Prefixes[asn] = append(d.Prefixes[asn], incident.PrefixStatus{Prefix: p, Peers: 2})
	}
	for _, asn := range asns {
		for _, m := range []incident.Metric{incident.M6, incident.M7IRR, incident.M7RPKI, incident.M7RPKIN, incident.M8} {
			d.Measurements = append(d.Measurements, incident.Measurement{ASN: asn, Metric: m, Value: 1, Count: 1, Detail: version})
		}
	}
	return d
}
