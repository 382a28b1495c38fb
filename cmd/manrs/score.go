package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/observatory"
	"github.com/manrs/manrs/internal/store"
)

// latestDay returns the latest stored day.
func latestDay(ctx context.Context, st store.Store) (time.Time, error) {
	days, err := st.Days(ctx, time.Time{}, time.Time{})
	if err != nil {
		return time.Time{}, err
	}
	if len(days) == 0 {
		return time.Time{}, errors.New("the store holds no observed day; run manrs observe first")
	}
	return days[len(days)-1].Date, nil
}

// scoreOutput is what manrs score prints as JSON.
type scoreOutput struct {
	observatory.Score
	Incidents []store.Incident         `json:"incidents"`
	Prefixes  []incident.PrefixStatus  `json:"prefixes"`
	States    map[string]int           `json:"prefix_states"`
	Verdicts  map[string]store.Verdict `json:"verdicts"`
}

func newScoreCmd() *cobra.Command {
	var (
		sf     storeFlags
		date   string
		month  string
		days   int
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "score AS [--date D] [--days N | --month YYYY-MM] [--json]",
		Short: "Show an AS's MANRS metrics, action scores and bands, and what they rest on",
		Long: `Show the score of an AS on a stored day (default: the latest), or over the N
days ending with it: each metric with its incidents, weight or value, score and
readiness band; each MANRS action's score and band; the verdict under each
conformance policy on the last day. Over several days incident weights add up
and measurements are averaged, so --days 30 gives the rolling 30-day score and
--month the calendar month's, as the MANRS Observatory reports them. Then the explanation: every incident (metric, time window,
prefixes, peers that saw it, reason, and the routes behind it) and every prefix
the AS originated with its RPKI and IRR state, which the M7 metrics count.

Incidents whose dispute was accepted are left out. Scores are defined in
docs/observatory.md.`,
		Example: `  manrs score AS64500
  manrs score AS64500 --date 2026-10-03 --days 30 --json
  manrs score AS64500 --month 2026-10`,
		Args: exactArgs(1, "AS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			asn, err := parseAS(args[0])
			if err != nil {
				return err
			}
			if days < 1 {
				return usagef("score: --days must be at least 1")
			}
			o, err := sf.observatoryConfig()
			if err != nil {
				return err
			}
			st, err := sf.open()
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := context.Background()
			var from, to time.Time
			switch {
			case month != "":
				if date != "" || cmd.Flags().Changed("days") {
					return usagef("score: --month excludes --date and --days")
				}
				if from, err = time.Parse("2006-01", month); err != nil {
					return usagef("score: --month %q is not a month (YYYY-MM)", month)
				}
				to = from.AddDate(0, 1, -1)
				if latest, err := latestDay(ctx, st); err == nil && latest.Before(to) {
					to = latest
				}
			case date != "":
				if to, err = parseDate("date", date); err != nil {
					return err
				}
			default:
				if to, err = latestDay(ctx, st); err != nil {
					return err
				}
			}
			if from.IsZero() {
				from = to.AddDate(0, 0, 1-days)
			}
			s, err := observatory.ScoreStored(ctx, st, o, asn, from, to)
			if err != nil {
				return err
			}
			out := scoreOutput{Score: s, States: map[string]int{}, Verdicts: map[string]store.Verdict{}}
			if out.Incidents, err = st.Incidents(ctx, store.Query{ASN: asn, From: from, To: to}); err != nil {
				return err
			}
			if out.Prefixes, err = st.Prefixes(ctx, asn, to); err != nil {
				return err
			}
			for _, p := range out.Prefixes {
				out.States[p.RPKI.String()]++
				if p.IRR {
					out.States["irr"]++
				}
			}
			for _, name := range o.PolicyNames() {
				vs, err := st.Verdicts(ctx, asn, name, to, to)
				if err != nil {
					return err
				}
				if len(vs) == 1 {
					out.Verdicts[name] = vs[0]
				}
			}
			w := bufferedOut(cmd)
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				enc.Encode(out)
			} else {
				printScore(w, &out)
			}
			return w.Flush()
		},
	}
	sf.register(cmd, "configuration with observatory settings (bands, policies); defaults without")
	cmd.Flags().StringVar(&date, "date", "", "the day, YYYY-MM-DD (default: the latest stored)")
	cmd.Flags().IntVar(&days, "days", 1, "the number of days ending with --date to score (30: the rolling 30 days)")
	cmd.Flags().StringVar(&month, "month", "", "score a calendar month, YYYY-MM, as one period")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func fmtScore(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f", *v)
}

func printScore(w *bufio.Writer, s *scoreOutput) {
	period := s.To.Format("2006-01-02")
	if s.Days > 1 {
		period = fmt.Sprintf("%s to %s (%d days)", s.From.Format("2006-01-02"), s.To.Format("2006-01-02"), s.Days)
	}
	fmt.Fprintf(w, "%s, %s\n\n", s.ASN, period)
	fmt.Fprintf(w, "%-18s %6s  %s\n", "action", "score", "band")
	for _, a := range s.Actions {
		fmt.Fprintf(w, "%-18s %6s  %s\n", a.Action, fmtScore(a.Score), a.Band)
	}
	if len(s.Verdicts) > 0 {
		fmt.Fprintln(w)
		for _, name := range slices.Sorted(maps.Keys(s.Verdicts)) {
			v := s.Verdicts[name]
			verdict := "conformant"
			if !v.Conformant {
				var failing map[string]string
				if json.Unmarshal(v.Detail, &failing) == nil {
					verdict = "not conformant: " + bandList(failing)
				} else {
					verdict = "not conformant: " + string(v.Detail)
				}
			}
			fmt.Fprintf(w, "policy %-10s on %s: %s\n", name, s.To.Format("2006-01-02"), verdict)
		}
	}
	fmt.Fprintf(w, "\n%-8s %9s %7s %6s %6s  %s\n", "metric", "incidents", "weight", "value", "score", "band")
	for _, m := range s.Metrics {
		note := ""
		if !m.Scored {
			note = "  (shown, not scored)"
		}
		inc, weight := "", ""
		if m.Metric.IsIncident() {
			inc, weight = fmt.Sprint(m.Incidents), fmt.Sprintf("%.1f", m.Weight)
		}
		fmt.Fprintf(w, "%-8s %9s %7s %6s %6s  %s%s\n", m.Metric, inc, weight, fmtScore(m.Value), fmtScore(m.Score), m.Band, note)
	}
	fmt.Fprintf(w, "\nincidents: %d\n", len(s.Incidents))
	for _, in := range s.Incidents {
		printIncident(w, &in, "  ")
	}
	fmt.Fprintf(w, "\nprefixes originated on %s (M7): %d; RPKI %d valid, %d invalid, %d not found; %d with an IRR route object\n",
		s.To.Format("2006-01-02"), len(s.Prefixes), s.States["valid"], s.States["invalid"], s.States["not-found"], s.States["irr"])
	for _, p := range s.Prefixes {
		irr := "-"
		if p.IRR {
			irr = "irr"
		}
		fmt.Fprintf(w, "  %-20s %-9s %-3s %d peers\n", p.Prefix, p.RPKI, irr, p.Peers)
	}
}

// printIncident prints an incident and its evidence.
func printIncident(w *bufio.Writer, in *store.Incident, indent string) {
	window := in.Start.Format("15:04") + "-" + in.End.Format("15:04")
	if in.Ongoing && in.End.Sub(in.Start) >= 24*time.Hour-time.Minute {
		window = "all day"
	}
	flags := ""
	if in.Continued {
		flags += " continued"
	}
	if in.Ongoing {
		flags += " ongoing"
	}
	if in.Dispute != "" {
		flags += " dispute:" + in.Dispute
	}
	culprit := ""
	if in.Culprit != in.ASN {
		culprit = fmt.Sprintf(" (customer %s)", in.Culprit)
	}
	fmt.Fprintf(w, "%s%-5s %s %s%s, %s%s, %d peers, id %s\n", indent, in.Metric, in.Date.Format("2006-01-02"), window, flags,
		prefixList(in.Prefixes), culprit, in.Peers, in.ID)
	fmt.Fprintf(w, "%s      %s\n", indent, in.Reason)
	for i, r := range in.Evidence {
		if i == maxEvidenceLines && len(in.Evidence) > i+1 {
			fmt.Fprintf(w, "%s      and %d more routes (--json prints all)\n", indent, len(in.Evidence)-i)
			break
		}
		fmt.Fprintf(w, "%s      seen %s by %s %s at %s: %s %s\n", indent, r.Seen.Format("15:04:05"), r.Collector, r.PeerASN, r.PeerIP, r.Prefix, pathString(r.Path))
	}
}

// maxEvidenceLines is how many routes of an incident's evidence the text
// output shows.
const maxEvidenceLines = 6

func prefixList(ps []netip.Prefix) string {
	var b strings.Builder
	for i, p := range ps {
		if i == 4 {
			fmt.Fprintf(&b, " and %d more", len(ps)-4)
			break
		}
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

func pathString(p []bgp.ASN) string {
	s := make([]string, len(p))
	for i, a := range p {
		s[i] = fmt.Sprint(uint32(a))
	}
	return strings.Join(s, " ")
}
