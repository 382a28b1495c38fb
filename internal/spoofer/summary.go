package spoofer

import (
	"cmp"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Verdict answers MANRS metric M5 for one AS over a window: is spoofing
// possible from it?
type Verdict uint8

// Verdicts.
const (
	// NoData: no session in the window tested routed spoofing from the
	// AS. The MANRS Observatory shows no score then.
	NoData Verdict = iota
	// Spoofable: at least one session had a spoofed routed packet
	// received.
	Spoofable
	// NotSpoofable: sessions were blocked, and none was received.
	NotSpoofable
	// Inconclusive: sessions ran, but none was received or blocked (only
	// rewritten by a NAT, or unknown).
	Inconclusive
)

var verdictNames = [...]string{NoData: "no-data", Spoofable: "spoofable", NotSpoofable: "not-spoofable", Inconclusive: "inconclusive"}

// String returns "no-data", "spoofable", "not-spoofable" or "inconclusive".
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return "Verdict(" + strconv.Itoa(int(v)) + ")"
}

// Summary sums up the sessions of one AS in a window. A test is the result
// of one address family of a session, so one session can make two tests
// of an AS that originates both its blocks.
type Summary struct {
	ASN bgp.ASN
	// Sessions counts the distinct sessions with a result for the AS.
	Sessions int
	// Tests counts the tests of routed spoofing; Received, Blocked,
	// Rewritten and Unknown count them by outcome.
	Tests     int
	Received  int
	Blocked   int
	Rewritten int
	Unknown   int
	// PrivateReceived counts the tests where a spoofed private source
	// address was received.
	PrivateReceived int
	// BehindNAT counts the tests run from behind a NAT.
	BehindNAT int
	// SpoofablePrefixes lists, sorted, the distinct client blocks from
	// which a spoofed routed packet was received: MANRS M5 counts them.
	SpoofablePrefixes []netip.Prefix
	// First and Last are the times of the first and latest sessions;
	// LastSession is the id of the latest, LastRouted its routed outcome
	// (the worse one when it tested both families of the AS: received,
	// then blocked, rewritten, unknown).
	First, Last time.Time
	LastSession uint64
	LastRouted  Outcome
	// LastReceived is the time of the latest session with a spoofed
	// routed packet received; zero when none.
	LastReceived time.Time
}

// Verdict returns the M5 answer for the AS.
func (s *Summary) Verdict() Verdict {
	switch {
	case s.Received > 0:
		return Spoofable
	case s.Blocked > 0:
		return NotSpoofable
	case s.Tests > 0:
		return Inconclusive
	}
	return NoData
}

// Aggregator sums up sessions per AS over a window of time.
type Aggregator struct {
	from, to time.Time
	m        map[bgp.ASN]*entry
	outside  int
}

type entry struct {
	Summary
	prefixes    map[netip.Prefix]struct{}
	lastCounted uint64 // the last session counted in Sessions
}

// NewAggregator returns an Aggregator of the sessions with a time in
// [from, to); a zero from or to leaves that end open.
func NewAggregator(from, to time.Time) *Aggregator {
	return &Aggregator{from: from, to: to, m: make(map[bgp.ASN]*entry)}
}

// Add adds a session: its IPv4 result to the summary of its IPv4 ASN, its
// IPv6 result to that of its IPv6 ASN. Results without an ASN, and
// sessions outside the window, are left out.
func (a *Aggregator) Add(s *Session) {
	if (!a.from.IsZero() && s.Time.Before(a.from)) || (!a.to.IsZero() && !s.Time.Before(a.to)) {
		a.outside++
		return
	}
	a.add(s, &s.IPv4)
	a.add(s, &s.IPv6)
}

func (a *Aggregator) add(s *Session, r *Result) {
	if r.ASN == 0 || !r.Tested() {
		return
	}
	e := a.m[r.ASN]
	if e == nil {
		e = &entry{Summary: Summary{ASN: r.ASN}}
		a.m[r.ASN] = e
	}
	if e.lastCounted != s.ID || e.Sessions == 0 {
		e.Sessions++
		e.lastCounted = s.ID
	}
	if r.NAT == BehindNAT {
		e.BehindNAT++
	}
	if r.Private == Received {
		e.PrivateReceived++
	}
	if r.Routed != NotTested {
		e.Tests++
	}
	switch r.Routed {
	case Received:
		e.Received++
		if r.Client.IsValid() {
			if e.prefixes == nil {
				e.prefixes = make(map[netip.Prefix]struct{})
			}
			e.prefixes[r.Client] = struct{}{}
		}
		if s.Time.After(e.LastReceived) {
			e.LastReceived = s.Time
		}
	case Blocked:
		e.Blocked++
	case Rewritten:
		e.Rewritten++
	case Unknown:
		e.Unknown++
	}
	if e.First.IsZero() || s.Time.Before(e.First) {
		e.First = s.Time
	}
	// The latest session wins; of two at the same time, the higher id;
	// of the two results of one session, the worse.
	switch {
	case e.Last.IsZero() || s.Time.After(e.Last) || (s.Time.Equal(e.Last) && s.ID > e.LastSession):
		e.Last, e.LastSession, e.LastRouted = s.Time, s.ID, r.Routed
	case s.ID == e.LastSession && severity(r.Routed) > severity(e.LastRouted):
		e.LastRouted = r.Routed
	}
}

// severity orders outcomes by what they say of a network: received, then
// blocked, rewritten, unknown, not tested.
func severity(o Outcome) int {
	switch o {
	case Received:
		return 4
	case Blocked:
		return 3
	case Rewritten:
		return 2
	case Unknown:
		return 1
	}
	return 0
}

// Outside returns how many sessions fell outside the window.
func (a *Aggregator) Outside() int { return a.outside }

// Summary returns the summary of asn, and whether it had sessions.
func (a *Aggregator) Summary(asn bgp.ASN) (Summary, bool) {
	e, ok := a.m[asn]
	if !ok {
		return Summary{ASN: asn}, false
	}
	return e.summary(), true
}

func (e *entry) summary() Summary {
	s := e.Summary
	s.SpoofablePrefixes = slices.SortedFunc(maps.Keys(e.prefixes), func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(a.Bits(), b.Bits())
	})
	return s
}

// Summaries returns the summaries of every AS with sessions, in ASN order.
func (a *Aggregator) Summaries() []Summary {
	out := make([]Summary, 0, len(a.m))
	for _, asn := range slices.Sorted(maps.Keys(a.m)) {
		out = append(out, a.m[asn].summary())
	}
	return out
}
