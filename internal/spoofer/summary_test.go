package spoofer

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

func TestAggregatorFixtures(t *testing.T) {
	a := NewAggregator(time.Time{}, time.Time{})
	for _, file := range []string{"caida-catalog-sessions.jsonl", "api-collection-page.jsonld", "api-collection-pretty.json"} {
		data, err := os.ReadFile("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range readAll(t, data) {
			a.Add(&s)
		}
	}
	var b strings.Builder
	for _, s := range a.Summaries() {
		fmt.Fprintf(&b, "%s %s sessions=%d tests=%d received=%d blocked=%d rewritten=%d unknown=%d private=%d nat=%d prefixes=%v first=%s last=%s #%d %s last-received=%s\n",
			s.ASN, s.Verdict(), s.Sessions, s.Tests, s.Received, s.Blocked, s.Rewritten, s.Unknown, s.PrivateReceived, s.BehindNAT,
			s.SpoofablePrefixes, s.First.Format(time.DateOnly), s.Last.Format(time.DateOnly), s.LastSession, s.LastRouted,
			date(s.LastReceived))
	}
	checkGolden(t, "testdata/golden/summaries.golden", b.String())
}

func date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.DateOnly)
}

func TestAggregator(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 5, d, 12, 0, 0, 0, time.UTC) }
	pfx := netip.MustParsePrefix
	v4 := func(asn bgp.ASN, client string, routed Outcome) Result {
		return Result{ASN: asn, Client: pfx(client), NAT: NoNAT, Private: Blocked, Routed: routed}
	}
	sessions := []Session{
		{ID: 1, Time: day(1), IPv4: v4(64500, "192.0.2.0/24", Blocked)},
		{ID: 2, Time: day(2), IPv4: v4(64500, "198.51.100.0/24", Received)},
		{ID: 3, Time: day(3), IPv4: v4(64500, "198.51.100.0/24", Received)},
		// Both families of one session in one AS: one session, two tests.
		{ID: 4, Time: day(4), IPv4: v4(64501, "203.0.113.0/24", Blocked),
			IPv6: Result{ASN: 64501, Client: pfx("2001:db8::/40"), Private: Blocked, Routed: Blocked}},
		{ID: 5, Time: day(5), IPv4: Result{ASN: 64502, Client: pfx("192.0.2.0/24"), NAT: BehindNAT, Private: Rewritten, Routed: Rewritten}},
		// Private spoofing received, routed not tested.
		{ID: 6, Time: day(6), IPv4: Result{ASN: 64503, Client: pfx("192.0.2.0/24"), Private: Received}},
		// No ASN: left out.
		{ID: 7, Time: day(7), IPv4: Result{Client: pfx("192.0.2.0/24"), Routed: Received}},
		// Outside the window.
		{ID: 8, Time: day(30), IPv4: v4(64500, "192.0.2.0/24", Received)},
		{ID: 9, Time: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC), IPv4: v4(64500, "192.0.2.0/24", Received)},
	}
	a := NewAggregator(day(1).Truncate(24*time.Hour), day(30).Truncate(24*time.Hour))
	for i := range sessions {
		a.Add(&sessions[i])
	}
	if a.Outside() != 2 {
		t.Fatalf("Outside() = %d, want 2", a.Outside())
	}
	tests := []struct {
		asn                                         bgp.ASN
		verdict                                     Verdict
		sessions, tests, received, blocked, private int
		prefixes                                    string
		last                                        uint64
	}{
		{64500, Spoofable, 3, 3, 2, 1, 0, "[198.51.100.0/24]", 3},
		{64501, NotSpoofable, 1, 2, 0, 2, 0, "[]", 4},
		{64502, Inconclusive, 1, 1, 0, 0, 0, "[]", 5},
		{64503, NoData, 1, 0, 0, 0, 1, "[]", 6},
		{64999, NoData, 0, 0, 0, 0, 0, "[]", 0},
	}
	for _, tt := range tests {
		t.Run(tt.asn.String(), func(t *testing.T) {
			s, ok := a.Summary(tt.asn)
			if ok != (tt.sessions > 0) {
				t.Fatalf("Summary ok = %v", ok)
			}
			if s.ASN != tt.asn || s.Verdict() != tt.verdict || s.Sessions != tt.sessions || s.Tests != tt.tests ||
				s.Received != tt.received || s.Blocked != tt.blocked || s.PrivateReceived != tt.private ||
				fmt.Sprint(s.SpoofablePrefixes) != tt.prefixes || s.LastSession != tt.last {
				t.Fatalf("summary %+v, verdict %v", s, s.Verdict())
			}
		})
	}
	s, _ := a.Summary(64500)
	if !s.First.Equal(day(1)) || !s.Last.Equal(day(3)) || !s.LastReceived.Equal(day(3)) || s.LastRouted != Received {
		t.Fatalf("times %+v", s)
	}
	if s, _ := a.Summary(64502); s.BehindNAT != 1 || s.Rewritten != 1 {
		t.Fatalf("NAT %+v", s)
	}
	// The worse outcome of the two families of the latest session.
	b := NewAggregator(time.Time{}, time.Time{})
	both := Session{ID: 1, Time: day(1), IPv4: v4(64500, "192.0.2.0/24", Blocked),
		IPv6: Result{ASN: 64500, Client: pfx("2001:db8::/40"), Routed: Received}}
	b.Add(&both)
	if s, _ := b.Summary(64500); s.LastRouted != Received || s.Sessions != 1 || s.Tests != 2 {
		t.Fatalf("both families: %+v", s)
	}
	if got := len(a.Summaries()); got != 4 {
		t.Fatalf("%d summaries", got)
	}
}
