package world

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
	"github.com/manrs/manrs/internal/rov"
)

// EventType is a kind of injected routing event.
type EventType string

// Event types, with the MANRS Observatory metric each should raise.
const (
	Hijack          EventType = "hijack"           // M2: another AS originates a victim's prefix
	SubprefixHijack EventType = "subprefix-hijack" // M2: another AS originates a more-specific
	Leak            EventType = "leak"             // M1: RFC 7908 types 1-6, routes passed to a neighbour that should not get them (type 5, re-origination, raises M2; type 6, internal more-specifics, M7RPKI)
	BogonPrefix     EventType = "bogon-prefix"     // M3: an AS originates special-purpose or unallocated space
	BogonASN        EventType = "bogon-asn"        // M4: a private-use ASN appears as origin behind the AS
	RPKIInvalid     EventType = "rpki-invalid"     // M7RPKI: an origin announces a more-specific its ROA does not allow
	// Misorigination is a standing condition (Baseline): an origin that
	// no ROA and no route object authorises, under another AS's ROA (a
	// ROA left behind by a previous holder, a customer's more-specific
	// under its provider's ROA).
	Misorigination EventType = "misorigination" // M2
)

var eventMetric = map[EventType]string{
	Hijack: "M2", SubprefixHijack: "M2", Leak: "M1", BogonPrefix: "M3", BogonASN: "M4", RPKIInvalid: "M7RPKI", Misorigination: "M2",
}

// Sighting is a collector peer that saw an event's route.
type Sighting struct {
	Collector string     `json:"collector"`
	PeerASN   bgp.ASN    `json:"peer_asn"`
	PeerIP    netip.Addr `json:"peer_ip"`
}

// Event is an injected event with its ground truth.
type Event struct {
	ID     string    `json:"id"`
	Type   EventType `json:"type"`
	Metric string    `json:"metric"`
	// Culprit is the AS the metric charges; Propagators are the ASes
	// that passed on their direct customer's event (the "C" metrics).
	Culprit     bgp.ASN   `json:"culprit_asn"`
	Propagators []bgp.ASN `json:"propagator_asns"`
	// Victim is the legitimate origin of a hijacked prefix, or of the
	// leaked routes; 0 otherwise.
	Victim bgp.ASN `json:"victim_asn,omitempty"`
	// RFC7908Type is the leak type (RFC 7908 section 3) of a leak.
	RFC7908Type int            `json:"rfc7908_type,omitempty"`
	Prefixes    []netip.Prefix `json:"prefixes"`
	Start       time.Time      `json:"start"`
	End         time.Time      `json:"end"`
	// Baseline is set on a condition of the world from its first day
	// (a misorigination, a network that does not filter spoofed
	// sources) rather than an injected event.
	Baseline bool       `json:"baseline,omitempty"`
	SeenBy   []Sighting `json:"seen_by"`

	changes []change
}

// change is one route an event puts in one collector peer's table for
// its duration; at its end the peer withdraws it, or returns to its
// normal route for the prefix when it has one.
type change struct {
	collector, peer int
	prefix          netip.Prefix
	path            []bgp.ASN
}

// eventsPerDay is the number of events injected per day, by scale.
var eventsPerDay = map[string]int{"tiny": 4, "small": 24, "medium": 60, "internet": 200}

// eventShares weigh the event types.
var eventShares = []struct {
	t     EventType
	share float64
}{{Hijack, 0.2}, {SubprefixHijack, 0.15}, {Leak, 0.2}, {BogonPrefix, 0.15}, {BogonASN, 0.1}, {RPKIInvalid, 0.2}}

// bogonSpace is the space that bogon-prefix events announce from.
var bogonSpace = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("240.0.0.0/4"),
}

// injectEvents schedules events over the days of the world and works out
// which collector peers see each.
func (g *generation) injectEvents(r *rand.Rand) {
	n := eventsPerDay[g.w.Scale.Name] * g.opt.Days
	if n == 0 {
		n = 4 * g.opt.Days
	}
	weights := make([]float64, len(eventShares))
	for i, e := range eventShares {
		weights[i] = e.share
	}
	span := time.Duration(g.opt.Days) * 24 * time.Hour
	for k := 0; k < n; k++ {
		typ := eventShares[pickWeighted(r, weights, 1)].t
		start := g.opt.Start.Add(time.Duration(r.Int64N(int64(span/time.Second))) * time.Second)
		// Durations from ten minutes to a few days, most under a day.
		d := time.Duration(float64(10*time.Minute) * (1 + r.ExpFloat64()*20)).Truncate(time.Second)
		if r.IntN(10) == 0 {
			d += time.Duration(1+r.IntN(3)) * 24 * time.Hour
		}
		// Candidates are drawn at random; some do not fit the type (a
		// leaker whose providers hand it nothing, a prefix without a
		// ROA): draw again, a bounded number of times.
		shape := pickWeighted(r, leakWeights, 1) // for leaks: kept across draws
		for range 50 {
			e := &Event{Type: typ, Metric: eventMetric[typ], Start: start, End: start.Add(d)}
			if typ == Leak {
				e.RFC7908Type = leakShapes[shape].rfcType
			}
			if g.makeEvent(r, e) && len(e.changes) > 0 {
				if e.Metric != eventMetric[RPKIInvalid] {
					e.Propagators = g.propagators(e)
				}
				g.events = append(g.events, e)
				break
			}
		}
	}
	slices.SortStableFunc(g.events, func(a, b *Event) int { return a.Start.Compare(b.Start) })
}

// makeEvent fills in an event of its type; false when the world offers no
// candidate for it.
func (g *generation) makeEvent(r *rand.Rand, e *Event) bool {
	w := g.w
	randAS := func(filter func(*AS) bool) (int32, bool) {
		for range 100 {
			i := int32(r.IntN(len(w.ASes)))
			if filter(&w.ASes[i]) {
				return i, true
			}
		}
		return 0, false
	}
	switch e.Type {
	case Hijack, SubprefixHijack:
		v, ok := randAS(func(a *AS) bool { return len(a.IPv4) > 0 })
		c, ok2 := randAS(func(a *AS) bool { return a.Tier != Tier1 })
		if !ok || !ok2 || v == c {
			return false
		}
		p := w.ASes[v].IPv4[r.IntN(len(w.ASes[v].IPv4))].Prefix
		if e.Type == SubprefixHijack {
			if p.Bits() >= 24 {
				return false
			}
			p = netip.PrefixFrom(p.Addr(), p.Bits()+1+r.IntN(24-p.Bits()))
		}
		// The victim's ROA covers the prefix and nothing authorises
		// the culprit: the route is a misorigination that RPKI shows.
		if !g.misoriginates(p, w.ASes[v].ASN, w.ASes[c].ASN) {
			return false
		}
		e.Culprit, e.Victim, e.Prefixes = w.ASes[c].ASN, w.ASes[v].ASN, []netip.Prefix{p}
		g.originate(e, c, p, nil, e.Type == Hijack, v)
	case BogonPrefix:
		c, ok := randAS(func(a *AS) bool { return a.Tier == Stub })
		if !ok {
			return false
		}
		space := bogonSpace[r.IntN(len(bogonSpace))]
		bits := max(space.Bits(), 16+r.IntN(9))
		b := space.Addr().As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16
		v |= uint32(r.IntN(1<<(bits-space.Bits()))) << (32 - bits)
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits).Masked()
		e.Culprit, e.Prefixes = w.ASes[c].ASN, []netip.Prefix{p}
		g.originate(e, c, p, nil, false, -1)
	case BogonASN:
		c, ok := randAS(func(a *AS) bool { return a.Tier == Stub && len(a.IPv4) > 0 })
		if !ok {
			return false
		}
		p := w.ASes[c].IPv4[r.IntN(len(w.ASes[c].IPv4))].Prefix
		private := bgp.ASN(64512 + r.IntN(1023))
		e.Culprit, e.Prefixes = w.ASes[c].ASN, []netip.Prefix{p}
		g.originate(e, c, p, []bgp.ASN{private}, true, c)
	case RPKIInvalid:
		c, ok := randAS(func(a *AS) bool { return len(a.IPv4) > 0 })
		if !ok {
			return false
		}
		p := w.ASes[c].IPv4[r.IntN(len(w.ASes[c].IPv4))].Prefix
		if p.Bits() >= 24 || !g.roaCovers(p, w.ASes[c].ASN) {
			return false
		}
		p = netip.PrefixFrom(p.Addr(), 24)
		if g.roaAllows(p, w.ASes[c].ASN) {
			return false
		}
		e.Culprit, e.Prefixes = w.ASes[c].ASN, []netip.Prefix{p}
		g.originate(e, c, p, nil, false, -1)
	case Leak:
		// A leaker with neighbours of the kinds its leak type needs.
		l, ok := randAS(func(a *AS) bool {
			if a.Tier == Tier1 {
				return false
			}
			switch e.RFC7908Type {
			case 1, 5:
				return len(a.Providers) >= 2
			case 2:
				return len(a.Peers) >= 2
			case 3, 4:
				return len(a.Providers) > 0 && len(a.Peers) > 0
			}
			return len(a.Providers) > 0 && len(a.IPv4) > 0
		})
		if !ok {
			return false
		}
		return g.leak(r, e, l)
	}
	return true
}

// originate makes origin c announce p (with extra ASNs after c, for
// bogon ASNs). When replacing is set the route competes with the normal
// route of p from victim v, and each peer keeps whichever it prefers;
// otherwise p is a prefix of its own and every peer that has a route to c
// sees it.
func (g *generation) originate(e *Event, c int32, p netip.Prefix, extra []bgp.ASN, replacing bool, v int32) {
	rt := g.router
	for ci := range g.w.Collectors {
		col := &g.w.Collectors[ci]
		for pi := range col.Peers {
			peer := &col.Peers[pi]
			t := rt.table(peer.AS)
			if !peer.exports(t.kind[c]) {
				continue
			}
			if replacing && v >= 0 && v != c && peer.exports(t.kind[v]) && !g.prefers(t, c, v) {
				continue
			}
			path := g.asPath(peer.AS, c)
			path = append(path, extra...)
			e.changes = append(e.changes, change{collector: ci, peer: pi, prefix: p, path: path})
			e.SeenBy = append(e.SeenBy, Sighting{Collector: col.Name, PeerASN: g.w.ASes[peer.AS].ASN, PeerIP: peer.addr(p)})
		}
	}
}

// baselineMisoriginations records, as ground truth, the routes of the
// world that are misoriginations from its start: an origin that no ROA
// and no route object authorises, under another AS's ROA.
func (g *generation) baselineMisoriginations() {
	w := g.w
	end := g.opt.Start.AddDate(0, 0, g.opt.Days)
	for i := range w.ASes {
		a := &w.ASes[i]
		for k, p := range slices.Concat(a.IPv4, a.IPv6) {
			if g.irrReg[i].flags[k]&regOwn != 0 || g.irrStale[p.Prefix] == a.ASN {
				continue
			}
			if st, _ := g.roas.Validate(p.Prefix, a.ASN); st != rov.Invalid || g.roaCovers(p.Prefix, a.ASN) {
				continue
			}
			e := &Event{Type: Misorigination, Metric: eventMetric[Misorigination], Culprit: a.ASN, Prefixes: []netip.Prefix{p.Prefix},
				Start: g.opt.Start, End: end, Baseline: true}
			g.originate(e, int32(i), p.Prefix, nil, false, -1)
			e.Propagators = g.propagators(e)
			e.changes = nil // in the RIB from the start, not an update
			e.SeenBy = compactSightings(e.SeenBy)
			g.events = append(g.events, e)
		}
	}
}

// baselineBogons records, as ground truth, the prefixes of the world's
// real tables that lie in special-purpose space: real networks did
// originate some.
func (g *generation) baselineBogons() {
	w := g.w
	set := bogon.Default()
	end := g.opt.Start.AddDate(0, 0, g.opt.Days)
	for i := range w.ASes {
		a := &w.ASes[i]
		for _, p := range slices.Concat(a.IPv4, a.IPv6) {
			if _, bad := set.Covering(p.Prefix); !bad {
				continue
			}
			e := &Event{Type: BogonPrefix, Metric: eventMetric[BogonPrefix], Culprit: a.ASN, Prefixes: []netip.Prefix{p.Prefix},
				Start: g.opt.Start, End: end, Baseline: true}
			g.originate(e, int32(i), p.Prefix, nil, false, -1)
			e.Propagators = g.propagators(e)
			e.changes = nil
			e.SeenBy = compactSightings(e.SeenBy)
			g.events = append(g.events, e)
		}
	}
}

// misoriginates reports whether origin c announcing p is what the M2
// metric counts and RPKI shows: a ROA of the holder v covers p, and no
// ROA and no IRR route object authorises c for it.
func (g *generation) misoriginates(p netip.Prefix, v, c bgp.ASN) bool {
	return g.roaCovers(p, v) && !g.roaCovers(p, c) && !g.irrHas(p, c)
}

// propagators are the ASes that passed on their direct customer's event
// route, as the collector peers saw it: in the event's paths, the AS just
// before the culprit when it is one of the culprit's providers.
func (g *generation) propagators(e *Event) []bgp.ASN {
	w := g.w
	ci, ok := w.Index(e.Culprit)
	if !ok {
		return nil
	}
	var out []bgp.ASN
	for _, c := range e.changes {
		i := slices.Index(c.path, e.Culprit)
		if i < 1 || slices.Contains(out, c.path[i-1]) {
			continue
		}
		if pi, ok := w.Index(c.path[i-1]); ok && slices.Contains(w.ASes[ci].Providers, pi) {
			out = append(out, c.path[i-1])
		}
	}
	slices.Sort(out)
	return out
}

// prefers reports whether an AS with table t prefers its route to origin
// c over its route to origin v (on a tie it keeps v's, the route it had).
func (g *generation) prefers(t *table, c, v int32) bool {
	if t.kind[c] != t.kind[v] {
		return t.kind[c] < t.kind[v]
	}
	return t.dist[c] < t.dist[v]
}

// leakShapes are the RFC 7908 (section 3) leak types a world injects:
// where the leaker learned the routes (from a provider or a peer), to
// whom it passes them (a provider or a peer), and how, with their weights.
var leakShapes = []struct {
	rfcType      int
	fromProvider bool
	toProvider   bool
	share        float64
}{
	{1, true, true, 0.3},   // hairpin turn: a provider's routes to another provider
	{2, false, false, 0.1}, // lateral: a peer's routes to another peer
	{3, true, false, 0.15}, // a provider's routes to a peer
	{4, false, true, 0.2},  // a peer's routes to a provider
	{5, true, true, 0.1},   // a provider's routes re-originated to another provider
	{6, false, true, 0.15}, // internal more-specifics of its own prefixes to a provider
}

// leakWeights are the shares of leakShapes.
var leakWeights = func() []float64 {
	w := make([]float64, len(leakShapes))
	for i, s := range leakShapes {
		w[i] = s.share
	}
	return w
}()

// leak makes leaker l pass routes to a neighbour that should not get
// them. Types 1 to 4 pass on routes learned from another neighbour, with
// their path; type 5 passes them on as if l originated them, so that
// outside they look like a hijack whose traffic still reaches the
// origin (and the metric is that of a hijack); type 6 announces
// more-specifics of l's own prefixes that were never announced, which
// its ROAs make RPKI-invalid (and the metric is M7RPKI's). The
// receiving neighbour takes the routes as customer routes (from its
// customer l) or peer routes (from its peer l); each collector peer keeps
// a leaked route when it prefers it to its own, judged by how it reaches
// the receiver.
func (g *generation) leak(r *rand.Rand, e *Event, l int32) bool {
	w, rt := g.w, g.router
	var shape = leakShapes[0]
	for _, s := range leakShapes {
		if s.rfcType == e.RFC7908Type {
			shape = s
		}
	}
	la := &w.ASes[l]
	from, to := la.Peers, la.Peers
	if shape.fromProvider {
		from = la.Providers
	}
	if shape.toProvider {
		to = la.Providers
	}
	if len(to) == 0 || shape.rfcType != 6 && len(from) == 0 {
		return false
	}
	y := to[r.IntN(len(to))]
	// At the receiver the leak is a customer route (from its customer l)
	// or a peer route (from its peer l).
	atY := kindPeer
	if shape.toProvider {
		atY = kindCustomer
	}
	e.Culprit, e.RFC7908Type = la.ASN, shape.rfcType
	var yCone *cone
	if atY == kindPeer {
		yCone = rt.cone(y)
	}
	tl, ty := rt.table(l), rt.table(y)

	// spread sends route p with path lpath (from l on) through y to the
	// collector peers. When o >= 0 the route competes with each peer's
	// own route to origin o, at distance d from l.
	spread := func(p netip.Prefix, lpath []bgp.ASN, o int32, dl uint16) {
		e.Prefixes = append(e.Prefixes, p)
		for ci := range w.Collectors {
			col := &w.Collectors[ci]
			for pi := range col.Peers {
				peer := &col.Peers[pi]
				tp := rt.table(peer.AS)
				var k routeKind
				var d uint16
				var path []bgp.ASN
				switch {
				case peer.AS == y:
					k, d = atY, dl
					path = append([]bgp.ASN{w.ASes[y].ASN}, lpath...)
				case atY == kindCustomer:
					// A customer route: y passes it to everyone.
					if tp.kind[y] == kindNone {
						continue
					}
					k, d = tp.kind[y], tp.dist[y]+dl
					path = append(g.asPath(peer.AS, y), lpath...)
				default:
					// A peer route: y passes it to its customer cone only.
					ci, in := yCone.find(peer.AS)
					if !in {
						continue
					}
					k, d = kindProvider, yCone.dist[ci]+dl
					down := rt.appendConePath(nil, y, peer.AS) // y's child, ..., peer
					for i := len(down) - 1; i >= 0; i-- {
						path = append(path, w.ASes[down[i]].ASN)
					}
					path = append(path, w.ASes[y].ASN)
					path = append(path, lpath...)
				}
				if !peer.exports(k) || hasLoop(path) {
					continue
				}
				if o >= 0 && tp.kind[o] != kindNone && (tp.kind[o] < k || tp.kind[o] == k && tp.dist[o] <= d) {
					continue
				}
				e.changes = append(e.changes, change{collector: ci, peer: pi, prefix: p, path: path})
				e.SeenBy = append(e.SeenBy, Sighting{Collector: col.Name, PeerASN: w.ASes[peer.AS].ASN, PeerIP: peer.addr(p)})
			}
		}
	}

	if shape.rfcType == 6 {
		// Internal more-specifics: a few /24s or shorter carved from
		// l's own prefixes that its ROAs cover, and that the ROAs do
		// not allow. Outside, that is how such a leak shows: as
		// RPKI-invalid routes (its path has no valley to find).
		var own []netip.Prefix
		for _, p := range la.IPv4 {
			if p.Prefix.Bits() < 24 && g.roaCovers(p.Prefix, la.ASN) {
				own = append(own, p.Prefix)
			}
		}
		e.Metric = eventMetric[RPKIInvalid]
		if len(own) == 0 {
			return false
		}
		path := []bgp.ASN{la.ASN}
		for range 1 + r.IntN(8) {
			p := own[r.IntN(len(own))]
			bits := p.Bits() + 1 + r.IntN(24-p.Bits())
			span := uint32(1) << (bits - p.Bits())
			off := uint32(r.IntN(int(span))) << (32 - bits)
			b := p.Addr().As4()
			v := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) + off
			q := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits)
			if !g.roaAllows(q, la.ASN) && !slices.ContainsFunc(la.IPv4, func(x Prefix) bool { return x.Prefix == q }) {
				spread(q, path, -1, 1)
			}
		}
	} else {
		x := from[r.IntN(len(from))]
		if x == y {
			return false
		}
		fromKind := kindPeer
		if shape.fromProvider {
			fromKind = kindProvider
		}
		var origins []int32
		for o := range int32(len(w.ASes)) {
			if tl.kind[o] == fromKind && tl.via[o] == x && len(w.ASes[o].IPv4) > 0 {
				origins = append(origins, o)
			}
		}
		if len(origins) == 0 {
			return false
		}
		r.Shuffle(len(origins), func(i, j int) { origins[i], origins[j] = origins[j], origins[i] })
		origins = origins[:min(len(origins), 1+r.IntN(40))]
		if shape.rfcType == 5 {
			origins = origins[:min(len(origins), 3)]
			e.Metric = eventMetric[Hijack]
		}
		for _, o := range origins {
			lpath, dl := g.asPath(l, o), tl.dist[o]+1 // l, x, ..., o
			if shape.rfcType == 5 {
				lpath, dl = lpath[:1], 1
			}
			if !rt.better(ty, o, atY, dl, l) {
				continue // the receiver keeps its own route
			}
			if slices.Contains(lpath[1:], w.ASes[y].ASN) {
				continue // the receiver is on the path: it would reject it
			}
			n := len(e.Prefixes)
			for _, p := range w.ASes[o].IPv4[:min(len(w.ASes[o].IPv4), 3)] {
				if shape.rfcType == 5 && !g.misoriginates(p.Prefix, w.ASes[o].ASN, la.ASN) {
					continue
				}
				spread(p.Prefix, lpath, o, dl)
			}
			if e.Victim == 0 && len(e.Prefixes) > n {
				e.Victim = w.ASes[o].ASN
			}
		}
	}
	if len(e.Prefixes) == 0 {
		return false
	}
	slices.SortFunc(e.Prefixes, func(x, y netip.Prefix) int {
		if c := x.Addr().Compare(y.Addr()); c != 0 {
			return c
		}
		return x.Bits() - y.Bits()
	})
	e.Prefixes = slices.Compact(e.Prefixes)
	e.SeenBy = compactSightings(e.SeenBy)
	return true
}

// hasLoop reports whether an AS appears twice in a path: BGP speakers
// reject such routes (RFC 4271 9.1.2).
func hasLoop(path []bgp.ASN) bool {
	for i, a := range path {
		if slices.Contains(path[i+1:], a) {
			return true
		}
	}
	return false
}

func compactSightings(s []Sighting) []Sighting {
	slices.SortFunc(s, func(a, b Sighting) int {
		if a.Collector != b.Collector {
			if a.Collector < b.Collector {
				return -1
			}
			return 1
		}
		return a.PeerIP.Compare(b.PeerIP)
	})
	return slices.Compact(s)
}

// asPath is the AS_PATH a collector peer x sends for its route to o: x
// itself, then the path.
func (g *generation) asPath(x, o int32) []bgp.ASN {
	g.pathBuf, _ = g.router.appendPath(g.pathBuf[:0], x, o)
	out := make([]bgp.ASN, 0, len(g.pathBuf)+1)
	out = append(out, g.w.ASes[x].ASN)
	for _, i := range g.pathBuf {
		out = append(out, g.w.ASes[i].ASN)
	}
	return out
}
