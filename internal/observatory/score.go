package observatory

import (
	"slices"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/incident"
)

// MetricScore is one metric of one AS over a period.
type MetricScore struct {
	Metric incident.Metric `json:"metric"`
	// Incidents counts the incidents of an incident metric after
	// merging overlaps, and Weight sums their weights.
	Incidents int     `json:"incidents"`
	Weight    float64 `json:"weight"`
	// Value is the measured value of a non-incident metric (and M5's
	// Spoofer verdict: 1 not spoofable, 0 spoofable); nil without data.
	Value *float64 `json:"value"`
	// Score is in [0, 1]; nil without data.
	Score *float64 `json:"score"`
	Band  string   `json:"band"`
	// Scored is set when the metric counts for its action's score; M1,
	// M1C, M5C, M6 and M7RPKIN are shown, not scored, as in the MANRS
	// Observatory.
	Scored bool `json:"scored"`
}

// ActionScore is one MANRS action of one AS over a period.
type ActionScore struct {
	Action string   `json:"action"`
	Score  *float64 `json:"score"`
	Band   string   `json:"band"`
}

// Score is the score of one AS over a period (one day, a month, 30
// days).
type Score struct {
	ASN     bgp.ASN       `json:"asn"`
	From    time.Time     `json:"from"`
	To      time.Time     `json:"to"`
	Days    int           `json:"days"`
	Metrics []MetricScore `json:"metrics"`
	Actions []ActionScore `json:"actions"`
}

// Action returns the score of the action named name.
func (s *Score) Action(name string) ActionScore {
	for _, a := range s.Actions {
		if a.Action == name {
			return a
		}
	}
	return ActionScore{Action: name, Band: config.NoData}
}

// scored lists the metrics that count for their action.
var scored = map[incident.Metric]bool{
	incident.M2: true, incident.M2C: true, incident.M3: true, incident.M3C: true, incident.M4: true, incident.M4C: true,
	incident.M5: true, incident.M7IRR: true, incident.M7RPKI: true, incident.M8: true,
}

// band names the readiness band of a score.
func band(o *config.Observatory, s *float64) string {
	switch {
	case s == nil:
		return config.NoData
	case *s >= o.Bands.Ready:
		return config.Ready
	case *s >= o.Bands.Aspiring:
		return config.Aspiring
	}
	return config.Lagging
}

func ptr(f float64) *float64 { return &f }

// ScoreAS scores one AS over the days [from, to] from its incidents
// (disputed ones already left out) and its measurements of those days:
//
//   - an incident metric's weight W sums the Observatory weights of its
//     incidents after overlapping ones are merged (incident.Merge,
//     incident.Weight), and its score is 1/(1+W): 1 with no incident,
//     0.67 after one short one, 0.5 after one of a day;
//   - M5's score is its Spoofer verdict, M8's and M6's their value,
//     M7IRR's its share, M7RPKI's its value clamped to [0, 1], each
//     averaged over the days it was measured;
//   - filtering scores its worst scored metric, global validation the
//     mean of M7IRR and M7RPKI, anti-spoofing M5, coordination M8.
func ScoreAS(o *config.Observatory, asn bgp.ASN, from, to time.Time, incidents []incident.Incident, measurements []incident.Measurement) Score {
	s := Score{ASN: asn, From: from, To: to, Days: int(to.Sub(from)/(24*time.Hour)) + 1}
	byMetric := map[incident.Metric][]incident.Incident{}
	for _, in := range incidents {
		byMetric[in.Metric] = append(byMetric[in.Metric], in)
	}
	sums := map[incident.Metric]float64{}
	counts := map[incident.Metric]int{}
	for _, m := range measurements {
		v := m.Value
		if m.Metric == incident.M7RPKI {
			v = min(1, max(0, v))
		}
		sums[m.Metric] += v
		counts[m.Metric]++
	}
	score := map[incident.Metric]*float64{}
	for _, m := range incident.Metrics {
		ms := MetricScore{Metric: m, Scored: scored[m]}
		if counts[m] > 0 {
			ms.Value = ptr(sums[m] / float64(counts[m]))
			ms.Score = ms.Value
		}
		if m.IsIncident() && m != incident.M5 {
			for _, sp := range incident.Merge(byMetric[m]) {
				ms.Incidents++
				ms.Weight += incident.Weight(sp.End.Sub(sp.Start))
			}
			ms.Score = ptr(1 / (1 + ms.Weight))
		}
		if m == incident.M5 {
			ms.Incidents = len(incident.Merge(byMetric[m]))
		}
		ms.Band = band(o, ms.Score)
		score[m] = ms.Score
		s.Metrics = append(s.Metrics, ms)
	}
	worst := func(ms ...incident.Metric) *float64 {
		var w *float64
		for _, m := range ms {
			if v := score[m]; v != nil && (w == nil || *v < *w) {
				w = v
			}
		}
		return w
	}
	mean := func(ms ...incident.Metric) *float64 {
		var sum float64
		n := 0
		for _, m := range ms {
			if v := score[m]; v != nil {
				sum += *v
				n++
			}
		}
		if n == 0 {
			return nil
		}
		return ptr(sum / float64(n))
	}
	for _, a := range []struct {
		name string
		v    *float64
	}{
		{"filtering", worst(incident.M2, incident.M2C, incident.M3, incident.M3C, incident.M4, incident.M4C)},
		{"anti-spoofing", score[incident.M5]},
		{"coordination", score[incident.M8]},
		{"global-validation", mean(incident.M7IRR, incident.M7RPKI)},
	} {
		s.Actions = append(s.Actions, ActionScore{Action: a.name, Score: a.v, Band: band(o, a.v)})
	}
	return s
}

// Conformant judges a score under a policy: every action the policy
// lists must be in one of its bands. It returns the actions that fail.
func Conformant(p config.Policy, s *Score) (bool, []string) {
	var failed []string
	for _, name := range p.Actions {
		a := s.Action(name)
		if a.Band == config.NoData && p.NoDataPasses || slices.Contains(p.Bands, a.Band) {
			continue
		}
		failed = append(failed, name)
	}
	return len(failed) == 0, failed
}
