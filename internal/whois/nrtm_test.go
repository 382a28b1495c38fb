package whois

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/manrs/manrs/internal/irr"
)

const (
	nrtmDump   = "testdata/nrtm/test.db"
	nrtmStream = "testdata/nrtm/test.101-106.nrtm"
)

// fakeNRTM is a loopback NRTM server answering scripted queries: each
// connection sends one query line, and gets the answer scripted for it, or
// RIPE's "invalid range" error.
type fakeNRTM struct {
	addr string

	mu      sync.Mutex
	answers map[string]string
	queries []string
}

func startFakeNRTM(t *testing.T, answers map[string]string) *fakeNRTM {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeNRTM{addr: ln.Addr().String(), answers: answers}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(ioTimeout))
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil {
					return
				}
				q := strings.TrimSpace(line)
				f.mu.Lock()
				f.queries = append(f.queries, q)
				a, ok := f.answers[q]
				f.mu.Unlock()
				if !ok {
					a = "%ERROR:401: invalid range: Not within 1-100\n\n"
				}
				c.Write([]byte(a))
			})
		}
	})
	return f
}

func (f *fakeNRTM) set(q, answer string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[q] = answer
}

func (f *fakeNRTM) lastQuery() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queries) == 0 {
		return ""
	}
	return f.queries[len(f.queries)-1]
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mirrorDB loads the TEST dump, at serial 100, with a journal.
func mirrorDB(t *testing.T) (*DB, *Journal) {
	t.Helper()
	db := loadDB(t, []string{"TEST"}, nrtmDump)
	j := NewJournal(db, 0)
	j.SetSerial("TEST", 100)
	return db, j
}

// answers answers queries in a session over db and j.
func answers(db *DB, j *Journal, queries ...string) map[string]string {
	out := make(map[string]string)
	s := NewSession(db, SessionConfig{Journal: j})
	for _, q := range queries {
		_, a := s.AnswerLine(q)
		out[q] = string(a.AppendTo(nil))
	}
	return out
}

// mirroredQueries are asked of a mirror after the changes of nrtmStream.
var mirroredQueries = []string{
	"!gAS64500", "!gAS64501", "!iAS-TEST,1", "!iAS-TEST", "!iAS-TEST-SUB,1", "!jTEST", "!j-*",
	"!maut-num,AS64500", "!maut-num,AS64501", "!mroute,192.0.2.0/24AS64500", "!r198.51.100.0/24",
	"!oTEST-MNT", "-i origin AS64500", "AS-TEST", "!aAS-TEST",
}

// TestMirrorPoll applies a scripted NRTM stream of ADD and DEL of route,
// as-set and aut-num objects and checks the answers, then polls again when
// the source is current.
func TestMirrorPoll(t *testing.T) {
	srv := startFakeNRTM(t, map[string]string{"-g TEST:3:101-LAST": readFile(t, nrtmStream)})
	db, j := mirrorDB(t)
	reg := prometheus.NewRegistry()
	m := &Mirror{Source: "test", Addr: srv.addr, Journal: j, Metrics: NewMirrorMetrics(reg)}
	res, err := m.Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 4 || res.Deleted != 2 || res.Refused != 0 || res.Serial != 106 || res.Current {
		t.Fatalf("poll: %+v", res)
	}
	if q := srv.lastQuery(); q != "-g TEST:3:101-LAST" {
		t.Errorf("query %q", q)
	}
	got := answers(db, j, mirroredQueries...)
	for q, want := range map[string]string{
		"!gAS64500":                   "A15\n203.0.113.0/24\nC\n",
		"!gAS64501":                   "A16\n198.51.100.0/24\nC\n",
		"!iAS-TEST,1":                 "A24\nAS64500 AS64501 AS64502\nC\n",
		"!jTEST":                      "A15\nTEST:Y:101-106\nC\n",
		"!maut-num,AS64500":           "D\n",
		"!mroute,192.0.2.0/24AS64500": "D\n",
	} {
		if got[q] != want {
			t.Errorf("%s: %q, want %q", q, got[q], want)
		}
	}
	if !strings.Contains(got["!maut-num,AS64501"], "as-name:        TEST-B") {
		t.Errorf("!maut-num,AS64501: %q", got["!maut-num,AS64501"])
	}
	if strings.Contains(got["!oTEST-MNT"], "aut-num:        AS64500") || !strings.Contains(got["!oTEST-MNT"], "198.51.100.0/24") {
		t.Errorf("!oTEST-MNT: %q", got["!oTEST-MNT"])
	}

	// Nothing newer: IRRd's warning, then RIPE's error 401.
	srv.set("-g TEST:3:107-LAST", "% Warning: there are no newer updates available\n\n")
	for range 2 {
		res, err = m.Poll(context.Background())
		if err != nil || !res.Current || res.Serial != 106 {
			t.Fatalf("poll when current: %+v, %v", res, err)
		}
		srv.set("-g TEST:3:107-LAST", "%ERROR:401: invalid range: Not within 101-106\n\n")
	}
	for _, tc := range []struct {
		result string
		want   float64
	}{{"updated", 1}, {"current", 2}} {
		if n, _ := metricValue(t, reg, "manrs_whois_nrtm_polls_total", "source", "TEST", "result", tc.result); n != tc.want {
			t.Errorf("polls %s: %v", tc.result, n)
		}
	}
	if n, _ := metricValue(t, reg, "manrs_whois_nrtm_serial", "source", "TEST"); n != 106 {
		t.Errorf("serial metric: %v", n)
	}
	if n, _ := metricValue(t, reg, "manrs_whois_nrtm_changes_total", "source", "TEST", "op", "del"); n != 2 {
		t.Errorf("deleted metric: %v", n)
	}
}

// TestMirrorRefused checks that answers with gaps, serials out of order,
// another source, a truncated stream or a server error are refused as a
// whole and reported, and that the next good answer is applied.
func TestMirrorRefused(t *testing.T) {
	stream := readFile(t, nrtmStream)
	for _, tc := range []struct {
		name, answer, want, reason string
		gap                        bool
	}{
		{"gap inside", cut(stream, "ADD 103", "DEL 104"), "serial 103 was due", "gap", true},
		{"starts later", strings.Replace(cut(stream, "ADD 101", "ADD 102"), "101-106", "102-106", 1), "want 101-", "gap", true},
		{"ends early", strings.Replace(stream, "101-106", "101-107", 1), "%START range ends at 107", "gap", true},
		{"out of order", strings.Replace(stream, "ADD 103", "ADD 101", 1), "serials must increase", "stream", false},
		{"truncated", stream[:strings.Index(stream, "DEL 106")], "truncated", "stream", false},
		{"other source", strings.Replace(strings.Replace(stream, "Version: 3 TEST", "Version: 3 RADB", 1), "%END TEST", "%END RADB", 1),
			"of source RADB", "other", false},
		{"server error", "%ERROR:403: access denied\n", "access denied", "server", false},
		{"irrd error", "%% ERROR: Serials 50 - 101 do not exist\n\n\n", "do not exist", "server", false},
		{"purged", "%ERROR:401: invalid range: Not within 200-300\n", "reload from a dump", "server", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFakeNRTM(t, map[string]string{"-g TEST:3:101-LAST": tc.answer})
			db, j := mirrorDB(t)
			reg := prometheus.NewRegistry()
			m := &Mirror{Source: "TEST", Addr: srv.addr, Journal: j, Metrics: NewMirrorMetrics(reg)}
			before := answers(db, j, mirroredQueries...)
			_, err := m.Poll(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if errors.Is(err, ErrSerialGap) != tc.gap {
				t.Errorf("errors.Is(%v, ErrSerialGap) = %v", err, !tc.gap)
			}
			if n, _ := metricValue(t, reg, "manrs_whois_nrtm_errors_total", "source", "TEST", "reason", tc.reason); n != 1 {
				t.Errorf("errors{reason=%q} = %v", tc.reason, n)
			}
			if serial, _ := j.Serial("TEST"); serial != 100 {
				t.Errorf("serial %d after a refused answer", serial)
			}
			after := answers(db, j, mirroredQueries...)
			for _, q := range mirroredQueries {
				if before[q] != after[q] {
					t.Errorf("%s changed after a refused answer: %q, then %q", q, before[q], after[q])
				}
			}
			srv.set("-g TEST:3:101-LAST", stream)
			if res, err := m.Poll(context.Background()); err != nil || res.Serial != 106 {
				t.Errorf("next poll: %+v, %v", res, err)
			}
		})
	}
}

// cut removes the text of s from the first from up to the first to.
func cut(s, from, to string) string {
	return s[:strings.Index(s, from)] + s[strings.Index(s, to):]
}

// TestMirrorChain serves the first mirror's journal over NRTM and
// mirrors it with a second: both end with the same answers, over the
// network too.
func TestMirrorChain(t *testing.T) {
	up := startFakeNRTM(t, map[string]string{"-g TEST:3:101-LAST": readFile(t, nrtmStream)})
	db1, j1 := mirrorDB(t)
	if _, err := (&Mirror{Source: "TEST", Addr: up.addr, Journal: j1}).Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, addr1 := startServer(t, db1, Config{Journal: j1})

	db2, j2 := mirrorDB(t)
	_, addr2 := startServer(t, db2, Config{Journal: j2})
	if got := query(t, addr2, "!jTEST"); got != "A13\nTEST:N:0-100\nC\n" {
		t.Errorf("!jTEST before: %q", got)
	}
	m2 := &Mirror{Source: "TEST", Addr: addr1, Journal: j2}
	if res, err := m2.Poll(context.Background()); err != nil || res.Added != 4 || res.Deleted != 2 || res.Serial != 106 {
		t.Fatalf("second mirror: %+v, %v", res, err)
	}
	if res, err := m2.Poll(context.Background()); err != nil || !res.Current {
		t.Fatalf("second mirror, current: %+v, %v", res, err)
	}
	for _, q := range mirroredQueries {
		if a, b := query(t, addr1, q), query(t, addr2, q); a != b {
			t.Errorf("%s: first %q, second %q", q, a, b)
		}
	}
	// The second mirror serves what it applied: its answer to a range
	// is the first's.
	for _, q := range []string{"-g TEST:3:101-LAST", "-g TEST:3:102-104", "-g TEST:1:105-LAST"} {
		if a, b := query(t, addr1, q), query(t, addr2, q); a != b || !strings.HasPrefix(a, "%START Version: ") {
			t.Errorf("%s: first %q, second %q", q, a, b)
		}
	}
	if got := query(t, addr2, "-g TEST:3:102-103"); !strings.Contains(got, "%START Version: 3 TEST 102-103\n\nADD 102\n\naut-num:") ||
		!strings.HasSuffix(got, "\nADD 103\n\nas-set:         AS-TEST\nmembers:        AS64500, AS64501, AS-TEST-SUB\nmbrs-by-ref:    TEST-MNT\nmnt-by:         TEST-MNT\nsource:         TEST\n\n%END TEST\n\n\n") {
		t.Errorf("-g TEST:3:102-103: %q", got)
	}
}

// TestServeNRTMErrors checks the answers to -g out of the journal, with
// IRRd's error texts.
func TestServeNRTMErrors(t *testing.T) {
	db, j := mirrorDB(t)
	got := answers(db, j, "-g TEST:3:101-LAST")
	if want := "% Warning: there are no updates available\n\n\n"; got["-g TEST:3:101-LAST"] != want {
		t.Errorf("empty journal: %q", got["-g TEST:3:101-LAST"])
	}
	changes, _, err := parseNRTMAnswer([]byte(readFile(t, nrtmStream)), "stream", "TEST", 101)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Apply("TEST", changes); err != nil {
		t.Fatal(err)
	}
	got = answers(db, j, "-g TEST:3:50-LAST", "-g TEST:3:101-200", "-g TEST:3:107-LAST", "-g TEST:3:108-LAST",
		"-g TEST:3:105-101", "-g RADB:3:1-LAST", "-g TEST:2:1-LAST", "-g TEST:3:0-LAST", "-k -g TEST:3:101-LAST", "-g TEST:3:101-LAST AS1")
	for q, want := range map[string]string{
		"-g TEST:3:50-LAST":     "%% ERROR: Serials 50 - 101 do not exist\n\n\n",
		"-g TEST:3:101-200":     "%% ERROR: Serials 106 - 200 do not exist\n\n\n",
		"-g TEST:3:107-LAST":    "% Warning: there are no newer updates available\n\n\n",
		"-g TEST:3:108-LAST":    "%% ERROR: Serials 106 - 108 do not exist\n\n\n",
		"-g TEST:3:105-101":     "%% ERROR: Start of the serial range (105) must be lower or equal to end of the serial range (101)\n\n\n",
		"-g RADB:3:1-LAST":      "%% ERROR: No journal kept for this source, unable to serve NRTM queries\n\n\n",
		"-g TEST:2:1-LAST":      "%% ERROR: Invalid NRTM version for -g \"TEST:2:1-LAST\": 1 or 3\n\n\n",
		"-g TEST:3:0-LAST":      "%% ERROR: Invalid serial range for -g \"TEST:3:0-LAST\": want FIRST-LAST, FIRST a serial from 1\n\n\n",
		"-k -g TEST:3:101-LAST": "%% ERROR: -k with -g (NRTM keepalive) is not supported; poll with -g instead\n\n\n",
	} {
		if got[q] != want {
			t.Errorf("%s: %q, want %q", q, got[q], want)
		}
	}
	// A gap in Apply is refused too.
	if _, err := j.Apply("TEST", changes[:1]); !errors.Is(err, ErrSerialGap) {
		t.Errorf("applying 101 at 106: %v", err)
	}
	// Without a journal, -g is refused.
	s := NewSession(db, SessionConfig{})
	if _, a := s.AnswerLine("-g TEST:3:1-LAST"); a.Status != StatusError {
		t.Errorf("without a journal: %q", a.AppendTo(nil))
	}
}

// TestJournalLength checks that the journal keeps its last changes only.
func TestJournalLength(t *testing.T) {
	db := NewDB(irr.New("TEST"))
	j := NewJournal(db, 2)
	j.SetSerial("TEST", 100)
	changes, _, err := parseNRTMAnswer([]byte(readFile(t, nrtmStream)), "stream", "TEST", 101)
	if err != nil {
		t.Fatal(err)
	}
	st, err := j.Apply("TEST", changes)
	if err != nil {
		t.Fatal(err)
	}
	// The DB is empty: the deletions are refused, their serials applied.
	if st.Added != 4 || st.Refused != 2 || st.Serial != 106 || len(st.Errors) != 2 || !errors.Is(st.Errors[0], irr.ErrNotFound) {
		t.Errorf("apply: %+v", st)
	}
	if first, last, ok := j.Range("TEST"); first != 105 || last != 106 || !ok {
		t.Errorf("range %d-%d %v", first, last, ok)
	}
}

// FuzzNRTMAnswer parses arbitrary answers to "-g TEST:3:101-LAST" and
// checks: no panic; an answer taken is either current without changes,
// or changes whose serials run from 101 one by one, which a journal at
// serial 100 applies without a gap.
func FuzzNRTMAnswer(f *testing.F) {
	stream, err := os.ReadFile(nrtmStream)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(stream), "% Warning: there are no newer updates available\n", "%ERROR:401: invalid range: Not within 1-100\n",
		"%ERROR:401: invalid range: Not within 200-300\n", "%% ERROR: Serials 50 - 101 do not exist\n",
		"%START Version: 3 TEST 101-101\n\nDEL 101\n\nroute: 192.0.2.0/24\norigin: AS64500\nsource: TEST\n\n%END TEST\n",
		"%START Version: 1 TEST 101-102\n\nADD\n\nas-set: AS-X\nsource: TEST\n\n%END TEST\n", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		changes, current, err := parseNRTMAnswer(data, "fuzz", "TEST", 101)
		if err != nil {
			return
		}
		if current && len(changes) > 0 {
			t.Fatalf("current with %d changes", len(changes))
		}
		for i, c := range changes {
			if c.Serial != 101+uint64(i) || c.Object == nil {
				t.Fatalf("change %d: serial %d, object %v", i, c.Serial, c.Object)
			}
		}
		j := NewJournal(NewDB(irr.New("TEST")), 10)
		j.SetSerial("TEST", 100)
		if _, err := j.Apply("TEST", changes); err != nil {
			t.Fatalf("apply: %v", err)
		}
	})
}

// TestDumpSerial reads the serial of a dump's comments, and of a
// CURRENTSERIAL file.
func TestDumpSerial(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{readFile(t, nrtmDump), 100, true},
		{"%SERIAL: 7\n", 7, true},
		{"# serial 8\n\nroute: 192.0.2.0/24\n", 8, true},
		{"route: 192.0.2.0/24\n% SERIAL 9\n", 0, false},
		{"% SERIAL x\n% SERIAL 1 2\n", 0, false},
		{"", 0, false},
	} {
		if n, ok := DumpSerial(strings.NewReader(tc.in)); n != tc.want || ok != tc.ok {
			t.Errorf("%q: %d %v", tc.in, n, ok)
		}
	}
	if n, err := ReadSerialFile(strings.NewReader("42\n"), "RIPE.CURRENTSERIAL"); n != 42 || err != nil {
		t.Errorf("42: %d %v", n, err)
	}
	if _, err := ReadSerialFile(strings.NewReader("x"), "RIPE.CURRENTSERIAL"); err == nil {
		t.Error("x: no error")
	}
}
