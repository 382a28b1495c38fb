package peeringdb

import (
	"strconv"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Kind is the type of a PeeringDB object, named by its API tag.
type Kind uint8

// Object types this package decodes.
const (
	KindOrganization Kind = iota + 1 // "org"
	KindNetwork                      // "net"
	KindContact                      // "poc"
)

var kindNames = [...]string{KindOrganization: "org", KindNetwork: "net", KindContact: "poc"}

// String returns the API tag: "org", "net" or "poc".
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// ParseKind parses an API tag; it reports false for tags of objects this
// package does not decode (ix, fac, netixlan, ...).
func ParseKind(s string) (Kind, bool) {
	switch s {
	case "org":
		return KindOrganization, true
	case "net":
		return KindNetwork, true
	case "poc":
		return KindContact, true
	}
	return 0, false
}

// Status is the life-cycle state of an object (django-handleref: "ok",
// "pending", "deleted"). The zero Status means the input gave none.
type Status uint8

// Statuses.
const (
	StatusOK Status = iota + 1
	StatusPending
	StatusDeleted
)

var statusNames = [...]string{StatusOK: "ok", StatusPending: "pending", StatusDeleted: "deleted"}

// String returns the status as PeeringDB writes it, "" for none.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Live reports whether the object is in use: status "ok", or no status
// given (an API response filtered with "fields=" may leave it out; the API
// returns only live objects unless asked otherwise).
func (s Status) Live() bool { return s == StatusOK || s == 0 }

func parseStatus(s string) (Status, bool) {
	switch s {
	case "ok":
		return StatusOK, true
	case "pending":
		return StatusPending, true
	case "deleted":
		return StatusDeleted, true
	case "":
		return 0, true
	}
	return 0, false
}

// Role is the function of a point of contact (const.py POC_ROLES).
type Role uint8

// Roles.
const (
	RoleAbuse Role = iota + 1
	RoleMaintenance
	RolePolicy
	RoleTechnical
	RoleNOC
	RolePublicRelations
	RoleSales
)

var roleNames = [...]string{
	RoleAbuse:           "Abuse",
	RoleMaintenance:     "Maintenance",
	RolePolicy:          "Policy",
	RoleTechnical:       "Technical",
	RoleNOC:             "NOC",
	RolePublicRelations: "Public Relations",
	RoleSales:           "Sales",
}

// String returns the role as PeeringDB writes it, e.g. "NOC".
func (r Role) String() string {
	if int(r) < len(roleNames) && roleNames[r] != "" {
		return roleNames[r]
	}
	return "Role(" + strconv.Itoa(int(r)) + ")"
}

// ParseRole parses a role as PeeringDB writes it.
func ParseRole(s string) (Role, bool) {
	for r := RoleAbuse; r <= RoleSales; r++ {
		if roleNames[r] == s {
			return r, true
		}
	}
	return 0, false
}

// RoleSet is a set of roles.
type RoleSet uint16

// Roles returns the set of the given roles.
func Roles(rs ...Role) RoleSet {
	var s RoleSet
	for _, r := range rs {
		s |= 1 << r
	}
	return s
}

// Has reports whether r is in the set.
func (s RoleSet) Has(r Role) bool { return s&(1<<r) != 0 }

// OperationalRoles are the roles of a contact that can act on a routing
// problem. PeeringDB itself asks for a Technical, NOC or Policy contact with
// an e-mail address, visible to users or the public, before a network may
// join an exchange (serializers.py NetworkIXLanSerializer
// _validate_network_contact).
const OperationalRoles = RoleSet(1<<RoleTechnical | 1<<RoleNOC | 1<<RolePolicy)

// Visibility says who may see a contact (const.py VISIBILITY). The values
// are ordered: a contact is seen by an audience when its Visibility is at
// least the audience's.
type Visibility uint8

// Visibilities.
const (
	// Private contacts are seen by the organisation's own users.
	Private Visibility = iota + 1
	// Users contacts are seen by every logged-in PeeringDB user.
	Users
	// Public contacts are seen by anyone, the anonymous API included.
	Public
)

var visibilityNames = [...]string{Private: "Private", Users: "Users", Public: "Public"}

// String returns the visibility as PeeringDB writes it.
func (v Visibility) String() string {
	if int(v) < len(visibilityNames) && visibilityNames[v] != "" {
		return visibilityNames[v]
	}
	return "Visibility(" + strconv.Itoa(int(v)) + ")"
}

// ParseVisibility parses a visibility as PeeringDB writes it.
func ParseVisibility(s string) (Visibility, bool) {
	for v := Private; v <= Public; v++ {
		if visibilityNames[v] == s {
			return v, true
		}
	}
	return 0, false
}

// Network is a PeeringDB net object: one autonomous system.
type Network struct {
	ID    uint32
	OrgID uint32
	Name  string
	// Website is the network's own website; "" means the organisation's.
	Website string
	ASN     bgp.ASN
	// IRRASSet is the IRR as-set the network registers its customers in,
	// as written, e.g. "RIPE::AS-EXAMPLE"; "" when none.
	IRRASSet string
	// InfoPrefixes4 and InfoPrefixes6 are the number of prefixes the
	// network says it announces (for max-prefix settings); 0 when not
	// given.
	InfoPrefixes4 uint32
	InfoPrefixes6 uint32
	// PolicyGeneral is the peering policy: "Open", "Selective",
	// "Restrictive", "No" or "".
	PolicyGeneral string
	// ContactIDs lists the ids of the network's contacts when the input
	// gave them ("poc_set" at depth 1 or 2); nil otherwise.
	ContactIDs []uint32
	Created    time.Time
	Updated    time.Time
	Status     Status
}

// Organization is a PeeringDB org object: the holder of networks.
type Organization struct {
	ID      uint32
	Name    string
	Website string
	// Country is the ISO 3166-1 alpha-2 code of the organisation's
	// address, "" when not given.
	Country string
	Created time.Time
	Updated time.Time
	Status  Status
}

// Contact is a PeeringDB poc object: a point of contact of a network.
type Contact struct {
	ID      uint32
	NetID   uint32
	Role    Role
	Visible Visibility
	Name    string
	Phone   string
	Email   string
	URL     string
	Created time.Time
	Updated time.Time
	Status  Status
}

// Reachable reports whether the contact gives a way to reach someone: an
// e-mail address or a phone number.
func (c *Contact) Reachable() bool { return c.Email != "" || c.Phone != "" }

// LastChange returns when the contact was last updated, or created when it
// has no update time; zero when it has neither.
func (c *Contact) LastChange() time.Time {
	if !c.Updated.IsZero() {
		return c.Updated
	}
	return c.Created
}

// Age returns how long before at the contact last changed; 0 when it has no
// time or changed after at.
func (c *Contact) Age(at time.Time) time.Duration {
	t := c.LastChange()
	if t.IsZero() || t.After(at) {
		return 0
	}
	return at.Sub(t)
}
