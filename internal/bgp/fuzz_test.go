package bgp

import "testing"

// FuzzAttrsDecode checks that attribute decoding never panics and never
// produces more values than the input can hold.
func FuzzAttrsDecode(f *testing.F) {
	f.Add(cat(attr(0x40, AttrOrigin, []byte{0}), attr(0x40, AttrASPath, seg(ASSequence, 4, 3333, 1299))), uint8(1))
	f.Add(cat(attr(0x40, AttrASPath, seg(ASSequence, 2, 3333, 23456)), attr(0xc0, AttrAS4Path, seg(ASSequence, 4, 4200000001))), uint8(0))
	f.Add([]byte{0x80, 14, 17, 0, 2, 1, 16, 32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, uint8(7))
	f.Add([]byte{0x90, 14, 0, 3, 16, 32, 1}, uint8(4))
	f.Fuzz(func(t *testing.T, b []byte, mode uint8) {
		opt := DecodeOptions{AS4: mode&1 != 0, AddPath: mode&2 != 0, RIB: mode&4 != 0, RIBAFI: AFI(1 + mode>>7)}
		var a Attrs
		if err := a.Decode(b, opt); err != nil {
			return
		}
		n := a.ASPath.NumASNs() + a.AS4Path.NumASNs() + len(a.Communities) + len(a.ExtCommunities) +
			len(a.LargeCommunities) + len(a.ClusterList) + len(a.MPReach.NLRI) + len(a.MPUnreach.NLRI) + len(a.Unknown)
		if n > len(b) {
			t.Fatalf("%d values decoded from %d bytes", n, len(b))
		}
		p := a.Path()
		_, _ = p.Origin()
		_ = p.AppendSequence(nil)
		if len(a.Malformed) == 0 {
			// Round trip: what decoded cleanly re-encodes to the same.
			roundTrip(t, &a, opt)
		}
	})
}

// FuzzMessageDecode checks whole BGP messages.
func FuzzMessageDecode(f *testing.F) {
	marker := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	body := cat([]byte{0, 4, 24, 10, 0, 0}, []byte{0, 4}, attr(0x40, AttrOrigin, []byte{0}), []byte{24, 192, 0, 2})
	f.Add(cat(marker, []byte{0, byte(HeaderLen + len(body)), byte(MsgUpdate)}, body), false)
	f.Add(cat(marker, []byte{0, 29, 1, 4, 0x0d, 0x05, 0, 180, 1, 2, 3, 4, 0}), true)
	f.Fuzz(func(t *testing.T, b []byte, as4 bool) {
		var m Message
		if err := m.Decode(b, DecodeOptions{AS4: as4}); err != nil {
			return
		}
		if len(m.Update.NLRI)+len(m.Update.Withdrawn) > len(b) {
			t.Fatal("more prefixes than bytes")
		}
	})
}
