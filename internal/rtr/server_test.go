package rtr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpki"
)

func vrp(s string, maxLen uint8, asn bgp.ASN) rpki.VRP {
	return rpki.VRP{Prefix: netip.MustParsePrefix(s), MaxLength: maxLen, ASN: asn}
}

func testSet() *rpki.Set {
	s := &rpki.Set{
		VRPs:  []rpki.VRP{vrp("192.0.2.0/24", 24, 64496), vrp("198.51.100.0/22", 24, 64497), vrp("2001:db8::/32", 48, 64496)},
		ASPAs: []rpki.ASPA{{Customer: 64496, Providers: []bgp.ASN{64497, 64498}}},
	}
	s.Dedup()
	return s
}

func startServer(t *testing.T, cfg Config, set *rpki.Set) (*Server, string) {
	t.Helper()
	s := NewServer(cfg)
	if set != nil {
		s.Update(set)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return s, ln.Addr().String()
}

type testClient struct {
	t  *testing.T
	nc net.Conn
	r  *Reader
}

func dial(t *testing.T, addr string) *testClient {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &testClient{t: t, nc: nc, r: NewReader(nc)}
}

func (c *testClient) send(p PDU, v Version) {
	c.t.Helper()
	if _, err := c.nc.Write(p.AppendPDU(nil, v)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *testClient) next() (PDU, Version, error) {
	_ = c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	return c.r.Next()
}

// response reads PDUs up to End of Data, a Cache Reset or an Error Report.
func (c *testClient) response() ([]PDU, Version) {
	c.t.Helper()
	var out []PDU
	for {
		p, v, err := c.next()
		if err != nil {
			c.t.Fatalf("after %d PDUs: %v", len(out), err)
		}
		out = append(out, p)
		switch p.(type) {
		case EndOfData, CacheReset, ErrorReport:
			return out, v
		}
	}
}

func (c *testClient) closed() bool {
	_, _, err := c.next()
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || isReset(err)
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}

func countTypes(ps []PDU) map[Type]int {
	m := map[Type]int{}
	for _, p := range ps {
		m[p.Type()]++
	}
	return m
}

func TestServerResetQueryVersions(t *testing.T) {
	_, addr := startServer(t, Config{SessionID: 99}, testSet())
	for _, v := range []Version{0, 1, 2} {
		t.Run(fmt.Sprint("v", v), func(t *testing.T) {
			c := dial(t, addr)
			c.send(ResetQuery{}, v)
			ps, gv := c.response()
			if gv != v {
				t.Errorf("answered in version %d, want %d", gv, v)
			}
			n := countTypes(ps)
			if n[TypeCacheResponse] != 1 || n[TypeIPv4Prefix] != 2 || n[TypeIPv6Prefix] != 1 || n[TypeEndOfData] != 1 {
				t.Errorf("PDUs %v", n)
			}
			wantASPA := 0
			if v == 2 {
				wantASPA = 1
			}
			if n[TypeASPA] != wantASPA {
				t.Errorf("%d ASPA PDUs, want %d", n[TypeASPA], wantASPA)
			}
			eod := ps[len(ps)-1].(EndOfData)
			if eod.SessionID != 99 || (v > 0 && eod.Refresh != DefaultRefresh) {
				t.Errorf("End of Data %+v", eod)
			}
		})
	}
}

func TestServerUnsupportedVersion(t *testing.T) {
	_, addr := startServer(t, Config{}, testSet())
	c := dial(t, addr)
	c.send(ResetQuery{}, 3)
	ps, v := c.response()
	er, ok := ps[0].(ErrorReport)
	if !ok || er.Code != UnsupportedProtocolVersion || v != MaxVersion {
		t.Fatalf("got %#v in version %d, want Error Report code 4 in version %d", ps[0], v, MaxVersion)
	}
	if !c.closed() {
		t.Error("session not closed")
	}
}

func TestServerErrors(t *testing.T) {
	_, addr := startServer(t, Config{}, testSet())
	other := dial(t, addr)
	other.send(ResetQuery{}, 1)
	other.response()
	tests := []struct {
		name string
		in   []byte
		code ErrorCode
	}{
		{"prefix from router", Prefix{Announce: true, Prefix: netip.MustParsePrefix("192.0.2.0/24"), MaxLength: 24}.AppendPDU(nil, 1), InvalidRequest},
		{"bad length", []byte{1, 2, 0, 0, 0, 0, 0, 9, 0}, CorruptData},
		{"oversized", []byte{1, 2, 0, 0, 0x40, 0, 0, 0}, CorruptData},
		{"unknown type", []byte{1, 99, 0, 0, 0, 0, 0, 8}, UnsupportedPDUType},
		{"version change", append(ResetQuery{}.AppendPDU(nil, 1), ResetQuery{}.AppendPDU(nil, 0)...), UnexpectedProtocolVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, addr)
			if _, err := c.nc.Write(tt.in); err != nil {
				t.Fatal(err)
			}
			for {
				ps, _ := c.response()
				if er, ok := ps[len(ps)-1].(ErrorReport); ok {
					if er.Code != tt.code {
						t.Errorf("code %d (%s), want %d", er.Code, er.Text, tt.code)
					}
					break
				}
			}
			if !c.closed() {
				t.Error("session not closed")
			}
		})
	}
	// The other session is unaffected.
	other.send(SerialQuery{SessionID: 0, Serial: 0}, 1)
	if ps, _ := other.response(); len(ps) == 0 {
		t.Error("other session got nothing")
	}
}

func TestServerIncremental(t *testing.T) {
	s, addr := startServer(t, Config{SessionID: 5}, testSet())
	c := dial(t, addr)
	c.send(ResetQuery{}, 2)
	ps, _ := c.response()
	serial := ps[len(ps)-1].(EndOfData).Serial

	next := testSet()
	next.VRPs = append(next.VRPs[1:], vrp("203.0.113.0/24", 24, 64499))
	next.ASPAs[0].Providers = []bgp.ASN{64497}
	next.Dedup()
	if got, changed := s.Update(next); !changed || got != serial+1 {
		t.Fatalf("Update: serial %d changed %v", got, changed)
	}
	p, _, err := c.next()
	if n, ok := p.(SerialNotify); err != nil || !ok || n.Serial != serial+1 || n.SessionID != 5 {
		t.Fatalf("got %#v, %v; want Serial Notify for %d", p, err, serial+1)
	}
	c.send(SerialQuery{SessionID: 5, Serial: serial}, 2)
	ps, _ = c.response()
	var ann, wd []string
	for _, p := range ps {
		switch p := p.(type) {
		case Prefix:
			if p.Announce {
				ann = append(ann, p.Prefix.String())
			} else {
				wd = append(wd, p.Prefix.String())
			}
		case ASPA:
			if !p.Announce || !slices.Equal(p.Providers, []bgp.ASN{64497}) {
				t.Errorf("ASPA %+v", p)
			}
		}
	}
	if !slices.Equal(ann, []string{"203.0.113.0/24"}) || !slices.Equal(wd, []string{"192.0.2.0/24"}) {
		t.Errorf("announced %v, withdrew %v", ann, wd)
	}
	// Unchanged data keeps the serial.
	if got, changed := s.Update(next); changed || got != serial+1 {
		t.Errorf("Update of the same set: serial %d changed %v", got, changed)
	}
	// Up to date: an empty answer.
	c.send(SerialQuery{SessionID: 5, Serial: serial + 1}, 2)
	if ps, _ := c.response(); len(ps) != 2 {
		t.Errorf("up-to-date query got %d PDUs, want 2", len(ps))
	}
	// Another session ID (a restarted cache): Cache Reset.
	c.send(SerialQuery{SessionID: 6, Serial: serial}, 2)
	if ps, _ := c.response(); ps[0].Type() != TypeCacheReset {
		t.Errorf("wrong session got %s, want Cache Reset", ps[0].Type())
	}
}

// TestHistory checks deltas against plain set difference, across serial
// wrap-around, and that a serial older than the history gets Cache Reset.
func TestHistory(t *testing.T) {
	const history = 5
	s := NewServer(Config{SessionID: 1, Serial: 0xfffffffd, History: history})
	rng := rand.New(rand.NewPCG(1, 2))
	pool := make([]rpki.VRP, 40)
	for i := range pool {
		pool[i] = vrp(fmt.Sprintf("10.%d.0.0/16", i), 16+uint8(i%3), bgp.ASN(64496+i%4))
	}
	var sets []payload
	var serials []uint32
	for range 12 {
		set := &rpki.Set{}
		for _, v := range pool {
			if rng.IntN(2) == 0 {
				set.VRPs = append(set.VRPs, v)
			}
		}
		for c := range 4 {
			if rng.IntN(2) == 0 {
				set.ASPAs = append(set.ASPAs, rpki.ASPA{Customer: bgp.ASN(65000 + c), Providers: []bgp.ASN{bgp.ASN(64500 + rng.IntN(3))}})
			}
		}
		set.Dedup()
		serial, changed := s.Update(set)
		if !changed {
			continue
		}
		sets = append(sets, newPayload(set))
		serials = append(serials, serial)
	}
	cur := s.snap.Load()
	if cur.serial != serials[len(serials)-1] || !SerialLess(0xfffffffd, cur.serial) {
		t.Fatalf("serial %#x did not wrap past 0", cur.serial)
	}
	last := sets[len(sets)-1]
	for i, from := range serials {
		d, ok := s.deltaSince(cur, from)
		inHistory := len(serials)-1-i <= history
		if from == cur.serial {
			continue
		}
		if ok != inHistory {
			t.Fatalf("serial %#x: in history %v, want %v", from, ok, inHistory)
		}
		if !ok {
			continue
		}
		want := diff(sets[i], last)
		got := d()
		if !slices.Equal(got.announce, want.announce) || !slices.Equal(got.withdraw, want.withdraw) {
			t.Errorf("from %#x: announce %v withdraw %v, want %v %v", from, got.announce, got.withdraw, want.announce, want.withdraw)
		}
		if len(got.aspas) != len(want.aspas) {
			t.Errorf("from %#x: %d ASPA changes, want %d", from, len(got.aspas), len(want.aspas))
		}
		for j := range min(len(got.aspas), len(want.aspas)) {
			g, w := got.aspas[j], want.aspas[j]
			if g.Customer != w.Customer || (g.New == nil) != (w.New == nil) || (g.New != nil && !slices.Equal(g.New.Providers, w.New.Providers)) {
				t.Errorf("from %#x: ASPA change %+v, want %+v", from, g, w)
			}
		}
	}
}

func TestServerMaxClients(t *testing.T) {
	s, addr := startServer(t, Config{MaxClients: 1}, testSet())
	a := dial(t, addr)
	a.send(ResetQuery{}, 1)
	a.response()
	b := dial(t, addr)
	if !b.closed() {
		t.Fatal("second client was not refused")
	}
	if n := s.Clients(); n != 1 {
		t.Errorf("%d clients, want 1", n)
	}
}

func TestServerNoData(t *testing.T) {
	_, addr := startServer(t, Config{}, nil)
	c := dial(t, addr)
	c.send(ResetQuery{}, 1)
	ps, _ := c.response()
	if er, ok := ps[0].(ErrorReport); !ok || er.Code != NoDataAvailable {
		t.Fatalf("got %#v, want No Data Available", ps[0])
	}
}

// TestServerSlowClient checks that a client that does not read is dropped
// after the write deadline and does not delay another.
func TestServerSlowClient(t *testing.T) {
	big := &rpki.Set{}
	for i := range 200000 {
		big.VRPs = append(big.VRPs, vrp(fmt.Sprintf("10.%d.%d.0/24", i>>8&0xff, i&0xff), 24, bgp.ASN(64496+i>>16)))
	}
	big.Dedup()
	s, addr := startServer(t, Config{WriteTimeout: time.Second}, big)
	slow := dial(t, addr)
	slow.send(ResetQuery{}, 1)
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	res, err := Dial(context.Background(), addr, 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Set.VRPs) != len(big.VRPs) {
		t.Errorf("%d VRPs, want %d", len(res.Set.VRPs), len(big.VRPs))
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("fast client took %v", d)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Clients() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := s.Clients(); n != 0 {
		t.Errorf("%d clients left, want the slow one dropped", n)
	}
}

func TestDialNegotiates(t *testing.T) {
	// A cache that speaks only version 1: answers version 2 with Error
	// Report code 4 in version 1, as RFC 8210 section 7 asks.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := NewServer(Config{SessionID: 3})
	s.Update(testSet())
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer nc.Close()
				_, v, _ := NewReader(nc).Next()
				if v > 1 {
					nc.Write(ErrorReport{Code: UnsupportedProtocolVersion}.AppendPDU(nil, 1))
					return
				}
				nc.Write(s.snap.Load().fullResponse(v).bytes)
			}()
		}
	}()
	res, err := Dial(context.Background(), ln.Addr().String(), 2, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != 1 || len(res.Set.VRPs) != 3 || len(res.Set.ASPAs) != 0 || res.SessionID != 3 {
		t.Errorf("got version %d, %d VRPs, %d ASPAs, session %d", res.Version, len(res.Set.VRPs), len(res.Set.ASPAs), res.SessionID)
	}
}

func TestDialASPA(t *testing.T) {
	_, addr := startServer(t, Config{}, testSet())
	res, err := Dial(context.Background(), addr, 2, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	want := testSet()
	if !res.Set.Equal(want) {
		t.Errorf("got %+v, want %+v", res.Set, want)
	}
}
