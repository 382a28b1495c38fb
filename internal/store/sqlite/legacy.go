package sqlite

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
)

// Incidents stored before schema version 2 have no detail column value;
// the detectors of that time wrote the same facts into the reason text,
// in the forms these match (internal/detect, judge.go).
var (
	legacyLeakRE     = regexp.MustCompile(`^route leak \(RFC 7908 type ([1-4])\)`)
	legacyCoveringRE = regexp.MustCompile(` ([0-9a-fA-F.:]+/\d+)-\d+ AS(\d+)`)
	legacyBogonASNRE = regexp.MustCompile(`^bogon ASN AS(\d+) `)
)

// legacyDetail returns the detail of an incident stored before schema
// version 2 from its reason (a C metric's incident has its culprit's
// reason). The ASPA state was not recorded then and stays empty.
func legacyDetail(m incident.Metric, prefixes []netip.Prefix, reason string) incident.Detail {
	var d incident.Detail
	switch m.Direct() {
	case incident.M1:
		if g := legacyLeakRE.FindStringSubmatch(reason); g != nil {
			d.LeakType, _ = strconv.Atoi(g[1])
		}
	case incident.M2:
		for _, g := range legacyCoveringRE.FindAllStringSubmatch(reason, -1) {
			vp, err := netip.ParsePrefix(g[1])
			if err != nil {
				continue
			}
			a, err := strconv.ParseUint(g[2], 10, 32)
			if err != nil {
				continue
			}
			d.Expected = append(d.Expected, bgp.ASN(a))
			d.ExactROA = d.ExactROA || slices.ContainsFunc(prefixes, func(p netip.Prefix) bool { return p.Masked() == vp.Masked() })
		}
		slices.Sort(d.Expected)
		d.Expected = slices.Compact(d.Expected)
	case incident.M4:
		if g := legacyBogonASNRE.FindStringSubmatch(reason); g != nil {
			if a, err := strconv.ParseUint(g[1], 10, 32); err == nil {
				d.BogonASN = bgp.ASN(a)
			}
		}
	}
	return d
}
