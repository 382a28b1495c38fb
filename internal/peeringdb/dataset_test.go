package peeringdb

import (
	"os"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

func loadFile(t *testing.T, file string, kind Kind) *Dataset {
	t.Helper()
	f, err := os.Open("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := NewDataset()
	rd := NewReader(f, file)
	rd.Kind = kind
	if err := d.Load(rd); err != nil {
		t.Fatal(err)
	}
	if st := rd.Stats(); st.Skipped != 0 {
		t.Fatalf("%s: %d objects skipped: %v", file, st.Skipped, st.Errors)
	}
	return d
}

func TestDatasetLookups(t *testing.T) {
	d := loadFile(t, "dump-small.json", 0)
	if nets, orgs, pocs := d.Len(); nets != 4 || orgs != 3 || pocs != 6 {
		t.Fatalf("Len = %d, %d, %d", nets, orgs, pocs)
	}
	n, ok := d.Network(64500)
	if !ok || n.ID != 20001 || n.Name != "Example Transit" {
		t.Fatalf("Network(64500) = %+v, %v", n, ok)
	}
	o, ok := d.OrganizationOf(64500)
	if !ok || o.ID != 30001 || o.Country != "US" {
		t.Fatalf("OrganizationOf(64500) = %+v, %v", o, ok)
	}
	if got := d.Contacts(64500); len(got) != 3 || got[0].ID != 40001 || got[2].ID != 40003 {
		t.Fatalf("Contacts(64500) = %v", got)
	}
	// The live record wins over the deleted one with the same ASN, though
	// that was updated later.
	if n, ok := d.Network(64503); !ok || n.ID != 20005 {
		t.Fatalf("Network(64503) = %+v", n)
	}
	if n, ok := d.NetworkByID(19999); !ok || n.Status != StatusDeleted {
		t.Fatalf("NetworkByID(19999) = %+v, %v", n, ok)
	}
	if _, ok := d.Network(64999); ok {
		t.Fatal("found a network that is not there")
	}
	if _, ok := d.OrganizationOf(64999); ok || d.Contacts(64999) != nil {
		t.Fatal("found the organisation or contacts of a network that is not there")
	}
	if c, ok := d.ContactByID(40005); !ok || c.NetID != 20002 {
		t.Fatalf("ContactByID(40005) = %+v, %v", c, ok)
	}
	var asns []bgp.ASN
	for n := range d.Networks() {
		asns = append(asns, n.ASN)
	}
	if len(asns) != 3 || asns[0] != 64500 || asns[2] != 4200000001 {
		t.Fatalf("Networks() = %v", asns)
	}
	if d.Replaced() != 1 {
		t.Fatalf("Replaced() = %d, want 1", d.Replaced())
	}
}

func TestFreshestContact(t *testing.T) {
	d := loadFile(t, "dump-small.json", 0)
	at := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		asn    bgp.ASN
		vis    Visibility
		roles  RoleSet
		wantID uint32 // 0: none
		age    time.Duration
	}{
		{"noc of a transit", 64500, Public, OperationalRoles, 40001, at.Sub(time.Date(2024, 3, 11, 8, 0, 27, 0, time.UTC))},
		{"abuse only", 64500, Public, Roles(RoleAbuse), 40002, at.Sub(time.Date(2017, 1, 15, 12, 0, 0, 0, time.UTC))},
		{"any role", 64500, Public, 0, 40001, at.Sub(time.Date(2024, 3, 11, 8, 0, 27, 0, time.UTC))},
		{"no maintenance contact", 64500, Public, Roles(RoleMaintenance), 0, 0},
		{"phone-only public contact", 4200000001, Public, OperationalRoles, 40004, at.Sub(time.Date(2019, 8, 1, 12, 31, 0, 0, time.UTC))},
		{"users see the fresher users contact", 4200000001, Users, OperationalRoles, 40005, at.Sub(time.Date(2023, 12, 24, 18, 0, 0, 0, time.UTC))},
		{"deleted contact does not count", 64503, Private, 0, 0, 0},
		{"no network", 64999, Private, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := d.FreshestContact(tt.asn, tt.vis, tt.roles)
			if tt.wantID == 0 {
				if ok || d.HasContact(tt.asn, tt.vis, tt.roles) {
					t.Fatalf("found %+v", c)
				}
				return
			}
			if !ok || c.ID != tt.wantID || !d.HasContact(tt.asn, tt.vis, tt.roles) {
				t.Fatalf("got %+v, %v; want id %d", c, ok, tt.wantID)
			}
			st := d.ContactStatus(tt.asn, at, tt.vis, tt.roles)
			if !st.Registered || st.Contact != c || st.Age != tt.age || st.Network == nil || st.Organization == nil {
				t.Fatalf("ContactStatus = %+v, want age %v", st, tt.age)
			}
		})
	}
	st := d.ContactStatus(64503, at, Public, OperationalRoles)
	if !st.Registered || st.Contact != nil || st.Age != 0 {
		t.Fatalf("ContactStatus(64503) = %+v", st)
	}
	if st := d.ContactStatus(64999, at, Public, 0); st.Registered || st.Network != nil {
		t.Fatalf("ContactStatus(64999) = %+v", st)
	}
}

func TestContactAge(t *testing.T) {
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	created := at.Add(-48 * time.Hour)
	tests := []struct {
		name string
		c    Contact
		want time.Duration
	}{
		{"updated", Contact{Created: created, Updated: at.Add(-time.Hour)}, time.Hour},
		{"created only", Contact{Created: created}, 48 * time.Hour},
		{"no times", Contact{}, 0},
		{"in the future", Contact{Updated: at.Add(time.Hour)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Age(at); got != tt.want {
				t.Fatalf("Age = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDatasetReplace(t *testing.T) {
	d := NewDataset()
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	d.AddNetwork(&Network{ID: 1, ASN: 64500, Updated: t0, Status: StatusOK})
	d.AddContact(&Contact{ID: 7, NetID: 1, Role: RoleNOC, Visible: Public, Email: "a@example.net", Updated: t0})
	// An older copy of the contact loses.
	d.AddContact(&Contact{ID: 7, NetID: 1, Role: RoleNOC, Visible: Public, Email: "old@example.net", Updated: t0.Add(-time.Hour)})
	if c, _ := d.ContactByID(7); c.Email != "a@example.net" {
		t.Fatalf("older contact replaced the newer: %+v", c)
	}
	// A newer copy moves to another network.
	d.AddNetwork(&Network{ID: 2, ASN: 64501, Status: StatusOK})
	d.AddContact(&Contact{ID: 7, NetID: 2, Role: RoleNOC, Visible: Public, Email: "b@example.net", Updated: t0.Add(time.Hour)})
	if len(d.Contacts(64500)) != 0 || len(d.Contacts(64501)) != 1 {
		t.Fatalf("contact did not move: %v %v", d.Contacts(64500), d.Contacts(64501))
	}
	// A network record that changes its ASN frees the old one.
	d.AddNetwork(&Network{ID: 1, ASN: 64510, Updated: t0.Add(time.Hour), Status: StatusOK})
	if _, ok := d.Network(64500); ok {
		t.Fatal("old ASN still maps to the network")
	}
	if n, ok := d.Network(64510); !ok || n.ID != 1 {
		t.Fatal("new ASN does not map to the network")
	}
	// A deleted record does not take the ASN of a live one.
	d.AddNetwork(&Network{ID: 3, ASN: 64510, Updated: t0.Add(2 * time.Hour), Status: StatusDeleted})
	if n, _ := d.Network(64510); n.ID != 1 {
		t.Fatalf("deleted record won: %+v", n)
	}
	d.AddOrganization(&Organization{ID: 5, Name: "new", Updated: t0})
	d.AddOrganization(&Organization{ID: 5, Name: "old", Updated: t0.Add(-time.Hour)})
	if o, _ := d.Organization(5); o.Name != "new" {
		t.Fatalf("older organisation won: %+v", o)
	}
	if d.Replaced() != 5 {
		t.Fatalf("Replaced() = %d, want 5", d.Replaced())
	}
}

func TestLoadAPIResponses(t *testing.T) {
	d := NewDataset()
	for _, f := range []struct {
		file string
		kind Kind
	}{
		{"api-net-depth0.json", KindNetwork},
		{"api-net-depth2.json", KindNetwork},
		{"api-org.json", KindOrganization},
		{"api-poc.json", KindContact},
	} {
		src := loadFile(t, f.file, f.kind)
		for n := range all(src.netByID) {
			d.AddNetwork(n)
		}
		for o := range all(src.orgs) {
			d.AddOrganization(o)
		}
		for c := range all(src.contacts) {
			d.AddContact(c)
		}
	}
	c, ok := d.FreshestContact(64501, Public, OperationalRoles)
	if !ok || c.ID != 40010 {
		t.Fatalf("nested contacts: %+v, %v", c, ok)
	}
	if c, ok := d.FreshestContact(64500, Public, OperationalRoles); !ok || c.ID != 40001 {
		t.Fatalf("contacts from a poc list: %+v, %v", c, ok)
	}
	if o, ok := d.OrganizationOf(4200000001); !ok || o.Name != "Beispiel Kabel GmbH" {
		t.Fatalf("OrganizationOf: %+v, %v", o, ok)
	}
}
