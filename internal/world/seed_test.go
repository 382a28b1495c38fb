package world

import "testing"

func TestSeed(t *testing.T) {
	d, err := loadSeed()
	if err != nil {
		t.Fatal(err)
	}
	var v4, v6 int
	for _, s := range d.ASes {
		v4 += len(s.IPv4)
		v6 += len(s.IPv6)
	}
	// The tables hold 512,621 IPv4 and 27,693 IPv6 entries, less the few
	// with an AS_SET origin.
	if v4 < 510000 || v4 > 512621 || v6 < 27000 || v6 > 27693 {
		t.Errorf("%d IPv4 and %d IPv6 prefixes", v4, v6)
	}
	if len(d.ASes) < 45000 || len(d.Names) < 70000 {
		t.Errorf("%d origin ASes, %d names", len(d.ASes), len(d.Names))
	}
}
