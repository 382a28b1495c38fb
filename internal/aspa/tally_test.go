package aspa

import (
	"net/netip"
	"testing"
)

func TestTally(t *testing.T) {
	var tl Tally
	p1 := Peer{netip.MustParseAddr("192.0.2.1"), 3333}
	tl.Add(p1, netip.MustParsePrefix("10.0.0.0/8"), Valid)
	tl.Add(p1, netip.MustParsePrefix("2001:db8::/32"), Invalid)
	tl.Add(p1, netip.MustParsePrefix("10.1.0.0/16"), Unknown)
	if tl.IPv4 != (Counts{Valid: 1, Unknown: 1}) || tl.IPv6 != (Counts{Invalid: 1}) {
		t.Errorf("totals %+v %+v", tl.IPv4, tl.IPv6)
	}
	if p := tl.Peers(); len(p) != 1 || p[0].IPv4.Total()+p[0].IPv6.Total() != 3 {
		t.Errorf("peers %+v", p)
	}
}
