package whois

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus metrics of a Server. A nil *Metrics records
// nothing.
type Metrics struct {
	connsOpen   prometheus.Gauge
	conns       *prometheus.CounterVec
	closed      *prometheus.CounterVec
	queries     *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	answerBytes prometheus.Histogram
}

// NewMetrics returns the metrics of a whois server, registered with reg:
//
//	manrs_whois_connections_open                 connections being served
//	manrs_whois_connections_total{result}        connections accepted or refused
//	manrs_whois_connections_closed_total{reason} connections ended, by why
//	manrs_whois_queries_total{command,result}    queries by command (!g, !i, ripe, ...) and answer
//	manrs_whois_query_duration_seconds{command}  time to answer a query
//	manrs_whois_answer_size_bytes                size of the answers sent
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		connsOpen: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "manrs_whois_connections_open", Help: "Whois connections being served.",
		}),
		conns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "manrs_whois_connections_total", Help: "Whois connections, accepted or refused (over the connection limit).",
		}, []string{"result"}),
		closed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "manrs_whois_connections_closed_total", Help: "Whois connections ended, by reason.",
		}, []string{"reason"}),
		queries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "manrs_whois_queries_total", Help: "Whois queries, by command and result (data, empty, not_found, error, none).",
		}, []string{"command", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "manrs_whois_query_duration_seconds", Help: "Time to answer whois queries, by command.",
			Buckets: []float64{0.00001, 0.0001, 0.001, 0.01, 0.1, 1, 10},
		}, []string{"command"}),
		answerBytes: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "manrs_whois_answer_size_bytes", Help: "Size of whois answers.",
			Buckets: prometheus.ExponentialBuckets(16, 8, 8), // 16 B to 32 MiB
		}),
	}
	reg.MustRegister(m.connsOpen, m.conns, m.closed, m.queries, m.duration, m.answerBytes)
	return m
}

func (m *Metrics) accepted() {
	if m != nil {
		m.conns.WithLabelValues("accepted").Inc()
		m.connsOpen.Inc()
	}
}

func (m *Metrics) refused() {
	if m != nil {
		m.conns.WithLabelValues("refused").Inc()
	}
}

func (m *Metrics) ended(reason string) {
	if m != nil {
		m.connsOpen.Dec()
		m.closed.WithLabelValues(reason).Inc()
	}
}

func (m *Metrics) query(k Kind, st Status, size int, took time.Duration) {
	if m != nil {
		m.queries.WithLabelValues(k.String(), st.String()).Inc()
		m.duration.WithLabelValues(k.String()).Observe(took.Seconds())
		if size > 0 {
			m.answerBytes.Observe(float64(size))
		}
	}
}
