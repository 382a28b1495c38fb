package stix

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// ID is a STIX identifier: the object type, "--" and an RFC 9562 UUID
// (STIX 2.1 section 2.9).
type ID string

// Type is the object type the identifier names.
func (id ID) Type() string {
	t, _, _ := strings.Cut(string(id), "--")
	return t
}

// uuid is an RFC 9562 UUID.
type uuid [16]byte

// scoNamespace is the namespace STIX 2.1 section 2.9 prescribes for the
// UUIDv5 identifiers of STIX Cyber-observable Objects.
var scoNamespace = mustUUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

// Namespace is the UUIDv5 namespace of every identifier of a STIX Domain
// or Relationship Object this package produces. It never changes: a
// changed namespace would give every published object a new identity.
var Namespace = mustUUID("4bd0f6b1-3d5e-5c1a-9f0e-6d616e72732e")

func mustUUID(s string) uuid {
	var u uuid
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != 16 {
		panic("stix: bad UUID " + s)
	}
	copy(u[:], b)
	return u
}

// uuid5 is the name-based SHA-1 UUID of RFC 9562 section 5.5.
func uuid5(ns uuid, name string) uuid {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u uuid
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

func (u uuid) String() string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// NewID returns the identifier of an object of type typ named by key in
// Namespace: the same type and key always give the same identifier.
func NewID(typ, key string) ID {
	return ID(typ + "--" + uuid5(Namespace, typ+"|"+key).String())
}

// UUID returns the UUIDv5 of name in Namespace, for identifiers outside
// STIX objects (TAXII collections).
func UUID(name string) string { return uuid5(Namespace, name).String() }

// scoID returns the deterministic identifier of a cyber-observable from
// the JSON serialisation of its ID contributing properties, canonical
// per RFC 8785 (STIX 2.1 section 2.9); callers pass that serialisation.
func scoID(typ, canonical string) ID {
	return ID(typ + "--" + uuid5(scoNamespace, canonical).String())
}

// Timestamp is a STIX timestamp (STIX 2.1 section 2.15): RFC 3339 in UTC
// with the "Z" designator. Created and modified carry exactly
// milliseconds, as section 3.2 requires of them; Timestamp always writes
// milliseconds.
type Timestamp struct{ time.Time }

// At returns t as a Timestamp, truncated to the millisecond.
func At(t time.Time) Timestamp { return Timestamp{t.UTC().Truncate(time.Millisecond)} }

// TimestampFormat is the layout of a Timestamp.
const TimestampFormat = "2006-01-02T15:04:05.000Z"

// MarshalJSON writes the timestamp with milliseconds.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format(TimestampFormat) + `"`), nil
}

// UnmarshalJSON reads an RFC 3339 timestamp.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("stix: timestamp %s is not a string", b)
	}
	v, err := time.Parse(time.RFC3339Nano, string(b[1:len(b)-1]))
	if err != nil {
		return fmt.Errorf("stix: STIX 2.1 2.15: timestamp: %w", err)
	}
	t.Time = v.UTC()
	return nil
}
