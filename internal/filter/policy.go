package filter

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
)

// Action is what a Policy does with a prefix that fails a check.
type Action uint8

// Actions.
const (
	Keep     Action = iota // do not check
	Drop                   // leave the prefix out of the filter
	Annotate               // keep it, with a note where the format has comments
)

var actionNames = [...]string{Keep: "keep", Drop: "drop", Annotate: "annotate"}

// String returns "keep", "drop" or "annotate".
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "Action(" + strconv.Itoa(int(a)) + ")"
}

// ParseAction parses "drop" or "annotate".
func ParseAction(s string) (Action, error) {
	switch s {
	case "drop":
		return Drop, nil
	case "annotate":
		return Annotate, nil
	}
	return Keep, fmt.Errorf("%q: want drop or annotate", s)
}

// Policy is what bgpq4 does not do: checks of the registered prefixes
// against the RPKI and against bogon space.
type Policy struct {
	// RPKI validates each registered prefix with the origins of the
	// query that register it (RFC 6811); a prefix is invalid when the
	// route of every such origin is invalid. Prefix ranges of route-sets
	// and prefix objects are validated only when the ranges' own prefix
	// has route objects of the route-set's ASes.
	RPKI       *rov.Index
	RPKIAction Action
	// Bogons checks each prefix against bogon space: it fails when it
	// overlaps a bogon entry (bogon.Set.CheckPrefix).
	Bogons      *bogon.Set
	BogonAction Action
}

// Reason is why a prefix was dropped or annotated.
type Reason uint8

// Reasons.
const (
	ReasonRPKIInvalid Reason = iota + 1 // RPKI invalid for every origin of the query (RFC 6811)
	ReasonBogon                         // overlaps bogon space
	ReasonMaxLength                     // longer than the maximum length (-m)
)

var reasonNames = [...]string{ReasonRPKIInvalid: "rpki-invalid", ReasonBogon: "bogon", ReasonMaxLength: "max-length"}

// String returns "rpki-invalid", "bogon" or "max-length".
func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// Note says why a prefix was dropped from a filter or annotated in it.
type Note struct {
	Prefix netip.Prefix
	// Lo and Hi are the lengths of a prefix range; both the prefix's
	// length for a prefix.
	Lo, Hi  int
	Reason  Reason
	Action  Action
	Origins []bgp.ASN
	// Detail explains: the validation of each origin and the covering
	// VRPs, or the bogon entry.
	Detail string
	// VRPs are the VRPs covering the prefix, for ReasonRPKIInvalid.
	VRPs []rpki.VRP
}

// String returns the note on one line, e.g. "rpki-invalid 192.0.2.0/24
// AS64500: as; VRPs 192.0.2.0/23-24 AS64501".
func (n Note) String() string {
	var b strings.Builder
	b.WriteString(n.Reason.String())
	b.WriteByte(' ')
	b.WriteString(n.Prefix.String())
	if n.Lo != n.Prefix.Bits() || n.Hi != n.Prefix.Bits() {
		fmt.Fprintf(&b, " (lengths %d-%d)", n.Lo, n.Hi)
	}
	if n.Detail != "" {
		b.WriteByte(' ')
		b.WriteString(n.Detail)
	}
	return b.String()
}

// check runs the policy's checks on a prefix (range) registered by
// origins and returns the notes of the checks it fails.
func (pol *Policy) check(p netip.Prefix, lo, hi int, origins []bgp.ASN, dst []Note, vrps []rpki.VRP) ([]Note, []rpki.VRP) {
	if pol.BogonAction != Keep && pol.Bogons != nil {
		if m, ok := pol.Bogons.CheckPrefix(p); ok && m.Bogon {
			dst = append(dst, Note{Prefix: p, Lo: lo, Hi: hi, Reason: ReasonBogon, Action: pol.BogonAction,
				Origins: origins, Detail: bogonDetail(m)})
		}
	}
	if pol.RPKIAction != Keep && pol.RPKI != nil && len(origins) > 0 {
		var d strings.Builder
		invalid := true
		var all []rpki.VRP
		for _, o := range origins {
			var st rov.State
			var why rov.Reason
			st, why, vrps = pol.RPKI.ValidateVRPs(vrps[:0], p, o)
			if st != rov.Invalid {
				invalid = false
				break
			}
			if d.Len() > 0 {
				d.WriteString(", ")
			}
			fmt.Fprintf(&d, "%s: %s", o, why)
			for _, v := range vrps {
				v.TA, v.Expires = "", 0
				if !slices.Contains(all, v) {
					all = append(all, v)
				}
			}
		}
		if invalid {
			slices.SortFunc(all, rpki.CompareVRP)
			d.WriteString("; VRPs")
			for _, v := range all {
				fmt.Fprintf(&d, " %s-%d %s", v.Prefix, v.MaxLength, v.ASN)
			}
			dst = append(dst, Note{Prefix: p, Lo: lo, Hi: hi, Reason: ReasonRPKIInvalid, Action: pol.RPKIAction,
				Origins: origins, Detail: d.String(), VRPs: all})
		}
	}
	return dst, vrps
}

// bogonDetail describes the bogon entry m, as manrs bogon does.
func bogonDetail(m bogon.Match) string {
	how := "covered by"
	if m.Relation == bogon.Covers {
		how = "covers"
	}
	return fmt.Sprintf("%s %s, %s [%s; %s]", how, m.Prefix, m.Name, m.Kind, m.Source)
}
