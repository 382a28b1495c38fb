package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/store"
)

var funcs = template.FuncMap{
	"score": func(v *float64) string {
		if v == nil {
			return "–"
		}
		return fmt.Sprintf("%.2f", *v)
	},
	"day":  func(t time.Time) string { return t.Format("2006-01-02") },
	"hhmm": func(t time.Time) string { return t.Format("15:04") },
	"path": func(p []bgp.ASN) string {
		s := make([]string, len(p))
		for i, a := range p {
			s[i] = fmt.Sprint(uint32(a))
		}
		return strings.Join(s, " ")
	},
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + strings.ReplaceAll(s[1:], "-", " ")
	},
}

// render executes a page template; an error becomes a 500 before any
// byte is written.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	var b bytes.Buffer
	if err := s.pages.ExecuteTemplate(&b, name, data); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}

func (s *Server) pageIndex(w http.ResponseWriter, r *http.Request) {
	if q := strings.TrimSpace(r.URL.Query().Get("as")); q != "" {
		if asn, err := bgp.ParseASN(q); err == nil {
			http.Redirect(w, r, "/as/"+fmt.Sprint(uint32(asn)), http.StatusSeeOther)
			return
		}
	}
	days, err := s.st.Days(r.Context(), time.Time{}, time.Time{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := struct {
		Days   []*incident.Day
		Latest *incident.Day
		Lapses []Lapse
		Policy string
		Query  string
	}{Days: days, Policy: s.o.DefaultPolicy, Query: r.URL.Query().Get("as")}
	if len(days) > 0 {
		data.Latest = days[len(days)-1]
		if data.Lapses, err = s.lapses(r); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, "index.html", data)
}

func (s *Server) pageAS(w http.ResponseWriter, r *http.Request) {
	asn, err := asnParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.report(r, asn)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	date, _ := time.Parse("2006-01-02", rep.Date)
	q := store.Query{ASN: asn, From: date.AddDate(0, 0, -29), To: date, Limit: 500, WithAccepted: true}
	ins, err := s.st.Incidents(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := s.st.Prefixes(r.Context(), asn, date)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "as.html", struct {
		*ASReport
		Incidents []store.Incident
		Prefixes  []incident.PrefixStatus
		Policies  []string
		Default   string
	}{rep, ins, ps, s.o.PolicyNames(), s.o.DefaultPolicy})
}
