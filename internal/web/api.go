package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/observatory"
	"github.com/manrs/manrs/internal/store"
)

// DayInfo is a stored day as the API lists it.
type DayInfo struct {
	Date    string   `json:"date"`
	Partial bool     `json:"partial"`
	Reasons []string `json:"reasons,omitempty"`
	ASes    int      `json:"ases,omitempty"`
}

func (s *Server) apiDays(r *http.Request) (any, error) {
	days, err := s.st.Days(r.Context(), time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	out := make([]DayInfo, 0, len(days))
	for _, d := range days {
		out = append(out, DayInfo{Date: d.Date.Format("2006-01-02"), Partial: d.Partial, Reasons: d.Reasons})
	}
	return out, nil
}

// Verdict is an AS's verdict under one policy on one day.
type Verdict struct {
	Conformant bool              `json:"conformant"`
	Failing    map[string]string `json:"failing,omitempty"`
}

// ASReport is the answer of GET /api/v1/as/{asn}.
type ASReport struct {
	ASN      bgp.ASN                   `json:"asn"`
	Date     string                    `json:"date"`
	Partial  bool                      `json:"partial"`
	Seen     bool                      `json:"seen"`
	Actions  []observatory.ActionScore `json:"actions"`
	Metrics  []observatory.MetricScore `json:"metrics"`
	Verdicts map[string]Verdict        `json:"verdicts"`
	Prefixes map[string]int            `json:"prefixes"`
}

func (s *Server) report(r *http.Request, asn bgp.ASN) (*ASReport, error) {
	ctx := r.Context()
	latest, err := s.latest(ctx)
	if err != nil {
		return nil, err
	}
	date, err := dateParam(r, "date", latest)
	if err != nil {
		return nil, err
	}
	day, err := s.st.Day(ctx, date)
	if err != nil {
		return nil, err
	}
	sc, err := observatory.ScoreStored(ctx, s.st, s.o, asn, date, date)
	if err != nil {
		return nil, err
	}
	rep := &ASReport{ASN: asn, Date: date.Format("2006-01-02"), Partial: day.Partial, Actions: sc.Actions, Metrics: sc.Metrics,
		Verdicts: map[string]Verdict{}, Prefixes: map[string]int{}}
	for _, name := range s.o.PolicyNames() {
		vs, err := s.st.Verdicts(ctx, asn, name, date, date)
		if err != nil {
			return nil, err
		}
		if len(vs) == 1 {
			v := Verdict{Conformant: vs[0].Conformant}
			if len(vs[0].Detail) > 0 {
				json.Unmarshal(vs[0].Detail, &v.Failing)
			}
			rep.Verdicts[name] = v
			rep.Seen = true
		}
	}
	ps, err := s.st.Prefixes(ctx, asn, date)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		rep.Prefixes[p.RPKI.String()]++
		rep.Prefixes["total"]++
		if p.IRR {
			rep.Prefixes["irr"]++
		}
	}
	return rep, nil
}

func (s *Server) apiAS(r *http.Request) (any, error) {
	asn, err := asnParam(r)
	if err != nil {
		return nil, err
	}
	rep, err := s.report(r, asn)
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func (s *Server) apiHistory(r *http.Request) (any, error) {
	asn, err := asnParam(r)
	if err != nil {
		return nil, err
	}
	h, err := s.history(r, asn)
	if err != nil {
		return nil, err
	}
	return h, nil
}

func (s *Server) history(r *http.Request, asn bgp.ASN) ([]observatory.DayScore, error) {
	latest, err := s.latest(r.Context())
	if err != nil {
		return nil, err
	}
	to, err := dateParam(r, "to", latest)
	if err != nil {
		return nil, err
	}
	days, err := intParam(r, "days", 30, 1, 3660)
	if err != nil {
		return nil, err
	}
	return observatory.History(r.Context(), s.st, s.o, asn, to.AddDate(0, 0, 1-days), to)
}

func (s *Server) apiMonths(r *http.Request) (any, error) {
	asn, err := asnParam(r)
	if err != nil {
		return nil, err
	}
	latest, err := s.latest(r.Context())
	if err != nil {
		return nil, err
	}
	to, err := dateParam(r, "to", latest)
	if err != nil {
		return nil, err
	}
	n, err := intParam(r, "months", 12, 1, 120)
	if err != nil {
		return nil, err
	}
	ms, err := observatory.Months(r.Context(), s.st, s.o, asn, to, n)
	if err != nil {
		return nil, err
	}
	return ms, nil
}

func (s *Server) apiConformance(r *http.Request) (any, error) {
	asn, err := asnParam(r)
	if err != nil {
		return nil, err
	}
	if r.URL.Query().Get("before") == "" {
		return nil, badf("before is required (YYYY-MM-DD)")
	}
	before, err := dateParam(r, "before", time.Time{})
	if err != nil {
		return nil, err
	}
	days, err := intParam(r, "days", 30, 1, 3660)
	if err != nil {
		return nil, err
	}
	policy, err := s.policyParam(r)
	if err != nil {
		return nil, err
	}
	a, err := observatory.Conformance(r.Context(), s.st, s.o, asn, before, days, policy)
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Server) incidentQuery(r *http.Request, asn bgp.ASN) (store.Query, error) {
	latest, err := s.latest(r.Context())
	if err != nil {
		return store.Query{}, err
	}
	q := store.Query{ASN: asn}
	if q.To, err = dateParam(r, "to", latest); err != nil {
		return q, err
	}
	if q.From, err = dateParam(r, "from", q.To.AddDate(0, 0, -29)); err != nil {
		return q, err
	}
	if m := r.URL.Query().Get("metric"); m != "" {
		q.Metric = incident.Metric(strings.ToUpper(m))
		if !q.Metric.Valid() || !q.Metric.IsIncident() {
			return q, badf("metric %q is not an incident metric (M1 to M5, M1C to M5C)", m)
		}
	}
	if q.Limit, err = intParam(r, "limit", 1000, 1, 100000); err != nil {
		return q, err
	}
	q.WithAccepted = r.URL.Query().Get("with_accepted") == "true"
	return q, nil
}

func (s *Server) apiIncidents(r *http.Request) (any, error) {
	asn, err := asnParam(r)
	if err != nil {
		return nil, err
	}
	q, err := s.incidentQuery(r, asn)
	if err != nil {
		return nil, err
	}
	ins, err := s.st.Incidents(r.Context(), q)
	if err != nil {
		return nil, err
	}
	if ins == nil {
		ins = []store.Incident{}
	}
	return ins, nil
}

func (s *Server) apiPrefixes(r *http.Request) (any, error) {
	asn, err := asnParam(r)
	if err != nil {
		return nil, err
	}
	latest, err := s.latest(r.Context())
	if err != nil {
		return nil, err
	}
	date, err := dateParam(r, "date", latest)
	if err != nil {
		return nil, err
	}
	ps, err := s.st.Prefixes(r.Context(), asn, date)
	if err != nil {
		return nil, err
	}
	type prefix struct {
		incident.PrefixStatus
		State string `json:"rpki"`
	}
	out := make([]prefix, 0, len(ps))
	for _, p := range ps {
		out = append(out, prefix{p, p.RPKI.String()})
	}
	return out, nil
}

func (s *Server) apiIncident(r *http.Request) (any, error) {
	in, err := s.st.Incident(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	ds, err := s.st.Disputes(r.Context(), in.ID)
	if err != nil {
		return nil, err
	}
	if ds == nil {
		ds = []store.Dispute{}
	}
	return struct {
		store.Incident
		Disputes []store.Dispute `json:"disputes"`
	}{in, ds}, nil
}

// Lapse is a change of conformance as the API lists it.
type Lapse struct {
	Date       string                  `json:"date"`
	ASN        bgp.ASN                 `json:"asn"`
	Policy     string                  `json:"policy"`
	Event      string                  `json:"event"`
	Conformant bool                    `json:"conformant"`
	Detail     observatory.LapseDetail `json:"detail"`
}

func (s *Server) lapses(r *http.Request) ([]Lapse, error) {
	latest, err := s.latest(r.Context())
	if err != nil {
		return nil, err
	}
	since, err := dateParam(r, "since", latest.AddDate(0, 0, -29))
	if err != nil {
		return nil, err
	}
	policy, err := s.policyParam(r)
	if err != nil {
		return nil, err
	}
	ls, err := s.st.Lapses(r.Context(), 0, policy, since, time.Time{})
	if err != nil {
		return nil, err
	}
	out := make([]Lapse, 0, len(ls))
	for _, l := range ls {
		x := Lapse{Date: l.Date.Format("2006-01-02"), ASN: l.ASN, Policy: l.Policy, Conformant: l.Conformant, Event: "lapsed"}
		if l.Conformant {
			x.Event = "restored"
		}
		json.Unmarshal(l.Detail, &x.Detail)
		out = append(out, x)
	}
	return out, nil
}

func (s *Server) apiLapses(r *http.Request) (any, error) {
	ls, err := s.lapses(r)
	if err != nil {
		return nil, err
	}
	return ls, nil
}
