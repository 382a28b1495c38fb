// Package storetest is the conformance suite of store.Store: every
// backend runs Run from its tests, on stores of its own making. The
// fixtures (MakeDay, Day1, Date) are exported for a backend's own tests.
//
// The suite checks what the interface promises: round trips of every
// field, replacement of a day, range and filter semantics, ErrNotFound
// and ErrConflict, the dispute trail and its effect on Incidents, dates
// and times in UTC at second precision or finer, and that readers see
// a day whole while it is being replaced.
package storetest
