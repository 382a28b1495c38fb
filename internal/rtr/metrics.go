package rtr

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus metrics of a Server, named
// manrs_rtr_<name>.
type Metrics struct {
	clients        prometheus.Gauge
	serial         prometheus.Gauge
	vrps           prometheus.Gauge
	aspas          prometheus.Gauge
	refreshTime    prometheus.Gauge
	refreshOK      prometheus.Gauge
	refreshes      *prometheus.CounterVec
	pdusSent       *prometheus.CounterVec
	errorsSent     *prometheus.CounterVec
	errorsReceived *prometheus.CounterVec
	rejected       prometheus.Counter
	dropped        *prometheus.CounterVec
}

// NewMetrics makes the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "manrs", Subsystem: "rtr", Name: name, Help: help})
	}
	cv := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "manrs", Subsystem: "rtr", Name: name, Help: help}, labels)
	}
	m := &Metrics{
		clients:        g("clients", "Connected RTR clients."),
		serial:         g("serial", "Serial number of the data served."),
		vrps:           g("vrps", "VRPs served."),
		aspas:          g("aspas", "ASPAs served (to version 2 clients)."),
		refreshTime:    g("last_refresh_timestamp_seconds", "Time of the last refresh attempt."),
		refreshOK:      g("last_refresh_success", "1 if the last refresh attempt succeeded, 0 if the last good set was kept."),
		refreshes:      cv("refreshes_total", "Refresh attempts by result (updated, unchanged, failed, dropped).", "result"),
		pdusSent:       cv("pdus_sent_total", "PDUs sent by type.", "type"),
		errorsSent:     cv("error_reports_sent_total", "Error Reports sent by code.", "code"),
		errorsReceived: cv("error_reports_received_total", "Error Reports received by code.", "code"),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "manrs", Subsystem: "rtr",
			Name: "connections_rejected_total", Help: "Connections refused because the client limit was reached."}),
		dropped: cv("clients_dropped_total", "Sessions ended by the server, by reason (write_timeout, idle, protocol_error, shutdown).", "reason"),
	}
	reg.MustRegister(m.clients, m.serial, m.vrps, m.aspas, m.refreshTime, m.refreshOK, m.refreshes,
		m.pdusSent, m.errorsSent, m.errorsReceived, m.rejected, m.dropped)
	return m
}

// ObserveRefresh records a refresh attempt at unix time t with its
// result: "updated", "unchanged", "failed" or "dropped".
func (m *Metrics) ObserveRefresh(t float64, result string) {
	if m == nil {
		return
	}
	m.refreshTime.Set(t)
	m.refreshes.WithLabelValues(result).Inc()
	if result == "updated" || result == "unchanged" {
		m.refreshOK.Set(1)
	} else {
		m.refreshOK.Set(0)
	}
}
