package observatory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
)

const dayLen = 24 * time.Hour

// Ingest observes day and stores it, replacing what was stored for it,
// then computes the day's verdicts under every policy and the lapses
// they make against the day before (and those of the day after, when it
// is stored).
func Ingest(ctx context.Context, st store.Store, cfg *config.Config, day time.Time, opt Options) (*incident.Day, error) {
	d, err := Observe(ctx, cfg, day, opt)
	if err != nil {
		return nil, err
	}
	if opt.Progress != nil {
		opt.Progress("storing")
	}
	if err := st.PutDay(ctx, d); err != nil {
		return nil, fmt.Errorf("observatory: store %s: %w", d.Date.Format("2006-01-02"), err)
	}
	if err := Judge(ctx, st, &cfg.Observatory, d); err != nil {
		return nil, err
	}
	return d, nil
}

// Judge scores every AS of a stored day, leaving out incidents whose
// dispute was accepted, stores the verdicts under every policy, and
// updates the lapses of the day and of the next.
func Judge(ctx context.Context, st store.Store, o *config.Observatory, d *incident.Day) error {
	accepted, err := acceptedDisputes(ctx, st)
	if err != nil {
		return err
	}
	byASN := map[bgp.ASN][]incident.Incident{}
	for _, in := range d.Incidents {
		if !accepted[in.ID] {
			byASN[in.ASN] = append(byASN[in.ASN], in)
		}
	}
	meas := map[bgp.ASN][]incident.Measurement{}
	for _, m := range d.Measurements {
		meas[m.ASN] = append(meas[m.ASN], m)
	}
	scores := make([]Score, 0, len(d.ASes))
	for _, a := range d.ASes {
		scores = append(scores, ScoreAS(o, a, d.Date, d.Date, byASN[a], meas[a]))
	}
	for _, name := range o.PolicyNames() {
		p := o.Policies[name]
		vs := make([]store.Verdict, 0, len(scores))
		for i := range scores {
			vs = append(vs, verdict(p, name, d.Date, &scores[i]))
		}
		if err := st.PutVerdicts(ctx, d.Date, name, vs); err != nil {
			return err
		}
		if err := updateLapses(ctx, st, name, d.Date); err != nil {
			return err
		}
		if err := updateLapses(ctx, st, name, d.Date.Add(dayLen)); err != nil {
			return err
		}
	}
	return nil
}

// failing is the detail of a verdict: the actions that fail the policy,
// with their bands.
type failing map[string]string

func verdict(p config.Policy, policy string, date time.Time, s *Score) store.Verdict {
	ok, failed := Conformant(p, s)
	v := store.Verdict{Date: date, ASN: s.ASN, Policy: policy, Conformant: ok}
	if !ok {
		f := failing{}
		for _, a := range failed {
			f[a] = s.Action(a).Band
		}
		v.Detail, _ = json.Marshal(f)
	}
	return v
}

// acceptedDisputes returns the IDs of incidents whose latest dispute was
// accepted.
func acceptedDisputes(ctx context.Context, st store.Store) (map[string]bool, error) {
	ds, err := st.Disputes(ctx, "")
	if err != nil {
		return nil, err
	}
	latest := map[string]string{}
	for _, d := range ds {
		latest[d.IncidentID] = d.State
	}
	out := map[string]bool{}
	for id, state := range latest {
		if state == store.DisputeAccepted {
			out[id] = true
		}
	}
	return out, nil
}

// LapseDetail is the evidence of a lapse: what fails now, what failed
// the day before.
type LapseDetail struct {
	Failing    map[string]string `json:"failing,omitempty"`
	WasFailing map[string]string `json:"was_failing,omitempty"`
}

// updateLapses recomputes the lapses of date under a policy from the
// verdicts of date and of the day before; without both there are none.
func updateLapses(ctx context.Context, st store.Store, policy string, date time.Time) error {
	cur, err := st.Verdicts(ctx, 0, policy, date, date)
	if err != nil {
		return err
	}
	if len(cur) == 0 {
		return nil
	}
	prev, err := st.Verdicts(ctx, 0, policy, date.Add(-dayLen), date.Add(-dayLen))
	if err != nil {
		return err
	}
	before := make(map[bgp.ASN]store.Verdict, len(prev))
	for _, v := range prev {
		before[v.ASN] = v
	}
	var lapses []store.Lapse
	for _, v := range cur {
		p, ok := before[v.ASN]
		if !ok || p.Conformant == v.Conformant {
			continue
		}
		var det LapseDetail
		if len(v.Detail) > 0 {
			json.Unmarshal(v.Detail, &det.Failing)
		}
		if len(p.Detail) > 0 {
			json.Unmarshal(p.Detail, &det.WasFailing)
		}
		b, _ := json.Marshal(det)
		lapses = append(lapses, store.Lapse{Date: date, ASN: v.ASN, Policy: policy, Conformant: v.Conformant, Detail: b})
	}
	return st.PutLapses(ctx, date, policy, lapses)
}

// ScoreStored scores asn over the stored days [from, to].
func ScoreStored(ctx context.Context, st store.Store, o *config.Observatory, asn bgp.ASN, from, to time.Time) (Score, error) {
	ins, err := st.Incidents(ctx, store.Query{ASN: asn, From: from, To: to})
	if err != nil {
		return Score{}, err
	}
	ms, err := st.Measurements(ctx, asn, from, to)
	if err != nil {
		return Score{}, err
	}
	plain := make([]incident.Incident, len(ins))
	for i := range ins {
		plain[i] = ins[i].Incident
	}
	pm := make([]incident.Measurement, len(ms))
	for i := range ms {
		pm[i] = ms[i].Measurement
	}
	return ScoreAS(o, asn, from, to, plain, pm), nil
}

// ReviewDispute accepts or rejects an open dispute, then judges the
// incident's AS on the incident's day again: an accepted dispute removes
// the incident from its scores.
func ReviewDispute(ctx context.Context, st store.Store, o *config.Observatory, id int64, accept bool, note, by string, at time.Time) (store.Dispute, error) {
	d, err := st.ReviewDispute(ctx, id, accept, note, by, at)
	if err != nil {
		return d, err
	}
	in, err := st.Incident(ctx, d.IncidentID)
	if err != nil {
		return d, err
	}
	return d, rejudge(ctx, st, o, in.ASN, in.Date)
}

// rejudge recomputes one AS's verdicts of one day and the lapses they
// touch.
func rejudge(ctx context.Context, st store.Store, o *config.Observatory, asn bgp.ASN, date time.Time) error {
	s, err := ScoreStored(ctx, st, o, asn, date, date)
	if err != nil {
		return err
	}
	for _, name := range o.PolicyNames() {
		vs, err := st.Verdicts(ctx, 0, name, date, date)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(vs, func(v store.Verdict) bool { return v.ASN == asn })
		if i < 0 {
			continue
		}
		vs[i] = verdict(o.Policies[name], name, date, &s)
		if err := st.PutVerdicts(ctx, date, name, vs); err != nil {
			return err
		}
		if err := updateLapses(ctx, st, name, date); err != nil {
			return err
		}
		if err := updateLapses(ctx, st, name, date.Add(dayLen)); err != nil {
			return err
		}
	}
	return nil
}

// DayVerdict is the evidence of one day of a conformance answer.
type DayVerdict struct {
	Date       time.Time         `json:"date"`
	Observed   bool              `json:"observed"`
	Partial    bool              `json:"partial,omitempty"`
	Conformant bool              `json:"conformant"`
	Failing    map[string]string `json:"failing,omitempty"`
}

// Answer is the answer to "was this AS conformant under this policy for
// the days before this date?".
type Answer struct {
	ASN        bgp.ASN       `json:"asn"`
	Policy     string        `json:"policy"`
	Before     time.Time     `json:"before"`
	Days       int           `json:"days"`
	Conformant bool          `json:"conformant"`
	Reason     string        `json:"reason"`
	Evidence   []DayVerdict  `json:"evidence"`
	Definition config.Policy `json:"definition"`
}

// ErrUnknownPolicy is returned for a policy the configuration lacks.
var ErrUnknownPolicy = errors.New("unknown policy")

// Conformance answers whether asn was conformant under policy on each of
// the days days before before: yes only when every one of them was
// observed and the AS was conformant on it.
func Conformance(ctx context.Context, st store.Store, o *config.Observatory, asn bgp.ASN, before time.Time, days int, policy string) (*Answer, error) {
	p, ok := o.Policies[policy]
	if !ok {
		return nil, fmt.Errorf("%w %q (have %v)", ErrUnknownPolicy, policy, o.PolicyNames())
	}
	before = before.UTC().Truncate(dayLen)
	from, to := before.AddDate(0, 0, -days), before.Add(-dayLen)
	vs, err := st.Verdicts(ctx, asn, policy, from, to)
	if err != nil {
		return nil, err
	}
	stored, err := st.Days(ctx, from, to)
	if err != nil {
		return nil, err
	}
	a := &Answer{ASN: asn, Policy: policy, Before: before, Days: days, Conformant: true, Definition: p}
	byDate := map[time.Time]store.Verdict{}
	for _, v := range vs {
		byDate[v.Date.UTC()] = v
	}
	partial := map[time.Time]bool{}
	observedDay := map[time.Time]bool{}
	for _, d := range stored {
		observedDay[d.Date.UTC()] = true
		partial[d.Date.UTC()] = d.Partial
	}
	var missing, failed int
	for d := from; !d.After(to); d = d.Add(dayLen) {
		dv := DayVerdict{Date: d, Partial: partial[d]}
		if v, ok := byDate[d]; ok {
			dv.Observed, dv.Conformant = true, v.Conformant
			if len(v.Detail) > 0 {
				json.Unmarshal(v.Detail, &dv.Failing)
			}
		} else if observedDay[d] {
			dv.Observed = true // the AS was not seen in routing that day
		}
		if !dv.Conformant {
			a.Conformant = false
			if dv.Observed {
				failed++
			} else {
				missing++
			}
		}
		a.Evidence = append(a.Evidence, dv)
	}
	switch {
	case a.Conformant:
		a.Reason = fmt.Sprintf("conformant under %q on each of the %d days", policy, days)
	case failed > 0 && missing > 0:
		a.Reason = fmt.Sprintf("not conformant on %d of the %d days, and %d not observed", failed, days, missing)
	case failed > 0:
		a.Reason = fmt.Sprintf("not conformant on %d of the %d days", failed, days)
	default:
		a.Reason = fmt.Sprintf("%d of the %d days were not observed", missing, days)
	}
	return a, nil
}

// DayScore is one day of an AS's history.
type DayScore struct {
	Date     time.Time     `json:"date"`
	Observed bool          `json:"observed"`
	Actions  []ActionScore `json:"actions,omitempty"`
	// Conformant holds the verdict under each policy.
	Conformant map[string]bool `json:"conformant,omitempty"`
}

// History scores asn on each day of [from, to], from two range queries
// for incidents and measurements and one per policy for verdicts.
func History(ctx context.Context, st store.Store, o *config.Observatory, asn bgp.ASN, from, to time.Time) ([]DayScore, error) {
	ins, err := st.Incidents(ctx, store.Query{ASN: asn, From: from, To: to})
	if err != nil {
		return nil, err
	}
	ms, err := st.Measurements(ctx, asn, from, to)
	if err != nil {
		return nil, err
	}
	byDay := map[time.Time][]incident.Incident{}
	for _, in := range ins {
		byDay[in.Date.UTC()] = append(byDay[in.Date.UTC()], in.Incident)
	}
	measByDay := map[time.Time][]incident.Measurement{}
	for _, m := range ms {
		measByDay[m.Date.UTC()] = append(measByDay[m.Date.UTC()], m.Measurement)
	}
	verdicts := map[time.Time]map[string]bool{}
	for _, name := range o.PolicyNames() {
		vs, err := st.Verdicts(ctx, asn, name, from, to)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			d := v.Date.UTC()
			if verdicts[d] == nil {
				verdicts[d] = map[string]bool{}
			}
			verdicts[d][name] = v.Conformant
		}
	}
	var out []DayScore
	for d := from.UTC().Truncate(dayLen); !d.After(to); d = d.Add(dayLen) {
		ds := DayScore{Date: d}
		if v, ok := verdicts[d]; ok {
			s := ScoreAS(o, asn, d, d, byDay[d], measByDay[d])
			ds.Observed, ds.Actions, ds.Conformant = true, s.Actions, v
		}
		out = append(out, ds)
	}
	return out, nil
}

// MonthScore is one calendar month of an AS's history: the month's
// score as one period (incident weights summed over the month,
// measurements averaged over its observed days), as the MANRS
// Observatory reports months.
type MonthScore struct {
	Month string `json:"month"` // YYYY-MM
	// Observed counts the days of the month on which the AS was seen.
	Observed int           `json:"observed_days"`
	Actions  []ActionScore `json:"actions,omitempty"`
}

// Months scores asn for each of the n calendar months ending with the
// month of to (the last one up to to only), oldest first. A month
// without an observed day has no actions.
func Months(ctx context.Context, st store.Store, o *config.Observatory, asn bgp.ASN, to time.Time, n int) ([]MonthScore, error) {
	to = to.UTC().Truncate(dayLen)
	first := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1-n, 0)
	seen := map[string]int{}
	if names := o.PolicyNames(); len(names) > 0 {
		vs, err := st.Verdicts(ctx, asn, names[0], first, to)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			seen[v.Date.UTC().Format("2006-01")]++
		}
	}
	out := make([]MonthScore, 0, n)
	for m := first; !m.After(to); m = m.AddDate(0, 1, 0) {
		ms := MonthScore{Month: m.Format("2006-01"), Observed: seen[m.Format("2006-01")]}
		if ms.Observed > 0 {
			end := m.AddDate(0, 1, -1)
			if end.After(to) {
				end = to
			}
			s, err := ScoreStored(ctx, st, o, asn, m, end)
			if err != nil {
				return nil, err
			}
			ms.Actions = s.Actions
		}
		out = append(out, ms)
	}
	return out, nil
}
