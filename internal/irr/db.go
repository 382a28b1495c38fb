package irr

import (
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"strings"
	"sync"

	"github.com/gaissmai/bart"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpsl"
)

// MaxSources is how many sources a DB tells apart: Sources is a set of
// 64 bits.
const MaxSources = 64

// ErrNotFound is returned, wrapped, by Delete for an object the DB does
// not hold and by the expansions for a set that no source has.
var ErrNotFound = errors.New("not found")

// DB is an in-memory database of the IRR objects that routing security
// checks and filter generation need, from any number of sources. It is
// safe for concurrent use; Load, Add and Delete take the write lock one
// object at a time, so readers go on during a long load.
type DB struct {
	mu sync.RWMutex

	// order holds the source names, upper case, in precedence order;
	// it is replaced, never changed, when a source is appended, so that
	// a Sources value can keep the one it was made with.
	order *[]string
	index map[string]uint8

	routes   bart.Table[origins]
	byOrigin map[bgp.ASN]*originPrefixes
	// routeJoins indexes route and route6 objects with member-of by
	// route-set name; routeInfo holds their member-of and mnt-by.
	routeJoins map[string][]routeRef
	routeInfo  map[routeRef]*routeJoin

	autNums   keyed[bgp.ASN, rpsl.AutNum]
	autJoins  map[string][]autRef // aut-nums with member-of, by as-set name
	asSets    keyed[string, rpsl.ASSet]
	routeSets keyed[string, rpsl.RouteSet]
	mntners   keyed[string, rpsl.Mntner]

	counts []ClassCounts // per source index
}

// New returns an empty DB whose sources, in order of precedence, are
// sources: where several sources have an aut-num, a set or a mntner of
// the same name, the lookups and the set expansions take the one of the
// earliest source. Names are compared in upper case; objects of a source
// not named here append it to the order. New panics when given more than
// MaxSources names, a configuration error.
func New(sources ...string) *DB {
	db := &DB{
		order:      new([]string),
		index:      make(map[string]uint8),
		byOrigin:   make(map[bgp.ASN]*originPrefixes),
		routeJoins: make(map[string][]routeRef),
		routeInfo:  make(map[routeRef]*routeJoin),
		autNums:    make(keyed[bgp.ASN, rpsl.AutNum]),
		autJoins:   make(map[string][]autRef),
		asSets:     make(keyed[string, rpsl.ASSet]),
		routeSets:  make(keyed[string, rpsl.RouteSet]),
		mntners:    make(keyed[string, rpsl.Mntner]),
	}
	for _, s := range sources {
		if s == "" {
			continue
		}
		if _, err := db.source(strings.ToUpper(s)); err != nil {
			panic("irr: New: " + err.Error())
		}
	}
	return db
}

// Order returns the source names in order of precedence.
func (db *DB) Order() []string {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return append([]string(nil), *db.order...)
}

// source returns the index of source name (upper case), appending it to
// the order if it is new. The caller holds the write lock or owns db.
func (db *DB) source(name string) (uint8, error) {
	if i, ok := db.index[name]; ok {
		return i, nil
	}
	old := *db.order
	if len(old) >= MaxSources {
		return 0, fmt.Errorf("source %s: more than %d sources", name, MaxSources)
	}
	i := uint8(len(old))
	order := make([]string, len(old)+1)
	copy(order, old)
	order[i] = name
	db.order = &order
	db.index[name] = i
	db.counts = append(db.counts, ClassCounts{})
	return i, nil
}

// mask returns the set of the named sources, all sources for none.
func (db *DB) mask(names []string) (uint64, error) {
	if len(names) == 0 {
		return ^uint64(0), nil
	}
	var m uint64
	for _, n := range names {
		i, ok := db.index[strings.ToUpper(n)]
		if !ok {
			return 0, fmt.Errorf("irr: unknown source %q", n)
		}
		m |= 1 << i
	}
	return m, nil
}

// Sources is a set of the sources of a DB: the sources that hold a route
// object, for instance. The zero value is the empty set.
type Sources struct {
	bits  uint64
	order *[]string
}

// Bits returns the set as a bit mask: bit i is the i-th source in the
// order of the DB.
func (s Sources) Bits() uint64 { return s.bits }

// Empty reports whether the set has no source.
func (s Sources) Empty() bool { return s.bits == 0 }

// Len returns the number of sources in the set.
func (s Sources) Len() int { return bits.OnesCount64(s.bits) }

// Has reports whether the set holds the source called name.
func (s Sources) Has(name string) bool {
	if s.order == nil {
		return false
	}
	for i, n := range *s.order {
		if s.bits&(1<<i) != 0 && strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// Names returns the names of the sources in the set, in the order of
// precedence of the DB.
func (s Sources) Names() []string {
	if s.bits == 0 {
		return nil
	}
	out := make([]string, 0, s.Len())
	for b := s.bits; b != 0; b &= b - 1 {
		out = append(out, (*s.order)[bits.TrailingZeros64(b)])
	}
	return out
}

// String returns the names joined by commas, e.g. "RIPE,RADB"; "" for
// the empty set.
func (s Sources) String() string { return strings.Join(s.Names(), ",") }

// ClassCounts counts the objects of each class the DB indexes. A route
// object is a prefix and origin in one source: the same pair in two
// sources counts twice.
type ClassCounts struct {
	Route, Route6, AutNum, ASSet, RouteSet, Mntner int
}

// Total returns the sum of the counts.
func (c ClassCounts) Total() int {
	return c.Route + c.Route6 + c.AutNum + c.ASSet + c.RouteSet + c.Mntner
}

func (c *ClassCounts) add(d ClassCounts) {
	c.Route += d.Route
	c.Route6 += d.Route6
	c.AutNum += d.AutNum
	c.ASSet += d.ASSet
	c.RouteSet += d.RouteSet
	c.Mntner += d.Mntner
}

// Counts counts the objects of a DB per class, in all and per source.
type Counts struct {
	ClassCounts
	Sources map[string]ClassCounts
}

// Len returns the number of objects the DB holds.
func (db *DB) Len() Counts {
	db.mu.RLock()
	defer db.mu.RUnlock()
	c := Counts{Sources: make(map[string]ClassCounts, len(db.counts))}
	for i, n := range db.counts {
		c.Sources[(*db.order)[i]] = n
		c.add(n)
	}
	return c
}

// class is a class the DB indexes.
type class uint8

const (
	classOther class = iota
	classRoute
	classRoute6
	classAutNum
	classASSet
	classRouteSet
	classMntner
)

// classOf returns the indexed class of o, without allocating.
func classOf(o *rpsl.Object) class {
	if len(o.Attrs) == 0 {
		return classOther
	}
	a := &o.Attrs[0]
	switch len(a.Name) {
	case 5:
		if a.Is("route") {
			return classRoute
		}
	case 6:
		switch {
		case a.Is("route6"):
			return classRoute6
		case a.Is("as-set"):
			return classASSet
		case a.Is("mntner"):
			return classMntner
		}
	case 7:
		if a.Is("aut-num") {
			return classAutNum
		}
	case 9:
		if a.Is("route-set") {
			return classRouteSet
		}
	}
	return classOther
}

// parsed is an object decoded into its typed view, ready to index.
type parsed struct {
	class    class
	source   string
	route    rpsl.Route
	autNum   *rpsl.AutNum
	asSet    *rpsl.ASSet
	routeSet *rpsl.RouteSet
	mntner   *rpsl.Mntner
}

// errNoSource is an object without a source attribute read without a
// default source.
var errNoSource = errors.New("no source attribute and no source given")

// errBadLines is an object some of whose lines the reader skipped: it
// may lack attributes it had, members of a set for instance.
var errBadLines = errors.New("lines of the object were skipped")

// parse decodes o, of indexed class c, into its typed view.
func parse(o *rpsl.Object, c class) (parsed, error) {
	p := parsed{class: c}
	if o.BadLines > 0 {
		return p, objectError(o, fmt.Errorf("%w: %d", errBadLines, o.BadLines))
	}
	var err error
	switch c {
	case classRoute, classRoute6:
		p.route, err = rpsl.ParseRoute(o)
		p.source = p.route.Source
	case classAutNum:
		var v rpsl.AutNum
		v, err = rpsl.ParseAutNum(o)
		p.autNum, p.source = &v, v.Source
	case classASSet:
		var v rpsl.ASSet
		v, err = rpsl.ParseASSet(o)
		p.asSet, p.source = &v, v.Source
	case classRouteSet:
		var v rpsl.RouteSet
		v, err = rpsl.ParseRouteSet(o)
		p.routeSet, p.source = &v, v.Source
	case classMntner:
		var v rpsl.Mntner
		v, err = rpsl.ParseMntner(o)
		p.mntner, p.source = &v, v.Source
	}
	if err == nil && p.source == "" {
		err = objectError(o, errNoSource)
	}
	return p, err
}

// Add indexes o, if it is a route, route6, aut-num, as-set, route-set or
// mntner object; it ignores objects of other classes. The object's source
// is its source attribute (or the Source of the reader that read it). An
// object with the key and source of one the DB holds replaces it. Add
// keeps the typed view of the object, not the object. It refuses an
// object whose typed view does not parse, and one with lines the reader
// skipped (BadLines), which may lack some of its attributes.
func (db *DB) Add(o *rpsl.Object) error {
	c := classOf(o)
	if c == classOther {
		return nil
	}
	p, err := parse(o, c)
	if err != nil {
		return err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.add(o, &p)
}

// add indexes p, parsed from o; the caller holds the write lock.
func (db *DB) add(o *rpsl.Object, p *parsed) error {
	src, err := db.source(p.source)
	if err != nil {
		return objectError(o, err)
	}
	cnt := &db.counts[src]
	switch p.class {
	case classRoute, classRoute6:
		if db.addRoute(&p.route, src) {
			if p.class == classRoute {
				cnt.Route++
			} else {
				cnt.Route6++
			}
		}
	case classAutNum:
		old := db.autNums.put(p.autNum.ASN, src, p.autNum)
		if old != nil {
			db.unjoinAutNum(old, src)
		} else {
			cnt.AutNum++
		}
		db.joinAutNum(p.autNum, src)
	case classASSet:
		if db.asSets.put(p.asSet.Name, src, p.asSet) == nil {
			cnt.ASSet++
		}
	case classRouteSet:
		if db.routeSets.put(p.routeSet.Name, src, p.routeSet) == nil {
			cnt.RouteSet++
		}
	case classMntner:
		if db.mntners.put(p.mntner.Name, src, p.mntner) == nil {
			cnt.Mntner++
		}
	}
	return nil
}

// Delete removes the object with the key and source of o, as an NRTM
// DEL does. Only the key attributes and the source of o are read. It
// returns an error wrapping ErrNotFound when the DB does not hold the
// object; it ignores objects of classes it does not index.
func (db *DB) Delete(o *rpsl.Object) error {
	c := classOf(o)
	if c == classOther {
		return nil
	}
	source, err := objectSource(o)
	if err != nil {
		return err
	}
	var (
		pfx  netip.Prefix
		asn  bgp.ASN
		name string
	)
	switch c {
	case classRoute, classRoute6:
		pfx, asn, err = routeKey(o, c)
	case classAutNum:
		asn, err = rpsl.ParseASN(o.Attrs[0].Value)
		if err != nil {
			err = objectError(o, err)
		}
	default:
		name, err = o.Key()
	}
	if err != nil {
		return err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	src, ok := db.index[source]
	if !ok {
		return objectError(o, fmt.Errorf("source %s: %w", source, ErrNotFound))
	}
	cnt := &db.counts[src]
	found := false
	switch c {
	case classRoute, classRoute6:
		if found = db.deleteRoute(pfx, asn, src); found {
			if c == classRoute {
				cnt.Route--
			} else {
				cnt.Route6--
			}
		}
	case classAutNum:
		if old := db.autNums.delete(asn, src); old != nil {
			db.unjoinAutNum(old, src)
			cnt.AutNum--
			found = true
		}
	case classASSet:
		if found = db.asSets.delete(name, src) != nil; found {
			cnt.ASSet--
		}
	case classRouteSet:
		if found = db.routeSets.delete(name, src) != nil; found {
			cnt.RouteSet--
		}
	case classMntner:
		if found = db.mntners.delete(name, src) != nil; found {
			cnt.Mntner--
		}
	}
	if !found {
		return objectError(o, ErrNotFound)
	}
	return nil
}

// objectSource returns the source of o, upper case.
func objectSource(o *rpsl.Object) (string, error) {
	if o.Source == "" {
		return "", objectError(o, errNoSource)
	}
	return strings.ToUpper(o.Source), nil
}

// Error is an object that the DB did not index or delete: it names the
// input and line of the object, as rpsl errors do.
type Error struct {
	Input string // the input's name; may be ""
	Line  int    // the object's first line, from 1; 0 when unknown
	// Object is the object's class and primary key as written, e.g.
	// "route 192.0.2.0/24".
	Object string
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("irr: ")
	if e.Input != "" {
		b.WriteString(e.Input)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Object != "" {
		b.WriteString(e.Object)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// objectError is an Error about o.
func objectError(o *rpsl.Object, err error) error {
	e := &Error{Input: o.Input, Line: o.Line, Err: err}
	if len(o.Attrs) > 0 {
		e.Object = o.Class() + " " + clip(o.Attrs[0].Value)
	}
	return e
}

// clip shortens a value for an error message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
