package irr

import (
	"strings"

	"github.com/manrs/manrs/internal/rpsl"
)

// ASSet returns the as-set called name (compared in upper case) of the
// earliest source that has one, and whether there is one. The view
// shares its slices with the DB: do not modify them.
func (db *DB) ASSet(name string) (rpsl.ASSet, bool) {
	return lookup(db, db.asSets, name)
}

// RouteSet returns the route-set called name of the earliest source that
// has one, and whether there is one. The view shares its slices with the
// DB: do not modify them.
func (db *DB) RouteSet(name string) (rpsl.RouteSet, bool) {
	return lookup(db, db.routeSets, name)
}

// Mntner returns the mntner called name of the earliest source that has
// one, and whether there is one. The view shares its slices with the DB:
// do not modify them. The DB does not authenticate (RFC 2725): it keeps
// the auth attributes as read.
func (db *DB) Mntner(name string) (rpsl.Mntner, bool) {
	return lookup(db, db.mntners, name)
}

func lookup[T any](db *DB, m keyed[string, T], name string) (T, bool) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	v, ok := m.first(strings.ToUpper(name), ^uint64(0))
	if !ok {
		var zero T
		return zero, false
	}
	return *v, true
}
