package advise

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"text/tabwriter"
)

// titles head the sections of the text report, one per kind.
var titles = map[Kind]string{
	ROAMissing:    "ROAs to create (RFC 6482): one per announced prefix, as specific as announced, no maxLength unless every more-specific up to it is announced (RFC 9319 section 5)",
	ROAInvalid:    "ROAs that make announcements of %s invalid (RFC 6811)",
	ROAMaxLength:  "ROAs of %s whose maxLength admits prefixes it does not announce (RFC 9319 sections 3 and 5)",
	RouteMissing:  "route objects to register (RFC 2622 section 4, RFC 4012 section 3)",
	RouteConflict: "route objects of other origins that conflict",
	RouteStale:    "stale route objects of %s",
}

// WriteText writes the report for people: what was checked, a line per
// announced prefix with its state and the kinds of advice about it, then
// the advice by kind, route objects to register as RPSL text.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	checked := []string{}
	if r.VRPs >= 0 {
		checked = append(checked, plural(r.VRPs, "VRP", "VRPs"))
	}
	if r.IRRSources != nil {
		checked = append(checked, "the IRR sources "+strings.Join(r.IRRSources, ","))
	}
	if len(checked) == 0 {
		checked = append(checked, "the states stored for them")
	}
	fmt.Fprintf(&b, "%s: %s announced %s, checked against %s\n", r.ASN, plural(len(r.Prefixes), "prefix", "prefixes"), r.periodText(), strings.Join(checked, " and "))
	if r.Clean {
		b.WriteString("no advice: every announced prefix is RPKI-valid and registered, and no ROA or route object needs a change\n")
	} else {
		counts := map[Kind]int{}
		for _, adv := range r.Advice {
			counts[adv.Kind]++
		}
		var parts []string
		for _, k := range Kinds {
			if n := counts[k]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, k))
			}
		}
		fmt.Fprintf(&b, "advice: %s\n", strings.Join(parts, ", "))
	}
	if len(r.Prefixes) > 0 {
		b.WriteString("\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "prefix\tpeers\tRPKI\tIRR\tadvice")
		for _, p := range r.Prefixes {
			rpki := p.RPKI
			switch {
			case rpki == "":
				rpki = "?"
			case p.RPKIReason != "":
				rpki += " (" + p.RPKIReason + ")"
			}
			irr := "?"
			switch {
			case len(p.IRR) > 0:
				irr = strings.Join(p.IRR, ",")
			case p.Registered:
				irr = "registered"
			case p.IRRKnown:
				irr = "-"
			}
			peers := "-"
			if p.Peers > 0 {
				peers = strconv.Itoa(p.Peers)
			}
			advice := "-"
			if len(p.Advice) > 0 {
				s := make([]string, len(p.Advice))
				for i, k := range p.Advice {
					s[i] = string(k)
				}
				advice = strings.Join(s, " ")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Prefix, peers, rpki, irr, advice)
		}
		tw.Flush()
	}
	for _, k := range Kinds {
		var list []Advice
		for _, adv := range r.Advice {
			if adv.Kind == k {
				list = append(list, adv)
			}
		}
		if len(list) == 0 {
			continue
		}
		title := titles[k]
		if strings.Contains(title, "%s") {
			title = fmt.Sprintf(title, r.ASN)
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		if k == RouteMissing {
			fmt.Fprintf(&b, "  mnt-by %s is %s; source %s is %s\n", r.MntBy, fromText(r.MntByFrom), r.Source, fromText(r.SourceFrom))
		}
		for _, adv := range list {
			writeAdvice(&b, adv)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) periodText() string {
	if r.Period == "" {
		return "in the measured period"
	}
	return r.Period
}

func fromText(from string) string {
	switch from {
	case "given":
		return "as given"
	case "aut-num":
		return "the aut-num's"
	case "route objects":
		return "that of its other route objects"
	case "placeholder":
		return "a placeholder to replace"
	}
	return "the default"
}

func writeAdvice(b *strings.Builder, adv Advice) {
	switch adv.Kind {
	case ROAMissing:
		fmt.Fprintf(b, "  %s maxLength %d %s\n", adv.Prefix, adv.MaxLength, adv.ASN)
		if len(adv.Covers) > 1 {
			fmt.Fprintf(b, "    covers %s\n", prefixWords(adv.Covers))
		}
		fmt.Fprintf(b, "    %s\n", adv.Reason)
	case ROAInvalid, ROAMaxLength:
		ta := ""
		if adv.TA != "" {
			ta = " (" + adv.TA + ")"
		}
		fmt.Fprintf(b, "  %s-%d %s%s\n", adv.Prefix, adv.MaxLength, adv.ASN, ta)
		if adv.Kind == ROAInvalid {
			fmt.Fprintf(b, "    invalidates %s\n", prefixWords(adv.Covers))
		}
		fmt.Fprintf(b, "    %s\n", adv.Reason)
	case RouteMissing:
		// The object is written as it is to be submitted: RPSL reads a
		// line that starts with a space as the continuation of the one
		// before.
		fmt.Fprintf(b, "\n  %s: %s\n\n%s", adv.Prefix, adv.Reason, adv.Object)
	default:
		state := ""
		if adv.RPKI != "" {
			state = ", RPKI " + adv.RPKI
		}
		fmt.Fprintf(b, "  %s %s %s in %s%s\n", family(adv.Prefix), adv.Prefix, adv.ASN, strings.Join(adv.Sources, ","), state)
		fmt.Fprintf(b, "    %s\n", adv.Reason)
	}
}

func prefixWords(ps []netip.Prefix) string { return strings.Join(prefixStrings(ps), " ") }

func prefixStrings(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

type jsonPrefix struct {
	Prefix     string   `json:"prefix"`
	Peers      int      `json:"peers"`
	RPKI       *string  `json:"rpki"`
	RPKIReason string   `json:"rpki_reason,omitempty"`
	IRR        []string `json:"irr_sources"`
	Registered *bool    `json:"registered"`
	Advice     []Kind   `json:"advice"`
}

type jsonAdvice struct {
	Kind      Kind     `json:"kind"`
	Prefix    string   `json:"prefix"`
	MaxLength *int     `json:"max_length,omitempty"`
	ASN       string   `json:"asn"`
	TA        string   `json:"ta,omitempty"`
	Covers    []string `json:"prefixes"`
	Sources   []string `json:"sources,omitempty"`
	RPKI      string   `json:"rpki,omitempty"`
	Reason    string   `json:"reason"`
	RPSL      string   `json:"rpsl,omitempty"`
}

type jsonReport struct {
	ASN        string       `json:"asn"`
	Clean      bool         `json:"clean"`
	Period     string       `json:"period"`
	VRPs       *int         `json:"vrps"`
	IRRSources []string     `json:"irr_sources"`
	MntBy      string       `json:"mnt_by"`
	Source     string       `json:"source"`
	Prefixes   []jsonPrefix `json:"prefixes"`
	Advice     []jsonAdvice `json:"advice"`
}

// MarshalJSON writes the report as docs/manrs-advise.md describes it.
func (r *Report) MarshalJSON() ([]byte, error) {
	j := jsonReport{ASN: r.ASN.String(), Clean: r.Clean, Period: r.periodText(), IRRSources: r.IRRSources,
		MntBy: r.MntBy, Source: r.Source, Prefixes: []jsonPrefix{}, Advice: []jsonAdvice{}}
	if r.VRPs >= 0 {
		n := r.VRPs
		j.VRPs = &n
	}
	for _, p := range r.Prefixes {
		jp := jsonPrefix{Prefix: p.Prefix.String(), Peers: p.Peers, RPKIReason: p.RPKIReason, IRR: p.IRR, Advice: p.Advice}
		if jp.IRR == nil {
			jp.IRR = []string{}
		}
		if jp.Advice == nil {
			jp.Advice = []Kind{}
		}
		if p.RPKI != "" {
			s := p.RPKI
			jp.RPKI = &s
		}
		if p.IRRKnown {
			reg := p.Registered
			jp.Registered = &reg
		}
		j.Prefixes = append(j.Prefixes, jp)
	}
	for _, adv := range r.Advice {
		ja := jsonAdvice{Kind: adv.Kind, Prefix: adv.Prefix.String(), ASN: adv.ASN.String(), TA: adv.TA,
			Covers: prefixStrings(adv.Covers), Sources: adv.Sources, RPKI: adv.RPKI, Reason: adv.Reason}
		switch adv.Kind {
		case ROAMissing, ROAInvalid, ROAMaxLength:
			m := adv.MaxLength
			ja.MaxLength = &m
		}
		if adv.Object != nil {
			ja.RPSL = adv.Object.String()
		}
		j.Advice = append(j.Advice, ja)
	}
	return json.Marshal(j)
}
