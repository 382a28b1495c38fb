package acl

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"text/tabwriter"

	"github.com/manrs/manrs/internal/bgp"
)

// WriteText writes the recommendation for people: the mode and its
// standard, the facts, the reasons and the prefixes seen.
func (r *Recommendation) WriteText(w io.Writer) error {
	var b strings.Builder
	mode := r.Mode.String() + " uRPF"
	if r.Algorithm != "" {
		mode = "enhanced " + mode + ", algorithm " + r.Algorithm
	}
	fmt.Fprintf(&b, "%s: %s (%s)\n", r.Customer, mode, r.Standard)
	switch r.LocalFrom {
	case "given":
		fmt.Fprintf(&b, "on the interface of %s towards %s\n", r.Local, r.Customer)
	case "only provider":
		fmt.Fprintf(&b, "on the interface of %s, its only provider, towards %s\n", r.Local, r.Customer)
	default:
		fmt.Fprintf(&b, "on the interface of its provider towards %s\n", r.Customer)
	}
	b.WriteString("\n")
	if r.InGraph {
		fmt.Fprintf(&b, "AS relationships: providers %s; customers %s; peers %s; a cone of %s\n",
			asnWords(r.Providers), asnWords(r.Customers), asnWords(r.Peers), plural(r.Cone, "AS", "ASes"))
	} else {
		fmt.Fprintf(&b, "AS relationships: %s is not in them\n", r.Customer)
	}
	if r.RoutesGiven {
		fmt.Fprintf(&b, "routing data: %s originated in the cone, %s\n", plural(r.Routes, "route", "routes"), plural(len(r.Prefixes), "prefix", "prefixes"))
	} else {
		b.WriteString("routing data: none given\n")
	}
	if len(r.Reasons) > 0 {
		b.WriteString("\nwhy:\n")
		for _, rs := range r.Reasons {
			fmt.Fprintf(&b, "  %s: %s\n", rs.Code, rs.Text)
			if len(rs.ASNs) > 0 {
				fmt.Fprintf(&b, "    ASes: %s\n", asnWords(rs.ASNs))
			}
			if len(rs.Prefixes) > 0 {
				fmt.Fprintf(&b, "    prefixes: %s\n", prefixWords(rs.Prefixes))
			}
		}
	}
	if len(r.Prefixes) > 0 {
		b.WriteString("\nprefixes of the cone:\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  prefix\torigin\tannounced to")
		for _, p := range r.Prefixes {
			to := asnWords(p.Via)
			if p.Direct {
				to += " (and to a collector directly)"
			}
			if len(p.Bypass) > 0 {
				to += "; around " + r.Customer.String() + ": " + asnWords(p.Bypass)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.Prefix, p.Origin, to)
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func asnWords(as []bgp.ASN) string {
	if len(as) == 0 {
		return "-"
	}
	return strings.Join(asnStrings(as), " ")
}

func prefixWords(ps []netip.Prefix) string { return strings.Join(prefixStrings(ps), " ") }

func asnStrings(as []bgp.ASN) []string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return s
}

func prefixStrings(ps []netip.Prefix) []string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return s
}

type jsonReason struct {
	Code     string   `json:"code"`
	Text     string   `json:"text"`
	ASNs     []string `json:"asns"`
	Prefixes []string `json:"prefixes"`
}

type jsonPrefixSeen struct {
	Prefix   string   `json:"prefix"`
	Origin   string   `json:"origin"`
	Via      []string `json:"announced_to"`
	ViaLocal bool     `json:"via_local"`
	Direct   bool     `json:"direct"`
	Bypass   []string `json:"around_customer"`
}

type jsonRecommendation struct {
	ASN         string           `json:"asn"`
	Local       *string          `json:"local_asn"`
	LocalFrom   string           `json:"local_from,omitempty"`
	Mode        string           `json:"mode"`
	Algorithm   string           `json:"algorithm,omitempty"`
	Standard    string           `json:"standard"`
	InGraph     bool             `json:"in_relationships"`
	Providers   []string         `json:"providers"`
	Customers   []string         `json:"customers"`
	Peers       []string         `json:"peers"`
	Cone        int              `json:"cone"`
	RoutesGiven bool             `json:"routes_given"`
	Routes      int              `json:"routes"`
	Reasons     []jsonReason     `json:"reasons"`
	Prefixes    []jsonPrefixSeen `json:"prefixes"`
}

// MarshalJSON writes the recommendation with AS numbers as "AS64500" and
// prefixes as text, empty lists as [] (docs/manrs-acl.md).
func (r *Recommendation) MarshalJSON() ([]byte, error) {
	j := jsonRecommendation{
		ASN: r.Customer.String(), LocalFrom: r.LocalFrom, Mode: r.Mode.String(), Algorithm: r.Algorithm,
		Standard: r.Standard, InGraph: r.InGraph, Providers: asnStrings(r.Providers), Customers: asnStrings(r.Customers),
		Peers: asnStrings(r.Peers), Cone: r.Cone, RoutesGiven: r.RoutesGiven, Routes: r.Routes,
		Reasons: []jsonReason{}, Prefixes: []jsonPrefixSeen{},
	}
	if r.Local != 0 {
		s := r.Local.String()
		j.Local = &s
	}
	for _, rs := range r.Reasons {
		j.Reasons = append(j.Reasons, jsonReason{Code: rs.Code, Text: rs.Text, ASNs: asnStrings(rs.ASNs), Prefixes: prefixStrings(rs.Prefixes)})
	}
	for _, p := range r.Prefixes {
		j.Prefixes = append(j.Prefixes, jsonPrefixSeen{Prefix: p.Prefix.String(), Origin: p.Origin.String(),
			Via: asnStrings(p.Via), ViaLocal: p.ViaLocal, Direct: p.Direct, Bypass: asnStrings(p.Bypass)})
	}
	return json.Marshal(j)
}
