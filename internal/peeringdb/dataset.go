package peeringdb

import (
	"cmp"
	"io"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Dataset holds the networks, organisations and contacts of one PeeringDB
// snapshot, indexed for the observatory's questions. Build it with the Add
// methods or Load; once built it is safe for concurrent readers.
type Dataset struct {
	netByASN map[bgp.ASN]*Network
	netByID  map[uint32]*Network
	orgs     map[uint32]*Organization
	contacts map[uint32]*Contact
	byNet    map[uint32][]*Contact // contacts by net id, sorted by id
	replaced int
}

// NewDataset returns an empty Dataset.
func NewDataset() *Dataset {
	return &Dataset{
		netByASN: make(map[bgp.ASN]*Network),
		netByID:  make(map[uint32]*Network),
		orgs:     make(map[uint32]*Organization),
		contacts: make(map[uint32]*Contact),
		byNet:    make(map[uint32][]*Contact),
	}
}

// Load reads a dump or API response into a new Dataset. The Stats tell how
// many objects were read and skipped; the error is the Reader's.
func Load(r io.Reader, name string) (*Dataset, Stats, error) {
	d := NewDataset()
	rd := NewReader(r, name)
	err := d.Load(rd)
	return d, rd.Stats(), err
}

// Load adds every object rd hands out, and returns rd.Err().
func (d *Dataset) Load(rd *Reader) error {
	for rd.Next() {
		switch rd.Current() {
		case KindNetwork:
			d.AddNetwork(rd.Network())
		case KindOrganization:
			d.AddOrganization(rd.Organization())
		case KindContact:
			d.AddContact(rd.Contact())
		}
	}
	return rd.Err()
}

// newer reports whether an object with status s and update time u should
// replace one with status os and update time ou: live objects win over
// others, then the later update, then the later one added.
func newer(s Status, u time.Time, os Status, ou time.Time) bool {
	if s.Live() != os.Live() {
		return s.Live()
	}
	return !u.Before(ou)
}

// AddNetwork adds a copy of n. Of two networks with the same id, or with
// the same ASN (PeeringDB keeps deleted records), the live one wins, then
// the one updated last.
func (d *Dataset) AddNetwork(n *Network) {
	c := *n
	c.ContactIDs = slices.Clone(n.ContactIDs)
	if old, ok := d.netByID[c.ID]; ok {
		if !newer(c.Status, c.Updated, old.Status, old.Updated) {
			d.replaced++
			return
		}
		if d.netByASN[old.ASN] == old {
			delete(d.netByASN, old.ASN)
		}
		d.replaced++
	}
	if old, ok := d.netByASN[c.ASN]; ok && old.ID != c.ID {
		d.replaced++
		if !newer(c.Status, c.Updated, old.Status, old.Updated) {
			d.netByID[c.ID] = &c
			return
		}
	}
	d.netByID[c.ID] = &c
	d.netByASN[c.ASN] = &c
}

// AddOrganization adds a copy of o; of two with the same id the live one
// wins, then the one updated last.
func (d *Dataset) AddOrganization(o *Organization) {
	if old, ok := d.orgs[o.ID]; ok {
		d.replaced++
		if !newer(o.Status, o.Updated, old.Status, old.Updated) {
			return
		}
	}
	c := *o
	d.orgs[c.ID] = &c
}

// AddContact adds a copy of c; of two with the same id the live one wins,
// then the one updated last.
func (d *Dataset) AddContact(c *Contact) {
	if old, ok := d.contacts[c.ID]; ok {
		d.replaced++
		if !newer(c.Status, c.Updated, old.Status, old.Updated) {
			return
		}
		list := d.byNet[old.NetID]
		if i := slices.Index(list, old); i >= 0 {
			list = slices.Delete(list, i, i+1)
		}
		if len(list) == 0 {
			delete(d.byNet, old.NetID)
		} else {
			d.byNet[old.NetID] = list
		}
	}
	cc := *c
	d.contacts[cc.ID] = &cc
	list := d.byNet[cc.NetID]
	i, _ := slices.BinarySearchFunc(list, cc.ID, func(x *Contact, id uint32) int { return cmp.Compare(x.ID, id) })
	d.byNet[cc.NetID] = slices.Insert(list, i, &cc)
}

// Len returns the number of networks, organisations and contacts held.
func (d *Dataset) Len() (networks, organizations, contacts int) {
	return len(d.netByID), len(d.orgs), len(d.contacts)
}

// Replaced returns how many objects were dropped because another with the
// same id or ASN won.
func (d *Dataset) Replaced() int { return d.replaced }

// Network returns the network of asn.
func (d *Dataset) Network(asn bgp.ASN) (*Network, bool) {
	n, ok := d.netByASN[asn]
	return n, ok
}

// NetworkByID returns the network with PeeringDB id id.
func (d *Dataset) NetworkByID(id uint32) (*Network, bool) {
	n, ok := d.netByID[id]
	return n, ok
}

// Organization returns the organisation with PeeringDB id id.
func (d *Dataset) Organization(id uint32) (*Organization, bool) {
	o, ok := d.orgs[id]
	return o, ok
}

// OrganizationOf returns the organisation that holds the network of asn.
func (d *Dataset) OrganizationOf(asn bgp.ASN) (*Organization, bool) {
	n, ok := d.netByASN[asn]
	if !ok {
		return nil, false
	}
	return d.Organization(n.OrgID)
}

// Contacts returns the contacts of the network of asn, of any status and
// visibility, sorted by id. The slice is the Dataset's; do not modify it.
func (d *Dataset) Contacts(asn bgp.ASN) []*Contact {
	n, ok := d.netByASN[asn]
	if !ok {
		return nil
	}
	return d.byNet[n.ID]
}

// ContactByID returns the contact with PeeringDB id id.
func (d *Dataset) ContactByID(id uint32) (*Contact, bool) {
	c, ok := d.contacts[id]
	return c, ok
}

// Networks returns the networks in ASN order.
func (d *Dataset) Networks() iter.Seq[*Network] {
	return func(yield func(*Network) bool) {
		for _, asn := range slices.Sorted(maps.Keys(d.netByASN)) {
			if !yield(d.netByASN[asn]) {
				return
			}
		}
	}
}

// all returns the values of m in key order.
func all[V any](m map[uint32]*V) iter.Seq[*V] {
	return func(yield func(*V) bool) {
		for _, id := range slices.Sorted(maps.Keys(m)) {
			if !yield(m[id]) {
				return
			}
		}
	}
}

// FreshestContact returns the contact of the network of asn that is live,
// reachable (an e-mail address or a phone number), seen by an audience of
// visibility minVis (Public: anyone; Users: logged-in users), and has a
// role in roles (any role when roles is 0); of several, the one that
// changed last. It reports false when the network has none, or is not in
// the Dataset.
func (d *Dataset) FreshestContact(asn bgp.ASN, minVis Visibility, roles RoleSet) (*Contact, bool) {
	var best *Contact
	for _, c := range d.Contacts(asn) {
		if !c.Status.Live() || c.Visible < minVis || !c.Reachable() {
			continue
		}
		if roles != 0 && !roles.Has(c.Role) {
			continue
		}
		if best == nil || c.LastChange().After(best.LastChange()) {
			best = c
		}
	}
	return best, best != nil
}

// HasContact reports whether FreshestContact finds a contact.
func (d *Dataset) HasContact(asn bgp.ASN, minVis Visibility, roles RoleSet) bool {
	_, ok := d.FreshestContact(asn, minVis, roles)
	return ok
}

// ContactStatus is what PeeringDB says about the contact information of
// one AS (MANRS action 3, metric M8).
type ContactStatus struct {
	ASN bgp.ASN
	// Registered reports a live network record for the ASN.
	Registered bool
	// Network is the network record, nil when there is none.
	Network *Network
	// Organization is the holder of the network, nil when unknown.
	Organization *Organization
	// Contact is the freshest qualifying contact (see FreshestContact),
	// nil when there is none.
	Contact *Contact
	// Age is how long before the time asked about the contact last
	// changed; 0 without a contact.
	Age time.Duration
}

// ContactStatus reports the contact information of asn at time at, for an
// audience of visibility minVis and the roles in roles (any when 0).
func (d *Dataset) ContactStatus(asn bgp.ASN, at time.Time, minVis Visibility, roles RoleSet) ContactStatus {
	st := ContactStatus{ASN: asn}
	n, ok := d.netByASN[asn]
	if !ok {
		return st
	}
	st.Network = n
	st.Registered = n.Status.Live()
	if o, ok := d.orgs[n.OrgID]; ok {
		st.Organization = o
	}
	if c, ok := d.FreshestContact(asn, minVis, roles); ok {
		st.Contact = c
		st.Age = c.Age(at)
	}
	return st
}
