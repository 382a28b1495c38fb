package world

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/peeringdb"
	"github.com/manrs/manrs/internal/spoofer"
)

// Events outside routing: they change the registries, not the collectors.
const (
	ContactRemoved EventType = "contact-removed" // M8: a network's contacts disappear from PeeringDB
	Spoofing       EventType = "spoofing"        // M5: a network stops filtering spoofed sources
)

func init() {
	eventMetric[ContactRemoved] = "M8"
	eventMetric[Spoofing] = "M5"
}

// PeeringDB presence of a world, after the real registry: about 40% of
// ASes have a net record, most of them with reachable contacts, some of
// them years old.
const (
	peeringDBShare  = 0.4
	noContactShare  = 0.08
	staleShare      = 0.15
	spooferDaily    = 0.02 // share of ASes with a Spoofer session each day
	spoofableShare  = 0.2  // share of tested networks that do not filter
	registryEvents  = 0.15 // registry events per routing event
	peeringDBEpochs = 2005
)

// contactState is one AS's PeeringDB record and the day its contacts are
// removed, if an event removes them.
type contactState struct {
	net      *peeringdb.Network
	contacts []peeringdb.Contact
	removed  time.Time
}

// injectRegistryEvents draws contact removals and networks that become
// spoofable, over the days of the world.
func (g *generation) injectRegistryEvents(r *rand.Rand) {
	w := g.w
	n := max(1, int(float64(eventsPerDay[w.Scale.Name]*g.opt.Days)*registryEvents))
	end := g.opt.Start.AddDate(0, 0, g.opt.Days)
	for k := 0; k < n; k++ {
		typ := ContactRemoved
		if k%2 == 1 {
			typ = Spoofing
		}
		d := r.IntN(g.opt.Days)
		start := g.opt.Start.AddDate(0, 0, d)
		var i int32
		found := false
		for range 100 {
			i = int32(r.IntN(len(w.ASes)))
			st := g.contacts[i]
			if typ == ContactRemoved && st != nil && len(st.contacts) > 0 && st.removed.IsZero() {
				st.removed = start
				found = true
				break
			}
			if typ == Spoofing && !g.spoofable[i] && g.spoofFrom[i].IsZero() {
				g.spoofFrom[i] = start
				found = true
				break
			}
		}
		if !found {
			continue
		}
		e := &Event{Type: typ, Metric: eventMetric[typ], Culprit: w.ASes[i].ASN, Start: start, End: end}
		for _, p := range w.ASes[i].IPv4[:min(1, len(w.ASes[i].IPv4))] {
			e.Prefixes = append(e.Prefixes, p.Prefix)
		}
		if typ == Spoofing {
			e.Propagators = g.coneHolders(i)
		}
		g.registryEvents = append(g.registryEvents, e)
	}
	// Networks that never filtered are ground truth too.
	for i, bad := range g.spoofable {
		if !bad {
			continue
		}
		a := &w.ASes[i]
		e := &Event{Type: Spoofing, Metric: eventMetric[Spoofing], Culprit: a.ASN, Start: g.opt.Start, End: end, Baseline: true,
			Propagators: g.coneHolders(int32(i))}
		for _, p := range a.IPv4[:min(1, len(a.IPv4))] {
			e.Prefixes = append(e.Prefixes, p.Prefix)
		}
		g.registryEvents = append(g.registryEvents, e)
	}
}

// coneHolders are the ASes whose customer cone holds AS i: its providers,
// theirs, and so on (M5C counts spoofing from a customer cone).
func (g *generation) coneHolders(i int32) []bgp.ASN {
	w := g.w
	seen := map[int32]bool{}
	queue := slices.Clone(w.ASes[i].Providers)
	var out []bgp.ASN
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, w.ASes[p].ASN)
		queue = append(queue, w.ASes[p].Providers...)
	}
	slices.Sort(out)
	return out
}

// buildContacts makes each AS's PeeringDB record.
func (g *generation) buildContacts(r *rand.Rand) {
	w := g.w
	g.contacts = make([]*contactState, len(w.ASes))
	id := uint32(1)
	for i := range w.ASes {
		a := &w.ASes[i]
		if r.Float64() >= peeringDBShare && a.Tier == Stub {
			continue
		}
		created := time.Date(peeringDBEpochs+r.IntN(18), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		updated := created.AddDate(0, r.IntN(12), r.IntN(28))
		if r.Float64() >= staleShare {
			updated = g.opt.Start.AddDate(0, 0, -1-r.IntN(700))
		}
		st := &contactState{net: &peeringdb.Network{
			ID: uint32(i + 1), OrgID: uint32(i + 1), Name: a.Name, ASN: a.ASN,
			InfoPrefixes4: uint32(len(a.IPv4)), InfoPrefixes6: uint32(len(a.IPv6)),
			PolicyGeneral: []string{"Open", "Selective", "Restrictive"}[r.IntN(3)],
			Created:       created, Updated: updated, Status: peeringdb.StatusOK,
		}}
		if a.Tier != Stub {
			st.net.IRRASSet = fmt.Sprintf("AS%d:AS-CUSTOMERS", a.ASN)
		}
		if r.Float64() >= noContactShare {
			domain := strings.ToLower(strings.NewReplacer(" ", "", ",", "", ".", "").Replace(firstWord(a.Name))) + ".example"
			for _, role := range []peeringdb.Role{peeringdb.RoleNOC, peeringdb.RoleTechnical, peeringdb.RoleAbuse, peeringdb.RolePolicy}[:1+r.IntN(4)] {
				c := peeringdb.Contact{ID: id, NetID: st.net.ID, Role: role, Visible: peeringdb.Public,
					Name: role.String() + " team", Email: strings.ToLower(strings.ReplaceAll(role.String(), " ", "")) + "@" + domain,
					Created: created, Updated: updated, Status: peeringdb.StatusOK}
				if r.IntN(5) == 0 {
					c.Visible = peeringdb.Users
				}
				st.contacts = append(st.contacts, c)
				st.net.ContactIDs = append(st.net.ContactIDs, id)
				id++
			}
		}
		g.contacts[i] = st
	}
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return "net"
}

// writePeeringDB writes a PeeringDB dump for each day, as CAIDA archives
// them; a contact-removal event deletes the contacts from its day on.
func (g *generation) writePeeringDB() error {
	w := g.w
	for d := 0; d < g.opt.Days; d++ {
		t := g.opt.Start.AddDate(0, 0, d)
		g.progress("PeeringDB %s", day(t))
		out, done, err := g.create("peeringdb/peeringdb_2_dump_"+t.Format("2006_01_02")+".json", "peeringdb-dump")
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(out)
		pw := peeringdb.NewWriter(bw)
		for i, st := range g.contacts {
			if st == nil {
				continue
			}
			o := peeringdb.Organization{ID: st.net.OrgID, Name: w.ASes[i].Name, Country: countries[w.ASes[i].RIR][0], Created: st.net.Created, Updated: st.net.Updated, Status: peeringdb.StatusOK}
			if err := pw.WriteOrganization(&o); err != nil {
				return err
			}
		}
		for _, st := range g.contacts {
			if st == nil {
				continue
			}
			n := *st.net
			if !st.removed.IsZero() && !t.Before(st.removed) {
				n.ContactIDs = nil
				n.Updated = st.removed
			}
			if err := pw.WriteNetwork(&n); err != nil {
				return err
			}
		}
		for _, st := range g.contacts {
			if st == nil || !st.removed.IsZero() && !t.Before(st.removed) {
				continue
			}
			for k := range st.contacts {
				if err := pw.WriteContact(&st.contacts[k]); err != nil {
					return err
				}
			}
		}
		if err := pw.Close(); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if err := done(); err != nil {
			return err
		}
	}
	return nil
}

// buildSpoofing decides which networks do not filter spoofed sources.
func (g *generation) buildSpoofing(r *rand.Rand) {
	g.spoofable = make([]bool, len(g.w.ASes))
	g.spoofFrom = make([]time.Time, len(g.w.ASes))
	for i := range g.spoofable {
		g.spoofable[i] = r.Float64() < spoofableShare
	}
}

// writeSpoofer writes each day's Spoofer sessions, JSON lines as the
// Spoofer Data API serves them.
func (g *generation) writeSpoofer() error {
	w := g.w
	r := rng(g.opt.Seed, "spoofer")
	sid := uint64(1_000_000)
	// A small world still gets a few sessions a day.
	daily := max(spooferDaily, 5/float64(len(w.ASes)))
	for d := 0; d < g.opt.Days; d++ {
		t := g.opt.Start.AddDate(0, 0, d)
		var sessions []spoofer.Session
		for i := range w.ASes {
			a := &w.ASes[i]
			newly := !g.spoofFrom[i].IsZero() && !t.Before(g.spoofFrom[i])
			// A network that starts to spoof is tested that day.
			if len(a.IPv4) == 0 || r.Float64() >= daily && !(newly && g.spoofFrom[i].Equal(t)) {
				continue
			}
			s := spoofer.Session{Time: t.Add(time.Duration(r.IntN(86400)) * time.Second), Country: "zzz"}
			block := a.IPv4[r.IntN(len(a.IPv4))].Prefix
			client := netip.PrefixFrom(block.Addr(), max(block.Bits(), 24)).Masked()
			s.IPv4 = spoofer.Result{ASN: a.ASN, Client: client, NAT: spoofer.NoNAT, Private: spoofer.Blocked, Routed: spoofer.Blocked}
			if r.IntN(3) == 0 {
				s.IPv4.NAT = spoofer.BehindNAT
			}
			if g.spoofable[i] || newly {
				s.IPv4.Routed, s.IPv4.Private = spoofer.Received, spoofer.Received
			}
			sessions = append(sessions, s)
		}
		slices.SortFunc(sessions, func(x, y spoofer.Session) int { return x.Time.Compare(y.Time) })
		for k := range sessions {
			sessions[k].ID = sid
			sid++
		}
		out, done, err := g.create("spoofer/sessions-"+day(t)+".jsonl", "spoofer-jsonl")
		if err != nil {
			return err
		}
		sw, err := spoofer.NewWriter(out, spoofer.FormatJSONLines)
		if err != nil {
			return err
		}
		for k := range sessions {
			if err := sw.Write(&sessions[k]); err != nil {
				return err
			}
		}
		if err := sw.Close(); err != nil {
			return err
		}
		if err := done(); err != nil {
			return err
		}
	}
	return nil
}
