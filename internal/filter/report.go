package filter

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/irr"
)

// Report tells what went into a filter and what did not, and why: what
// bgpq4 leaves unsaid. Its JSON field names are those documented in
// docs/manrs-filter.md.
type Report struct {
	Objects []string `json:"objects"`
	Except  []string `json:"except"`
	Family  string   `json:"family"`
	Format  string   `json:"format"`
	Kind    string   `json:"kind"`
	// Sources are the sources searched, in order of precedence.
	Sources []string `json:"sources"`
	// MissingSources were asked for but hold no object.
	MissingSources []string `json:"missing_sources"`
	Sets           []string `json:"sets"`
	UnknownSets    []string `json:"unknown_sets"`
	Truncated      bool     `json:"truncated"`
	// ASNs counts the AS numbers of the filter; SkippedASNs are those
	// left out.
	ASNs        int          `json:"asns"`
	SkippedASNs []ReportASN  `json:"skipped_asns"`
	Prefixes    int          `json:"prefixes"`
	Ranges      int          `json:"ranges"`
	Entries     int          `json:"entries"`
	Foreign     []Foreign    `json:"foreign"`
	Dropped     []ReportNote `json:"dropped"`
	Annotated   []ReportNote `json:"annotated"`
	// Filter is the filter as written, in a JSON report.
	Filter *string `json:"filter,omitempty"`
}

// ReportASN is an AS number left out and why.
type ReportASN struct {
	ASN    string `json:"asn"`
	Reason string `json:"reason"`
}

// Foreign is a registered prefix of the filter whose route objects also
// name origins outside the query: space the query's ASes may not hold.
type Foreign struct {
	Prefix string `json:"prefix"`
	// Origins are the query's ASes that register the prefix.
	Origins []string `json:"origins"`
	// Others are the other origins, each with the sources that register
	// the prefix for it.
	Others []ForeignOrigin `json:"others"`
}

// ForeignOrigin is an origin outside the query registering a prefix.
type ForeignOrigin struct {
	ASN     string   `json:"asn"`
	Sources []string `json:"sources"`
}

// ReportNote is a prefix dropped from the filter or annotated in it.
type ReportNote struct {
	Prefix string `json:"prefix"`
	// MinLength and MaxLength are the lengths of a prefix range.
	MinLength int         `json:"min_length"`
	MaxLength int         `json:"max_length"`
	Reason    string      `json:"reason"`
	Origins   []string    `json:"origins"`
	Detail    string      `json:"detail"`
	VRPs      []ReportVRP `json:"vrps,omitempty"`
}

// ReportVRP is a VRP covering an RPKI-invalid prefix, as manrs rov
// writes it.
type ReportVRP struct {
	ASN       string `json:"asn"`
	Prefix    string `json:"prefix"`
	MaxLength int    `json:"max_length"`
}

// NewReport reports on the filter l made from q in format f: x is its
// expansion against db with the sources (none for all), notes the notes
// Build returned.
func NewReport(db *irr.DB, f *Format, q Query, x *Expansion, l *List, notes []Note, sources []string) *Report {
	r := &Report{
		Objects: objectTexts(q.Objects), Except: objectTexts(q.Except),
		Family: "ipv4", Format: f.Name, Kind: l.Kind.String(),
		MissingSources: nonNil(x.MissingSources), Sets: nonNil(x.Sets), UnknownSets: nonNil(x.Unknown),
		Truncated: x.Truncated, ASNs: len(x.ASNs), SkippedASNs: []ReportASN{},
		Prefixes: len(x.Routes), Ranges: len(x.Ranges), Entries: len(l.Entries),
		Foreign: []Foreign{}, Dropped: []ReportNote{}, Annotated: []ReportNote{},
	}
	if x.V6 {
		r.Family = "ipv6"
	}
	if l.Kind == ASPath || l.Kind == ASSet {
		r.Entries = len(l.ASNs)
	}
	src, _ := sourcesOf(db, sources)
	r.Sources = src.names
	if len(sources) == 0 {
		r.Sources = db.Order()
	}
	r.Sources = nonNil(r.Sources)
	for _, s := range x.Skipped {
		r.SkippedASNs = append(r.SkippedASNs, ReportASN{ASN: s.ASN.String(), Reason: s.Reason})
	}
	for _, n := range notes {
		rn := ReportNote{Prefix: n.Prefix.String(), MinLength: n.Lo, MaxLength: n.Hi, Reason: n.Reason.String(),
			Origins: asnStrings(n.Origins), Detail: n.Detail}
		for _, v := range n.VRPs {
			rn.VRPs = append(rn.VRPs, ReportVRP{ASN: v.ASN.String(), Prefix: v.Prefix.String(), MaxLength: int(v.MaxLength)})
		}
		if n.Action == Drop {
			r.Dropped = append(r.Dropped, rn)
		} else {
			r.Annotated = append(r.Annotated, rn)
		}
	}
	if !src.none {
		r.Foreign = foreign(db, x, src)
	}
	return r
}

// foreign finds the registered prefixes of x whose route objects, in the
// sources of src, also name origins outside x.ASNs.
func foreign(db *irr.DB, x *Expansion, src sources) []Foreign {
	out := []Foreign{}
	for _, rt := range x.Routes {
		var others []ForeignOrigin
		for _, o := range db.Origins(rt.Prefix) {
			if _, in := slices.BinarySearch(x.ASNs, o); in {
				continue
			}
			s := db.RouteSources(rt.Prefix, o)
			if s.Bits()&src.mask == 0 {
				continue
			}
			var names []string
			for _, n := range s.Names() {
				if src.mask == ^uint64(0) || slices.Contains(src.names, n) {
					names = append(names, n)
				}
			}
			others = append(others, ForeignOrigin{ASN: o.String(), Sources: names})
		}
		if len(others) > 0 {
			out = append(out, Foreign{Prefix: rt.Prefix.String(), Origins: asnStrings(rt.Origins), Others: others})
		}
	}
	return out
}

func objectTexts(os []Object) []string {
	out := make([]string, 0, len(os))
	for _, o := range os {
		out = append(out, o.Text)
	}
	return out
}

func asnStrings(asns []bgp.ASN) []string {
	out := make([]string, 0, len(asns))
	for _, a := range asns {
		out = append(out, a.String())
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WriteText writes the report for people, one fact a line, each starting
// with prefix (e.g. "manrs: filter: ").
func (r *Report) WriteText(w io.Writer, prefix string) error {
	var b strings.Builder
	line := func(format string, a ...any) {
		b.WriteString(prefix)
		fmt.Fprintf(&b, format, a...)
		b.WriteByte('\n')
	}
	line("%s %s of %s in format %s, from sources %s", r.Family, r.Kind, strings.Join(r.Objects, " "), r.Format, list(r.Sources))
	if len(r.Except) > 0 {
		line("except %s", strings.Join(r.Except, " "))
	}
	if len(r.MissingSources) > 0 {
		line("no object from sources %s", list(r.MissingSources))
	}
	cut := ""
	if r.Truncated {
		cut = ", cut short by a limit"
	}
	line("%s expanded%s", plural(len(r.Sets), "set"), cut)
	if len(r.UnknownSets) > 0 {
		line("unknown sets: %s", list(r.UnknownSets))
	}
	line("%s, %d left out", plural(r.ASNs, "AS"), len(r.SkippedASNs))
	for _, s := range r.SkippedASNs {
		line("  left out %s: %s", s.ASN, s.Reason)
	}
	line("%s, %s; %s written", plural(r.Prefixes, "registered prefix"), plural(r.Ranges, "prefix range"), plural(r.Entries, "entry"))
	line("%d dropped", len(r.Dropped))
	for _, n := range r.Dropped {
		line("  dropped %s", noteText(n))
	}
	line("%d annotated", len(r.Annotated))
	for _, n := range r.Annotated {
		line("  annotated %s", noteText(n))
	}
	line("%s also registered by origins outside the query", plural(len(r.Foreign), "prefix"))
	for _, f := range r.Foreign {
		var others []string
		for _, o := range f.Others {
			others = append(others, o.ASN+" ("+list(o.Sources)+")")
		}
		line("  %s from %s, also from %s", f.Prefix, strings.Join(f.Origins, " "), strings.Join(others, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func noteText(n ReportNote) string {
	s := n.Reason + " " + n.Prefix
	if p, err := netip.ParsePrefix(n.Prefix); err == nil && (n.MinLength != p.Bits() || n.MaxLength != p.Bits()) {
		s += fmt.Sprintf(" (lengths %d-%d)", n.MinLength, n.MaxLength)
	}
	if len(n.Origins) > 0 {
		s += " from " + strings.Join(n.Origins, " ")
	}
	return s + ": " + n.Detail
}

// plural returns "1 prefix" or "n prefixes".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	switch {
	case strings.HasSuffix(what, "x"):
		what += "es"
	case strings.HasSuffix(what, "y"):
		what = what[:len(what)-1] + "ies"
	case strings.HasSuffix(what, "S"):
		what += "es"
	default:
		what += "s"
	}
	return fmt.Sprintf("%d %s", n, what)
}

func list(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, ",")
}
