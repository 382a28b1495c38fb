// Package web is the HTTP face of the observatory: a JSON API under
// /api/v1/ (docs/api.md), a dashboard of server-rendered pages with
// charts (uPlot, embedded with its licence under static/), Prometheus
// metrics at /metrics and a health check at /healthz.
//
// Query parameters are untrusted input: each is parsed into a typed value
// and a bad one answers 400 with a JSON error naming the parameter.
package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/store"
)

//go:embed static templates
var assets embed.FS

// Server serves the API and the dashboard from a store.
type Server struct {
	st    store.Store
	o     *config.Observatory
	log   *slog.Logger
	pages *template.Template
	mux   *http.ServeMux

	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// New returns a Server; log may be nil.
func New(st store.Store, o *config.Observatory, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{st: st, o: o, log: log, mux: http.NewServeMux(), reg: prometheus.NewRegistry()}
	s.pages = template.Must(template.New("").Funcs(funcs).ParseFS(assets, "templates/*.html"))
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "manrs_http_requests_total", Help: "HTTP requests served, by route and status code.",
	}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "manrs_http_request_duration_seconds", Help: "Time to serve HTTP requests, by route.",
		Buckets: []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10},
	}, []string{"route"})
	s.reg.MustRegister(s.requests, s.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "manrs_store_latest_day_timestamp_seconds", Help: "The latest observed day in the store, as a Unix time.",
	}, func() float64 {
		days, err := st.Days(context.Background(), time.Now().AddDate(0, 0, -400), time.Time{})
		if err != nil || len(days) == 0 {
			return 0
		}
		return float64(days[len(days)-1].Date.Unix())
	}))

	static, _ := fs.Sub(assets, "static")
	s.handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)).ServeHTTP)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	s.handle("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	s.handle("GET /api/v1/days", s.json(s.apiDays))
	s.handle("GET /api/v1/as/{asn}", s.json(s.apiAS))
	s.handle("GET /api/v1/as/{asn}/history", s.json(s.apiHistory))
	s.handle("GET /api/v1/as/{asn}/months", s.json(s.apiMonths))
	s.handle("GET /api/v1/as/{asn}/conformance", s.json(s.apiConformance))
	s.handle("GET /api/v1/as/{asn}/incidents", s.json(s.apiIncidents))
	s.handle("GET /api/v1/as/{asn}/prefixes", s.json(s.apiPrefixes))
	s.handle("GET /api/v1/incidents/{id}", s.json(s.apiIncident))
	s.handle("GET /api/v1/lapses", s.json(s.apiLapses))
	s.handle("GET /as/{asn}", s.pageAS)
	s.handle("GET /{$}", s.pageIndex)
	return s
}

// Mount serves h under pattern (a path ending in a slash, such as the
// TAXII server's /taxii2/), with the metrics and request log of every
// route.
func (s *Server) Mount(pattern string, h http.Handler) { s.handle(pattern, h.ServeHTTP) }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// handle registers a handler with metrics and a log line per request.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h(sw, r)
		took := time.Since(start)
		s.requests.WithLabelValues(pattern, strconv.Itoa(sw.code)).Inc()
		s.latency.WithLabelValues(pattern).Observe(took.Seconds())
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.code, "duration_ms", took.Milliseconds())
	})
}

// badRequest is an error in the request, answered with 400.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

func badf(format string, a ...any) error { return badRequest{fmt.Sprintf(format, a...)} }

// writeJSON writes v as JSON.
// json adapts an API handler: its value is written as JSON, its error
// answered by fail.
func (s *Server) json(h func(*http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, v)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// fail answers an error: 400 for a bad request, 404 for something not
// stored, 500 otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := http.StatusInternalServerError
	var br badRequest
	switch {
	case errors.As(err, &br):
		code = http.StatusBadRequest
	case errors.Is(err, store.ErrNotFound):
		code = http.StatusNotFound
	default:
		s.log.Error("request failed", "path", r.URL.Path, "error", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

// asnParam parses the {asn} of the path: AS64500 or 64500.
func asnParam(r *http.Request) (bgp.ASN, error) {
	a, err := bgp.ParseASN(r.PathValue("asn"))
	if err != nil {
		return 0, badf("asn %q: %v", r.PathValue("asn"), err)
	}
	return a, nil
}

// dateParam parses a YYYY-MM-DD query parameter; def when absent.
func dateParam(r *http.Request, name string, def time.Time) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, badf("%s %q is not a date (YYYY-MM-DD)", name, v)
	}
	return t, nil
}

// intParam parses an integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badf("%s %q must be a number from %d to %d", name, v, lo, hi)
	}
	return n, nil
}

// policyParam returns the policy of the query, or the default.
func (s *Server) policyParam(r *http.Request) (string, error) {
	p := r.URL.Query().Get("policy")
	if p == "" {
		return s.o.DefaultPolicy, nil
	}
	if _, ok := s.o.Policies[p]; !ok {
		return "", badf("policy %q is not one of %v", p, s.o.PolicyNames())
	}
	return p, nil
}

// latest returns the latest stored day.
func (s *Server) latest(ctx context.Context) (time.Time, error) {
	days, err := s.st.Days(ctx, time.Time{}, time.Time{})
	if err != nil {
		return time.Time{}, err
	}
	if len(days) == 0 {
		return time.Time{}, fmt.Errorf("no observed day: %w", store.ErrNotFound)
	}
	return days[len(days)-1].Date, nil
}
