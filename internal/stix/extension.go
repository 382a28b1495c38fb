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
// the producer, the extension definition and the TLP:WHITE marking
// definition.
func Shared() []Object { return []Object{Producer(), Extension(), TLPWhite()} }

// TLPWhiteID is the identifier STIX 2.1 gives the TLP:WHITE marking
// definition (section 7.2.1.4): every producer uses the same one.
const TLPWhiteID ID = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"

// MarkingDefinition is a TLP marking definition (STIX 2.1 section
// 7.2.1). Marking definitions are not versioned: Version is their
// created time.
type MarkingDefinition struct {
	Type           string            `json:"type"`
	SpecVersion    string            `json:"spec_version"`
	ID             ID                `json:"id"`
	Created        Timestamp         `json:"created"`
	DefinitionType string            `json:"definition_type"`
	Name           string            `json:"name"`
	Definition     map[string]string `json:"definition"`
}

// TLPWhite is the TLP:WHITE marking definition, as STIX 2.1 section
// 7.2.1.4 fixes it.
func TLPWhite() *MarkingDefinition {
	return &MarkingDefinition{Type: "marking-definition", SpecVersion: SpecVersion, ID: TLPWhiteID,
		Created: At(time.Date(2017, 1, 20, 0, 0, 0, 0, time.UTC)), DefinitionType: "tlp", Name: "TLP:WHITE",
		Definition: map[string]string{"tlp": "white"}}
}

// ObjectID implements Object.
func (m *MarkingDefinition) ObjectID() ID { return m.ID }

// ObjectType implements Object.
func (m *MarkingDefinition) ObjectType() string { return m.Type }

// Version implements Object.
func (m *MarkingDefinition) Version() time.Time { return m.Created.Time }

// Refs implements Object.
func (m *MarkingDefinition) Refs() []ID { return nil }

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
