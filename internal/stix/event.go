package stix

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
)

// ongoingValidity is how long the indicator of an incident still active
// at the end of its day stays valid: until the next day's observation
// publishes its continuation.
const ongoingValidity = 24 * time.Hour

// FromIncident returns the STIX objects of one stored incident: its
// indicator first, then the observables, the observed-data, the
// relationship of the indicator to it, the collector peers' identities,
// the sighting and the note. The producer and extension definition are
// not included (Shared).
func FromIncident(in store.Incident) []Object {
	ev := classify(&in.Incident)
	key := "incident|" + in.ID
	start, end := in.Start, in.End
	if end.Before(start) {
		end = start
	}

	var observables []Object
	var obsRefs []ID
	addAS := func(a bgp.ASN) {
		o := NewAutonomousSystem(a)
		if !slices.Contains(obsRefs, o.ID) {
			observables = append(observables, o)
			obsRefs = append(obsRefs, o.ID)
		}
	}
	addAS(in.Culprit)
	if in.ASN != in.Culprit {
		addAS(in.ASN)
	}
	for _, p := range in.Prefixes {
		o := NewAddress(p)
		observables = append(observables, o)
		obsRefs = append(obsRefs, o.ObjectID())
	}

	ind := &Indicator{
		Common:         newCommon("indicator", NewID("indicator", key), start, end),
		Name:           incidentName(&in.Incident, ev),
		Description:    incidentDescription(&in.Incident),
		IndicatorTypes: []string{"anomalous-activity"},
		Pattern:        prefixPattern(in.Prefixes, in.Culprit),
		PatternType:    "stix",
		PatternVersion: SpecVersion,
		ValidFrom:      At(start),
		ValidUntil:     validUntil(start, end, in.Ongoing),
	}
	ind.Labels = []string{"routing-security", string(ev.EventType), "manrs-" + strings.ToLower(string(in.Metric))}
	ind.Extensions = map[ID]any{ExtensionID: ev}

	od := &ObservedData{
		Common:         newCommon("observed-data", NewID("observed-data", key), start, end),
		FirstObserved:  At(start),
		LastObserved:   At(end),
		NumberObserved: max(1, in.Peers),
		ObjectRefs:     obsRefs,
	}
	rel := &Relationship{
		Common:           newCommon("relationship", NewID("relationship", key+"|based-on"), start, end),
		RelationshipType: "based-on",
		SourceRef:        ind.ID,
		TargetRef:        od.ID,
	}

	var peers []Object
	var where []ID
	for _, r := range in.Evidence {
		p := CollectorPeer(r.Collector, r.PeerASN, r.PeerIP)
		if !slices.Contains(where, p.ID) {
			peers = append(peers, p)
			where = append(where, p.ID)
		}
	}
	si := &Sighting{
		Common:           newCommon("sighting", NewID("sighting", key), start, end),
		Description:      fmt.Sprintf("seen by %d route collector peers", in.Peers),
		FirstSeen:        At(start),
		LastSeen:         At(end),
		Count:            in.Peers,
		SightingOfRef:    ind.ID,
		ObservedDataRefs: []ID{od.ID},
		WhereSightedRefs: where,
	}
	note := &Note{
		Common:     newCommon("note", NewID("note", key), start, end),
		Abstract:   ind.Name,
		Content:    incidentNote(&in),
		ObjectRefs: []ID{ind.ID, od.ID, si.ID},
	}
	note.Extensions = map[ID]any{ExtensionID: ev}

	out := []Object{ind}
	out = append(out, observables...)
	out = append(out, od, rel)
	out = append(out, peers...)
	return append(out, si, note)
}

// classify fills in the extension properties of an incident.
func classify(in *incident.Incident) *RoutingEvent {
	ev := &RoutingEvent{
		ExtensionType: "property-extension",
		EventID:       in.ID,
		Metric:        string(in.Metric),
		ChargedASN:    asn(uint32(in.ASN)),
		CulpritASN:    asn(uint32(in.Culprit)),
		Peers:         in.Peers,
		Continued:     in.Continued,
		Ongoing:       in.Ongoing,
	}
	for _, p := range in.Prefixes {
		ev.Prefixes = append(ev.Prefixes, p.String())
	}
	if len(in.Evidence) > 0 && len(in.Evidence[0].Path) > 0 {
		path := in.Evidence[0].Path
		for _, a := range path {
			ev.ASPath = append(ev.ASPath, uint32(a))
		}
		ev.ObservedOrigin = asn(uint32(path[len(path)-1]))
	}
	d := &in.Detail
	switch in.Metric.Direct() {
	case incident.M1:
		ev.EventType = RouteLeak
		ev.LeakerASN = asn(uint32(in.Culprit))
		ev.LeakType = d.LeakType
		ev.ASPAState = d.ASPA
	case incident.M2:
		ev.RPKIState = "invalid"
		for _, a := range d.Expected {
			ev.ExpectedOrigins = append(ev.ExpectedOrigins, uint32(a))
		}
		switch {
		case d.ExactROA:
			ev.EventType = Hijack
		case len(d.Expected) > 0:
			ev.EventType = SubPrefixHijack
		default:
			ev.EventType = RPKIInvalid
		}
	case incident.M3:
		ev.EventType = BogonPrefix
	case incident.M4:
		ev.EventType = BogonASN
		if d.BogonASN != 0 {
			ev.BogonASN = asn(uint32(d.BogonASN))
		}
	case incident.M5:
		ev.EventType = Spoofing
	default:
		ev.EventType = RPKIInvalid
	}
	return ev
}

var eventWords = map[EventType]string{
	Hijack:                 "Hijack",
	SubPrefixHijack:        "Sub-prefix hijack",
	RouteLeak:              "Route leak",
	BogonPrefix:            "Bogon prefix",
	BogonASN:               "Bogon ASN in path",
	RPKIInvalid:            "RPKI-invalid announcement",
	Spoofing:               "Spoofed packets leave the network",
	ContactRemoved:         "Contact information removed",
	ConformanceLapse:       "MANRS conformance lapsed",
	ConformanceRestoration: "MANRS conformance restored",
}

func incidentName(in *incident.Incident, ev *RoutingEvent) string {
	var b strings.Builder
	b.WriteString(eventWords[ev.EventType])
	switch {
	case ev.EventType == RouteLeak && ev.LeakType > 0:
		fmt.Fprintf(&b, " (RFC 7908 type %d) by AS%d", ev.LeakType, in.Culprit)
	case ev.EventType == BogonASN && ev.BogonASN != nil:
		fmt.Fprintf(&b, " AS%d behind AS%d", *ev.BogonASN, in.Culprit)
	case ev.EventType == Spoofing:
		fmt.Fprintf(&b, ": AS%d", in.Culprit)
	default:
		fmt.Fprintf(&b, " by AS%d", in.Culprit)
	}
	if len(in.Prefixes) > 0 {
		fmt.Fprintf(&b, ": %s", in.Prefixes[0])
		if n := len(in.Prefixes) - 1; n > 0 {
			fmt.Fprintf(&b, " and %d more", n)
		}
	}
	if in.ASN != in.Culprit {
		fmt.Fprintf(&b, ", propagated by its provider AS%d", in.ASN)
	}
	return b.String()
}

func incidentDescription(in *incident.Incident) string {
	return fmt.Sprintf("%s. MANRS metric %s charged to AS%d. Seen by %d route collector peers from %s to %s.",
		in.Reason, in.Metric, in.ASN, in.Peers, in.Start.UTC().Format(time.RFC3339), in.End.UTC().Format(time.RFC3339))
}

func incidentNote(in *store.Incident) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s.\n\n", incidentDescription(&in.Incident))
	if in.Continued {
		b.WriteString("It was already active when the day's data began. ")
	}
	if in.Ongoing {
		b.WriteString("It was still active when the day's data ended. ")
	}
	fmt.Fprintf(&b, "Observed on %s; manrs incident %s.", in.Date.UTC().Format("2006-01-02"), in.ID)
	if len(in.Evidence) > 0 {
		b.WriteString("\n\nEvidence (collector, peer, prefix, AS path, time):")
		for _, r := range in.Evidence {
			fmt.Fprintf(&b, "\n- %s AS%d %s %s [%s] %s", r.Collector, r.PeerASN, r.PeerIP, r.Prefix, pathString(r.Path),
				r.Seen.UTC().Format(time.RFC3339))
		}
	}
	return b.String()
}

func pathString(p []bgp.ASN) string {
	s := make([]string, len(p))
	for i, a := range p {
		s[i] = strconv.FormatUint(uint64(a), 10)
	}
	return strings.Join(s, " ")
}

// validUntil is the end of an indicator's validity: the incident's end,
// a day later for an incident still active, and always after valid_from
// (STIX 2.1 section 4.7).
func validUntil(start, end time.Time, ongoing bool) Timestamp {
	if ongoing {
		end = end.Add(ongoingValidity)
	}
	if !At(end).After(At(start).Time) {
		end = At(start).Add(time.Millisecond)
	}
	return At(end)
}

// prefixPattern is a STIX pattern (STIX 2.1 section 9) matching any
// address within the prefixes, or the AS when there are none.
func prefixPattern(prefixes []netip.Prefix, a bgp.ASN) string {
	if len(prefixes) == 0 {
		return asPattern(a)
	}
	parts := make([]string, len(prefixes))
	for i, p := range prefixes {
		typ := "ipv4-addr"
		if p.Addr().Is6() {
			typ = "ipv6-addr"
		}
		parts[i] = fmt.Sprintf("[%s:value ISSUBSET '%s']", typ, p.Masked())
	}
	return strings.Join(parts, " OR ")
}

func asPattern(a bgp.ASN) string { return fmt.Sprintf("[autonomous-system:number = %d]", uint32(a)) }

// NewAutonomousSystem returns the observable of an AS, its identifier
// derived from its number (STIX 2.1 section 2.9, 6.2).
func NewAutonomousSystem(a bgp.ASN) *AutonomousSystem {
	return &AutonomousSystem{
		ObservableCommon: ObservableCommon{Type: "autonomous-system", SpecVersion: SpecVersion,
			ID: scoID("autonomous-system", fmt.Sprintf(`{"number":%d}`, uint32(a)))},
		Number: uint32(a),
	}
}

// NewAddress returns the ipv4-addr or ipv6-addr observable of a prefix,
// its identifier derived from its value (STIX 2.1 section 2.9, 6.8, 6.9).
func NewAddress(p netip.Prefix) Object {
	v := p.Masked().String()
	if p.Addr().Is4() {
		return &IPv4Addr{ObservableCommon: ObservableCommon{Type: "ipv4-addr", SpecVersion: SpecVersion,
			ID: scoID("ipv4-addr", `{"value":"`+v+`"}`)}, Value: v}
	}
	return &IPv6Addr{ObservableCommon: ObservableCommon{Type: "ipv6-addr", SpecVersion: SpecVersion,
		ID: scoID("ipv6-addr", `{"value":"`+v+`"}`)}, Value: v}
}

// CollectorPeer returns the identity of a route collector's peer, where
// an event was sighted (STIX 2.1 section 5.2, where_sighted_refs).
func CollectorPeer(collector string, peerASN bgp.ASN, peerIP netip.Addr) *Identity {
	return &Identity{
		Common:        newCommon("identity", NewID("identity", "collector-peer|"+collector+"|"+peerIP.String()), Epoch, Epoch),
		Name:          fmt.Sprintf("%s peer AS%d %s", collector, peerASN, peerIP),
		Description:   fmt.Sprintf("BGP session of route collector %s with AS%d at %s", collector, peerASN, peerIP),
		IdentityClass: "system",
	}
}

// lapseDetail is the observatory's evidence of a lapse
// (observatory.LapseDetail).
type lapseDetail struct {
	Failing    map[string]string `json:"failing,omitempty"`
	WasFailing map[string]string `json:"was_failing,omitempty"`
}

// FromLapse returns the STIX objects of a lapse or restoration of
// conformance: an indicator on the AS (SIEMs such as Microsoft Sentinel
// import indicators only), the AS observable, an observed-data, the
// relationship and a note. The detail is the observatory's JSON
// evidence; it is an error when it does not decode.
func FromLapse(l store.Lapse) ([]Object, error) {
	var det lapseDetail
	if len(l.Detail) > 0 {
		if err := json.Unmarshal(l.Detail, &det); err != nil {
			return nil, fmt.Errorf("stix: lapse of AS%d on %s: decode detail: %w", l.ASN, l.Date.Format("2006-01-02"), err)
		}
	}
	day := l.Date.UTC().Truncate(24 * time.Hour)
	key := fmt.Sprintf("lapse|%s|%d|%s", day.Format("2006-01-02"), l.ASN, l.Policy)
	ev := &RoutingEvent{ExtensionType: "property-extension", EventType: ConformanceLapse, EventID: key,
		ChargedASN: asn(uint32(l.ASN)), Policy: l.Policy, FailingActions: det.Failing, WasFailingActions: det.WasFailing}
	name := fmt.Sprintf("MANRS conformance lapsed: AS%d under policy %s", l.ASN, l.Policy)
	words := fmt.Sprintf("AS%d was conformant to MANRS policy %s on %s and is not on %s.", l.ASN, l.Policy,
		day.Add(-24*time.Hour).Format("2006-01-02"), day.Format("2006-01-02"))
	types := []string{"anomalous-activity"}
	if l.Conformant {
		ev.EventType = ConformanceRestoration
		name = fmt.Sprintf("MANRS conformance restored: AS%d under policy %s", l.ASN, l.Policy)
		words = fmt.Sprintf("AS%d was not conformant to MANRS policy %s on %s and is again on %s.", l.ASN, l.Policy,
			day.Add(-24*time.Hour).Format("2006-01-02"), day.Format("2006-01-02"))
		types = []string{"benign"}
	}
	if len(det.Failing) > 0 {
		words += " Failing now: " + bandList(det.Failing) + "."
	}
	if len(det.WasFailing) > 0 {
		words += " Failing the day before: " + bandList(det.WasFailing) + "."
	}
	return asEvent(key, l.ASN, day, name, words, types, ev), nil
}

// FromContactRemoved returns the STIX objects of an AS whose contact
// information (MANRS metric M8) was found on the day before date and is
// not on date; was names what was registered (the M8 measurement's
// detail).
func FromContactRemoved(a bgp.ASN, date time.Time, was string) []Object {
	day := date.UTC().Truncate(24 * time.Hour)
	key := fmt.Sprintf("contact-removed|%s|%d", day.Format("2006-01-02"), a)
	ev := &RoutingEvent{ExtensionType: "property-extension", EventType: ContactRemoved, EventID: key,
		Metric: string(incident.M8), ChargedASN: asn(uint32(a))}
	words := fmt.Sprintf("AS%d had reachable contact information on %s and has none on %s (MANRS metric M8).",
		a, day.Add(-24*time.Hour).Format("2006-01-02"), day.Format("2006-01-02"))
	if was != "" {
		words += " Registered before: " + was + "."
	}
	return asEvent(key, a, day, fmt.Sprintf("Contact information removed: AS%d", a), words,
		[]string{"anomalous-activity"}, ev)
}

func bandList(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		keys[i] = k + " (" + m[k] + ")"
	}
	return strings.Join(keys, ", ")
}

// asEvent is the object graph of an event about one AS on one day.
func asEvent(key string, a bgp.ASN, day time.Time, name, words string, types []string, ev *RoutingEvent) []Object {
	end := day.Add(24 * time.Hour)
	as := NewAutonomousSystem(a)
	ind := &Indicator{
		Common:         newCommon("indicator", NewID("indicator", key), day, end),
		Name:           name,
		Description:    words,
		IndicatorTypes: types,
		Pattern:        asPattern(a),
		PatternType:    "stix",
		PatternVersion: SpecVersion,
		ValidFrom:      At(day),
	}
	ind.Labels = []string{"routing-security", string(ev.EventType)}
	ind.Extensions = map[ID]any{ExtensionID: ev}
	od := &ObservedData{
		Common:         newCommon("observed-data", NewID("observed-data", key), day, end),
		FirstObserved:  At(day),
		LastObserved:   At(end),
		NumberObserved: 1,
		ObjectRefs:     []ID{as.ID},
	}
	rel := &Relationship{
		Common:           newCommon("relationship", NewID("relationship", key+"|based-on"), day, end),
		RelationshipType: "based-on",
		SourceRef:        ind.ID,
		TargetRef:        od.ID,
	}
	note := &Note{
		Common:     newCommon("note", NewID("note", key), day, end),
		Abstract:   name,
		Content:    words,
		ObjectRefs: []ID{ind.ID, od.ID},
	}
	note.Extensions = map[ID]any{ExtensionID: ev}
	return []Object{ind, as, od, rel, note}
}
