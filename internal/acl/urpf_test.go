package acl

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bgp"
)

// urpfGraph is a small AS graph (CAIDA serial-1: provider|customer|-1,
// peer|peer|0):
//
//	64505 is the provider of 64496, which peers with 64504;
//	64500 is a single-homed stub of 64496, and peers with 64506;
//	64501 is a customer of 64496 and 64497 (multihomed);
//	64502 is a customer of 64496 with a customer, 64503, itself also a
//	customer of 64498.
const urpfGraph = `64505|64496|-1
64496|64504|0
64500|64506|0
64496|64500|-1
64496|64501|-1
64497|64501|-1
64496|64502|-1
64502|64503|-1
64498|64503|-1
`

func loadGraph(t *testing.T) *asrel.Graph {
	t.Helper()
	g, _, _, err := asrel.Load(strings.NewReader(urpfGraph), "urpf-graph", true)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// route is a route for a test: a prefix and an AS path, peer first.
type route struct {
	prefix string
	path   []bgp.ASN
}

func TestURPF(t *testing.T) {
	g := loadGraph(t)
	for _, c := range []struct {
		name            string
		customer, local bgp.ASN
		noRoutes        bool
		routes          []route
		mode            Mode
		algorithm       string
		codes           []string
		local0          bgp.ASN // the local AS of the recommendation
	}{
		{
			name: "single-homed stub", customer: 64500,
			routes: []route{{"193.0.0.0/24", []bgp.ASN{3356, 64505, 64496, 64500}}, {"193.0.1.0/24", []bgp.ASN{174, 64496, 64500, 64500}}},
			mode:   Strict, codes: []string{"single-homed-stub"}, local0: 64496,
		},
		{
			name: "single-homed stub with a lateral peer", customer: 64500,
			routes: []route{{"193.0.0.0/24", []bgp.ASN{3356, 64496, 64500}}, {"193.0.0.0/24", []bgp.ASN{6939, 64506, 64500}}},
			mode:   Strict, codes: []string{"single-homed-stub", "peers"}, local0: 64496,
		},
		{
			name: "no routing data", customer: 64500, noRoutes: true,
			mode: Loose, codes: []string{"no-routes"}, local0: 64496,
		},
		{
			name: "no route of the cone", customer: 64500,
			routes: []route{{"8.8.8.0/24", []bgp.ASN{3356, 15169}}},
			mode:   Loose, codes: []string{"not-seen"}, local0: 64496,
		},
		{
			name: "stub announcing elsewhere", customer: 64500,
			routes: []route{{"193.0.0.0/24", []bgp.ASN{3356, 64496, 64500}}, {"193.0.1.0/24", []bgp.ASN{3356, 64510, 64500}}},
			mode:   FeasiblePath, algorithm: "A", codes: []string{"seen-elsewhere", "not-seen-via-local"}, local0: 64496,
		},
		{
			name: "nothing through the local AS", customer: 64500,
			routes: []route{{"193.0.1.0/24", []bgp.ASN{3356, 64510, 64500}}},
			mode:   Loose, codes: []string{"not-via-local"}, local0: 64496,
		},
		{
			name: "stub seen only at a collector", customer: 64500,
			routes: []route{{"193.0.1.0/24", []bgp.ASN{64500}}},
			mode:   Loose, codes: []string{"not-via-local"}, local0: 64496,
		},
		{
			name: "multihomed, local AS unknown", customer: 64501,
			routes: []route{{"193.0.2.0/24", []bgp.ASN{3356, 64496, 64501}}},
			mode:   FeasiblePath, algorithm: "A", codes: []string{"local-unknown", "multihomed"},
		},
		{
			name: "multihomed", customer: 64501, local: 64496,
			routes: []route{{"193.0.2.0/24", []bgp.ASN{3356, 64496, 64501}}, {"193.0.2.0/24", []bgp.ASN{174, 64497, 64501}}},
			mode:   FeasiblePath, algorithm: "A", codes: []string{"multihomed", "seen-elsewhere"}, local0: 64496,
		},
		{
			name: "transit, its customer announces through it", customer: 64502,
			routes: []route{{"193.0.3.0/24", []bgp.ASN{3356, 64496, 64502}}, {"193.0.4.0/24", []bgp.ASN{3356, 64496, 64502, 64503}}},
			mode:   FeasiblePath, algorithm: "A", codes: []string{"transit"}, local0: 64496,
		},
		{
			name: "transit, its customer announces around it", customer: 64502,
			routes: []route{{"193.0.3.0/24", []bgp.ASN{3356, 64496, 64502}}, {"193.0.4.0/24", []bgp.ASN{3356, 64498, 64503}}},
			mode:   FeasiblePath, algorithm: "B", codes: []string{"transit", "not-seen-via-local", "bypass", "origin-not-via-local"}, local0: 64496,
		},
		{
			name: "lateral peer", customer: 64504, local: 64496,
			routes: []route{{"193.0.5.0/24", []bgp.ASN{64496, 64504}}},
			mode:   Loose, codes: []string{"lateral-peer"}, local0: 64496,
		},
		{
			name: "transit provider", customer: 64505, local: 64496,
			routes: []route{{"193.0.6.0/24", []bgp.ASN{64496, 64505}}},
			mode:   Loose, codes: []string{"transit-provider"}, local0: 64496,
		},
		{
			name: "no link", customer: 64500, local: 64497,
			routes: []route{{"193.0.0.0/24", []bgp.ASN{3356, 64497, 64500}}},
			mode:   FeasiblePath, algorithm: "A", codes: []string{"no-link", "multihomed"}, local0: 64497,
		},
		{
			name: "not in the relationships", customer: 65550, local: 64496,
			routes: []route{{"193.0.7.0/24", []bgp.ASN{3356, 64496, 65550}}},
			mode:   FeasiblePath, algorithm: "A", codes: []string{"not-in-relationships"}, local0: 64496,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := NewURPF(g, c.customer, c.local)
			if !c.noRoutes {
				u.RoutesGiven()
			}
			for _, r := range c.routes {
				u.AddRoute(netip.MustParsePrefix(r.prefix), r.path)
			}
			rec := u.Recommend()
			var codes []string
			for _, rs := range rec.Reasons {
				codes = append(codes, rs.Code)
				if rs.Text == "" {
					t.Errorf("reason %s without text", rs.Code)
				}
			}
			if rec.Mode != c.mode || rec.Algorithm != c.algorithm || !slices.Equal(codes, c.codes) || rec.Local != c.local0 {
				t.Errorf("%s %s %v local %s, want %s %s %v local %s", rec.Mode, rec.Algorithm, codes, rec.Local, c.mode, c.algorithm, c.codes, c.local0)
			}
			if !strings.HasPrefix(rec.Standard, "RFC 3704 section 2.") {
				t.Errorf("standard %q", rec.Standard)
			}
			var b strings.Builder
			if err := rec.WriteText(&b); err != nil || !strings.Contains(b.String(), rec.Mode.String()+" uRPF") {
				t.Errorf("text: %v\n%s", err, b.String())
			}
			js, err := json.Marshal(rec)
			if err != nil || !json.Valid(js) || !strings.Contains(string(js), `"mode":"`+rec.Mode.String()+`"`) {
				t.Errorf("json: %v %s", err, js)
			}
		})
	}
}

// TestURPFReasons checks what the reasons name: the other providers and
// the prefixes seen announced elsewhere.
func TestURPFReasons(t *testing.T) {
	u := NewURPF(loadGraph(t), 64501, 64496)
	u.AddRoute(netip.MustParsePrefix("193.0.2.0/24"), []bgp.ASN{3356, 64496, 64501})
	u.AddRoute(netip.MustParsePrefix("193.0.9.0/24"), []bgp.ASN{174, 64497, 64501})
	rec := u.Recommend()
	want := map[string]string{
		"multihomed":         "[AS64497] []",
		"seen-elsewhere":     "[AS64497] [193.0.9.0/24]",
		"not-seen-via-local": "[] [193.0.9.0/24]",
	}
	for _, rs := range rec.Reasons {
		got := strings.Join([]string{"[" + asnWords(rs.ASNs) + "]", "[" + prefixWords(rs.Prefixes) + "]"}, " ")
		got = strings.ReplaceAll(got, "[-]", "[]")
		if w, ok := want[rs.Code]; !ok || got != w {
			t.Errorf("%s: %s, want %s", rs.Code, got, w)
		}
		delete(want, rs.Code)
	}
	if len(want) > 0 {
		t.Errorf("missing reasons %v", want)
	}
	if ps := rec.Prefixes; len(ps) != 2 || !ps[0].ViaLocal || ps[1].ViaLocal || !slices.Equal(ps[1].Via, []bgp.ASN{64497}) {
		t.Errorf("prefixes %+v", ps)
	}
}

func TestURPFGolden(t *testing.T) {
	u := NewURPF(loadGraph(t), 64502, 0)
	u.AddRoute(netip.MustParsePrefix("193.0.3.0/24"), []bgp.ASN{3356, 64496, 64502})
	u.AddRoute(netip.MustParsePrefix("193.0.3.0/24"), []bgp.ASN{64502})
	u.AddRoute(netip.MustParsePrefix("193.0.4.0/24"), []bgp.ASN{3356, 64498, 64503})
	u.AddRoute(netip.MustParsePrefix("2001:67c:2e8::/48"), []bgp.ASN{3356, 64496, 64502, 64503})
	rec := u.Recommend()
	var b strings.Builder
	if err := rec.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "urpf.txt", b.String())
	js, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "urpf.json", string(js)+"\n")
}
