package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/observatory"
	"github.com/manrs/manrs/internal/store"
)

// errNo is returned by a --quiet command whose answer is no: exit 1,
// nothing printed.
var errNo = errors.New("")

func newConformanceCmd() *cobra.Command {
	var (
		sf            storeFlags
		before        string
		days          int
		policy        string
		asJSON, quiet bool
	)
	cmd := &cobra.Command{
		Use:   "conformance AS --before D [--days 30] [--policy NAME]",
		Short: "Say whether an AS was MANRS-conformant on every day before a date",
		Long: `Answer the question of an RFP: was the AS conformant under a policy on each of
the N days before date D (D itself not included)? The answer is yes only when
every one of those days was observed and the AS was conformant on it; the
daily evidence follows: each day's verdict, the actions that failed and their
bands, and whether the day's inputs were partial.

Policies are configuration (docs/observatory.md): "minimum" (the default) asks
the mandatory MANRS actions for network operators (filtering, coordination,
global validation) to be ready or aspiring; "strict" asks all four to be ready.

With --quiet nothing is printed and the exit status answers: 0 yes, 1 no.`,
		Example: `  manrs conformance AS64500 --before 2026-12-01
  manrs conformance AS64500 --before 2026-12-01 --days 30 --policy strict --json`,
		Args: exactArgs(1, "AS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			asn, err := parseAS(args[0])
			if err != nil {
				return err
			}
			if before == "" {
				return usagef("conformance: --before is required")
			}
			b, err := parseDate("before", before)
			if err != nil {
				return err
			}
			if days < 1 || days > 3660 {
				return usagef("conformance: --days must be 1 to 3660")
			}
			o, err := sf.observatoryConfig()
			if err != nil {
				return err
			}
			if policy == "" {
				policy = o.DefaultPolicy
			}
			if _, ok := o.Policies[policy]; !ok {
				return usagef("conformance: unknown policy %q (have %s)", policy, strings.Join(o.PolicyNames(), ", "))
			}
			st, err := sf.open()
			if err != nil {
				return err
			}
			defer st.Close()
			a, err := observatory.Conformance(context.Background(), st, o, asn, b, days, policy)
			if err != nil {
				return err
			}
			if quiet {
				if a.Conformant {
					return nil
				}
				return errNo
			}
			w := bufferedOut(cmd)
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				enc.Encode(a)
				return w.Flush()
			}
			answer := "no"
			if a.Conformant {
				answer = "yes"
			}
			fmt.Fprintf(w, "%s: %s, %s conformant under %q (%s) on the %s before %s\n%s\n\n", a.ASN, answer,
				map[bool]string{true: "was", false: "was not"}[a.Conformant], a.Policy, a.Definition.Description, plural(a.Days, "day"), a.Before.Format("2006-01-02"), a.Reason)
			for _, d := range a.Evidence {
				state := "conformant"
				switch {
				case !d.Observed:
					state = "not observed"
				case !d.Conformant && len(d.Failing) == 0:
					state = "not seen in routing"
				case !d.Conformant:
					state = "not conformant: " + bandList(d.Failing)
				}
				if d.Partial {
					state += " (partial inputs)"
				}
				fmt.Fprintf(w, "  %s  %s\n", d.Date.Format("2006-01-02"), state)
			}
			return w.Flush()
		},
	}
	sf.register(cmd, "configuration with observatory settings (policies); defaults without")
	f := cmd.Flags()
	f.StringVar(&before, "before", "", "the date the window ends before, YYYY-MM-DD (required)")
	f.IntVar(&days, "days", 30, "the number of days before --before")
	f.StringVar(&policy, "policy", "", "the conformance policy (default: the configuration's default_policy, minimum)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	f.BoolVar(&quiet, "quiet", false, "print nothing; exit 0 if conformant, 1 if not")
	return cmd
}

func newLapsesCmd() *cobra.Command {
	var (
		sf     storeFlags
		since  string
		policy string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "lapses --since D [--policy NAME] [--json]",
		Short: "List the ASes whose conformance lapsed or was restored since a date",
		Long: `List every change of conformance under a policy from --since to the latest
observed day: an AS that was conformant the day before and is not (lapsed), or
the reverse (restored), with the actions that fail and those that failed.`,
		Example: `  manrs lapses --since 2026-11-01
  manrs lapses --since 2026-11-01 --policy strict --json | jq 'select(.conformant == false)'`,
		Args: exactArgs(0, "arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if since == "" {
				return usagef("lapses: --since is required")
			}
			from, err := parseDate("since", since)
			if err != nil {
				return err
			}
			o, err := sf.observatoryConfig()
			if err != nil {
				return err
			}
			if policy == "" {
				policy = o.DefaultPolicy
			}
			if _, ok := o.Policies[policy]; !ok {
				return usagef("lapses: unknown policy %q (have %s)", policy, strings.Join(o.PolicyNames(), ", "))
			}
			st, err := sf.open()
			if err != nil {
				return err
			}
			defer st.Close()
			ls, err := st.Lapses(context.Background(), 0, policy, from, time.Time{})
			if err != nil {
				return err
			}
			w := bufferedOut(cmd)
			enc := json.NewEncoder(w)
			for _, l := range ls {
				var det observatory.LapseDetail
				json.Unmarshal(l.Detail, &det)
				if asJSON {
					enc.Encode(struct {
						Date       string                  `json:"date"`
						ASN        uint32                  `json:"asn"`
						Policy     string                  `json:"policy"`
						Conformant bool                    `json:"conformant"`
						Event      string                  `json:"event"`
						Detail     observatory.LapseDetail `json:"detail"`
					}{l.Date.Format("2006-01-02"), uint32(l.ASN), l.Policy, l.Conformant, lapseEvent(l), det})
					continue
				}
				what := bandList(det.Failing)
				if l.Conformant {
					what = "was " + bandList(det.WasFailing)
				}
				fmt.Fprintf(w, "%s  %-10s %-9s %s\n", l.Date.Format("2006-01-02"), l.ASN, lapseEvent(l), what)
			}
			if !asJSON {
				fmt.Fprintf(w, "%s under %q since %s\n", plural(len(ls), "change"), policy, since)
			}
			return w.Flush()
		},
	}
	sf.register(cmd, "configuration with observatory settings (policies); defaults without")
	cmd.Flags().StringVar(&since, "since", "", "the first day, YYYY-MM-DD (required)")
	cmd.Flags().StringVar(&policy, "policy", "", "the conformance policy (default: minimum)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per change")
	return cmd
}

func lapseEvent(l store.Lapse) string {
	if l.Conformant {
		return "restored"
	}
	return "lapsed"
}

func newIncidentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "incident COMMAND",
		Short: "Show incidents, and keep the trail of their disputes",
		RunE:  groupRunE,
	}
	cmd.AddCommand(newIncidentShowCmd(), newIncidentListCmd(), newIncidentDisputeCmd(), newIncidentReviewCmd())
	return cmd
}

func newIncidentShowCmd() *cobra.Command {
	var (
		sf     storeFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one incident with its evidence and its disputes",
		Args:  exactArgs(1, "incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := sf.open()
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := context.Background()
			in, err := st.Incident(ctx, args[0])
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("incident %s: not in the store", args[0])
			} else if err != nil {
				return err
			}
			ds, err := st.Disputes(ctx, in.ID)
			if err != nil {
				return err
			}
			w := bufferedOut(cmd)
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				enc.Encode(struct {
					store.Incident
					Disputes []store.Dispute `json:"disputes"`
				}{in, ds})
				return w.Flush()
			}
			fmt.Fprintf(w, "%s, charged to %s\n", in.ID, in.ASN)
			printIncident(w, &in, "")
			for _, d := range ds {
				printDispute(w, &d)
			}
			return w.Flush()
		},
	}
	sf.register(cmd, "unused; accepted for symmetry")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newIncidentListCmd() *cobra.Command {
	var (
		sf                  storeFlags
		from, to, metric    string
		asJSON, withDispute bool
	)
	cmd := &cobra.Command{
		Use:   "list AS [--from D] [--to D] [--metric M]",
		Short: "List the incidents charged to an AS",
		Args:  exactArgs(1, "AS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			asn, err := parseAS(args[0])
			if err != nil {
				return err
			}
			q := store.Query{ASN: asn, WithAccepted: withDispute}
			if from != "" {
				if q.From, err = parseDate("from", from); err != nil {
					return err
				}
			}
			if to != "" {
				if q.To, err = parseDate("to", to); err != nil {
					return err
				}
			}
			if metric != "" {
				q.Metric = incidentMetric(metric)
				if !q.Metric.Valid() || !q.Metric.IsIncident() {
					return usagef("incident list: %q is not an incident metric (M1 to M5, M1C to M5C)", metric)
				}
			}
			st, err := sf.open()
			if err != nil {
				return err
			}
			defer st.Close()
			ins, err := st.Incidents(context.Background(), q)
			if err != nil {
				return err
			}
			w := bufferedOut(cmd)
			enc := json.NewEncoder(w)
			for i := range ins {
				if asJSON {
					enc.Encode(ins[i])
				} else {
					printIncident(w, &ins[i], "")
				}
			}
			return w.Flush()
		},
	}
	sf.register(cmd, "unused; accepted for symmetry")
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "first day, YYYY-MM-DD")
	f.StringVar(&to, "to", "", "last day, YYYY-MM-DD")
	f.StringVar(&metric, "metric", "", "only this metric, e.g. M2")
	f.BoolVar(&withDispute, "with-accepted", false, "include incidents whose dispute was accepted")
	f.BoolVar(&asJSON, "json", false, "print one JSON object per incident")
	return cmd
}

func newIncidentDisputeCmd() *cobra.Command {
	var (
		sf     storeFlags
		reason string
		by     string
	)
	cmd := &cobra.Command{
		Use:   "dispute ID --reason TEXT [--by NAME]",
		Short: "Dispute an incident as a false positive",
		Long: `Open a dispute of an incident: the AS says it is wrong and why. The incident
keeps counting until a reviewer accepts the dispute (manrs incident review);
every dispute and review stays in the trail.`,
		Args: exactArgs(1, "incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usagef("incident dispute: --reason is required")
			}
			st, err := sf.open()
			if err != nil {
				return err
			}
			defer st.Close()
			d, err := st.OpenDispute(context.Background(), args[0], reason, who(by), time.Now().UTC())
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("incident %s: not in the store", args[0])
			} else if err != nil {
				return err
			}
			w := bufferedOut(cmd)
			printDispute(w, &d)
			return w.Flush()
		},
	}
	sf.register(cmd, "unused; accepted for symmetry")
	cmd.Flags().StringVar(&reason, "reason", "", "why the incident is wrong (required)")
	cmd.Flags().StringVar(&by, "by", "", "who disputes (default: the user name)")
	return cmd
}

func newIncidentReviewCmd() *cobra.Command {
	var (
		sf             storeFlags
		accept, reject bool
		note, by       string
	)
	cmd := &cobra.Command{
		Use:   "review DISPUTE-ID --accept|--reject [--note TEXT]",
		Short: "Accept or reject a dispute; an accepted one removes the incident from scores",
		Long: `Review an open dispute. Accepting it removes the incident from the scores of
its AS: the day's verdicts and the lapses they make are computed again.
Rejecting it leaves the incident counting. Either way the trail keeps both.`,
		Args: exactArgs(1, "dispute ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usagef("incident review: %q is not a dispute ID", args[0])
			}
			if accept == reject {
				return usagef("incident review: give one of --accept and --reject")
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
			d, err := observatory.ReviewDispute(context.Background(), st, o, id, accept, note, who(by), time.Now().UTC())
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("dispute %d: not in the store", id)
			} else if err != nil {
				return err
			}
			w := bufferedOut(cmd)
			printDispute(w, &d)
			return w.Flush()
		},
	}
	sf.register(cmd, "configuration with observatory settings, to judge the AS again")
	f := cmd.Flags()
	f.BoolVar(&accept, "accept", false, "accept the dispute: the incident was wrong")
	f.BoolVar(&reject, "reject", false, "reject the dispute: the incident stands")
	f.StringVar(&note, "note", "", "the reviewer's note")
	f.StringVar(&by, "by", "", "who reviews (default: the user name)")
	return cmd
}

func printDispute(w interface{ Write([]byte) (int, error) }, d *store.Dispute) {
	fmt.Fprintf(w, "dispute %d of incident %s: %s\n  opened %s by %s: %s\n", d.ID, d.IncidentID, d.State,
		d.Opened.Format(time.RFC3339), d.OpenedBy, d.Reason)
	if !d.Reviewed.IsZero() {
		fmt.Fprintf(w, "  reviewed %s by %s: %s\n", d.Reviewed.Format(time.RFC3339), d.ReviewedBy, d.Note)
	}
}

// who is --by, or the user's name.
func who(by string) string {
	if by != "" {
		return by
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

// incidentMetric parses a metric name, case-insensitively.
func incidentMetric(s string) incident.Metric {
	return incident.Metric(strings.ToUpper(s))
}

// bandList prints failing actions and their bands in a stable order:
// "filtering lagging, global-validation aspiring".
func bandList(failing map[string]string) string {
	acts := slices.Sorted(maps.Keys(failing))
	for i, a := range acts {
		acts[i] = a + " " + failing[a]
	}
	return strings.Join(acts, ", ")
}
