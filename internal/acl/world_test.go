package acl

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/world"
)

// TestURPFWorld recommends uRPF modes for the ASes of a generated tiny
// world, from its AS relationships and its first RIB dump, and checks
// them against the world's ground truth: a single-homed stub gets strict
// uRPF on its provider's interface, a multihomed stub and a transit AS
// enhanced feasible-path uRPF, and a lateral peer loose uRPF.
func TestURPFWorld(t *testing.T) {
	const seed = 3
	sc, err := world.ParseScale("tiny")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := world.Generate(world.Options{Seed: seed, Scale: sc, Days: 1, Out: dir}); err != nil {
		t.Fatal(err)
	}
	w, err := world.Build(seed, sc)
	if err != nil {
		t.Fatal(err)
	}
	day := world.DefaultStart.Format("20060102")
	in, _, err := decompress.Open(filepath.Join(dir, "caida", day+".as-rel2.txt.bz2"))
	if err != nil {
		t.Fatal(err)
	}
	g, _, _, err := asrel.Load(in, "as-rel2", true)
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	ribs, err := filepath.Glob(filepath.Join(dir, "collectors", "*", "*", "bview."+day+".0000.gz"))
	if err != nil || len(ribs) == 0 {
		t.Fatalf("no RIB dump: %v", err)
	}
	type route struct {
		prefix netip.Prefix
		path   []bgp.ASN
	}
	var routes []route
	for _, name := range ribs {
		f, _, err := decompress.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		r := mrt.NewReader(f, filepath.Base(name))
		var rts []mrt.Route
		for r.Next() {
			rts = r.Record().AppendRoutes(rts[:0])
			for _, rt := range rts {
				if rt.Usable() {
					routes = append(routes, route{prefix: rt.Prefix, path: rt.Attrs.Path().AppendSequence(nil)})
				}
			}
		}
		f.Close()
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
	}
	recommend := func(customer, local bgp.ASN) *Recommendation {
		u := NewURPF(g, customer, local)
		u.RoutesGiven()
		for _, r := range routes {
			u.AddRoute(r.prefix, r.path)
		}
		return u.Recommend()
	}
	counts := map[string]int{}
	for _, a := range w.ASes {
		if len(a.IPv4)+len(a.IPv6) == 0 || len(a.Providers) == 0 {
			continue
		}
		rec := recommend(a.ASN, 0)
		switch {
		case len(a.Providers) == 1 && len(a.Customers) == 0:
			counts["single-homed stub"]++
			if rec.Mode != Strict {
				t.Errorf("single-homed stub %s: %s %v", a.ASN, rec.Mode, rec.Reasons)
			}
		case len(a.Customers) == 0:
			counts["multihomed stub"]++
			if rec.Mode != FeasiblePath || !hasReason(rec, "multihomed") {
				t.Errorf("multihomed stub %s: %s %v", a.ASN, rec.Mode, rec.Reasons)
			}
			local := w.ASes[a.Providers[0]].ASN
			if rec := recommend(a.ASN, local); rec.Mode != FeasiblePath || rec.Local != local || !hasReason(rec, "multihomed") {
				t.Errorf("multihomed stub %s from %s: %s %v", a.ASN, local, rec.Mode, rec.Reasons)
			}
		default:
			counts["transit"]++
			if rec.Mode != FeasiblePath || !hasReason(rec, "transit") {
				t.Errorf("transit %s: %s %v", a.ASN, rec.Mode, rec.Reasons)
			}
		}
		for _, p := range a.Peers {
			if rec := recommend(a.ASN, w.ASes[p].ASN); rec.Mode != Loose || !hasReason(rec, "lateral-peer") {
				t.Errorf("%s from its peer %s: %s %v", a.ASN, w.ASes[p].ASN, rec.Mode, rec.Reasons)
			}
			counts["peer"]++
			break
		}
	}
	for _, k := range []string{"single-homed stub", "multihomed stub", "transit", "peer"} {
		if counts[k] == 0 {
			t.Errorf("the world has no %s to check", k)
		}
	}
	t.Logf("checked %v", counts)
}

func hasReason(r *Recommendation, code string) bool {
	for _, rs := range r.Reasons {
		if rs.Code == code {
			return true
		}
	}
	return false
}
