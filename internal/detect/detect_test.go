package detect

import (
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/aspa"
	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
)

var day = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// testKnowledge: AS10 and AS40 are providers of AS20, AS30 is a peer of
// AS10, AS10 a provider of AS50; AS20 holds 193.0.2.0/24 with a ROA.
func testKnowledge(t *testing.T) *Knowledge {
	b := asrel.NewBuilder()
	for _, l := range []asrel.Link{
		{A: 10, B: 20, Rel: asrel.ProviderOf}, {A: 40, B: 20, Rel: asrel.ProviderOf},
		{A: 10, B: 30, Rel: asrel.PeerOf}, {A: 10, B: 50, Rel: asrel.ProviderOf},
	} {
		if err := b.Add(l); err != nil {
			t.Fatal(err)
		}
	}
	g, _ := b.Build()
	return &Knowledge{
		ROV:    rov.New([]rpki.VRP{{Prefix: netip.MustParsePrefix("193.0.2.0/24"), MaxLength: 24, ASN: 20}}),
		IRR:    routeObjects{{netip.MustParsePrefix("194.51.100.0/24"), 50}: true},
		Rel:    g,
		Bogons: bogon.Default(),
	}
}

// route makes a route of a collector peer at minute min of the day; a
// nil path makes a withdrawal.
func route(peer bgp.ASN, min int, prefix string, path ...bgp.ASN) *mrt.Route {
	r := &mrt.Route{
		Timestamp: uint32(day.Add(time.Duration(min) * time.Minute).Unix()),
		PeerAS:    peer, PeerAddr: netip.AddrFrom4([4]byte{10, 0, 0, byte(peer)}),
		Prefix: netip.MustParsePrefix(prefix), Withdrawn: path == nil,
	}
	if path != nil {
		a := &bgp.Attrs{}
		a.ASPath = bgp.Path{Segments: []bgp.Segment{{Type: bgp.ASSequence, ASNs: path}}}
		a.Set(bgp.AttrASPath)
		r.Attrs = a
	}
	return r
}

func find(res *Result, m incident.Metric, asn bgp.ASN) *incident.Incident {
	for i := range res.Incidents {
		if res.Incidents[i].Metric == m && res.Incidents[i].ASN == asn {
			return &res.Incidents[i]
		}
	}
	return nil
}

func TestHijackWindowAndCustomer(t *testing.T) {
	o := New(testKnowledge(t), Options{Start: day})
	c := o.Collector("rrc00")
	// In the RIB: the legitimate route, seen by two peers.
	c.Route(route(10, 0, "193.0.2.0/24", 10, 20))
	c.Route(route(30, 0, "193.0.2.0/24", 30, 10, 20))
	// AS50 hijacks it at 01:00 through its provider AS10; two peers see
	// it; one returns to the right route at 01:20, the other withdraws
	// at 02:00.
	c.Route(route(10, 60, "193.0.2.0/24", 10, 50))
	c.Route(route(30, 61, "193.0.2.0/24", 30, 10, 50))
	c.Route(route(10, 80, "193.0.2.0/24", 10, 20))
	c.Route(route(30, 120, "193.0.2.0/24"))
	res := o.Finish()
	m2 := find(res, incident.M2, 50)
	if m2 == nil {
		t.Fatalf("no M2 of AS50 in %+v", res.Incidents)
	}
	if !m2.Start.Equal(day.Add(time.Hour)) || !m2.End.Equal(day.Add(2*time.Hour)) || m2.Peers != 2 || m2.Continued || m2.Ongoing {
		t.Errorf("M2 %+v", m2)
	}
	if len(m2.Evidence) != 2 || m2.Evidence[0].Path[1] != 50 {
		t.Errorf("evidence %+v", m2.Evidence)
	}
	if want := (incident.Detail{Expected: []bgp.ASN{20}, ExactROA: true}); !reflect.DeepEqual(m2.Detail, want) {
		t.Errorf("M2 detail %+v, want %+v", m2.Detail, want)
	}
	// AS10 propagated its customer's hijack: M2C.
	if c := find(res, incident.M2C, 10); c == nil || c.Culprit != 50 {
		t.Errorf("M2C of AS10: %+v", c)
	}
	if len(res.Incidents) != 2 {
		t.Errorf("%d incidents: %+v", len(res.Incidents), res.Incidents)
	}
	// AS20's prefix counts for M7, valid, seen by two peers; AS50's
	// hijack route counts for AS50, invalid.
	if p := res.Prefixes[20]; len(p) != 1 || p[0].RPKI != incident.Valid || p[0].Peers != 2 {
		t.Errorf("AS20 prefixes %+v", p)
	}
	if p := res.Prefixes[50]; len(p) != 1 || p[0].RPKI != incident.Invalid {
		t.Errorf("AS50 prefixes %+v", p)
	}
}

func TestThresholdAndIRR(t *testing.T) {
	o := New(testKnowledge(t), Options{Start: day})
	c := o.Collector("rrc00")
	// Seen by one peer only: below the threshold.
	c.Route(route(10, 5, "193.0.2.128/25", 10, 50))
	// Invalid but in the IRR: not a misorigination.
	k := o.k
	k.ROV = rov.New([]rpki.VRP{{Prefix: netip.MustParsePrefix("193.0.2.0/24"), MaxLength: 24, ASN: 20},
		{Prefix: netip.MustParsePrefix("194.51.100.0/24"), MaxLength: 24, ASN: 20}})
	c.Route(route(10, 5, "194.51.100.0/24", 10, 50))
	c.Route(route(30, 5, "194.51.100.0/24", 30, 10, 50))
	res := o.Finish()
	if len(res.Incidents) != 0 || res.Stats.BelowThreshold != 2 {
		t.Errorf("incidents %+v, below threshold %d", res.Incidents, res.Stats.BelowThreshold)
	}
}

func TestLeakAndBogons(t *testing.T) {
	k := testKnowledge(t)
	// ASPA records of every AS on the leak's path: AS10 and AS40 have
	// no provider (AS0 records), AS20's are AS10 and AS40, AS50's AS10.
	k.ASPA = aspa.New([]rpki.ASPA{{Customer: 10}, {Customer: 20, Providers: []bgp.ASN{10, 40}},
		{Customer: 40}, {Customer: 50, Providers: []bgp.ASN{10}}})
	o := New(k, Options{Start: day})
	c := o.Collector("rrc00")
	// AS20 passes AS10's route (its provider's customer AS50) to its
	// other provider AS40: RFC 7908 type 1; AS40 propagates it.
	for _, peer := range []bgp.ASN{40, 41} {
		path := []bgp.ASN{40, 20, 10, 50}
		if peer == 41 {
			path = append([]bgp.ASN{41}, path...)
		}
		c.Route(route(peer, 30, "194.51.100.0/24", path...))
	}
	// A bogon prefix and a private ASN behind AS20, until the day ends.
	c.Route(route(10, 40, "10.1.0.0/16", 10, 20))
	c.Route(route(30, 40, "10.1.0.0/16", 30, 10, 20))
	c.Route(route(10, 50, "193.0.2.0/24", 10, 20, 64512))
	c.Route(route(30, 50, "193.0.2.0/24", 30, 10, 20, 64512))
	// A peer session goes down: its routes end.
	c.PeerDown(41, netip.AddrFrom4([4]byte{10, 0, 0, 41}), day.Add(90*time.Minute))
	res := o.Finish()
	leak := find(res, incident.M1, 20)
	if leak == nil || leak.Peers != 2 || !leak.Ongoing || leak.Reason == "" {
		t.Fatalf("M1 of AS20: %+v in %+v", leak, res.Incidents)
	}
	if want := (incident.Detail{LeakType: 1, ASPA: "invalid"}); !reflect.DeepEqual(leak.Detail, want) {
		t.Errorf("M1 of AS20: detail %+v, want %+v", leak.Detail, want)
	}
	if c := find(res, incident.M1C, 40); c == nil || c.Culprit != 20 || c.Detail.LeakType != 1 {
		t.Errorf("M1C of AS40: %+v", c)
	}
	if b := find(res, incident.M4, 20); b == nil || b.Detail.BogonASN != 64512 {
		t.Errorf("M4 of AS20: %+v", b)
	}
	for _, want := range []struct {
		m   incident.Metric
		asn bgp.ASN
	}{{incident.M3, 20}, {incident.M3C, 10}, {incident.M4, 20}, {incident.M4C, 10}} {
		in := find(res, want.m, want.asn)
		if in == nil || !in.Ongoing || !in.End.Equal(day.Add(24*time.Hour)) {
			t.Errorf("%s of AS%d: %+v", want.m, want.asn, in)
		}
	}
	// The private ASN is not charged with a misorigination, nor counted
	// for M7.
	if find(res, incident.M2, 64512) != nil || res.Prefixes[64512] != nil {
		t.Error("the bogon origin was charged")
	}
}

func TestLateAndEarly(t *testing.T) {
	o := New(testKnowledge(t), Options{Start: day})
	c := o.Collector("rrc00")
	r := route(10, -5, "193.0.2.0/24", 10, 50) // a RIB taken before midnight
	c.Route(r)
	c.Route(route(30, -5, "193.0.2.0/24", 30, 10, 50))
	c.Route(route(10, 24*60+1, "193.0.2.0/24", 10, 20)) // the next day
	res := o.Finish()
	m2 := find(res, incident.M2, 50)
	if m2 == nil || !m2.Continued || !m2.Start.Equal(day) || res.Stats.Late != 1 {
		t.Errorf("M2 %+v, late %d", m2, res.Stats.Late)
	}
}

func TestPrefixMeasurements(t *testing.T) {
	ms := PrefixMeasurements(map[bgp.ASN][]incident.PrefixStatus{
		20: {{RPKI: incident.Valid, IRR: true}, {RPKI: incident.Valid}, {RPKI: incident.Invalid, IRR: true}, {RPKI: incident.NotFound}},
	})
	want := map[incident.Metric]float64{incident.M7IRR: 0.5, incident.M7RPKI: 0.5 - 2.5, incident.M7RPKIN: 0.25}
	if len(ms) != 3 {
		t.Fatalf("%+v", ms)
	}
	for _, m := range ms {
		if m.Value != want[m.Metric] || m.Count != 4 {
			t.Errorf("%s = %v (%d), want %v", m.Metric, m.Value, m.Count, want[m.Metric])
		}
	}
}
