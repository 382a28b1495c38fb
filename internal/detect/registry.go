package detect

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/peeringdb"
	"github.com/manrs/manrs/internal/rpsl"
	"github.com/manrs/manrs/internal/spoofer"
)

// AutNums looks up aut-num objects (the first source in order that has
// one). It must be safe for concurrent use.
type AutNums interface {
	AutNum(asn bgp.ASN) (rpsl.AutNum, bool)
}

// Spoofing returns the M5 and M5C incidents of a day from Spoofer
// summaries over a window that ends with the day: an AS from which a
// session in the window had a spoofed routed packet received raises M5
// for the whole day; every AS whose customer cone holds it (its
// providers, theirs, and so on, from rel; none when rel is nil) raises
// M5C.
func Spoofing(sums []spoofer.Summary, rel *asrel.Graph, start, end time.Time) []incident.Incident {
	var out []incident.Incident
	for i := range sums {
		s := &sums[i]
		if s.Verdict() != spoofer.Spoofable {
			continue
		}
		reason := fmt.Sprintf("Spoofer: spoofed packets with routed sources left the network in %d of %d tests, last on %s",
			s.Received, s.Tests, s.LastReceived.UTC().Format("2006-01-02 15:04"))
		prefixes := s.SpoofablePrefixes
		if len(prefixes) == 0 {
			continue // a received test always names its client block
		}
		in := incident.Incident{Metric: incident.M5, ASN: s.ASN, Culprit: s.ASN, Prefixes: prefixes,
			Start: start, End: end, Continued: true, Ongoing: true, Reason: reason}
		in.ID = incident.MakeID(start, in.Metric, in.ASN, in.Culprit, prefixes[0], start)
		out = append(out, in)
		for _, h := range coneHolders(rel, s.ASN) {
			c := in
			c.Metric, c.ASN = incident.M5C, h
			c.Reason = fmt.Sprintf("in the customer cone: AS%d; %s", s.ASN, reason)
			c.ID = incident.MakeID(start, c.Metric, c.ASN, c.Culprit, prefixes[0], start)
			out = append(out, c)
		}
	}
	return out
}

// coneHolders returns the ASes whose customer cone holds asn: its
// providers, theirs, and so on.
func coneHolders(rel *asrel.Graph, asn bgp.ASN) []bgp.ASN {
	if rel == nil {
		return nil
	}
	seen := map[bgp.ASN]bool{asn: true}
	queue := slices.Clone(rel.Providers(asn))
	var out []bgp.ASN
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
		queue = append(queue, rel.Providers(p)...)
	}
	slices.Sort(out)
	return out
}

// Policy returns M6 for each AS: 1 when an aut-num object registers its
// routing policy, with import (or mp-import) and export (or mp-export)
// lines; 0 otherwise.
func Policy(asns []bgp.ASN, irr AutNums) []incident.Measurement {
	out := make([]incident.Measurement, 0, len(asns))
	for _, a := range asns {
		m := incident.Measurement{ASN: a, Metric: incident.M6}
		if an, ok := irr.AutNum(a); ok {
			imports, exports := len(an.Imports)+len(an.MpImports), len(an.Exports)+len(an.MpExports)
			m.Count = imports + exports
			m.Detail = fmt.Sprintf("aut-num AS%d in %s: %d import and %d export lines", a, an.Source, imports, exports)
			if imports > 0 && exports > 0 {
				m.Value = 1
			}
		} else {
			m.Detail = "no aut-num object"
		}
		out = append(out, m)
	}
	return out
}

// Contacts returns M8 for each AS at time at: 1 when PeeringDB holds a
// live, reachable contact of its network that logged-in users may see,
// or its aut-num object names contacts (admin-c, tech-c or abuse-c); 0
// otherwise. Either source may be nil.
func Contacts(asns []bgp.ASN, pdb *peeringdb.Dataset, irr AutNums, at time.Time) []incident.Measurement {
	out := make([]incident.Measurement, 0, len(asns))
	for _, a := range asns {
		m := incident.Measurement{ASN: a, Metric: incident.M8}
		var found []string
		if pdb != nil {
			if c, ok := pdb.FreshestContact(a, peeringdb.Users, 0); ok {
				found = append(found, fmt.Sprintf("PeeringDB %s contact, changed %s", c.Role, c.LastChange().UTC().Format("2006-01-02")))
			}
		}
		if irr != nil {
			if an, ok := irr.AutNum(a); ok {
				if hs := slices.Concat(an.AdminC, an.TechC, an.AbuseC); len(hs) > 0 {
					found = append(found, fmt.Sprintf("%s aut-num contacts %s", an.Source, strings.Join(hs, " ")))
				}
			}
		}
		m.Count = len(found)
		if len(found) > 0 {
			m.Value = 1
			m.Detail = strings.Join(found, "; ")
		} else {
			m.Detail = "no contact in PeeringDB or the IRR"
		}
		out = append(out, m)
	}
	return out
}
