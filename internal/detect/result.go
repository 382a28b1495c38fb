package detect

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
)

// Result is what an Observer found in its day.
type Result struct {
	// Incidents are the incidents of M1 to M4 and their C forms, each
	// seen by at least MinPeers collector peers, sorted by metric, AS
	// and start.
	Incidents []incident.Incident
	// Prefixes holds, for each origin AS, the prefixes it originated
	// that at least MinPeers peers saw, with their RPKI and IRR states;
	// bogon origins are left out.
	Prefixes map[bgp.ASN][]incident.PrefixStatus
	// ASes lists every AS seen in a path.
	ASes  []bgp.ASN
	Stats Stats
}

// pairTotal is a prefix-origin pair over all collectors.
type pairTotal struct {
	peers int
	rpki  incident.RPKIState
	irr   bool
	flags uint8
}

// findingTotal is a finding over all collectors.
type findingTotal struct {
	key                findingKey
	why                *cause
	peers              []uint32 // collector<<16 | peer
	spans              []span
	continued, ongoing bool
	evidence           []incident.Route
}

// Finish ends the day: routes still active end with it, and the findings
// of all collectors become incidents. The Observer must not be fed after.
func (o *Observer) Finish() *Result {
	res := &Result{Prefixes: map[bgp.ASN][]incident.PrefixStatus{}}
	all := newSeen()
	pairs := map[pairKey]*pairTotal{}
	findings := map[findingKey]*findingTotal{}
	var order []*findingTotal
	for _, c := range o.collectors {
		res.Stats.add(c.stats)
		all.merge(&c.seen)
		for i := range c.pairs {
			pr := &c.pairs[i]
			n := 0
			for _, w := range c.masks[i*c.words : (i+1)*c.words] {
				n += bits.OnesCount64(w)
			}
			t := pairs[pr.key]
			if t == nil {
				t = &pairTotal{rpki: pr.rpki, irr: pr.irr, flags: pr.flags}
				pairs[pr.key] = t
			}
			t.peers += n
		}
		for i := range c.states {
			s := &c.states[i]
			if s.active > 0 {
				s.spans = append(s.spans, span{s.since, o.opt.End})
			}
			f := findings[s.key]
			if f == nil {
				f = &findingTotal{key: s.key, why: s.why}
				findings[s.key] = f
				order = append(order, f)
			}
			for _, p := range s.peers {
				f.peers = append(f.peers, uint32(c.idx)<<16|uint32(p))
			}
			f.spans = append(f.spans, s.spans...)
			f.continued = f.continued || s.continued
			f.ongoing = f.ongoing || s.active > 0
			for _, e := range s.evidence {
				if len(f.evidence) < o.opt.Evidence {
					f.evidence = append(f.evidence, e)
				}
			}
		}
	}
	res.ASes = all.list()
	res.Stats.Pairs = len(pairs)
	for k, t := range pairs {
		if t.peers < o.opt.MinPeers || t.flags&bogonOrigin != 0 {
			continue
		}
		res.Prefixes[k.origin] = append(res.Prefixes[k.origin], incident.PrefixStatus{Prefix: k.prefix, RPKI: t.rpki, IRR: t.irr, Peers: t.peers})
	}
	for _, list := range res.Prefixes {
		slices.SortFunc(list, func(a, b incident.PrefixStatus) int { return comparePrefix(a.Prefix, b.Prefix) })
	}
	res.Incidents = o.incidents(order, &res.Stats)
	return res
}

// incidents merges the findings of one metric, AS and culprit that
// overlap in time into incidents.
func (o *Observer) incidents(order []*findingTotal, st *Stats) []incident.Incident {
	type group struct {
		metric       incident.Metric
		asn, culprit bgp.ASN
	}
	groups := map[group][]*findingTotal{}
	var keys []group
	findings := make(map[findingKey]*findingTotal, len(order))
	for _, f := range order {
		findings[f.key] = f
	}
	for _, f := range order {
		// A C metric's finding is as visible as its culprit's: once
		// enough peers saw the incident, each provider seen passing
		// it on is charged, however few peers saw it through that one.
		vis := f
		if d := f.key.metric.Direct(); d != f.key.metric {
			vis = findings[findingKey{d, f.key.culprit, f.key.culprit, f.key.prefix}]
		}
		if vis == nil || len(vis.peers) < o.opt.MinPeers {
			st.BelowThreshold++
			continue
		}
		g := group{f.key.metric, f.key.asn, f.key.culprit}
		if _, ok := groups[g]; !ok {
			keys = append(keys, g)
		}
		groups[g] = append(groups[g], f)
	}
	var out []incident.Incident
	type item struct {
		f *findingTotal
		s span
	}
	for _, g := range keys {
		var items []item
		for _, f := range groups[g] {
			for _, s := range f.spans {
				items = append(items, item{f, s})
			}
		}
		slices.SortFunc(items, func(a, b item) int {
			if c := a.s.start.Compare(b.s.start); c != 0 {
				return c
			}
			return comparePrefix(a.f.key.prefix, b.f.key.prefix)
		})
		for i := 0; i < len(items); {
			in := incident.Incident{Metric: g.metric, ASN: g.asn, Culprit: g.culprit, Start: items[i].s.start, End: items[i].s.end}
			var members []*findingTotal
			var peers []uint32
			for ; i < len(items) && !items[i].s.start.After(in.End); i++ {
				it := items[i]
				if it.s.end.After(in.End) {
					in.End = it.s.end
				}
				if it.s.start.Equal(o.opt.Start) && it.f.continued {
					in.Continued = true
				}
				if it.s.end.Equal(o.opt.End) && it.f.ongoing {
					in.Ongoing = true
				}
				if !slices.Contains(members, it.f) {
					members = append(members, it.f)
					peers = append(peers, it.f.peers...)
				}
			}
			slices.SortFunc(members, func(a, b *findingTotal) int { return comparePrefix(a.key.prefix, b.key.prefix) })
			for _, f := range members {
				in.Prefixes = append(in.Prefixes, f.key.prefix)
				in.Evidence = append(in.Evidence, f.evidence...)
			}
			in.Prefixes = slices.Compact(in.Prefixes)
			slices.Sort(peers)
			in.Peers = len(slices.Compact(peers))
			in.Reason = members[0].why.reason
			for _, f := range members {
				in.Detail.Merge(&f.why.detail)
			}
			in.ID = incident.MakeID(o.opt.Start, in.Metric, in.ASN, in.Culprit, in.Prefixes[0], in.Start)
			out = append(out, in)
		}
	}
	slices.SortFunc(out, func(a, b incident.Incident) int {
		return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.ASN, b.ASN), a.Start.Compare(b.Start), cmp.Compare(a.Culprit, b.Culprit))
	})
	return out
}

// PrefixMeasurements computes the M7 metrics of each AS from the
// prefixes it originated: M7IRR, the share with a route object; M7RPKI,
// the share RPKI-valid minus ten times the share RPKI-invalid; M7RPKIN,
// the share not found.
func PrefixMeasurements(prefixes map[bgp.ASN][]incident.PrefixStatus) []incident.Measurement {
	asns := make([]bgp.ASN, 0, len(prefixes))
	for a := range prefixes {
		asns = append(asns, a)
	}
	slices.Sort(asns)
	out := make([]incident.Measurement, 0, 3*len(asns))
	for _, a := range asns {
		list := prefixes[a]
		var irr, valid, invalid, notFound int
		for _, p := range list {
			if p.IRR {
				irr++
			}
			switch p.RPKI {
			case incident.Valid:
				valid++
			case incident.Invalid:
				invalid++
			default:
				notFound++
			}
		}
		n := float64(len(list))
		if n == 0 {
			continue
		}
		out = append(out,
			incident.Measurement{ASN: a, Metric: incident.M7IRR, Value: float64(irr) / n, Count: len(list)},
			incident.Measurement{ASN: a, Metric: incident.M7RPKI, Value: float64(valid)/n - 10*float64(invalid)/n, Count: len(list)},
			incident.Measurement{ASN: a, Metric: incident.M7RPKIN, Value: float64(notFound) / n, Count: len(list)},
		)
	}
	return out
}
