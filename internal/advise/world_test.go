package advise

import (
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
	"github.com/manrs/manrs/internal/world"
)

// tinyWorld is a generated tiny world, read back: the announcements of
// each origin in its first RIB dump, its VRPs and IRR data, and its
// ground truth.
type tinyWorld struct {
	w         *world.World
	announced map[bgp.ASN][]Announcement
	vrps      []rpki.VRP
	db        *irr.DB
}

func loadTinyWorld(t *testing.T, seed uint64) *tinyWorld {
	t.Helper()
	sc, err := world.ParseScale("tiny")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := world.Generate(world.Options{Seed: seed, Scale: sc, Days: 1, Out: dir}); err != nil {
		t.Fatal(err)
	}
	tw := &tinyWorld{announced: make(map[bgp.ASN][]Announcement)}
	if tw.w, err = world.Build(seed, sc); err != nil {
		t.Fatal(err)
	}
	day := world.DefaultStart.Format("20060102")
	in, _, err := decompress.Open(filepath.Join(dir, "rpki", day, "rpki-client.json"))
	if err != nil {
		t.Fatal(err)
	}
	set, _, err := rpki.Load(in, "rpki-client.json", rpki.LoadOptions{})
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	tw.vrps = set.VRPs
	dumps, _ := filepath.Glob(filepath.Join(dir, "irr", "*.db.gz"))
	slices.SortStableFunc(dumps, func(a, b string) int {
		// RADB last, as the world's sources.yaml orders them.
		return boolRank(strings.Contains(a, "radb")) - boolRank(strings.Contains(b, "radb"))
	})
	tw.db = irr.New()
	for _, d := range dumps {
		in, _, err := decompress.Open(d)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tw.db.Load(in, filepath.Base(d), irr.LoadOptions{})
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	ribs, _ := filepath.Glob(filepath.Join(dir, "collectors", "*", "*", "bview."+day+".0000.gz"))
	if len(ribs) == 0 {
		t.Fatal("no RIB dump")
	}
	type key struct {
		p      netip.Prefix
		origin bgp.ASN
	}
	peers := make(map[key]map[netip.Addr]bool)
	for _, name := range ribs {
		in, _, err := decompress.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		r := mrt.NewReader(in, filepath.Base(name))
		var rts []mrt.Route
		for r.Next() {
			rts = r.Record().AppendRoutes(rts[:0])
			for i := range rts {
				rt := &rts[i]
				origin, ok := rt.Origin()
				if !rt.Usable() || !ok {
					continue
				}
				k := key{rt.Prefix, origin}
				if peers[k] == nil {
					peers[k] = make(map[netip.Addr]bool)
				}
				peers[k][rt.PeerAddr] = true
			}
		}
		in.Close()
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
	}
	for k, ps := range peers {
		tw.announced[k.origin] = append(tw.announced[k.origin], Announcement{Prefix: k.p, Peers: len(ps)})
	}
	return tw
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (tw *tinyWorld) advise(asn bgp.ASN) *Report {
	return Advise(Input{ASN: asn, Announced: tw.announced[asn], VRPs: tw.vrps, IRR: tw.db, Period: "in the first RIB dump"})
}

// TestWorld checks the advice for ASes of a generated tiny world against
// its ground truth: an AS the world gave no ROA gets a ROA proposed for
// each prefix it announces; the real origin of a prefix under a ROA that
// names a previous holder is told of that ROA; a prefix announced
// without a route object gets one to register, and a route object that
// names a previous origin is named as a conflict.
func TestWorld(t *testing.T) {
	tw := loadTinyWorld(t, 2)
	ix := rov.New(tw.vrps)
	holder := make(map[netip.Prefix]bgp.ASN)
	for _, a := range tw.w.ASes {
		for _, p := range slices.Concat(a.IPv4, a.IPv6) {
			holder[p.Prefix] = a.ASN
		}
	}
	var noROA, wrongOrigin, noRoute, conflict int
	t.Run("no ROA", func(t *testing.T) {
		for _, a := range tw.w.ASes {
			named := false
			for _, v := range tw.vrps {
				named = named || v.ASN == a.ASN
			}
			if named || len(tw.announced[a.ASN]) == 0 {
				continue
			}
			r := tw.advise(a.ASN)
			for _, an := range tw.announced[a.ASN] {
				if st, _ := ix.Validate(an.Prefix, a.ASN); st != rov.NotFound {
					continue
				}
				noROA++
				if !proposes(r, an.Prefix) {
					t.Errorf("%s announces %s, which no ROA covers: no ROA proposed", a.ASN, an.Prefix)
				}
			}
		}
	})
	t.Run("wrong origin", func(t *testing.T) {
		for _, v := range tw.w.StaleROAs {
			o, ok := holder[v.Prefix]
			if !ok || o == v.ASN {
				continue
			}
			if st, _ := ix.Validate(v.Prefix, o); st != rov.Invalid || !announces(tw.announced[o], v.Prefix) {
				continue
			}
			wrongOrigin++
			r := tw.advise(o)
			a, ok := find(r, ROAInvalid, v.Prefix.String(), v.ASN)
			if !ok || !slices.Contains(a.Covers, v.Prefix) || !strings.Contains(a.Reason, "authorises "+v.ASN.String()) {
				t.Errorf("%s announces %s under the ROA of %s: not named (%+v)", o, v.Prefix, v.ASN, r.Advice)
			}
			if !proposes(r, v.Prefix) {
				t.Errorf("%s announces %s under the ROA of %s: no ROA proposed", o, v.Prefix, v.ASN)
			}
		}
	})
	t.Run("route objects", func(t *testing.T) {
		for _, a := range tw.w.ASes {
			var r *Report
			for _, an := range tw.announced[a.ASN] {
				if holder[an.Prefix] != a.ASN {
					continue // an event's announcement
				}
				others := slices.DeleteFunc(tw.db.Origins(an.Prefix), func(o bgp.ASN) bool { return o == a.ASN })
				registered := tw.db.HasRoute(an.Prefix, a.ASN)
				if registered && len(others) == 0 {
					continue
				}
				if r == nil {
					r = tw.advise(a.ASN)
				}
				if !registered {
					noRoute++
					adv, ok := find(r, RouteMissing, an.Prefix.String(), a.ASN)
					if !ok || adv.Object == nil || !strings.Contains(adv.Object.String(), "origin:         "+a.ASN.String()+"\n") {
						t.Errorf("%s announces %s without a route object: none proposed", a.ASN, an.Prefix)
					}
				}
				for _, o := range others {
					conflict++
					if _, ok := find(r, RouteConflict, an.Prefix.String(), o); !ok {
						t.Errorf("%s announces %s, registered for %s too: no conflict named", a.ASN, an.Prefix, o)
					}
				}
			}
		}
	})
	if noROA == 0 || wrongOrigin == 0 || noRoute == 0 || conflict == 0 {
		t.Errorf("the world has too little to check: %d prefixes without ROA, %d under a wrong-origin ROA, %d without route object, %d conflicting objects",
			noROA, wrongOrigin, noRoute, conflict)
	}
	t.Logf("checked %d prefixes without ROA, %d under a wrong-origin ROA, %d without route object, %d conflicting objects", noROA, wrongOrigin, noRoute, conflict)
}

// proposes reports whether the report proposes a ROA that makes p valid.
func proposes(r *Report, p netip.Prefix) bool {
	for _, a := range r.Advice {
		if a.Kind == ROAMissing && a.ASN == r.ASN && slices.Contains(a.Covers, p) && a.Prefix.Contains(p.Addr()) && a.MaxLength >= p.Bits() {
			return true
		}
	}
	return false
}

func announces(an []Announcement, p netip.Prefix) bool {
	for _, a := range an {
		if a.Prefix == p {
			return true
		}
	}
	return false
}
