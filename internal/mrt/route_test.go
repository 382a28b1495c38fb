package mrt

import (
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

func TestRouteOrigin(t *testing.T) {
	path := func(segs ...bgp.Segment) *bgp.Attrs {
		var a bgp.Attrs
		a.ASPath = bgp.Path{Segments: segs}
		a.Set(bgp.AttrASPath)
		return &a
	}
	for _, tc := range []struct {
		name   string
		attrs  *bgp.Attrs
		origin bgp.ASN
		ok     bool
		usable bool
	}{
		{"sequence", path(bgp.Segment{Type: bgp.ASSequence, ASNs: []bgp.ASN{3333, 1299}}), 1299, true, true},
		{"empty path: the peer's own route", path(), 64500, true, true},
		{"ends in a confederation", path(bgp.Segment{Type: bgp.ASSequence, ASNs: []bgp.ASN{1}}, bgp.Segment{Type: bgp.ASConfedSequence, ASNs: []bgp.ASN{64512}}), 64500, true, true},
		{"ends in an AS_SET", path(bgp.Segment{Type: bgp.ASSequence, ASNs: []bgp.ASN{1}}, bgp.Segment{Type: bgp.ASSet, ASNs: []bgp.ASN{2, 3}}), 0, false, true},
		{"no AS_PATH", &bgp.Attrs{}, 0, false, false},
		{"withdrawal", nil, 0, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := Route{PeerAS: 64500, Attrs: tc.attrs, Withdrawn: tc.attrs == nil}
			o, ok := rt.Origin()
			if o != tc.origin || ok != tc.ok || rt.Usable() != tc.usable {
				t.Errorf("Origin() = %v, %v; Usable() = %v", o, ok, rt.Usable())
			}
		})
	}
}
