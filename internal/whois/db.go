package whois

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/rpsl"
)

// DB is what a Server answers from: an irr.DB, which expands sets and
// finds route objects by origin and by prefix, and the text of every
// object, which the queries that answer RPSL need (!m, !o, !r, and the
// RIPE-style queries). Objects reach both through Load or Add. It is safe
// for concurrent use.
type DB struct {
	irr *irr.DB

	mu       sync.RWMutex
	keys     map[string][]*object       // by primary key, every class but route and route6
	prefixes map[netip.Prefix][]*object // route and route6 objects by prefix
	mntBy    map[string][]*object       // by maintainer, upper case
	memberOf map[string][]*object       // by set name, upper case
	strs     map[string]string          // interned classes and sources
	live     int                        // objects held
	dead     int                        // replaced objects still listed in mntBy and memberOf
}

// object is the text of one object and what the lookups need of it.
type object struct {
	class  string  // lower case
	key    string  // canonical primary key (rpsl.Object.Key)
	source string  // upper case
	origin bgp.ASN // route, route6
	prefix netip.Prefix
	text   string // RPSL text, comments kept, password hashes redacted
	dead   bool   // replaced by a later object of the same key and source
}

// NewDB returns a DB over db. Objects already in db have no text: load
// every dump through the DB.
func NewDB(db *irr.DB) *DB {
	return &DB{
		irr:      db,
		keys:     make(map[string][]*object),
		prefixes: make(map[netip.Prefix][]*object),
		mntBy:    make(map[string][]*object),
		memberOf: make(map[string][]*object),
		strs:     make(map[string]string),
	}
}

// IRR returns the IRR database.
func (d *DB) IRR() *irr.DB { return d.irr }

// Len returns the number of objects whose text the DB holds.
func (d *DB) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.live
}

// Load reads an RPSL dump into both the IRR database (irr.DB.Load, whose
// statistics it returns) and the object texts, in one pass over r: the
// two parsers run side by side on a copy of the stream. Objects that
// irr.DB refuses (a typed view that does not parse, skipped lines, a
// source other than opt.Source) are not kept as text either.
func (d *DB) Load(r io.Reader, name string, opt irr.LoadOptions) (irr.Stats, error) {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		rd := rpsl.NewReader(pr, name)
		rd.Limits = opt.Limits
		want := strings.ToUpper(opt.Source)
		rd.Source = want
		for rd.Next() {
			o := rd.Object()
			if want != "" && !strings.EqualFold(o.Source, want) {
				continue
			}
			// irr.DB.Load counts and reports the objects refused.
			d.addText(o)
		}
		// Drain what is left, so that the writer never blocks; after a
		// read error the pipe is already broken.
		io.Copy(io.Discard, pr)
		pr.Close()
	}()
	st, err := d.irr.Load(io.TeeReader(r, pw), name, opt)
	pw.CloseWithError(err)
	<-done
	return st, err
}

// errNoSource is an object without a source.
var errNoSource = errors.New("no source")

// Add keeps the text of o and indexes it in the IRR database. An object
// with the key and source of one the DB holds replaces it. Objects whose
// primary key does not parse, or that irr.DB refuses, are refused.
func (d *DB) Add(o *rpsl.Object) error {
	if err := d.irr.Add(o); err != nil {
		return err
	}
	return d.addText(o)
}

// addText keeps the text of o, checked as irr.DB checks the classes it
// indexes.
func (d *DB) addText(o *rpsl.Object) error {
	if o.BadLines > 0 {
		return fmt.Errorf("whois: %s: line %d: %d lines of the object were skipped", o.Input, o.Line, o.BadLines)
	}
	class := o.Class()
	key, err := o.Key()
	if err != nil {
		return err
	}
	if o.Source == "" {
		return fmt.Errorf("whois: %s: line %d: %s %s: %w", o.Input, o.Line, class, key, errNoSource)
	}
	var ob object
	switch class {
	case "route", "route6":
		r, err := rpsl.ParseRoute(o)
		if err != nil {
			return err
		}
		ob.prefix, ob.origin = r.Prefix, r.Origin
	case "aut-num":
		_, err = rpsl.ParseAutNum(o)
	case "as-set":
		_, err = rpsl.ParseASSet(o)
	case "route-set":
		_, err = rpsl.ParseRouteSet(o)
	case "mntner":
		if _, err = rpsl.ParseMntner(o); err == nil {
			o = o.Redacted()
		}
	}
	if err != nil {
		return err
	}
	ob.key = key
	ob.text = string(o.AppendRawText(nil))
	mntBy := upperItems(o.List("mnt-by"))
	memberOf := upperItems(o.List("member-of"))

	d.mu.Lock()
	defer d.mu.Unlock()
	ob.class = d.intern(class)
	ob.source = d.intern(strings.ToUpper(o.Source))
	p := &ob
	if ob.prefix.IsValid() {
		d.prefixes[ob.prefix] = d.put(d.prefixes[ob.prefix], p)
	} else {
		d.keys[key] = d.put(d.keys[key], p)
	}
	for _, m := range mntBy {
		d.mntBy[m] = append(d.mntBy[m], p)
	}
	for _, m := range memberOf {
		d.memberOf[m] = append(d.memberOf[m], p)
	}
	if d.dead > 1024 && d.dead > d.live {
		d.compact()
	}
	return nil
}

// put adds p to list, replacing the object of the same class, key and
// source; the caller holds the write lock.
func (d *DB) put(list []*object, p *object) []*object {
	for i, o := range list {
		if o.class == p.class && o.key == p.key && o.source == p.source {
			o.dead = true
			d.dead++
			list[i] = p
			return list
		}
	}
	d.live++
	return append(list, p)
}

// compact drops replaced objects from the secondary indexes, so that
// hostile input replacing one object over and over cannot grow them.
func (d *DB) compact() {
	for _, idx := range []map[string][]*object{d.mntBy, d.memberOf} {
		for k, list := range idx {
			list = slices.DeleteFunc(list, func(o *object) bool { return o.dead })
			if len(list) == 0 {
				delete(idx, k)
			} else {
				idx[k] = list
			}
		}
	}
	d.dead = 0
}

func (d *DB) intern(s string) string {
	if v, ok := d.strs[s]; ok {
		return v
	}
	s = strings.Clone(s)
	d.strs[s] = s
	return s
}

func upperItems(items []string) []string {
	for i, s := range items {
		items[i] = strings.ToUpper(s)
	}
	return items
}

// sourceRank returns the position of source in sources, -1 when absent.
func sourceRank(sources []string, source string) int {
	return slices.Index(sources, source)
}

// sortObjects orders objects by class, key (route keys by prefix, then
// origin), then the rank of their source in sources.
func sortObjects(objs []*object, sources []string) {
	slices.SortFunc(objs, func(a, b *object) int {
		if c := strings.Compare(a.class, b.class); c != 0 {
			return c
		}
		if a.prefix.IsValid() && b.prefix.IsValid() {
			if c := a.prefix.Addr().Compare(b.prefix.Addr()); c != 0 {
				return c
			}
			if c := cmp.Compare(a.prefix.Bits(), b.prefix.Bits()); c != 0 {
				return c
			}
			if c := cmp.Compare(a.origin, b.origin); c != 0 {
				return c
			}
		} else if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(sourceRank(sources, a.source), sourceRank(sources, b.source))
	})
}

// exact returns the object of class and key of the first of sources that
// has one.
func (d *DB) exact(class, key string, sources []string) *object {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var list []*object
	match := func(o *object) bool { return o.class == class && o.key == key }
	if class == "route" || class == "route6" {
		p, origin, err := parseRouteKey(key)
		if err != nil {
			return nil
		}
		list = d.prefixes[p]
		match = func(o *object) bool { return o.class == class && o.origin == origin }
	} else {
		list = d.keys[key]
	}
	var best *object
	for _, o := range list {
		if !match(o) {
			continue
		}
		if r := sourceRank(sources, o.source); r >= 0 && (best == nil || r < sourceRank(sources, best.source)) {
			best = o
		}
	}
	return best
}

// byKey returns the objects of any of classes (all when empty) with the
// primary key key, from sources.
func (d *DB) byKey(key string, classes, sources []string) []*object {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return filter(d.keys[key], classes, sources, nil)
}

// routes returns the route and route6 objects of prefix p from sources,
// with the given origin unless it is 0.
func (d *DB) routes(p netip.Prefix, origin bgp.ASN, classes, sources []string, dst []*object) []*object {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, o := range d.prefixes[p] {
		if (origin == 0 || o.origin == origin) && wanted(o, classes, sources) {
			dst = append(dst, o)
		}
	}
	return dst
}

// maintained returns the objects whose mnt-by names mntner, from sources.
func (d *DB) maintained(mntner string, classes, sources []string) []*object {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return filter(d.mntBy[mntner], classes, sources, nil)
}

// members returns the objects whose member-of names set, from sources.
func (d *DB) members(set string, classes, sources []string) []*object {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return filter(d.memberOf[set], classes, sources, nil)
}

func filter(list []*object, classes, sources []string, dst []*object) []*object {
	for _, o := range list {
		if wanted(o, classes, sources) {
			dst = append(dst, o)
		}
	}
	return dst
}

func wanted(o *object, classes, sources []string) bool {
	return !o.dead && sourceRank(sources, o.source) >= 0 && (len(classes) == 0 || slices.Contains(classes, o.class))
}

// parsed returns the object as rpsl reads its text.
func (o *object) parsed() (*rpsl.Object, error) {
	objs, _, err := rpsl.ReadAll(strings.NewReader(o.text), o.source)
	if err != nil {
		return nil, err
	}
	if len(objs) != 1 {
		return nil, fmt.Errorf("whois: %s %s: stored text holds %d objects", o.class, o.key, len(objs))
	}
	objs[0].Source = o.source
	return objs[0], nil
}

// Delete removes the object with the class, primary key and source of o
// from the IRR database and from the texts, as an NRTM DEL does. It
// returns an error wrapping irr.ErrNotFound when the DB holds neither.
func (d *DB) Delete(o *rpsl.Object) error {
	ierr := d.irr.Delete(o)
	found, err := d.deleteText(o)
	switch {
	case err != nil:
		return err
	case found:
		return nil
	case ierr != nil && !errors.Is(ierr, irr.ErrNotFound):
		return ierr
	}
	key, _ := o.Key()
	return fmt.Errorf("whois: %s: line %d: %s %s: %w", o.Input, o.Line, o.Class(), key, irr.ErrNotFound)
}

// deleteText drops the text of the object with the class, key and source
// of o, and reports whether there was one.
func (d *DB) deleteText(o *rpsl.Object) (bool, error) {
	class := o.Class()
	key, err := o.Key()
	if err != nil {
		return false, err
	}
	if o.Source == "" {
		return false, fmt.Errorf("whois: %s: line %d: %s %s: %w", o.Input, o.Line, class, key, errNoSource)
	}
	source := strings.ToUpper(o.Source)
	var prefix netip.Prefix
	var origin bgp.ASN
	if class == "route" || class == "route6" {
		r, err := rpsl.ParseRoute(o)
		if err != nil {
			return false, err
		}
		prefix, origin = r.Prefix, r.Origin
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	match := func(p *object) bool {
		return p.class == class && p.source == source && (prefix.IsValid() && p.origin == origin || !prefix.IsValid() && p.key == key)
	}
	if prefix.IsValid() {
		list, ok := d.drop(d.prefixes[prefix], match)
		if !ok {
			return false, nil
		}
		if len(list) == 0 {
			delete(d.prefixes, prefix)
		} else {
			d.prefixes[prefix] = list
		}
	} else {
		list, ok := d.drop(d.keys[key], match)
		if !ok {
			return false, nil
		}
		if len(list) == 0 {
			delete(d.keys, key)
		} else {
			d.keys[key] = list
		}
	}
	if d.dead > 1024 && d.dead > d.live {
		d.compact()
	}
	return true, nil
}

// drop removes the object of list that match selects, marking it dead
// for the secondary indexes; the caller holds the write lock.
func (d *DB) drop(list []*object, match func(*object) bool) ([]*object, bool) {
	i := slices.IndexFunc(list, match)
	if i < 0 {
		return list, false
	}
	list[i].dead = true
	d.dead++
	d.live--
	return slices.Delete(list, i, i+1), true
}
