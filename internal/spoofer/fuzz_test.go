package spoofer

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// FuzzReader: no panic, bounded error lists, and every session read
// survives a write and a second read in each format unchanged.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"session":1,"timestamp":"2024-01-01T00:00:00.123-07:30","asn6":7,"client6":"::/0","nat6":false}`))
	f.Add([]byte("session,timestamp,client4\n1,2000-01-01T00:00:00Z,\"0.0.0.0/0\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data), "fuzz")
		var sessions []Session
		for rd.Next() {
			sessions = append(sessions, *rd.Session())
		}
		st := rd.Stats()
		if len(st.Errors) > MaxErrors || st.Sessions != len(sessions) {
			t.Fatalf("stats %+v for %d sessions", st, len(sessions))
		}
		if rd.walk != nil && rd.walk.lc != nil && len(rd.walk.lc.nl) > MaxRecordSize+maxRead {
			t.Fatalf("%d newlines held", len(rd.walk.lc.nl))
		}
		for f := FormatJSONLines; f <= FormatCSV; f++ {
			var buf bytes.Buffer
			if err := WriteAll(&buf, f, sessions); err != nil {
				t.Fatalf("%v: %v", f, err)
			}
			back := NewReader(bytes.NewReader(buf.Bytes()), "again")
			back.Strict = true
			i := 0
			for back.Next() {
				if i >= len(sessions) || !sameSession(back.Session(), &sessions[i]) {
					t.Fatalf("%v: session %d differs:\n%s", f, i, buf.Bytes())
				}
				i++
			}
			if back.Err() != nil || i != len(sessions) {
				t.Fatalf("%v: read back %d of %d: %v\n%s", f, i, len(sessions), back.Err(), buf.Bytes())
			}
		}
	})
}

// synthetic returns n sessions in the mix of the public data: mostly IPv4
// behind a NAT and blocked, a fifth with IPv6, a tenth received.
func synthetic(n int) []Session {
	rng := rand.New(rand.NewPCG(3, 4))
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]Session, n)
	outcomes := []Outcome{Blocked, Blocked, Blocked, Blocked, Blocked, Blocked, Blocked, Received, Rewritten, Unknown}
	for i := range out {
		asn := bgp.ASN(1 + rng.IntN(60000))
		s := Session{ID: uint64(1_000_000 + i), Time: t0.Add(time.Duration(i) * time.Minute), Country: "usa"}
		s.IPv4 = Result{ASN: asn, Client: netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(1 + rng.IntN(223)), byte(rng.IntN(256)), byte(rng.IntN(256)), 0}), 24),
			NAT: BehindNAT, Private: outcomes[rng.IntN(len(outcomes))], Routed: outcomes[rng.IntN(len(outcomes))]}
		if rng.IntN(5) == 0 {
			var a [16]byte
			a[0], a[1], a[2], a[3], a[4] = 0x20, 0x01, 0x0d, 0xb8, byte(rng.IntN(256))
			s.IPv6 = Result{ASN: asn, Client: netip.PrefixFrom(netip.AddrFrom16(a), 40), NAT: NoNAT,
				Private: outcomes[rng.IntN(len(outcomes))], Routed: outcomes[rng.IntN(len(outcomes))]}
		}
		out[i] = s
	}
	return out
}

// BenchmarkReader reads 100,000 sessions (about the public sessions of
// three years) in each format and sums them up per AS.
func BenchmarkReader(b *testing.B) {
	const n = 100_000
	sessions := synthetic(n)
	for _, f := range []Format{FormatJSONLines, FormatJSON, FormatCSV} {
		var buf bytes.Buffer
		if err := WriteAll(&buf, f, sessions); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		b.Run(f.String(), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				rd := NewReader(bytes.NewReader(data), "bench")
				a := NewAggregator(time.Time{}, time.Time{})
				for rd.Next() {
					a.Add(rd.Session())
				}
				if rd.Err() != nil || rd.Stats().Sessions != n {
					b.Fatalf("%d sessions: %v", rd.Stats().Sessions, rd.Err())
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "sessions/s")
		})
	}
}

func BenchmarkWriter(b *testing.B) {
	sessions := synthetic(10_000)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteAll(&buf, FormatJSONLines, sessions); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(sessions)*b.N)/b.Elapsed().Seconds(), "sessions/s")
}
