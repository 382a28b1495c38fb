package stix

import "time"

// SpecVersion is the STIX version of every object produced here.
const SpecVersion = "2.1"

// Object is a STIX object: a domain object (SDO), relationship object
// (SRO), cyber-observable (SCO) or meta object.
type Object interface {
	// ObjectID is the object's identifier.
	ObjectID() ID
	// ObjectType is its type, the prefix of its identifier.
	ObjectType() string
	// Version is its modified timestamp, zero for objects that have none
	// (cyber-observables): TAXII 2.1 versions objects by it.
	Version() time.Time
	// Refs lists the identifiers it refers to.
	Refs() []ID
}

// Common holds the common properties of SDOs, SROs and meta objects
// (STIX 2.1 section 3.2).
type Common struct {
	Type               string              `json:"type"`
	SpecVersion        string              `json:"spec_version"`
	ID                 ID                  `json:"id"`
	CreatedByRef       ID                  `json:"created_by_ref,omitempty"`
	Created            Timestamp           `json:"created"`
	Modified           Timestamp           `json:"modified"`
	Labels             []string            `json:"labels,omitempty"`
	ExternalReferences []ExternalReference `json:"external_references,omitempty"`
	// ObjectMarkingRefs are the data markings of the object (STIX 2.1
	// section 7.2.2).
	ObjectMarkingRefs []ID `json:"object_marking_refs,omitempty"`
	// Extensions maps an extension-definition's ID to the properties it
	// adds (STIX 2.1 section 7.3).
	Extensions map[ID]any `json:"extensions,omitempty"`
}

// newCommon returns the common properties of an object the producer
// creates, marked TLP:WHITE: everything published is derived from public
// routing data and registries.
func newCommon(typ string, id ID, created, modified time.Time) Common {
	return Common{Type: typ, SpecVersion: SpecVersion, ID: id, CreatedByRef: ProducerID,
		Created: At(created), Modified: At(modified), ObjectMarkingRefs: []ID{TLPWhiteID}}
}

// ObjectID implements Object.
func (c *Common) ObjectID() ID { return c.ID }

// ObjectType implements Object.
func (c *Common) ObjectType() string { return c.Type }

// Version implements Object.
func (c *Common) Version() time.Time { return c.Modified.Time }

func (c *Common) refs() []ID {
	var out []ID
	if c.CreatedByRef != "" {
		out = append(out, c.CreatedByRef)
	}
	out = append(out, c.ObjectMarkingRefs...)
	for id := range c.Extensions {
		out = append(out, id)
	}
	return out
}

// ExternalReference points to non-STIX information (STIX 2.1 section
// 2.5).
type ExternalReference struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	ExternalID  string `json:"external_id,omitempty"`
}

// ObservableCommon holds the common properties of cyber-observables
// (STIX 2.1 section 3.2, 6).
type ObservableCommon struct {
	Type        string `json:"type"`
	SpecVersion string `json:"spec_version"`
	ID          ID     `json:"id"`
}

// ObjectID implements Object.
func (c *ObservableCommon) ObjectID() ID { return c.ID }

// ObjectType implements Object.
func (c *ObservableCommon) ObjectType() string { return c.Type }

// Version implements Object: observables are not versioned.
func (c *ObservableCommon) Version() time.Time { return time.Time{} }

// Refs implements Object.
func (c *ObservableCommon) Refs() []ID { return nil }

// Indicator is a pattern that detects activity (STIX 2.1 section 4.7).
type Indicator struct {
	Common
	Name           string    `json:"name"`
	Description    string    `json:"description,omitempty"`
	IndicatorTypes []string  `json:"indicator_types,omitempty"`
	Pattern        string    `json:"pattern"`
	PatternType    string    `json:"pattern_type"`
	PatternVersion string    `json:"pattern_version,omitempty"`
	ValidFrom      Timestamp `json:"valid_from"`
	ValidUntil     Timestamp `json:"valid_until,omitzero"`
}

// Refs implements Object.
func (o *Indicator) Refs() []ID { return o.refs() }

// ObservedData records what was observed, by reference to observables
// (STIX 2.1 section 4.14).
type ObservedData struct {
	Common
	FirstObserved  Timestamp `json:"first_observed"`
	LastObserved   Timestamp `json:"last_observed"`
	NumberObserved int       `json:"number_observed"`
	ObjectRefs     []ID      `json:"object_refs"`
}

// Refs implements Object.
func (o *ObservedData) Refs() []ID { return append(o.refs(), o.ObjectRefs...) }

// Sighting says that an indicator was seen, where and how often (STIX
// 2.1 section 5.2).
type Sighting struct {
	Common
	Description      string    `json:"description,omitempty"`
	FirstSeen        Timestamp `json:"first_seen,omitzero"`
	LastSeen         Timestamp `json:"last_seen,omitzero"`
	Count            int       `json:"count,omitempty"`
	SightingOfRef    ID        `json:"sighting_of_ref"`
	ObservedDataRefs []ID      `json:"observed_data_refs,omitempty"`
	WhereSightedRefs []ID      `json:"where_sighted_refs,omitempty"`
}

// Refs implements Object.
func (o *Sighting) Refs() []ID {
	r := append(o.refs(), o.SightingOfRef)
	r = append(r, o.ObservedDataRefs...)
	return append(r, o.WhereSightedRefs...)
}

// Note explains other objects in words (STIX 2.1 section 4.13).
type Note struct {
	Common
	Abstract   string   `json:"abstract,omitempty"`
	Content    string   `json:"content"`
	Authors    []string `json:"authors,omitempty"`
	ObjectRefs []ID     `json:"object_refs"`
}

// Refs implements Object.
func (o *Note) Refs() []ID { return append(o.refs(), o.ObjectRefs...) }

// Identity is an individual, organisation or system (STIX 2.1 section
// 4.5): the producer of the objects, and each route collector peer that
// saw an event's routes.
type Identity struct {
	Common
	Name               string `json:"name"`
	Description        string `json:"description,omitempty"`
	IdentityClass      string `json:"identity_class,omitempty"`
	ContactInformation string `json:"contact_information,omitempty"`
}

// Refs implements Object.
func (o *Identity) Refs() []ID { return o.refs() }

// Report groups objects about one topic (STIX 2.1 section 4.16).
type Report struct {
	Common
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	ReportTypes []string  `json:"report_types,omitempty"`
	Published   Timestamp `json:"published"`
	ObjectRefs  []ID      `json:"object_refs"`
}

// Refs implements Object.
func (o *Report) Refs() []ID { return append(o.refs(), o.ObjectRefs...) }

// Relationship links two objects (STIX 2.1 section 5.1).
type Relationship struct {
	Common
	RelationshipType string `json:"relationship_type"`
	Description      string `json:"description,omitempty"`
	SourceRef        ID     `json:"source_ref"`
	TargetRef        ID     `json:"target_ref"`
}

// Refs implements Object.
func (o *Relationship) Refs() []ID { return append(o.refs(), o.SourceRef, o.TargetRef) }

// ExtensionDefinition defines an extension (STIX 2.1 section 7.3).
type ExtensionDefinition struct {
	Common
	Name           string   `json:"name"`
	Description    string   `json:"description,omitempty"`
	Schema         string   `json:"schema"`
	ExtVersion     string   `json:"version"`
	ExtensionTypes []string `json:"extension_types"`
}

// Refs implements Object.
func (o *ExtensionDefinition) Refs() []ID { return o.refs() }

// AutonomousSystem is an AS (STIX 2.1 section 6.2).
type AutonomousSystem struct {
	ObservableCommon
	Number uint32 `json:"number"`
	Name   string `json:"name,omitempty"`
}

// IPv4Addr is an IPv4 address or prefix in CIDR notation (STIX 2.1
// section 6.8).
type IPv4Addr struct {
	ObservableCommon
	Value string `json:"value"`
}

// IPv6Addr is an IPv6 address or prefix in CIDR notation (STIX 2.1
// section 6.9).
type IPv6Addr struct {
	ObservableCommon
	Value string `json:"value"`
}

// Bundle is a collection of STIX objects for transport (STIX 2.1 section
// 8). It is not versioned and carries no spec_version.
type Bundle struct {
	Type    string   `json:"type"`
	ID      ID       `json:"id"`
	Objects []Object `json:"objects"`
}
