package incident

import (
	"net/netip"
	"testing"
	"time"
)

func TestWeight(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want float64
	}{
		{0, 0.5}, {29 * time.Minute, 0.5}, {30 * time.Minute, 1}, {23 * time.Hour, 1},
		{24 * time.Hour, 2}, {47 * time.Hour, 2}, {72 * time.Hour, 4},
	} {
		if got := Weight(tc.d); got != tc.want {
			t.Errorf("Weight(%v) = %v, want %v", tc.d, got, tc.want)
		}
	}
}

func TestMerge(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 10, 1, h, 0, 0, 0, time.UTC) }
	in := []Incident{
		{ID: "c", Start: at(10), End: at(12)},
		{ID: "a", Start: at(1), End: at(3)},
		{ID: "b", Start: at(2), End: at(5)},
		{ID: "d", Start: at(12), End: at(13)}, // touches c
		{ID: "e", Start: at(20), End: at(21)},
	}
	got := Merge(in)
	want := []Span{{at(1), at(5), []string{"a", "b"}}, {at(10), at(13), []string{"c", "d"}}, {at(20), at(21), []string{"e"}}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) || len(got[i].IDs) != len(want[i].IDs) {
			t.Errorf("span %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestMakeIDStable(t *testing.T) {
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	p := netip.MustParsePrefix("192.0.2.0/24")
	a := MakeID(day, M2, 64500, 64500, p, day)
	if a != MakeID(day, M2, 64500, 64500, p, day) || a == MakeID(day, M2C, 64501, 64500, p, day) || len(a) != 20 {
		t.Errorf("IDs %s", a)
	}
}

func TestMetrics(t *testing.T) {
	for _, m := range Metrics {
		if !m.Valid() || m.Action() < Filtering || m.Action() > GlobalValidation {
			t.Errorf("%s: action %v", m, m.Action())
		}
		if c := m.Customer(); c != "" && (c.Direct() != m || !c.IsIncident()) {
			t.Errorf("%s: customer metric %s", m, c)
		}
	}
	if M7RPKI.IsIncident() || !M5C.IsIncident() || Metric("M9").Valid() {
		t.Error("metric classes")
	}
}
