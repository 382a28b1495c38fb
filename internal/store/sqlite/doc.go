// Package sqlite is the embedded store.Store: one SQLite file, through
// modernc.org/sqlite (pure Go, no cgo).
//
// Open applies the schema migrations the file lacks (schema.go), one
// transaction each, and refuses a file written by a newer schema. The
// file is in WAL mode, so readers go on while a day is written; PutDay is
// one transaction, so a crash mid-ingest leaves the previous state whole.
//
// The bulk of a day is kept compact: the ASes of a day are one packed
// BLOB, and the prefix statuses behind M7 one packed BLOB per AS and day
// (blob.go), since an Internet-scale day has about 1.3M of them.
// Measurements are one row each (about 300k a day), indexed by AS for the
// reads of one AS's history.
//
// Untrusted input: the database file. A row that does not decode (bad
// JSON, a BLOB of the wrong shape, a metric or state this version does not
// know) is a *CorruptError naming the table and key, never a zero value.
package sqlite
