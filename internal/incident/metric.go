package incident

import "fmt"

// Metric is a MANRS measurement.
type Metric string

// The metrics, with the MANRS action each belongs to (Action).
const (
	M1      Metric = "M1"      // route leak by the AS
	M1C     Metric = "M1C"     // route leak by a direct customer, propagated by the AS
	M2      Metric = "M2"      // misorigination (hijack) by the AS
	M2C     Metric = "M2C"     // misorigination by a direct customer, propagated
	M3      Metric = "M3"      // bogon prefix originated by the AS
	M3C     Metric = "M3C"     // bogon prefix originated by a direct customer, propagated
	M4      Metric = "M4"      // bogon ASN in a path originated by the AS
	M4C     Metric = "M4C"     // bogon ASN in a path of a direct customer, propagated
	M5      Metric = "M5"      // spoofed packets can leave the AS
	M5C     Metric = "M5C"     // spoofed packets can leave the AS's customer cone
	M6      Metric = "M6"      // routing policy registered (aut-num with import and export)
	M7IRR   Metric = "M7IRR"   // share of announced prefixes with a matching IRR route object
	M7RPKI  Metric = "M7RPKI"  // share RPKI-valid minus 10 times share RPKI-invalid
	M7RPKIN Metric = "M7RPKIN" // share RPKI not-found
	M8      Metric = "M8"      // contact information registered
)

// Metrics lists every metric in report order.
var Metrics = []Metric{M1, M1C, M2, M2C, M3, M3C, M4, M4C, M5, M5C, M6, M7IRR, M7RPKI, M7RPKIN, M8}

// Action is one of the four MANRS actions.
type Action int

// The MANRS actions.
const (
	Filtering        Action = 1
	AntiSpoofing     Action = 2
	Coordination     Action = 3
	GlobalValidation Action = 4
)

var actionNames = [...]string{"", "filtering", "anti-spoofing", "coordination", "global-validation"}

func (a Action) String() string {
	if a < 1 || int(a) >= len(actionNames) {
		return fmt.Sprintf("action(%d)", int(a))
	}
	return actionNames[a]
}

// Action is the MANRS action a metric measures.
func (m Metric) Action() Action {
	switch m {
	case M1, M1C, M2, M2C, M3, M3C, M4, M4C:
		return Filtering
	case M5, M5C:
		return AntiSpoofing
	case M8:
		return Coordination
	}
	return GlobalValidation
}

// Customer is the "C" metric of a metric raised by a culprit: the metric
// charged to the AS that propagated its direct customer's incident. It is
// "" for metrics that have none.
func (m Metric) Customer() Metric {
	switch m {
	case M1, M2, M3, M4, M5:
		return m + "C"
	}
	return ""
}

// Direct is the metric charged to the culprit of a C metric's incident
// (M1 for M1C); a metric that is not a C metric is its own.
func (m Metric) Direct() Metric {
	switch m {
	case M1C, M2C, M3C, M4C, M5C:
		return m[:len(m)-1]
	}
	return m
}

// IsIncident reports whether the metric counts incidents (M1 to M5, with
// their C forms) rather than measuring a share or a fact.
func (m Metric) IsIncident() bool {
	return m.Action() == Filtering || m.Action() == AntiSpoofing
}

// Measured reports whether the metric has measurements: a value per AS
// and day (M6, M7IRR, M7RPKI, M7RPKIN, M8, and M5's Spoofer verdict).
func (m Metric) Measured() bool {
	return m.Valid() && (!m.IsIncident() || m == M5)
}

// Valid reports whether m is one of Metrics.
func (m Metric) Valid() bool {
	for _, x := range Metrics {
		if x == m {
			return true
		}
	}
	return false
}
