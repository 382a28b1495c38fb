package bogon

import "strconv"

// Kind says which kind of source an entry comes from.
type Kind uint8

// Kinds of entries.
const (
	// SpecialPurpose entries come from the IANA IPv4 and IPv6
	// Special-Purpose Address Registries (RFC 6890, RFC 8190) and the
	// IANA Special-Purpose AS Numbers registry (RFC 7249).
	SpecialPurpose Kind = iota + 1
	// Reserved entries come from the IANA address-space and AS-number
	// registries: IPv4 multicast, IPv6 space outside global unicast,
	// reserved AS numbers.
	Reserved
	// Unallocated entries come from RIR delegated statistics: space that
	// a registry lists as available, reserved, ietf or iana, or that no
	// loaded file lists at all.
	Unallocated
	// Fullbogons entries come from a Team Cymru fullbogons list.
	Fullbogons
)

var kindNames = [...]string{
	SpecialPurpose: "special-purpose",
	Reserved:       "reserved",
	Unallocated:    "unallocated",
	Fullbogons:     "fullbogons",
}

// String returns "special-purpose", "reserved", "unallocated" or
// "fullbogons".
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Relation says how a queried prefix relates to the entry it matched.
type Relation uint8

// Relations.
const (
	// CoveredBy: the query lies within the entry (or is the entry); for
	// an ASN, the ASN is in the entry's range.
	CoveredBy Relation = iota + 1
	// Covers: the query is less specific than the entry, so some of the
	// space it announces is bogon space (an aggregate, or 0.0.0.0/0).
	Covers
)

var relationNames = [...]string{CoveredBy: "covered-by", Covers: "covers"}

// String returns "covered-by" or "covers".
func (r Relation) String() string {
	if int(r) < len(relationNames) && relationNames[r] != "" {
		return relationNames[r]
	}
	return "Relation(" + strconv.Itoa(int(r)) + ")"
}

// Flag is a boolean column of the IANA special-purpose registries, which
// may also hold "N/A" or nothing at all.
type Flag uint8

// Flag values.
const (
	// FlagUnset: the registry gives no value (deprecated entries), or
	// the entry is not from a special-purpose registry.
	FlagUnset Flag = iota
	FlagFalse
	FlagTrue
	// FlagNA is the registry's "N/A" (Teredo and 6to4, whose reachability
	// their own protocols define; RFC 8190 section 3).
	FlagNA
)

var flagNames = [...]string{FlagUnset: "", FlagFalse: "false", FlagTrue: "true", FlagNA: "n/a"}

// String returns "false", "true", "n/a", or "" when unset.
func (f Flag) String() string {
	if int(f) < len(flagNames) {
		return flagNames[f]
	}
	return "Flag(" + strconv.Itoa(int(f)) + ")"
}
