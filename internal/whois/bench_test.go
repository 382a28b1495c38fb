package whois

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/manrs/manrs/internal/irr"
)

// Benchmark data: 100,000 routes of 20,000 ASes, in as-sets of 100.
const (
	benchASes  = 20_000
	benchPerAS = 5
	benchGroup = 100
	// benchClients is the number of concurrent clients.
	benchClients = 50
)

var (
	benchOnce sync.Once
	benchData *DB
)

func benchDB(b *testing.B) *DB {
	benchOnce.Do(func() { benchData = genDB(b, benchASes, benchPerAS, benchGroup) })
	return benchData
}

// benchQuery returns the i-th query of a client: !g of an AS and !i of an
// as-set, in turn.
func benchQuery(i uint64) string {
	if i%2 == 0 {
		return "!gas" + strconv.FormatUint(100000+i*7919%benchASes, 10)
	}
	return "!iAS-GROUP-" + strconv.FormatUint(i*31%(benchASes/benchGroup), 10) + ",1"
}

// readIRRd reads one IRRd-style answer.
func readIRRd(r *bufio.Reader) error {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return err
	}
	if line[0] != 'A' {
		return fmt.Errorf("answer %q", line)
	}
	n, err := strconv.Atoi(string(line[1 : len(line)-1]))
	if err != nil {
		return err
	}
	if _, err := r.Discard(n + 2); err != nil {
		return err
	}
	return nil
}

// BenchmarkServerQueries measures queries per second of 50 clients, each
// on its own persistent connection, asking !g<asn> and !i<as-set>,1 in
// turn over loopback TCP: one query at a time (round trips), and in
// batches of 100 pipelined queries, as bgpq4 sends them; the last case
// logs every query as JSON (to io.Discard), as a server does by default.
func BenchmarkServerQueries(b *testing.B) {
	db := benchDB(b)
	_, addr := startServer(b, db, Config{MaxConnections: 2 * benchClients})
	_, logged := startServer(b, db, Config{MaxConnections: 2 * benchClients,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	for _, bc := range []struct {
		name  string
		batch int
		addr  string
	}{
		{"round-trip", 1, addr},
		{"pipelined-100", 100, addr},
		{"pipelined-100-logged", 100, logged},
	} {
		batch, addr := bc.batch, bc.addr
		b.Run(bc.name, func(b *testing.B) {
			var next atomic.Uint64
			b.SetParallelism(max(1, benchClients/runtimeProcs()))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					b.Error(err)
					return
				}
				defer c.Close()
				r := bufio.NewReader(c)
				w := bufio.NewWriter(c)
				io.WriteString(w, "!!\n")
				pending := 0
				for pb.Next() {
					w.WriteString(benchQuery(next.Add(1)))
					w.WriteByte('\n')
					if pending++; pending < batch {
						continue
					}
					if err := w.Flush(); err != nil {
						b.Error(err)
						return
					}
					for ; pending > 0; pending-- {
						if err := readIRRd(r); err != nil {
							b.Error(err)
							return
						}
					}
				}
				w.Flush()
				for ; pending > 0; pending-- {
					if err := readIRRd(r); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
		})
	}
}

// BenchmarkSessionAnswer measures answering without the network.
func BenchmarkSessionAnswer(b *testing.B) {
	db := benchDB(b)
	s := NewSession(db, SessionConfig{})
	for _, q := range []string{"!gas107919", "!iAS-GROUP-42,1", "!aAS-GROUP-42", "!r1.2.3.0/24,L"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, a := s.AnswerLine(q); a.Status != StatusData {
					b.Fatalf("%s: %v %s", q, a.Status, a.Body)
				}
			}
		})
	}
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// BenchmarkLoad measures loading a dump of 100,000 routes into the IRR
// database and the texts at once.
func BenchmarkLoad(b *testing.B) {
	dump := genDump(benchASes, benchPerAS, benchGroup)
	b.SetBytes(int64(len(dump)))
	b.ReportAllocs()
	for b.Loop() {
		db := NewDB(irr.New("GEN"))
		if _, err := db.Load(strings.NewReader(dump), "gen", irr.LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchASes*benchPerAS)*float64(b.N)/b.Elapsed().Seconds(), "routes/s")
}
