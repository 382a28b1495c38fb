package stix

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
)

var update = flag.Bool("update", false, "rewrite testdata/bundle.golden.json")

var day = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

func at(h, m int) time.Time {
	return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func route(coll string, peer bgp.ASN, ip, prefix string, path ...bgp.ASN) incident.Route {
	return incident.Route{Collector: coll, PeerASN: peer, PeerIP: netip.MustParseAddr(ip),
		Prefix: netip.MustParsePrefix(prefix), Path: path, Seen: at(3, 0)}
}

func mkIncident(m incident.Metric, a, culprit bgp.ASN, reason string, start, end time.Time, ongoing bool, prefixes []string, ev ...incident.Route) store.Incident {
	var ps []netip.Prefix
	for _, p := range prefixes {
		ps = append(ps, netip.MustParsePrefix(p))
	}
	var first netip.Prefix
	if len(ps) > 0 {
		first = ps[0]
	}
	return store.Incident{Date: day, Incident: incident.Incident{
		ID: incident.MakeID(day, m, a, culprit, first, start), Metric: m, ASN: a, Culprit: culprit,
		Prefixes: ps, Start: start, End: end, Ongoing: ongoing, Peers: 3, Reason: reason, Evidence: ev}}
}

// samples has one incident of each kind the detectors raise, with the
// detail the detectors give them.
func samples() []store.Incident {
	s := []store.Incident{
		mkIncident(incident.M1, 64501, 64501, "route leak (RFC 7908 type 1): AS64501 passed a route learned from its provider AS64510 to its provider AS64502",
			at(2, 0), at(4, 30), false, []string{"198.51.100.0/24"},
			route("rrc00", 64502, "192.0.2.1", "198.51.100.0/24", 64502, 64501, 64510, 64520),
			route("route-views2", 64503, "2001:db8::1", "198.51.100.0/24", 64503, 64502, 64501, 64510, 64520)),
		mkIncident(incident.M1C, 64502, 64501, "route leak (RFC 7908 type 1): AS64501 passed a route learned from its provider AS64510 to its provider AS64502",
			at(2, 0), at(4, 30), false, []string{"198.51.100.0/24"},
			route("rrc00", 64502, "192.0.2.1", "198.51.100.0/24", 64502, 64501, 64510, 64520)),
		mkIncident(incident.M2, 64666, 64666, "RPKI invalid: no ROA authorises AS64666 for 192.0.2.0/24 (covering: 192.0.2.0/24-24 AS64500); no IRR route object",
			at(10, 0), at(24, 0), true, []string{"192.0.2.0/24"},
			route("rrc00", 64502, "192.0.2.1", "192.0.2.0/24", 64502, 64666)),
		mkIncident(incident.M2, 64666, 64666, "RPKI invalid: no ROA authorises AS64666 for 203.0.113.128/25 (covering: 203.0.113.0/24-24 AS64500 203.0.113.0/24-24 AS64511); no IRR route object",
			at(11, 0), at(11, 20), false, []string{"203.0.113.128/25"},
			route("rrc01", 64504, "192.0.2.4", "203.0.113.128/25", 64504, 64666)),
		mkIncident(incident.M3, 64505, 64505, "bogon prefix: 2001:db8:1::/48 lies in 2001:db8::/32 (Documentation, RFC 3849)",
			at(0, 0), at(24, 0), true, []string{"2001:db8:1::/48"},
			route("rrc00", 64502, "2001:db8::2", "2001:db8:1::/48", 64502, 64505)),
		mkIncident(incident.M4C, 64507, 64506, "bogon ASN AS65535 (Reserved, RFC 7300) in the path behind AS64506",
			at(5, 0), at(6, 0), false, []string{"198.51.100.0/25", "2001:db8:2::/48"},
			route("rrc00", 64502, "192.0.2.1", "198.51.100.0/25", 64502, 64507, 64506, 65535, 64530)),
		mkIncident(incident.M5, 64508, 64508, "Spoofer: spoofed packets with routed sources left the network in 2 of 3 tests, last on 2026-09-30",
			day, at(24, 0), true, nil),
	}
	s[0].Detail = incident.Detail{LeakType: 1, ASPA: "invalid"}
	s[1].Detail = incident.Detail{LeakType: 1, ASPA: "invalid"}
	s[2].Detail = incident.Detail{Expected: []bgp.ASN{64500}, ExactROA: true}
	s[3].Detail = incident.Detail{Expected: []bgp.ASN{64500, 64511}}
	s[5].Detail = incident.Detail{BogonASN: 65535}
	return s
}

func lapses() []store.Lapse {
	return []store.Lapse{
		{Date: day, ASN: 64500, Policy: "minimum", Conformant: false, Detail: []byte(`{"failing":{"filtering":"lagging"}}`)},
		{Date: day, ASN: 64501, Policy: "minimum", Conformant: true, Detail: []byte(`{"was_failing":{"coordination":"no-data"}}`)},
	}
}

func allObjects(t testing.TB) []Object {
	var objs []Object
	for _, in := range samples() {
		objs = append(objs, FromIncident(in)...)
	}
	for _, l := range lapses() {
		o, err := FromLapse(l)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o...)
	}
	objs = append(objs, FromContactRemoved(64509, day, "PeeringDB NOC contact, changed 2026-09-01")...)
	objs = Dedupe(objs)
	r, ok := MonthlyReport("example-tenant", day, objs)
	if !ok {
		t.Fatal("no monthly report")
	}
	return append(objs, r)
}

func TestGolden(t *testing.T) {
	b, err := json.MarshalIndent(NewBundle("golden", allObjects(t)), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", "bundle.golden.json")
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/stix -run TestGolden -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("bundle differs from %s; if the change is intended, run go test ./internal/stix -run TestGolden -update", path)
	}
}

func TestClassify(t *testing.T) {
	want := []EventType{RouteLeak, RouteLeak, Hijack, SubPrefixHijack, BogonPrefix, BogonASN, Spoofing}
	for i, in := range samples() {
		ev := classify(&in.Incident)
		if ev.EventType != want[i] {
			t.Errorf("%s: event type %s, want %s", in.Metric, ev.EventType, want[i])
		}
	}
	s := samples()
	if ev := classify(&s[0].Incident); ev.LeakType != 1 || ev.ASPAState != "invalid" || *ev.LeakerASN != 64501 || *ev.ObservedOrigin != 64520 {
		t.Errorf("leak: %+v", ev)
	}
	if ev := classify(&s[3].Incident); len(ev.ExpectedOrigins) != 2 || ev.RPKIState != "invalid" {
		t.Errorf("sub-prefix hijack: %+v", ev)
	}
	if ev := classify(&s[5].Incident); ev.BogonASN == nil || *ev.BogonASN != 65535 {
		t.Errorf("bogon ASN: %+v", ev)
	}
	if p := FromIncident(s[6])[0].(*Indicator).Pattern; p != "[autonomous-system:number = 64508]" {
		t.Errorf("spoofing pattern %s", p)
	}
	if p := FromIncident(s[5])[0].(*Indicator).Pattern; p != "[ipv4-addr:value ISSUBSET '198.51.100.0/25'] OR [ipv6-addr:value ISSUBSET '2001:db8:2::/48']" {
		t.Errorf("pattern %s", p)
	}
}

// TestSCOID checks the deterministic identifier against the example of
// STIX 2.1 section 2.9's method computed independently: UUIDv5 of the
// canonical JSON in the SCO namespace.
func TestSCOID(t *testing.T) {
	a := NewAddress(netip.MustParsePrefix("198.51.100.3/32"))
	if a.ObjectID() != scoID("ipv4-addr", `{"value":"198.51.100.3/32"}`) {
		t.Error("ipv4-addr id")
	}
	u := uuid5(mustUUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "python.org")
	if u.String() != "886313e1-3b8a-5372-9b90-0c9aee199e5d" {
		t.Errorf("uuid5 = %s (RFC 9562 DNS example)", u)
	}
}

// randomIncident draws an incident from r.
func randomIncident(r *rand.Rand) store.Incident {
	metrics := []incident.Metric{incident.M1, incident.M1C, incident.M2, incident.M2C, incident.M3, incident.M3C, incident.M4, incident.M4C, incident.M5, incident.M5C}
	m := metrics[r.IntN(len(metrics))]
	culprit := bgp.ASN(64500 + r.IntN(50))
	a := culprit
	if strings.HasSuffix(string(m), "C") {
		a = bgp.ASN(64600 + r.IntN(50))
	}
	var ps []string
	for range r.IntN(4) {
		if r.IntN(2) == 0 {
			ps = append(ps, fmt.Sprintf("10.%d.%d.0/24", r.IntN(256), r.IntN(256)))
		} else {
			ps = append(ps, fmt.Sprintf("2001:db8:%x::/48", r.IntN(65536)))
		}
	}
	start := at(r.IntN(24), r.IntN(60))
	end := start.Add(time.Duration(r.IntN(600)) * time.Minute)
	var ev []incident.Route
	for i := range r.IntN(4) {
		pfx := "192.0.2.0/24"
		if len(ps) > 0 {
			pfx = ps[i%len(ps)]
		}
		ev = append(ev, route(fmt.Sprintf("rrc%02d", r.IntN(3)), bgp.ASN(64700+r.IntN(5)), fmt.Sprintf("192.0.2.%d", r.IntN(5)), pfx, 64700, a, culprit))
	}
	return mkIncident(m, a, culprit, "reason", start, end, r.IntN(2) == 0, ps, ev...)
}

func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		var ins []store.Incident
		for range 1 + r.IntN(20) {
			ins = append(ins, randomIncident(r))
		}
		var objs, again []Object
		for _, in := range ins {
			objs = append(objs, FromIncident(in)...)
			again = append(again, FromIncident(in)...)
		}
		a, _ := json.Marshal(NewBundle("p", objs))
		b, _ := json.Marshal(NewBundle("p", again))
		if !bytes.Equal(a, b) {
			t.Fatalf("round %d: publishing again changed the objects", i)
		}
		bundle := NewBundle("p", objs)
		ids := map[ID]Object{}
		for _, o := range bundle.Objects {
			if prev, dup := ids[o.ObjectID()]; dup && prev.Version().Equal(o.Version()) {
				t.Fatalf("round %d: %s twice", i, o.ObjectID())
			}
			ids[o.ObjectID()] = o
			if !strings.HasPrefix(string(o.ObjectID()), o.ObjectType()+"--") {
				t.Fatalf("id %s of a %s", o.ObjectID(), o.ObjectType())
			}
		}
		for _, o := range bundle.Objects {
			for _, ref := range o.Refs() {
				if _, ok := ids[ref]; !ok {
					t.Fatalf("round %d: %s refers to %s, not in the bundle", i, o.ObjectID(), ref)
				}
			}
			if ind, ok := o.(*Indicator); ok && !ind.ValidUntil.After(ind.ValidFrom.Time) {
				t.Fatalf("round %d: %s valid_until not after valid_from", i, ind.ID)
			}
		}
		if rep, ok := MonthlyReport("t", day, objs); ok {
			for _, ref := range rep.ObjectRefs {
				if _, ok := ids[ref]; !ok {
					t.Fatalf("report refers to %s, not in the bundle", ref)
				}
			}
		}
	}
}

// TestDistinctIDs checks that different incidents never share an SDO or
// SRO identifier.
func TestDistinctIDs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	owner := map[ID]string{}
	for range 2000 {
		in := randomIncident(r)
		for _, o := range FromIncident(in) {
			if _, sco := o.(interface{ Refs() []ID }); o.Version().IsZero() || !sco {
				continue
			}
			if o.ObjectType() == "identity" {
				continue
			}
			if prev, ok := owner[o.ObjectID()]; ok && prev != in.ID {
				t.Fatalf("%s of %s and %s", o.ObjectID(), prev, in.ID)
			}
			owner[o.ObjectID()] = in.ID
		}
	}
}
