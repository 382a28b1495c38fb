package stix

import (
	_ "embed"
	"time"
)

// RoutingEventSchema is the JSON schema of the routing-event extension's
// properties (docs/feeds.md).
//
//go:embed routing-event.schema.json
var RoutingEventSchema []byte

// Epoch is the created and modified time of the objects that do not
// change: the producer, the extension definition and the collector peers.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// The shared objects' identifiers.
var (
	ProducerID  = NewID("identity", "producer")
	ExtensionID = NewID("extension-definition", "routing-event/1.0")
)

// Producer is the identity that creates every object (created_by_ref).
func Producer() *Identity {
	c := newCommon("identity", ProducerID, Epoch, Epoch)
	c.CreatedByRef = ""
	return &Identity{Common: c, Name: "manrs routing-security observatory", IdentityClass: "system",
		Description: "Measures the MANRS conformance of autonomous systems from public routing data " +
			"(route collectors, RPKI, IRR) and publishes routing-security events."}
}

// Extension is the extension-definition of the routing-event property
// extension (STIX 2.1 section 7.3).
func Extension() *ExtensionDefinition {
	return &ExtensionDefinition{
		Common: newCommon("extension-definition", ExtensionID, Epoch, Epoch),
		Name:   "manrs routing event",
		Description: "Routing fields of a routing-security event: event type, prefixes, expected and observed " +
			"origin, AS path, leaker and RFC 7908 leak type, RPKI and ASPA state, MANRS metric.",
		Schema:         "https://github.com/manrs/manrs/blob/main/docs/feeds.md#routing-event-extension",
		ExtVersion:     "1.0.0",
		ExtensionTypes: []string{"property-extension"},
	}
}

// Shared returns the objects every bundle and collection needs once:
// the producer and the extension definition.
func Shared() []Object { return []Object{Producer(), Extension()} }

// EventType is what a routing-security event is.
type EventType string

// The event types.
const (
	Hijack                 EventType = "hijack"
	SubPrefixHijack        EventType = "sub-prefix-hijack"
	RouteLeak              EventType = "route-leak"
	BogonPrefix            EventType = "bogon-prefix"
	BogonASN               EventType = "bogon-asn"
	RPKIInvalid            EventType = "rpki-invalid"
	Spoofing               EventType = "spoofing"
	ContactRemoved         EventType = "contact-removed"
	ConformanceLapse       EventType = "conformance-lapse"
	ConformanceRestoration EventType = "conformance-restoration"
)

// RoutingEvent holds the properties of the routing-event extension, as
// routing-event.schema.json defines them. ASNs are pointers where AS 0
// is a meaningful value.
type RoutingEvent struct {
	ExtensionType     string            `json:"extension_type"`
	EventType         EventType         `json:"event_type"`
	EventID           string            `json:"event_id"`
	Metric            string            `json:"manrs_metric,omitempty"`
	ChargedASN        *uint32           `json:"charged_asn,omitempty"`
	CulpritASN        *uint32           `json:"culprit_asn,omitempty"`
	Prefixes          []string          `json:"prefixes,omitempty"`
	ExpectedOrigins   []uint32          `json:"expected_origins,omitempty"`
	ObservedOrigin    *uint32           `json:"observed_origin,omitempty"`
	ASPath            []uint32          `json:"as_path,omitempty"`
	LeakerASN         *uint32           `json:"leaker_asn,omitempty"`
	LeakType          int               `json:"rfc7908_leak_type,omitempty"`
	BogonASN          *uint32           `json:"bogon_asn,omitempty"`
	RPKIState         string            `json:"rpki_state,omitempty"`
	ASPAState         string            `json:"aspa_state,omitempty"`
	Peers             int               `json:"peers,omitempty"`
	Continued         bool              `json:"continued,omitempty"`
	Ongoing           bool              `json:"ongoing,omitempty"`
	Policy            string            `json:"policy,omitempty"`
	FailingActions    map[string]string `json:"failing_actions,omitempty"`
	WasFailingActions map[string]string `json:"was_failing_actions,omitempty"`
}

func asn(v uint32) *uint32 { return &v }
