package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Route is one route a collector peer held or announced: the evidence of
// an incident.
type Route struct {
	Collector string       `json:"collector"`
	PeerASN   bgp.ASN      `json:"peer_asn"`
	PeerIP    netip.Addr   `json:"peer_ip"`
	Prefix    netip.Prefix `json:"prefix"`
	Path      []bgp.ASN    `json:"as_path"`
	Seen      time.Time    `json:"seen"`
}

// Incident is one occurrence of an incident metric (M1 to M5 and their
// C forms) charged to one AS on one day.
type Incident struct {
	// ID is stable: observing the same day again gives the same ID, so
	// disputes stay attached.
	ID     string  `json:"id"`
	Metric Metric  `json:"metric"`
	ASN    bgp.ASN `json:"asn"`
	// Culprit is the AS that caused it: ASN itself, or for a C metric
	// the direct customer of ASN whose incident ASN propagated.
	Culprit bgp.ASN `json:"culprit_asn"`
	// Prefixes are the prefixes involved, sorted.
	Prefixes []netip.Prefix `json:"prefixes"`
	// Start and End bound it within the day it was observed on.
	// Continued is set when it was already active when the day's data
	// begins, Ongoing when it still was when they end.
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Continued bool      `json:"continued"`
	Ongoing   bool      `json:"ongoing"`
	// Peers is the number of collector peers that saw it.
	Peers int `json:"peers"`
	// Reason says in words why the routes raise the metric.
	Reason string `json:"reason"`
	// Detail holds what the detector established beyond the metric, as
	// fields the feeds and the API can use without reading Reason.
	Detail Detail `json:"detail"`
	// Evidence holds some of the routes behind it, at most a few per
	// prefix.
	Evidence []Route `json:"evidence"`
}

// Detail is what a detector established about an incident beyond its
// metric. Each field belongs to some metrics; the others leave it zero.
type Detail struct {
	// LeakType is the RFC 7908 section 3 type of an M1 route leak:
	// 1 provider to provider, 2 peer to peer, 3 provider to peer,
	// 4 peer to provider.
	LeakType int `json:"leak_type,omitempty"`
	// ASPA is the ASPA verification state (draft-ietf-sidrops-aspa-
	// verification) of the leaking path as a collector peer passed it
	// on (downstream verification): valid, invalid or unknown; empty
	// when no ASPA records were loaded.
	ASPA string `json:"aspa,omitempty"`
	// Expected are the origins the covering ROAs of an M2 incident's
	// prefixes authorise, sorted.
	Expected []bgp.ASN `json:"expected_origins,omitempty"`
	// ExactROA is set when one of those ROAs is for the incident's
	// prefix itself: a hijack of the prefix, not of a more-specific.
	ExactROA bool `json:"exact_roa,omitempty"`
	// BogonASN is the bogon ASN of an M4 incident's path.
	BogonASN bgp.ASN `json:"bogon_asn,omitempty"`
}

// IsZero reports whether d holds nothing.
func (d *Detail) IsZero() bool {
	return d.LeakType == 0 && d.ASPA == "" && len(d.Expected) == 0 && !d.ExactROA && d.BogonASN == 0
}

// Merge adds what o holds to d: the expected origins of both, the exact
// ROA of either; the other fields are d's, or o's where d has none.
func (d *Detail) Merge(o *Detail) {
	if d.LeakType == 0 {
		d.LeakType = o.LeakType
	}
	if d.ASPA == "" {
		d.ASPA = o.ASPA
	}
	if d.BogonASN == 0 {
		d.BogonASN = o.BogonASN
	}
	d.ExactROA = d.ExactROA || o.ExactROA
	if len(o.Expected) > 0 {
		// A new slice: d's may share its array with another Detail.
		all := append(slices.Clone(d.Expected), o.Expected...)
		slices.Sort(all)
		d.Expected = slices.Compact(all)
	}
}

// Duration is how long the incident lasted within its day.
func (i *Incident) Duration() time.Duration { return i.End.Sub(i.Start) }

// MakeID returns the stable ID of an incident from what identifies it:
// the day, the metric, the AS charged, the culprit, its first prefix and
// its start.
func MakeID(day time.Time, m Metric, asn, culprit bgp.ASN, first netip.Prefix, start time.Time) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d|%d|%s|%d", day.UTC().Format("2006-01-02"), m, asn, culprit, first, start.Unix())
	return hex.EncodeToString(h.Sum(nil)[:10])
}

// Weight is the Observatory's weight of an incident that lasted d: under
// 30 minutes 0.5, under a day 1, and 1 more for each further day begun.
func Weight(d time.Duration) float64 {
	switch {
	case d < 30*time.Minute:
		return 0.5
	case d < 24*time.Hour:
		return 1
	}
	return 1 + float64(d/(24*time.Hour))
}

// Span is a time interval of one or more merged incidents.
type Span struct {
	Start, End time.Time
	// IDs are the incidents merged into the span.
	IDs []string
}

// Merge merges the incidents of one metric and one AS that overlap in
// time (or touch) into spans, in order of start, as the Observatory
// counts them: overlapping events of one metric are one incident.
func Merge(incidents []Incident) []Span {
	order := make([]int, len(incidents))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return incidents[a].Start.Compare(incidents[b].Start) })
	var out []Span
	for _, i := range order {
		in := &incidents[i]
		if n := len(out); n > 0 && !in.Start.After(out[n-1].End) {
			if in.End.After(out[n-1].End) {
				out[n-1].End = in.End
			}
			out[n-1].IDs = append(out[n-1].IDs, in.ID)
			continue
		}
		out = append(out, Span{Start: in.Start, End: in.End, IDs: []string{in.ID}})
	}
	return out
}
