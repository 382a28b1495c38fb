package rtr

import (
	"cmp"
	"net/netip"
	"slices"
	"sync"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpki"
)

// vrpKey is what RTR carries of a VRP: its identity (RFC 6811 section 2).
type vrpKey struct {
	Prefix    netip.Prefix
	MaxLength uint8
	ASN       bgp.ASN
}

func compareVRPKey(a, b vrpKey) int {
	if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.MaxLength, b.MaxLength); c != 0 {
		return c
	}
	return cmp.Compare(a.ASN, b.ASN)
}

// aspaRecord is what RTR carries of an ASPA.
type aspaRecord struct {
	Customer  bgp.ASN
	Providers []bgp.ASN // sorted, no duplicates
}

// payload is a set as RTR carries it, sorted, without duplicates.
type payload struct {
	vrps  []vrpKey
	aspas []aspaRecord
}

// newPayload extracts the RTR payload of s. ASPAs for the same customer are
// merged, as one ASPA PDU carries all of a customer's providers
// (draft-ietf-sidrops-8210bis-25 section 5.12).
func newPayload(s *rpki.Set) payload {
	var p payload
	p.vrps = make([]vrpKey, 0, len(s.VRPs))
	for _, v := range s.VRPs {
		p.vrps = append(p.vrps, vrpKey{v.Prefix, v.MaxLength, v.ASN})
	}
	slices.SortFunc(p.vrps, compareVRPKey)
	p.vrps = slices.Compact(p.vrps)
	byCustomer := map[bgp.ASN][]bgp.ASN{}
	for _, a := range s.ASPAs {
		byCustomer[a.Customer] = append(byCustomer[a.Customer], a.Providers...)
	}
	for c, provs := range byCustomer {
		slices.Sort(provs)
		p.aspas = append(p.aspas, aspaRecord{Customer: c, Providers: slices.Compact(provs)})
	}
	slices.SortFunc(p.aspas, func(a, b aspaRecord) int { return cmp.Compare(a.Customer, b.Customer) })
	return p
}

// delta is the change from one serial to the next.
type delta struct {
	from     uint32
	announce []vrpKey
	withdraw []vrpKey
	aspas    []aspaChange
}

// aspaChange is an ASPA record before and after a delta; a nil side means
// absent.
type aspaChange struct {
	Customer bgp.ASN
	Old, New *aspaRecord
}

func (d *delta) empty() bool {
	return len(d.announce) == 0 && len(d.withdraw) == 0 && len(d.aspas) == 0
}

// diff computes the delta from a to b.
func diff(a, b payload) *delta {
	d := &delta{}
	i, j := 0, 0
	for i < len(a.vrps) || j < len(b.vrps) {
		switch {
		case j == len(b.vrps) || (i < len(a.vrps) && compareVRPKey(a.vrps[i], b.vrps[j]) < 0):
			d.withdraw = append(d.withdraw, a.vrps[i])
			i++
		case i == len(a.vrps) || compareVRPKey(a.vrps[i], b.vrps[j]) > 0:
			d.announce = append(d.announce, b.vrps[j])
			j++
		default:
			i++
			j++
		}
	}
	i, j = 0, 0
	for i < len(a.aspas) || j < len(b.aspas) {
		switch {
		case j == len(b.aspas) || (i < len(a.aspas) && a.aspas[i].Customer < b.aspas[j].Customer):
			d.aspas = append(d.aspas, aspaChange{Customer: a.aspas[i].Customer, Old: &a.aspas[i]})
			i++
		case i == len(a.aspas) || a.aspas[i].Customer > b.aspas[j].Customer:
			d.aspas = append(d.aspas, aspaChange{Customer: b.aspas[j].Customer, New: &b.aspas[j]})
			j++
		default:
			if !slices.Equal(a.aspas[i].Providers, b.aspas[j].Providers) {
				d.aspas = append(d.aspas, aspaChange{Customer: a.aspas[i].Customer, Old: &a.aspas[i], New: &b.aspas[j]})
			}
			i++
			j++
		}
	}
	return d
}

// compose merges consecutive deltas into the net change from the first's
// start to the last's end.
func compose(ds []*delta) *delta {
	if len(ds) == 1 {
		return ds[0]
	}
	type presence struct{ before, after bool }
	vrps := map[vrpKey]*presence{}
	mark := func(k vrpKey, present bool) {
		if p, ok := vrps[k]; ok {
			p.after = present
			return
		}
		vrps[k] = &presence{before: !present, after: present}
	}
	aspas := map[bgp.ASN]*aspaChange{}
	for _, d := range ds {
		for _, k := range d.withdraw {
			mark(k, false)
		}
		for _, k := range d.announce {
			mark(k, true)
		}
		for _, c := range d.aspas {
			if prev, ok := aspas[c.Customer]; ok {
				prev.New = c.New
			} else {
				aspas[c.Customer] = &c
			}
		}
	}
	out := &delta{from: ds[0].from}
	for k, p := range vrps {
		switch {
		case p.after && !p.before:
			out.announce = append(out.announce, k)
		case !p.after && p.before:
			out.withdraw = append(out.withdraw, k)
		}
	}
	slices.SortFunc(out.announce, compareVRPKey)
	slices.SortFunc(out.withdraw, compareVRPKey)
	for _, c := range aspas {
		if c.Old == nil && c.New == nil {
			continue
		}
		if c.Old != nil && c.New != nil && slices.Equal(c.Old.Providers, c.New.Providers) {
			continue
		}
		out.aspas = append(out.aspas, *c)
	}
	slices.SortFunc(out.aspas, func(a, b aspaChange) int { return cmp.Compare(a.Customer, b.Customer) })
	return out
}

// Timers are the intervals an End of Data PDU gives routers (RFC 8210
// section 6).
type Timers struct {
	Refresh, Retry, Expire uint32 // seconds
}

// Default timers, RFC 8210 section 6.
const (
	DefaultRefresh = 3600
	DefaultRetry   = 600
	DefaultExpire  = 7200
)

// encoding is the bytes of a whole response, with the count of PDUs in it
// by type for the metrics.
type encoding struct {
	bytes  []byte
	counts map[Type]int
}

// snapshot is the payload at one serial with its encodings, built once per
// version and shared by every client.
type snapshot struct {
	session uint16
	serial  uint32
	timers  Timers
	set     *rpki.Set
	payload payload

	full   [MaxVersion + 1]lazy
	mu     sync.Mutex
	deltas map[uint32]*[MaxVersion + 1]lazy // by the serial they start from
}

type lazy struct {
	once sync.Once
	enc  encoding
}

func (l *lazy) get(build func() encoding) encoding {
	l.once.Do(func() { l.enc = build() })
	return l.enc
}

// fullResponse is the answer to a Reset Query in version v: Cache
// Response, the whole payload, End of Data (RFC 8210 section 8.1).
func (s *snapshot) fullResponse(v Version) encoding {
	return s.full[v].get(func() encoding {
		d := &delta{announce: s.payload.vrps}
		for i := range s.payload.aspas {
			d.aspas = append(d.aspas, aspaChange{Customer: s.payload.aspas[i].Customer, New: &s.payload.aspas[i]})
		}
		return s.encode(v, d)
	})
}

// deltaResponse is the answer in version v to a Serial Query whose
// serial starts d (RFC 8210 section 8.2).
func (s *snapshot) deltaResponse(v Version, d func() *delta, from uint32) encoding {
	s.mu.Lock()
	if s.deltas == nil {
		s.deltas = map[uint32]*[MaxVersion + 1]lazy{}
	}
	l, ok := s.deltas[from]
	if !ok {
		l = new([MaxVersion + 1]lazy)
		s.deltas[from] = l
	}
	s.mu.Unlock()
	return l[v].get(func() encoding { return s.encode(v, d()) })
}

// encode writes Cache Response, withdrawals, announcements and End of
// Data. ASPA PDUs go to version 2 only.
func (s *snapshot) encode(v Version, d *delta) encoding {
	n := 8 + 32*(len(d.announce)+len(d.withdraw)) + 24
	e := encoding{counts: map[Type]int{}}
	b := make([]byte, 0, n)
	b = CacheResponse{SessionID: s.session}.AppendPDU(b, v)
	e.counts[TypeCacheResponse]++
	add := func(p PDU) {
		b = p.AppendPDU(b, v)
		e.counts[p.Type()]++
	}
	for _, k := range d.withdraw {
		add(Prefix{Prefix: k.Prefix, MaxLength: k.MaxLength, ASN: k.ASN})
	}
	for _, k := range d.announce {
		add(Prefix{Announce: true, Prefix: k.Prefix, MaxLength: k.MaxLength, ASN: k.ASN})
	}
	if v >= Version2 {
		for _, c := range d.aspas {
			if c.New == nil {
				add(ASPA{Customer: c.Customer})
			} else {
				add(ASPA{Announce: true, Customer: c.Customer, Providers: c.New.Providers})
			}
		}
	}
	add(EndOfData{SessionID: s.session, Serial: s.serial, Refresh: s.timers.Refresh, Retry: s.timers.Retry, Expire: s.timers.Expire})
	e.bytes = b
	return e
}
