package whois

import "github.com/prometheus/client_golang/prometheus"

// MirrorMetrics are the Prometheus metrics of NRTM mirroring. A nil
// *MirrorMetrics records nothing.
type MirrorMetrics struct {
	polls   *prometheus.CounterVec
	changes *prometheus.CounterVec
	serial  *prometheus.GaugeVec
	errors  *prometheus.CounterVec
}

// NewMirrorMetrics returns the metrics of NRTM mirrors, registered with
// reg:
//
//	manrs_whois_nrtm_polls_total{source,result}   polls: updated, current or error
//	manrs_whois_nrtm_changes_total{source,op}     changes applied: add, del; refused
//	manrs_whois_nrtm_serial{source}               the serial of the source's data
//	manrs_whois_nrtm_errors_total{source,reason}  failed polls: gap, server, stream, network, other
func NewMirrorMetrics(reg prometheus.Registerer) *MirrorMetrics {
	m := &MirrorMetrics{
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "manrs_whois_nrtm_polls_total", Help: "NRTM polls, by source and result (updated, current, error).",
		}, []string{"source", "result"}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "manrs_whois_nrtm_changes_total", Help: "NRTM changes, by source and operation (add, del) or refused.",
		}, []string{"source", "op"}),
		serial: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "manrs_whois_nrtm_serial", Help: "Serial of each mirrored source's data.",
		}, []string{"source"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "manrs_whois_nrtm_errors_total", Help: "Failed NRTM polls, by source and reason (gap, server, stream, network, other).",
		}, []string{"source", "reason"}),
	}
	reg.MustRegister(m.polls, m.changes, m.serial, m.errors)
	return m
}

// SetSerial records the serial of a source.
func (m *MirrorMetrics) SetSerial(source string, serial uint64) {
	if m != nil {
		m.serial.WithLabelValues(source).Set(float64(serial))
	}
}

func (m *MirrorMetrics) polled(source string, res PollResult, err error) {
	if m == nil {
		return
	}
	m.SetSerial(source, res.Serial)
	m.changes.WithLabelValues(source, "add").Add(float64(res.Added))
	m.changes.WithLabelValues(source, "del").Add(float64(res.Deleted))
	m.changes.WithLabelValues(source, "refused").Add(float64(res.Refused))
	switch {
	case err != nil:
		m.polls.WithLabelValues(source, "error").Inc()
		m.errors.WithLabelValues(source, nrtmErrorReason(err)).Inc()
	case res.Current || res.Changes == 0:
		m.polls.WithLabelValues(source, "current").Inc()
	default:
		m.polls.WithLabelValues(source, "updated").Inc()
	}
}
