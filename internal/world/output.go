package world

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/rpki"
)

// day formats t as CAIDA and the RPKI archives name days.
func day(t time.Time) string { return t.UTC().Format("20060102") }

// writeASRel writes the CAIDA serial-2 relationships and the customer
// cones of the first day.
func (g *generation) writeASRel() error {
	w := g.w
	g.progress("AS relationships")
	out, done, err := g.create("caida/"+day(g.opt.Start)+".as-rel2.txt.bz2", "caida-as-rel2")
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(out)
	fmt.Fprintf(bw, "# source:topology|BGP|%s|manrs-world|seed %d, scale %s\n", day(g.opt.Start), g.opt.Seed, w.Scale.Name)
	var clique, ixps []string
	for _, a := range w.ASes {
		if a.Tier == Tier1 {
			clique = append(clique, strconv.FormatUint(uint64(a.ASN), 10))
		}
	}
	for _, x := range w.IXPs {
		ixps = append(ixps, strconv.FormatUint(uint64(x.RouteServer), 10))
	}
	fmt.Fprintf(bw, "# input clique: %s\n", strings.Join(clique, " "))
	fmt.Fprintf(bw, "# IXP ASes: %s\n", strings.Join(ixps, " "))
	type line struct {
		a, b bgp.ASN
		rel  int
		src  string
	}
	var lines []line
	for i := range w.ASes {
		a := &w.ASes[i]
		for _, c := range a.Customers {
			lines = append(lines, line{a.ASN, w.ASes[c].ASN, -1, "bgp"})
		}
		for _, p := range a.Peers {
			if b := w.ASes[p].ASN; a.ASN < b {
				src := "bgp"
				if slices.Contains(a.MLPPeers, p) {
					src = "mlp"
				}
				lines = append(lines, line{a.ASN, b, 0, src})
			}
		}
	}
	slices.SortFunc(lines, func(x, y line) int {
		if c := cmp.Compare(x.a, y.a); c != 0 {
			return c
		}
		return cmp.Compare(x.b, y.b)
	})
	for _, l := range lines {
		fmt.Fprintf(bw, "%d|%d|%d|%s\n", l.a, l.b, l.rel, l.src)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := done(); err != nil {
		return err
	}
	out, done, err = g.create("caida/"+day(g.opt.Start)+".ppdc-ases.txt.bz2", "caida-ppdc-ases")
	if err != nil {
		return err
	}
	bw = bufio.NewWriter(out)
	fmt.Fprintf(bw, "# customer cones of the world, seed %d, scale %s\n", g.opt.Seed, w.Scale.Name)
	order := make([]int32, len(w.ASes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return cmp.Compare(w.ASes[x].ASN, w.ASes[y].ASN) })
	var members []bgp.ASN
	for _, i := range order {
		c := g.router.cone(i)
		members = members[:0]
		for _, n := range c.nodes {
			members = append(members, w.ASes[n].ASN)
		}
		slices.Sort(members)
		bw.WriteString(strconv.FormatUint(uint64(w.ASes[i].ASN), 10))
		for _, m := range members {
			bw.WriteByte(' ')
			bw.WriteString(strconv.FormatUint(uint64(m), 10))
		}
		bw.WriteByte('\n')
		// Cones of stubs are kept only while memoised; drop them.
		if w.ASes[i].Tier == Stub {
			delete(g.router.cones, i)
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return done()
}

// writeRPKI writes the VRPs and ASPAs of each day as rpki-client writes
// them: JSON (with ASPAs) and CSV.
func (g *generation) writeRPKI() error {
	set := &rpki.Set{VRPs: g.w.VRPs, ASPAs: g.w.ASPAs}
	for d := 0; d < g.opt.Days; d++ {
		t := g.opt.Start.AddDate(0, 0, d)
		g.progress("RPKI %s", day(t))
		set.Metadata.BuildTime = t.Add(-time.Hour)
		for _, f := range []struct{ out, format string }{{"json", "rpki-client-json"}, {"csv", "rpki-client-csv"}} {
			o, _ := rpki.LookupOutput(f.out)
			w, done, err := g.create(fmt.Sprintf("rpki/%s/rpki-client.%s", day(t), f.out), f.format)
			if err != nil {
				return err
			}
			bw := bufio.NewWriter(w)
			if err := o.Write(bw, set, rpki.WriteOptions{Time: set.Metadata.BuildTime}); err != nil {
				return err
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			if err := done(); err != nil {
				return err
			}
		}
	}
	return nil
}

// routeEntry is one prefix of the world with its origin.
type routeEntry struct {
	prefix netip.Prefix
	origin int32
}

// baseline is what a collector's peers announce without events.
type baseline struct {
	prefixes []routeEntry           // every originated prefix, IPv4 first, sorted
	origin   map[netip.Prefix]int32 // prefix to origin
	paths    []peerPaths            // by peer
}

// peerPaths are one peer's AS paths to every origin, packed: the path to
// origin o is arena[off[o]:off[o+1]], empty when the peer sends no route.
type peerPaths struct {
	arena []bgp.ASN
	off   []uint32
}

func (p *peerPaths) path(o int32) []bgp.ASN {
	s, e := p.off[o], p.off[o+1]
	if s == e {
		return nil
	}
	return p.arena[s:e:e]
}

func (g *generation) baseline(c *Collector) *baseline {
	w := g.w
	b := &baseline{origin: map[netip.Prefix]int32{}}
	for i := range w.ASes {
		for _, p := range w.ASes[i].IPv4 {
			b.prefixes = append(b.prefixes, routeEntry{p.Prefix, int32(i)})
		}
		for _, p := range w.ASes[i].IPv6 {
			b.prefixes = append(b.prefixes, routeEntry{p.Prefix, int32(i)})
		}
	}
	slices.SortFunc(b.prefixes, func(x, y routeEntry) int { return comparePrefixes(x.prefix, y.prefix) })
	for _, e := range b.prefixes {
		b.origin[e.prefix] = e.origin
	}
	b.paths = make([]peerPaths, len(c.Peers))
	for pi := range c.Peers {
		peer := &c.Peers[pi]
		t := g.router.table(peer.AS)
		pp := &b.paths[pi]
		pp.off = make([]uint32, len(w.ASes)+1)
		for o := int32(0); o < int32(len(w.ASes)); o++ {
			if peer.exports(t.kind[o]) {
				pp.arena = append(pp.arena, g.asPath(peer.AS, o)...)
			}
			pp.off[o+1] = uint32(len(pp.arena))
		}
		pp.arena = slices.Clip(pp.arena)
	}
	return b
}

// comparePrefixes orders IPv4 before IPv6, then by address and length.
func comparePrefixes(a, b netip.Prefix) int {
	if a.Addr().Is4() != b.Addr().Is4() {
		if a.Addr().Is4() {
			return -1
		}
		return 1
	}
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

// fileNames gives a collector's RIB and update file names for time t.
func fileNames(c *Collector, t time.Time) (rib, updates string) {
	stamp := t.UTC().Format("20060102.1504")
	month := t.UTC().Format("2006.01")
	if c.Style == "routeviews" {
		base := "collectors/" + c.Name + "/bgpdata/" + month
		return base + "/RIBS/rib." + stamp + ".bz2", base + "/UPDATES/updates." + stamp + ".bz2"
	}
	base := "collectors/" + c.Name + "/" + month
	return base + "/bview." + stamp + ".gz", base + "/updates." + stamp + ".gz"
}

// writeCollectors writes every collector's RIB dumps and update files.
// The routes are worked out first, one collector after the other (the
// router memoises); the files, which take most of the time to compress,
// are then written by a goroutine per collector, on all cores.
func (g *generation) writeCollectors() error {
	end := g.opt.Start.AddDate(0, 0, g.opt.Days)
	baselines := make([]*baseline, len(g.w.Collectors))
	for ci := range g.w.Collectors {
		g.progress("%s routes", g.w.Collectors[ci].Name)
		baselines[ci] = g.baseline(&g.w.Collectors[ci])
	}
	// The routes are all known now: free the routing tables.
	g.router = nil
	errs := make([]error, len(g.w.Collectors))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for ci := range g.w.Collectors {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, b := &g.w.Collectors[ci], baselines[ci]
			for t := g.opt.Start; t.Before(end); t = t.Add(g.opt.RIBInterval) {
				g.progress("%s RIB %s", c.Name, t.Format("2006-01-02 15:04"))
				if errs[ci] = g.writeRIB(ci, b, t); errs[ci] != nil {
					return
				}
			}
			r := rng(g.opt.Seed, "churn/"+c.Name)
			for t := g.opt.Start; t.Before(end); t = t.Add(g.opt.UpdateInterval) {
				if t.Minute() == 0 {
					g.progress("%s updates %s", c.Name, t.Format("2006-01-02 15:04"))
				}
				if errs[ci] = g.writeUpdates(r, ci, b, t, t.Add(g.opt.UpdateInterval)); errs[ci] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (g *generation) peerIndex(c *Collector) *mrt.PeerIndex {
	p := &mrt.PeerIndex{CollectorID: c.Addr4, ViewName: c.Name}
	for _, peer := range c.Peers {
		asn := g.w.ASes[peer.AS].ASN
		p.Peers = append(p.Peers, mrt.Peer{BGPID: peer.Addr4, Addr: peer.Addr4, ASN: asn}, mrt.Peer{BGPID: peer.Addr4, Addr: peer.Addr6, ASN: asn})
	}
	return p
}

// overrides are the event routes active at one time: [peer][prefix].
func (g *generation) overrides(ci int, t time.Time) map[int]map[netip.Prefix][]bgp.ASN {
	out := map[int]map[netip.Prefix][]bgp.ASN{}
	for _, e := range g.events {
		if t.Before(e.Start) || !t.Before(e.End) {
			continue
		}
		for _, ch := range e.changes {
			if ch.collector != ci {
				continue
			}
			if out[ch.peer] == nil {
				out[ch.peer] = map[netip.Prefix][]bgp.ASN{}
			}
			out[ch.peer][ch.prefix] = ch.path
		}
	}
	return out
}

// setRoute fills attrs for a route of peer with path to prefix p.
func setRoute(a *bgp.Attrs, peer *CollectorPeer, p netip.Prefix, path []bgp.ASN) {
	a.Reset()
	a.Origin = bgp.OriginIGP
	a.ASPath = bgp.Path{Segments: []bgp.Segment{{Type: bgp.ASSequence, ASNs: path}}}
	a.Set(bgp.AttrOrigin)
	a.Set(bgp.AttrASPath)
	if p.Addr().Is4() {
		a.NextHop = peer.Addr4
		a.Set(bgp.AttrNextHop)
	} else {
		a.MPReach = bgp.MPReach{AFI: bgp.AFIIPv6, SAFI: bgp.SAFIUnicast, NextHop: peer.Addr6}
		a.Set(bgp.AttrMPReach)
	}
	if first := path[0]; first <= 0xffff {
		a.Communities = append(a.Communities, bgp.Community(uint32(first)<<16|uint32(len(path))))
		a.Set(bgp.AttrCommunities)
	}
}

func (g *generation) writeRIB(ci int, b *baseline, t time.Time) error {
	c := &g.w.Collectors[ci]
	name, _ := fileNames(c, t)
	out, done, err := g.create(name, "mrt-table-dump-v2")
	if err != nil {
		return err
	}
	mw := mrt.NewWriter(out)
	ts := uint32(t.Unix())
	if err := mw.WritePeerIndex(ts, g.peerIndex(c)); err != nil {
		return err
	}
	over := g.overrides(ci, t)
	// Prefixes: the baseline's and those only events announce.
	extra := map[netip.Prefix]bool{}
	for _, m := range over {
		for p := range m {
			if _, ok := b.origin[p]; !ok {
				extra[p] = true
			}
		}
	}
	prefixes := make([]netip.Prefix, 0, len(b.prefixes)+len(extra))
	for _, e := range b.prefixes {
		prefixes = append(prefixes, e.prefix)
	}
	for p := range extra {
		prefixes = append(prefixes, p)
	}
	slices.SortFunc(prefixes, comparePrefixes)
	rib := &mrt.RIB{}
	seq := uint32(0)
	for _, p := range prefixes {
		rib.Prefix, rib.Sequence, rib.Entries = p, seq, rib.Entries[:0]
		o, hasOrigin := b.origin[p]
		for pi := range c.Peers {
			path := over[pi][p]
			if path == nil && hasOrigin {
				path = b.paths[pi].path(o)
			}
			if path == nil {
				continue
			}
			idx := uint16(2 * pi)
			if p.Addr().Is6() {
				idx++
			}
			if len(rib.Entries) < cap(rib.Entries) {
				rib.Entries = rib.Entries[:len(rib.Entries)+1]
			} else {
				rib.Entries = append(rib.Entries, mrt.RIBEntry{})
			}
			e := &rib.Entries[len(rib.Entries)-1]
			e.PeerIndex, e.Originated = idx, ts-3600
			setRoute(&e.Attrs, &c.Peers[pi], p, path)
		}
		if len(rib.Entries) == 0 {
			continue
		}
		if err := mw.WriteRIB(ts, rib); err != nil {
			return err
		}
		seq++
	}
	if err := mw.Flush(); err != nil {
		return err
	}
	return done()
}

// update is one message of an update file.
type update struct {
	at     time.Time
	peer   int
	prefix netip.Prefix
	path   []bgp.ASN // nil: withdrawal
}

func (g *generation) writeUpdates(r *rand.Rand, ci int, b *baseline, from, to time.Time) error {
	c := &g.w.Collectors[ci]
	var ups []update
	for _, e := range g.events {
		starts := !e.Start.Before(from) && e.Start.Before(to)
		ends := !e.End.Before(from) && e.End.Before(to)
		if !starts && !ends {
			continue
		}
		for _, ch := range e.changes {
			if ch.collector != ci {
				continue
			}
			if starts {
				ups = append(ups, update{e.Start, ch.peer, ch.prefix, ch.path})
			}
			if ends {
				var back []bgp.ASN
				if o, ok := b.origin[ch.prefix]; ok {
					back = b.paths[ch.peer].path(o)
				}
				ups = append(ups, update{e.End, ch.peer, ch.prefix, back})
			}
		}
	}
	// Background churn: routes that flap, withdrawn and announced again
	// a few seconds later.
	span := to.Sub(from)
	for range churnPerInterval(g.w.Scale) {
		pi := r.IntN(len(c.Peers))
		e := b.prefixes[r.IntN(len(b.prefixes))]
		path := b.paths[pi].path(e.origin)
		if path == nil {
			continue
		}
		at := from.Add(time.Duration(r.Int64N(int64(span-30*time.Second)/int64(time.Second))) * time.Second)
		ups = append(ups, update{at, pi, e.prefix, nil}, update{at.Add(time.Duration(1+r.IntN(25)) * time.Second), pi, e.prefix, path})
	}
	slices.SortStableFunc(ups, func(x, y update) int { return x.at.Compare(y.at) })
	_, name := fileNames(c, from)
	out, done, err := g.create(name, "mrt-bgp4mp")
	if err != nil {
		return err
	}
	mw := mrt.NewWriter(out)
	var u bgp.Update
	for _, up := range ups {
		peer := &c.Peers[up.peer]
		m := &mrt.Message{PeerAS: g.w.ASes[peer.AS].ASN, LocalAS: 12654, PeerAddr: peer.Addr4, LocalAddr: c.Addr4}
		if up.prefix.Addr().Is6() {
			m.PeerAddr, m.LocalAddr = peer.Addr6, c.Addr6
		}
		u.Withdrawn, u.NLRI = u.Withdrawn[:0], u.NLRI[:0]
		u.Attrs.Reset()
		switch {
		case up.path == nil && up.prefix.Addr().Is4():
			u.Withdrawn = append(u.Withdrawn, bgp.NLRI{Prefix: up.prefix})
		case up.path == nil:
			u.Attrs.MPUnreach = bgp.MPUnreach{AFI: bgp.AFIIPv6, SAFI: bgp.SAFIUnicast, NLRI: []bgp.NLRI{{Prefix: up.prefix}}}
			u.Attrs.Set(bgp.AttrMPUnreach)
		default:
			setRoute(&u.Attrs, peer, up.prefix, up.path)
			if up.prefix.Addr().Is4() {
				u.NLRI = append(u.NLRI, bgp.NLRI{Prefix: up.prefix})
			} else {
				u.Attrs.MPReach.NLRI = []bgp.NLRI{{Prefix: up.prefix}}
			}
		}
		if err := mw.WriteUpdate(uint32(up.at.Unix()), -1, m, &u); err != nil {
			return err
		}
	}
	if err := mw.Flush(); err != nil {
		return err
	}
	return done()
}

// churnPerInterval is the number of route flaps per update file.
func churnPerInterval(s Scale) int {
	switch s.Name {
	case "tiny":
		return 2
	case "small":
		return 10
	case "medium":
		return 40
	}
	return 150
}
