package detect

import (
	"cmp"
	"encoding/binary"
	"math"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/manrs/manrs/internal/aspa"
	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/rov"
)

// IRR answers whether a route or route6 object exists for a prefix and an
// origin, in any source. It must be safe for concurrent use.
type IRR interface {
	HasRoute(p netip.Prefix, origin bgp.ASN) bool
}

// Knowledge is what routes are judged against. A nil part disables the
// metrics that need it: ROV for M2 and the RPKI states, IRR for M2 (then
// any RPKI-invalid unauthorised origin counts) and M7IRR, Rel for M1 and
// the C metrics, Bogons for M3 and M4.
type Knowledge struct {
	ROV    *rov.Index
	IRR    IRR
	Rel    *asrel.Graph
	Bogons *bogon.Set
	// ASPA, when set, verifies the paths of route leaks
	// (incident.Detail.ASPA).
	ASPA *aspa.Verifier
}

// Defaults of Options.
const (
	// DefaultMinPeers is the visibility threshold: an incident, or a
	// prefix counted for M7, must be seen by this many collector peers.
	DefaultMinPeers = 2
	// DefaultEvidence is how many routes are kept per prefix of an
	// incident.
	DefaultEvidence = 3
)

// Options set the day observed and the thresholds.
type Options struct {
	// Start and End bound the day: routes stamped before Start (a RIB
	// dump taken just before midnight) count from Start; after End,
	// not at all.
	Start, End time.Time
	MinPeers   int
	Evidence   int
}

// Observer gathers the routes of one day from any number of collectors.
type Observer struct {
	k   *Knowledge
	opt Options

	mu         sync.Mutex
	collectors []*Collector
}

// New returns an Observer of the day opt describes.
func New(k *Knowledge, opt Options) *Observer {
	if opt.MinPeers <= 0 {
		opt.MinPeers = DefaultMinPeers
	}
	if opt.Evidence <= 0 {
		opt.Evidence = DefaultEvidence
	}
	if opt.End.IsZero() {
		opt.End = opt.Start.Add(24 * time.Hour)
	}
	return &Observer{k: k, opt: opt}
}

// Collector returns the collector of that name, new or already made. A
// Collector takes routes from one goroutine at a time; different
// collectors may be fed concurrently.
func (o *Observer) Collector(name string) *Collector {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, c := range o.collectors {
		if c.name == name {
			return c
		}
	}
	c := newCollector(o, name, len(o.collectors))
	o.collectors = append(o.collectors, c)
	return c
}

// peerKey identifies a collector peer: its AS and session address.
type peerKey struct {
	asn  bgp.ASN
	addr netip.Addr
}

// pairKey is a prefix and its origin.
type pairKey struct {
	prefix netip.Prefix
	origin bgp.ASN
}

// pair is a prefix and origin seen, with its verdict.
type pair struct {
	key   pairKey
	rpki  incident.RPKIState
	irr   bool
	flags uint8
}

// Pair flags.
const (
	misorigin   = 1 << iota // M2: invalid, unauthorised, not in the IRR
	bogonPrefix             // M3
	bogonOrigin             // the origin is a bogon ASN: M4's, not the origin's
)

// ppKey is a collector peer's route slot: its id and a prefix.
type ppKey struct {
	peer   uint16
	prefix netip.Prefix
}

// finding is a metric a route raises, before its prefix is known.
type finding struct {
	metric       incident.Metric
	asn, culprit bgp.ASN
	why          *cause
}

// cause is why a finding raises its metric: in words, and as the
// incident's detail. Findings share it by pointer: it is made once per
// judged pair or path.
type cause struct {
	reason string
	detail incident.Detail
}

// findingKey identifies what a route raises for one prefix.
type findingKey struct {
	metric       incident.Metric
	asn, culprit bgp.ASN
	prefix       netip.Prefix
}

type span struct{ start, end time.Time }

// findingState follows one findingKey through the day at one collector.
type findingState struct {
	key       findingKey
	why       *cause
	peers     []uint16 // distinct peers that saw it
	active    int      // peers that have it now
	since     time.Time
	spans     []span
	continued bool
	evidence  []incident.Route
}

// pathSlot is an entry of the direct-mapped cache of path verdicts: the
// top 40 bits of the path's hash, then 24 bits of verdict (0: nothing
// to report; else 1 + an index into pathVerdicts). Eight bytes a slot
// keep the cache within the processor's last-level cache.
type pathSlot uint64

const verdictBits = 24

const pathCacheBits = 20

// activeHintBits sizes Collector.activeHint: 1M counters, 2 MB.
const activeHintBits = 20

// hint returns the slot of a prefix in activeHint. It hashes the prefix
// alone: a RIB dump gives each prefix's routes from every peer one after
// the other, so they share a slot, and its cache line.
func hint(p netip.Prefix) uint32 {
	a := p.Addr().As16()
	hi := binary.BigEndian.Uint64(a[:8])
	lo := binary.BigEndian.Uint64(a[8:])
	h := (hi*0x9e3779b97f4a7c15 ^ lo) * 0xc2b2ae3d27d4eb4f
	h ^= uint64(p.Bits())
	h *= 0x9e3779b97f4a7c15
	return uint32(h >> (64 - activeHintBits))
}

// Collector takes the routes of one route collector.
type Collector struct {
	o    *Observer
	name string
	idx  int

	peers   []peerKey
	peerIdx map[peerKey]uint16

	pairIdx map[pairKey]uint32
	pairs   []pair
	words   int      // mask words per pair
	masks   []uint64 // peers that announced each pair, words per pair
	reasons map[uint32]*cause

	cache        []pathSlot
	pathVerdicts [][]finding

	findingIdx  map[findingKey]int32
	states      []findingState
	active      map[ppKey][]int32
	activeCount []int
	// activeHint counts the entries of active by a hash of their prefix:
	// a zero count answers "nothing active" without the map lookup, as
	// it does for nearly every route.
	activeHint []uint16

	// lastPair and lastPeer remember the previous route's lookups: RIB
	// entries come prefix by prefix, each prefix from many peers mostly
	// with one origin, and an update message's routes share their peer.
	lastPair    pairKey
	lastPairIdx uint32
	havePair    bool
	lastPeer    peerKey
	lastPeerIdx uint16
	havePeerIdx bool

	seq []bgp.ASN
	cur []finding
	seen
	stats Stats
}

// Stats count what a Collector was given.
type Stats struct {
	// Routes counts announcements and RIB entries; Withdrawals,
	// withdrawn prefixes (and routes without a usable AS_PATH, which
	// RFC 7606 treats as withdrawn); Late, routes stamped after the
	// day; NoOrigin, routes whose path ends in an AS_SET.
	Routes, Withdrawals, Late, NoOrigin int
	// Pairs and Paths count the distinct prefix-origin pairs and the
	// path verdicts computed (cache misses).
	Pairs, Paths int
	// BelowThreshold counts findings seen by too few peers to count.
	BelowThreshold int
}

func (s *Stats) add(t Stats) {
	s.Routes += t.Routes
	s.Withdrawals += t.Withdrawals
	s.Late += t.Late
	s.NoOrigin += t.NoOrigin
	s.Pairs += t.Pairs
	s.Paths += t.Paths
	s.BelowThreshold += t.BelowThreshold
}

func newCollector(o *Observer, name string, idx int) *Collector {
	return &Collector{
		o: o, name: name, idx: idx,
		peerIdx:    map[peerKey]uint16{},
		pairIdx:    map[pairKey]uint32{},
		reasons:    map[uint32]*cause{},
		words:      1,
		cache:      make([]pathSlot, 1<<pathCacheBits),
		findingIdx: map[findingKey]int32{},
		active:     map[ppKey][]int32{},
		activeHint: make([]uint16, 1<<activeHintBits),
		seen:       newSeen(),
	}
}

// peer returns the id of a collector peer.
func (c *Collector) peer(asn bgp.ASN, addr netip.Addr) uint16 {
	k := peerKey{asn, addr}
	if c.havePeerIdx && c.lastPeer == k {
		return c.lastPeerIdx
	}
	if id, ok := c.peerIdx[k]; ok {
		c.lastPeer, c.lastPeerIdx, c.havePeerIdx = k, id, true
		return id
	}
	id := uint16(len(c.peers))
	c.peers = append(c.peers, k)
	c.peerIdx[k] = id
	c.activeCount = append(c.activeCount, 0)
	if need := (len(c.peers) + 63) / 64; need > c.words {
		// Widen every pair's mask.
		masks := make([]uint64, len(c.pairs)*need, cap(c.masks)/c.words*need)
		for i := range c.pairs {
			copy(masks[i*need:], c.masks[i*c.words:(i+1)*c.words])
		}
		c.masks, c.words = masks, need
	}
	return id
}

// Route takes one route: a RIB entry, an announcement or a withdrawal,
// at its timestamp. Routes of one peer must come in time order.
func (c *Collector) Route(r *mrt.Route) {
	o := c.o
	t := time.Unix(int64(r.Timestamp), 0).UTC()
	if !t.Before(o.opt.End) {
		c.stats.Late++
		return
	}
	if t.Before(o.opt.Start) {
		t = o.opt.Start
	}
	if len(c.peers) >= 1<<16-1 {
		return // more peers than any collector has; ids would wrap
	}
	pid := c.peer(r.PeerAS, r.PeerAddr)
	pp := ppKey{pid, r.Prefix}
	if !r.Usable() {
		c.stats.Withdrawals++
		c.update(pp, nil, t, r)
		return
	}
	c.stats.Routes++
	path := r.Attrs.Path()
	c.seq = path.AppendSequence(c.seq[:0])
	cur := c.cur[:0]
	origin, ok := r.Origin()
	if !ok || origin == 0 {
		c.stats.NoOrigin++
	} else {
		pi := c.pair(r.Prefix, origin)
		c.masks[int(pi)*c.words+int(pid)/64] |= 1 << (pid % 64)
		pr := &c.pairs[pi]
		if pr.flags&(misorigin|bogonPrefix) != 0 && pr.flags&bogonOrigin == 0 {
			m := incident.M3
			if pr.flags&misorigin != 0 {
				m = incident.M2
			}
			why := c.reasons[pi]
			cur = append(cur, finding{metric: m, asn: origin, culprit: origin, why: why})
			if up, ok := c.upstream(origin); ok {
				cur = append(cur, finding{metric: m.Customer(), asn: up, culprit: origin, why: why})
			}
		}
	}
	if !path.HasSet() && len(c.seq) > 1 {
		cur = append(cur, c.pathFindings(c.seq)...)
	}
	c.cur = cur
	c.update(pp, cur, t, r)
}

// upstream returns the AS in front of the origin in the current path
// when it is a provider of the origin: the AS that propagated its direct
// customer's route.
func (c *Collector) upstream(origin bgp.ASN) (bgp.ASN, bool) {
	n := len(c.seq)
	rel := c.o.k.Rel
	if n < 2 || c.seq[n-1] != origin || rel == nil {
		return 0, false
	}
	if up := c.seq[n-2]; rel.Relation(up, origin) == asrel.ProviderOf {
		return up, true
	}
	return 0, false
}

// pair returns the index of a prefix-origin pair, judging it when new.
func (c *Collector) pair(p netip.Prefix, origin bgp.ASN) uint32 {
	k := pairKey{p, origin}
	if c.havePair && c.lastPair == k {
		return c.lastPairIdx
	}
	if i, ok := c.pairIdx[k]; ok {
		c.lastPair, c.lastPairIdx, c.havePair = k, i, true
		return i
	}
	i := uint32(len(c.pairs))
	c.pairIdx[k] = i
	c.lastPair, c.lastPairIdx, c.havePair = k, i, true
	pr := pair{key: k}
	c.o.k.judgeOrigin(&pr, func(why *cause) { c.reasons[i] = why })
	c.pairs = append(c.pairs, pr)
	c.masks = append(c.masks, make([]uint64, c.words)...)
	c.stats.Pairs++
	return i
}

// pathFindings returns what the path raises, from the cache or judged.
func (c *Collector) pathFindings(seq []bgp.ASN) []finding {
	h := hashPath(seq)
	slot := &c.cache[h&(1<<pathCacheBits-1)]
	tag := pathSlot(h>>verdictBits) << verdictBits
	if *slot != 0 && *slot&^(1<<verdictBits-1) == tag {
		v := *slot & (1<<verdictBits - 1)
		if v == 0 {
			return nil
		}
		return c.pathVerdicts[v-1]
	}
	c.stats.Paths++
	for _, a := range seq {
		c.seen.add(a)
	}
	f := c.o.k.judgePath(seq, nil)
	*slot = tag
	if len(f) > 0 && len(c.pathVerdicts) < 1<<verdictBits-1 {
		c.pathVerdicts = append(c.pathVerdicts, f)
		*slot |= pathSlot(len(c.pathVerdicts))
	} else if len(f) > 0 {
		*slot = 0 // no room to remember it: judge the path each time
	}
	return f
}

// hashPath hashes an AS sequence (FNV-1a over its ASNs).
func hashPath(seq []bgp.ASN) uint64 {
	h := uint64(14695981039346656037)
	for _, a := range seq {
		h ^= uint64(a)
		h *= 1099511628211
	}
	h ^= uint64(len(seq))
	h *= 1099511628211
	if h == 0 {
		h = 1
	}
	return h
}

// update makes the findings of a peer's route for a prefix those of cur
// (nil for a withdrawal) from time t.
func (c *Collector) update(pp ppKey, cur []finding, t time.Time, r *mrt.Route) {
	var act []int32
	h := hint(pp.prefix)
	if c.activeCount[pp.peer] > 0 && c.activeHint[h] > 0 {
		act = c.active[pp]
	}
	if len(cur) == 0 && len(act) == 0 {
		return
	}
	var next []int32
	for _, f := range cur {
		k := findingKey{f.metric, f.asn, f.culprit, pp.prefix}
		i, ok := c.findingIdx[k]
		if !ok {
			i = int32(len(c.states))
			c.findingIdx[k] = i
			c.states = append(c.states, findingState{key: k, why: f.why})
		}
		if slices.Contains(next, i) {
			continue
		}
		next = append(next, i)
		if !slices.Contains(act, i) {
			c.start(i, pp.peer, t, r)
		}
	}
	for _, i := range act {
		if !slices.Contains(next, i) {
			c.stop(i, t)
		}
	}
	c.activeCount[pp.peer] += len(next) - len(act)
	switch {
	case len(next) == 0 && len(act) > 0:
		delete(c.active, pp)
		if c.activeHint[h] != math.MaxUint16 {
			c.activeHint[h]--
		}
	case len(next) > 0:
		// A full counter stays full: its slot is always looked up.
		if len(act) == 0 && c.activeHint[h] != math.MaxUint16 {
			c.activeHint[h]++
		}
		c.active[pp] = next
	}
}

func (c *Collector) start(i int32, pid uint16, t time.Time, r *mrt.Route) {
	s := &c.states[i]
	if s.active == 0 {
		s.since = t
		if !t.After(c.o.opt.Start) {
			s.continued = true
		}
	}
	s.active++
	if !slices.Contains(s.peers, pid) {
		s.peers = append(s.peers, pid)
	}
	if len(s.evidence) < c.o.opt.Evidence {
		pk := c.peers[pid]
		s.evidence = append(s.evidence, incident.Route{
			Collector: c.name, PeerASN: pk.asn, PeerIP: pk.addr, Prefix: r.Prefix,
			Path: slices.Clone(c.seq), Seen: t,
		})
	}
}

func (c *Collector) stop(i int32, t time.Time) {
	s := &c.states[i]
	s.active--
	if s.active == 0 {
		s.spans = append(s.spans, span{s.since, t})
	}
}

// PeerDown ends every route of a collector peer whose session went down
// at t (a BGP4MP STATE_CHANGE out of Established).
func (c *Collector) PeerDown(asn bgp.ASN, addr netip.Addr, t time.Time) {
	id, ok := c.peerIdx[peerKey{asn, addr}]
	if !ok || c.activeCount[id] == 0 {
		return
	}
	if t.Before(c.o.opt.Start) {
		t = c.o.opt.Start
	}
	var keys []ppKey
	for k := range c.active {
		if k.peer == id {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		c.update(k, nil, t, nil)
	}
}

// Stats returns what the collector was given so far.
func (c *Collector) Stats() Stats { return c.stats }

// sortPrefixes orders prefixes by address, then length.
func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}
