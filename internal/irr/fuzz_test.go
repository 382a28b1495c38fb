package irr

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/manrs/manrs/internal/rpsl"
)

var fuzzLimits = rpsl.Limits{MaxLineLength: 512, MaxObjectBytes: 8192, MaxObjectLines: 200}

// FuzzLoad loads arbitrary bytes and checks: no panic; every route and
// route6 object that the rpsl view accepts is found again, exactly and
// among the covering routes and the prefixes of its origin; the counts
// are those of the distinct keys; expansions of every set stay within
// their limits and come out sorted; deleting every object empties the
// DB and its indexes.
func FuzzLoad(f *testing.F) {
	for _, g := range []string{"testdata/*.txt", filepath.Join(rpslTestdata, "irrd/*.txt"), filepath.Join(rpslTestdata, "ripe-db-route6.txt")} {
		files, err := filepath.Glob(g)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			f.Add(readFile(f, file))
		}
	}
	f.Add([]byte("as-set: AS-A\nmembers: AS-A, AS1\nmbrs-by-ref: ANY\nsource: X\n\naut-num: AS2\nmember-of: AS-A\nsource: X\n\n" +
		"route-set: RS-A\nmembers: RS-A^-, RS-A^+, AS-A^24, 0.0.0.0/0^0-32\nmp-members: ::/0^+\nsource: Y\n\n" +
		"route: 0.0.0.0/0\norigin: AS1\nmember-of: RS-A\nsource: X\n"))
	f.Fuzz(checkLoad)
}

func checkLoad(t *testing.T, data []byte) {
	db := New("X")
	if _, err := db.Load(bytes.NewReader(data), "fuzz", LoadOptions{Limits: fuzzLimits}); err != nil {
		t.Fatal(err) // only read errors end a non-strict load
	}
	rd := rpsl.NewReader(bytes.NewReader(data), "fuzz")
	rd.Limits = fuzzLimits
	type key struct {
		r   Route
		src string
	}
	routes := map[key]bool{}
	var objs []*rpsl.Object
	var asSets, routeSets []string
	for rd.Next() {
		o := rd.Object()
		c := classOf(o)
		if c == classOther {
			continue
		}
		p, err := parse(o, c)
		if err != nil {
			continue
		}
		objs = append(objs, o)
		switch c {
		case classRoute, classRoute6:
			r := p.route
			routes[key{Route{Prefix: r.Prefix, Origin: r.Origin}, r.Source}] = true
			if s := db.RouteSources(r.Prefix, r.Origin); !db.HasRoute(r.Prefix, r.Origin) || !s.Has(r.Source) {
				t.Fatalf("%s %s in %s not found: %v", r.Prefix, r.Origin, r.Source, s)
			}
			if !slices.ContainsFunc(db.Covering(r.Prefix), func(x Route) bool { return x.Prefix == r.Prefix && x.Origin == r.Origin }) {
				t.Fatalf("%s %s not covering itself", r.Prefix, r.Origin)
			}
			if !slices.Contains(db.Prefixes(r.Origin, c == classRoute6), r.Prefix) || !slices.Contains(db.Origins(r.Prefix), r.Origin) {
				t.Fatalf("%s %s not among the prefixes of its origin", r.Prefix, r.Origin)
			}
		case classAutNum:
			if _, ok := db.AutNum(p.autNum.ASN); !ok {
				t.Fatalf("aut-num %s not found", p.autNum.ASN)
			}
		case classASSet:
			asSets = append(asSets, p.asSet.Name)
		case classRouteSet:
			routeSets = append(routeSets, p.routeSet.Name)
		}
	}
	if c := db.Len(); c.Route+c.Route6 != len(routes) {
		t.Fatalf("%d routes counted, %d distinct", c.Route+c.Route6, len(routes))
	}
	opt := ExpandOptions{MaxDepth: 8, MaxMembers: 50}
	check := func(name string, x Expansion, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if x.Depth > opt.MaxDepth || len(x.ASNs) > opt.MaxMembers && len(x.Prefixes) == 0 || len(x.Prefixes) > opt.MaxMembers ||
			!slices.IsSorted(x.ASNs) || !slices.IsSortedFunc(x.Prefixes, compareRange) || !slices.IsSorted(x.Sets) {
			t.Fatalf("%s: %+v", name, x)
		}
		for _, r := range x.Prefixes {
			if lo, hi := r.Lengths(); lo < r.Prefix.Bits() || hi > r.Prefix.Addr().BitLen() || lo > hi || r.Prefix.Masked() != r.Prefix {
				t.Fatalf("%s: bad range %s", name, r)
			}
		}
	}
	for _, name := range asSets {
		x, err := db.ExpandASSet(name, opt)
		check(name, x, err)
		x, err = db.ExpandRouteSet(name, false, opt)
		check(name, x, err)
	}
	for _, name := range routeSets {
		for _, v6 := range []bool{false, true} {
			x, err := db.ExpandRouteSet(name, v6, opt)
			check(name, x, err)
		}
	}
	for _, o := range objs {
		if err := db.Delete(o); err != nil && !errors.Is(err, ErrNotFound) {
			t.Fatalf("delete: %v", err)
		}
	}
	if c := db.Len(); c.Total() != 0 || db.routes.Size() != 0 || len(db.byOrigin) != 0 || len(db.routeInfo) != 0 ||
		len(db.routeJoins) != 0 || len(db.autJoins) != 0 || len(db.autNums)+len(db.asSets)+len(db.routeSets)+len(db.mntners) != 0 {
		t.Fatalf("left after deleting everything: %+v", c)
	}
}
