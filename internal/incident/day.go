package incident

import (
	"net/netip"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Measurement is the value of a non-incident metric (M6, M7IRR, M7RPKI,
// M7RPKIN, M8) for one AS on one day, or M5's Spoofer verdict over the
// window ending with the day (1 not spoofable, 0 spoofable; absent
// without a conclusive test), which scores M5 alongside its incidents.
type Measurement struct {
	ASN    bgp.ASN `json:"asn"`
	Metric Metric  `json:"metric"`
	// Value is a share in [0, 1] for M7IRR and M7RPKIN, valid share
	// minus ten times invalid share for M7RPKI (so in [-10, 1]), and 1
	// or 0 for M5, M6 and M8.
	Value float64 `json:"value"`
	// Count is the number of prefixes the share is of (M7), or of the
	// registrations found (M6, M8).
	Count int `json:"count"`
	// Detail names what was found, for M6 and M8: the registry and
	// object.
	Detail string `json:"detail,omitempty"`
}

// RPKIState is the route origin validation state of a prefix and origin
// (RFC 6811).
type RPKIState uint8

// The validation states; the zero value is NotFound.
const (
	NotFound RPKIState = iota
	Valid
	Invalid
)

func (s RPKIState) String() string {
	switch s {
	case Valid:
		return "valid"
	case Invalid:
		return "invalid"
	}
	return "not-found"
}

// PrefixStatus is one prefix an AS originated on a day, as the M7
// metrics count it.
type PrefixStatus struct {
	Prefix netip.Prefix `json:"prefix"`
	RPKI   RPKIState    `json:"-"`
	// IRR is set when a route object of the prefix and the AS exists.
	IRR bool `json:"irr"`
	// Peers is the number of collector peers that saw it.
	Peers int `json:"peers"`
}

// Input is one input file or URL of an observed day.
type Input struct {
	Kind string `json:"kind"` // "rib", "updates", "vrps", "irr", "asrel", ...
	Name string `json:"name"`
	// Items counts what was read (routes, VRPs, objects, ...); Faults
	// what was skipped as corrupt.
	Items  int    `json:"items"`
	Faults int    `json:"faults"`
	Err    string `json:"error,omitempty"`
}

// Day is what observing one day produced.
type Day struct {
	Date time.Time `json:"date"`
	// Partial is set when an input was missing, unreadable or corrupt;
	// Reasons say which and how.
	Partial bool     `json:"partial"`
	Reasons []string `json:"reasons,omitempty"`
	Inputs  []Input  `json:"inputs"`
	// ASes lists every AS seen originating or propagating routes.
	ASes         []bgp.ASN     `json:"ases"`
	Incidents    []Incident    `json:"incidents"`
	Measurements []Measurement `json:"measurements"`
	// Prefixes holds, for each AS, the prefixes it originated, with
	// their validation states: the explanation of its M7 values.
	Prefixes map[bgp.ASN][]PrefixStatus `json:"-"`
}
