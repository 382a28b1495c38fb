package world

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpsl"
)

// IRR registration of a world: most prefixes have a route object in their
// registry's database, a third of the ASes also register in RADB (where
// objects go stale: an old origin, a prefix given up), and aut-num
// objects carry routing policy for most ASes.
const (
	routeObjectShare = 0.78
	radbShare        = 0.33
	staleRouteShare  = 0.04
	autNumPolicy     = 0.7
)

// irrSources are the databases a world publishes, by registry.
var irrSources = map[string]string{"ripencc": "RIPE", "arin": "ARIN", "apnic": "APNIC", "lacnic": "LACNIC", "afrinic": "AFRINIC"}

// irrRegistration is what one AS registers in the IRR: whether it also
// uses RADB, and for each prefix it originates (IPv4 then IPv6, as in
// AS) the route objects that exist.
type irrRegistration struct {
	radb  bool
	flags []uint8
}

// Route object flags.
const (
	regOwn   = 1 << iota // a route object in the AS's own registry
	regStale             // RADB's object has a previous origin instead (g.irrStale)
)

// registerIRR decides the route objects of the world before events are
// drawn, so that ground truth can say whether a route has one.
func (g *generation) registerIRR(r *rand.Rand) {
	w := g.w
	g.irrReg = make([]irrRegistration, len(w.ASes))
	g.irrStale = map[netip.Prefix]bgp.ASN{}
	for i := range w.ASes {
		a := &w.ASes[i]
		reg := irrRegistration{radb: r.Float64() < radbShare, flags: make([]uint8, len(a.IPv4)+len(a.IPv6))}
		for k, p := range slices.Concat(a.IPv4, a.IPv6) {
			if r.Float64() >= routeObjectShare {
				continue
			}
			reg.flags[k] = regOwn
			if reg.radb && r.Float64() < staleRouteShare {
				reg.flags[k] |= regStale
				g.irrStale[p.Prefix] = w.ASes[r.IntN(len(w.ASes))].ASN
			}
		}
		g.irrReg[i] = reg
	}
}

// irrHas reports whether some IRR holds a route object for p with origin
// asn.
func (g *generation) irrHas(p netip.Prefix, asn bgp.ASN) bool {
	if old, ok := g.irrStale[p]; ok && old == asn {
		return true
	}
	i, ok := g.w.Index(asn)
	if !ok {
		return false
	}
	a := &g.w.ASes[i]
	for k, q := range slices.Concat(a.IPv4, a.IPv6) {
		if q.Prefix == p {
			return g.irrReg[i].flags[k]&regOwn != 0
		}
	}
	return false
}

// asSetName is the customer AS-SET of a transit AS, hierarchical as RFC
// 2622 5.1 allows.
func asSetName(a *AS) string { return fmt.Sprintf("AS%d:AS-CUSTOMERS", a.ASN) }

// writeIRR writes one RPSL dump per database: mntner, aut-num, as-set,
// route and route6 objects, as of the first day.
func (g *generation) writeIRR() error {
	w := g.w
	r := rng(g.opt.Seed, "irr")
	g.progress("IRR")
	// Objects stream to one writer per database as they are made: at
	// Internet scale they would not fit in memory together.
	type db struct {
		w    *rpsl.Writer
		done func() error
	}
	dbs := map[string]*db{}
	var werr error
	add := func(src string, o *rpsl.Object) {
		if werr != nil {
			return
		}
		o.Add("source", src)
		d := dbs[src]
		if d == nil {
			out, done, err := g.create("irr/"+strings.ToLower(src)+".db.gz", "rpsl-dump")
			if err != nil {
				werr = err
				return
			}
			d = &db{rpsl.NewWriter(out), done}
			d.w.Comment(fmt.Sprintf("%s database of the world of seed %d, scale %s, as of %s", src, g.opt.Seed, w.Scale.Name, g.opt.Start.Format("2006-01-02")))
			dbs[src] = d
		}
		if err := d.w.Write(o); err != nil {
			werr = fmt.Errorf("world: IRR %s: %w", src, err)
		}
	}
	changed := func() string {
		return fmt.Sprintf("20%02d-%02d-%02dT%02d:%02d:00Z", 5+r.IntN(21), 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60))
	}
	for i := range w.ASes {
		a := &w.ASes[i]
		src := irrSources[a.RIR]
		mnt := fmt.Sprintf("MAINT-AS%d", a.ASN)
		inRADB := g.irrReg[i].radb
		m := &rpsl.Object{}
		m.Add("mntner", mnt)
		m.Add("descr", rpslText(a.Name))
		m.Add("admin-c", fmt.Sprintf("NOC%d-%s", a.ASN, src))
		m.Add("upd-to", fmt.Sprintf("noc@as%d.example", a.ASN))
		m.Add("auth", "PGPKEY-"+fmt.Sprintf("%08X", uint32(a.ASN)*2654435761))
		m.Add("mnt-by", mnt)
		add(src, m)
		an := &rpsl.Object{}
		an.Add("aut-num", fmt.Sprintf("AS%d", a.ASN))
		an.Add("as-name", asName(a))
		if r.Float64() < autNumPolicy {
			for _, p := range a.Providers {
				pa := &w.ASes[p]
				an.Add("import", fmt.Sprintf("from AS%d accept ANY", pa.ASN))
				an.Add("export", fmt.Sprintf("to AS%d announce %s", pa.ASN, exportOf(a)))
			}
			for _, p := range a.Peers {
				pa := &w.ASes[p]
				an.Add("import", fmt.Sprintf("from AS%d accept %s", pa.ASN, exportOf(pa)))
				an.Add("export", fmt.Sprintf("to AS%d announce %s", pa.ASN, exportOf(a)))
			}
			for _, c := range a.Customers[:min(len(a.Customers), 50)] {
				ca := &w.ASes[c]
				an.Add("import", fmt.Sprintf("from AS%d accept %s", ca.ASN, exportOf(ca)))
				an.Add("export", fmt.Sprintf("to AS%d announce ANY", ca.ASN))
			}
		}
		an.Add("mnt-by", mnt)
		an.Add("created", changed())
		add(src, an)
		if len(a.Customers) > 0 {
			set := &rpsl.Object{}
			set.Add("as-set", asSetName(a))
			set.Add("descr", rpslText("customers of "+asName(a)))
			members := []string{fmt.Sprintf("AS%d", a.ASN)}
			for _, c := range a.Customers {
				ca := &w.ASes[c]
				if len(ca.Customers) > 0 {
					members = append(members, asSetName(ca))
				} else {
					members = append(members, fmt.Sprintf("AS%d", ca.ASN))
				}
			}
			for k := 0; k < len(members); k += 40 {
				set.Add("members", strings.Join(members[k:min(k+40, len(members))], ", "))
			}
			set.Add("mnt-by", mnt)
			add(src, set)
			if inRADB {
				radbSet := set.Clone()
				radbSet.Attrs = radbSet.Attrs[:len(radbSet.Attrs)-1]
				add("RADB", radbSet)
			}
		}
		reg := g.irrReg[i]
		for k, p := range slices.Concat(a.IPv4, a.IPv6) {
			f := reg.flags[k]
			if f&regOwn == 0 {
				continue
			}
			ro := routeObject(p, a.ASN, mnt, changed())
			add(src, ro)
			switch {
			case f&regStale != 0:
				// A route object left behind by a previous origin.
				old := g.irrStale[p.Prefix]
				add("RADB", routeObject(p, old, fmt.Sprintf("MAINT-AS%d", old), changed()))
			case reg.radb:
				rr := ro.Clone()
				rr.Attrs = rr.Attrs[:len(rr.Attrs)-1]
				add("RADB", rr)
			}
		}
	}
	g.pathologicalSets(r, add)
	if werr != nil {
		return werr
	}
	sources := make([]string, 0, len(dbs))
	for s := range dbs {
		sources = append(sources, s)
	}
	slices.Sort(sources)
	for _, s := range sources {
		if err := dbs[s].w.Flush(); err != nil {
			return err
		}
		if err := dbs[s].done(); err != nil {
			return err
		}
	}
	return nil
}

func routeObject(p Prefix, origin bgp.ASN, mnt, created string) *rpsl.Object {
	o := &rpsl.Object{}
	class := "route"
	if p.Prefix.Addr().Is6() {
		class = "route6"
	}
	o.Add(class, p.Prefix.String())
	o.Add("origin", origin.String())
	o.Add("mnt-by", mnt)
	o.Add("created", created)
	return o
}

// asName is the as-name of an AS: its name's first word, upper case.
func asName(a *AS) string {
	n := strings.ToUpper(firstWord(a.Name))
	n = strings.Map(func(c rune) rune {
		if c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			return c
		}
		return '-'
	}, n)
	if n == "" || n[0] < 'A' || n[0] > 'Z' {
		n = "NET-" + n
	}
	return n
}

// exportOf is what an AS announces to its providers and peers: its
// customer AS-SET, or itself.
func exportOf(a *AS) string {
	if len(a.Customers) > 0 {
		return asSetName(a)
	}
	return fmt.Sprintf("AS%d", a.ASN)
}

// pathologicalSets adds to RADB the kind of AS-SET that breaks filter
// generators: a chain 17 levels deep whose members reach thousands of
// ASNs, with a cycle back to its top.
func (g *generation) pathologicalSets(r *rand.Rand, add func(string, *rpsl.Object)) {
	w := g.w
	const depth = 17
	per := max(2, min(300, len(w.ASes)/depth))
	name := func(k int) string { return fmt.Sprintf("AS-WORLD-DEEP-%02d", k) }
	for k := 0; k < depth; k++ {
		set := &rpsl.Object{}
		set.Add("as-set", name(k))
		set.Add("descr", "deeply nested set (depth 17, with a cycle)")
		members := []string{name((k + 1) % depth)} // the last level points back to the first
		for range per {
			members = append(members, fmt.Sprintf("AS%d", w.ASes[r.IntN(len(w.ASes))].ASN))
		}
		for i := 0; i < len(members); i += 40 {
			set.Add("members", strings.Join(members[i:min(i+40, len(members))], ", "))
		}
		set.Add("mnt-by", "MAINT-WORLD")
		add("RADB", set)
	}
}

// rpslText makes free text fit an RPSL value: no '#' (a comment, RFC
// 2622 2) and no control characters.
func rpslText(s string) string {
	return strings.Map(func(c rune) rune {
		if c == '#' || c < ' ' || c == 0x7f {
			return ' '
		}
		return c
	}, s)
}
