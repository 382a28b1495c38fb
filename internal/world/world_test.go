package world

import (
	"testing"
)

func TestBuildTiny(t *testing.T) {
	sc, _ := ParseScale("tiny")
	w, err := Build(1, sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.ASes) != sc.ASes {
		t.Fatalf("%d ASes", len(w.ASes))
	}
	var stubs, transits, v4, v6 int
	for i, a := range w.ASes {
		switch a.Tier {
		case Stub:
			stubs++
		case Transit:
			transits++
		}
		if a.Tier != Tier1 && len(a.Providers) == 0 {
			t.Errorf("%v (%v) has no provider", a.ASN, a.Tier)
		}
		if a.Tier == Stub && len(a.Customers) > 0 {
			t.Errorf("stub %v has customers", a.ASN)
		}
		for _, p := range a.Providers {
			if !contains(w.ASes[p].Customers, int32(i)) {
				t.Errorf("%v lists provider %v that does not list it", a.ASN, w.ASes[p].ASN)
			}
		}
		v4 += len(a.IPv4)
		v6 += len(a.IPv6)
	}
	if stubs < 40 || transits < 3 || v4 < 100 {
		t.Errorf("%d stubs, %d transits, %d IPv4, %d IPv6 prefixes", stubs, transits, v4, v6)
	}
	t.Logf("%d stubs, %d transits, %d IPv4, %d IPv6 prefixes", stubs, transits, v4, v6)
}

func contains(s []int32, x int32) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
