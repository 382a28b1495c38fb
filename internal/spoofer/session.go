package spoofer

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Outcome is the result of one spoofing test of a session.
type Outcome uint8

// Outcomes, as the Spoofer session reports define them.
const (
	// NotTested: the API gives null; the test was not run.
	NotTested Outcome = iota
	// Received: the spoofed packet reached CAIDA's servers; the network
	// does not validate source addresses.
	Received
	// Blocked: the spoofed packet was not received, an unspoofed one was.
	Blocked
	// Rewritten: the spoofed packet was received with its source
	// address changed en route, by a NAT.
	Rewritten
	// Unknown: neither the spoofed nor the unspoofed packet arrived.
	Unknown
)

var outcomeNames = [...]string{NotTested: "none", Received: "received", Blocked: "blocked", Rewritten: "rewritten", Unknown: "unknown"}

// String returns the outcome as the API writes it, or "none" for
// NotTested (which the API writes as null).
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// ParseOutcome parses an outcome as the API writes it; "" is NotTested.
func ParseOutcome(s string) (Outcome, bool) {
	switch s {
	case "received":
		return Received, true
	case "blocked":
		return Blocked, true
	case "rewritten":
		return Rewritten, true
	case "unknown":
		return Unknown, true
	case "":
		return NotTested, true
	}
	return 0, false
}

// NAT says whether a session found a NAT between the client and the
// Internet.
type NAT uint8

// NAT states.
const (
	NATUnknown NAT = iota // null: not tested
	NoNAT                 // false
	BehindNAT             // true
)

var natNames = [...]string{NATUnknown: "unknown", NoNAT: "no", BehindNAT: "yes"}

// String returns "unknown", "no" or "yes".
func (n NAT) String() string {
	if int(n) < len(natNames) {
		return natNames[n]
	}
	return "NAT(" + strconv.Itoa(int(n)) + ")"
}

// Result is what a session found for one address family.
type Result struct {
	// ASN is the AS that originates the client's block; 0 when unknown.
	ASN bgp.ASN
	// Client is the client's anonymised block (a /24 for IPv4, /40 for
	// IPv6 as published); not valid when the family was not tested.
	Client netip.Prefix
	NAT    NAT
	// Private is the outcome of spoofing a private source address,
	// Routed of spoofing a routed address of another network.
	Private Outcome
	Routed  Outcome
}

// Tested reports whether the session has any result for the family.
func (r *Result) Tested() bool {
	return r.Client.IsValid() || r.ASN != 0 || r.NAT != NATUnknown || r.Private != NotTested || r.Routed != NotTested
}

// Session is one public Spoofer measurement session.
type Session struct {
	ID   uint64
	Time time.Time
	// Country is the client's country as published: ISO 3166-1 alpha-3
	// in lower case ("usa"); "" when not given.
	Country string
	IPv4    Result
	IPv6    Result
}
