package bgp

import (
	"slices"
	"testing"
)

// seg encodes one AS_PATH segment with asSize-byte ASNs.
func seg(typ SegmentType, asSize int, asns ...uint32) []byte {
	b := []byte{byte(typ), byte(len(asns))}
	for _, a := range asns {
		if asSize == 4 {
			b = append(b, byte(a>>24), byte(a>>16))
		}
		b = append(b, byte(a>>8), byte(a))
	}
	return b
}

func cat(parts ...[]byte) []byte { return slices.Concat(parts...) }

func TestDecodePath(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []byte
		size    int
		want    [][]ASN
		types   []SegmentType
		origin  ASN
		hasOrig bool
		pathLen int
		wantErr bool
	}{
		{name: "sequence", in: seg(ASSequence, 4, 3333, 1299, 65536), size: 4,
			want: [][]ASN{{3333, 1299, 65536}}, types: []SegmentType{ASSequence}, origin: 65536, hasOrig: true, pathLen: 3},
		{name: "two-octet", in: seg(ASSequence, 2, 3333, 23456), size: 2,
			want: [][]ASN{{3333, 23456}}, types: []SegmentType{ASSequence}, origin: 23456, hasOrig: true, pathLen: 2},
		{name: "set last is origin NONE", in: cat(seg(ASSequence, 4, 1, 2), seg(ASSet, 4, 3, 4)), size: 4,
			want: [][]ASN{{1, 2}, {3, 4}}, types: []SegmentType{ASSequence, ASSet}, hasOrig: false, pathLen: 3},
		{name: "confed ignored in length", in: cat(seg(ASConfedSequence, 4, 64512, 64513), seg(ASSequence, 4, 5)), size: 4,
			want: [][]ASN{{64512, 64513}, {5}}, types: []SegmentType{ASConfedSequence, ASSequence}, origin: 5, hasOrig: true, pathLen: 1},
		{name: "empty path", in: nil, size: 4, want: nil, pathLen: 0},
		{name: "truncated segment", in: seg(ASSequence, 4, 1, 2)[:7], size: 4, wantErr: true},
		{name: "zero-length segment", in: []byte{2, 0}, size: 4, wantErr: true},
		{name: "unknown segment type", in: seg(9, 4, 1), size: 4, wantErr: true},
		{name: "header only", in: []byte{2}, size: 4, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p Path
			err := decodePath(&p, tc.in, tc.size)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			var got [][]ASN
			var types []SegmentType
			for _, s := range p.Segments {
				got = append(got, s.ASNs)
				types = append(types, s.Type)
			}
			if !slices.EqualFunc(got, tc.want, slices.Equal) || !slices.Equal(types, tc.types) {
				t.Errorf("segments = %v %v, want %v %v", types, got, tc.types, tc.want)
			}
			o, ok := p.Origin()
			if ok != tc.hasOrig || o != tc.origin {
				t.Errorf("Origin() = %v, %v; want %v, %v", o, ok, tc.origin, tc.hasOrig)
			}
			if p.Len() != tc.pathLen {
				t.Errorf("Len() = %d, want %d", p.Len(), tc.pathLen)
			}
		})
	}
}

func TestDecodePathReuse(t *testing.T) {
	var p Path
	if err := decodePath(&p, seg(ASSequence, 4, 1, 2, 3), 4); err != nil {
		t.Fatal(err)
	}
	if err := decodePath(&p, seg(ASSequence, 4, 9), 4); err != nil {
		t.Fatal(err)
	}
	if len(p.Segments) != 1 || !slices.Equal(p.Segments[0].ASNs, []ASN{9}) {
		t.Fatalf("second decode left %v", p.Segments)
	}
	in := seg(ASSequence, 4, 1, 2)
	allocs := testing.AllocsPerRun(100, func() {
		if err := decodePath(&p, in, 4); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("decodePath allocates %v times per run", allocs)
	}
}

// TestMergeAS4 follows RFC 6793 section 4.2.3.
func TestMergeAS4(t *testing.T) {
	path := func(segs ...[]byte) Path {
		var p Path
		if err := decodePath(&p, cat(segs...), 4); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name       string
		as, as4    Path
		wantString [][]ASN
	}{
		{"AS4_PATH replaces the tail",
			path(seg(ASSequence, 4, 3333, 23456, 23456)), path(seg(ASSequence, 4, 196608, 196609)),
			[][]ASN{{3333, 196608, 196609}}},
		{"equal lengths: AS4_PATH wins",
			path(seg(ASSequence, 4, 23456, 23456)), path(seg(ASSequence, 4, 196608, 196609)),
			[][]ASN{{196608, 196609}}},
		{"AS4_PATH longer: ignored",
			path(seg(ASSequence, 4, 23456)), path(seg(ASSequence, 4, 196608, 196609)),
			[][]ASN{{23456}}},
		{"set counts one",
			path(seg(ASSequence, 4, 1, 2), seg(ASSet, 4, 23456, 7)), path(seg(ASSequence, 4, 2), seg(ASSet, 4, 196608, 7)),
			[][]ASN{{1, 2}, {196608, 7}}},
		{"confed kept in front",
			path(seg(ASConfedSequence, 4, 64512), seg(ASSequence, 4, 1, 23456)), path(seg(ASSequence, 4, 196608)),
			[][]ASN{{64512}, {1, 196608}}},
		{"leading confed kept when nothing else is",
			path(seg(ASConfedSequence, 4, 65001), seg(ASSequence, 4, 23456)), path(seg(ASSequence, 4, 4200000000)),
			[][]ASN{{65001}, {4200000000}}},
		{"confed adjoining the last kept segment",
			path(seg(ASSequence, 4, 100), seg(ASConfedSequence, 4, 65001), seg(ASSequence, 4, 23456)), path(seg(ASSequence, 4, 4200000000)),
			[][]ASN{{100}, {65001}, {4200000000}}},
		{"confed segments of AS4_PATH are discarded (RFC 6793 6)",
			path(seg(ASSequence, 4, 100, 23456)), path(seg(ASSequence, 4, 100, 4200000000), seg(ASConfedSequence, 4, 65001)),
			[][]ASN{{100, 4200000000}}},
		{"AS4_PATH of only a confed segment is empty: ignored",
			path(seg(ASSequence, 4, 100, 200)), path(seg(ASConfedSequence, 4, 65001)),
			[][]ASN{{100, 200}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dst Path
			MergeAS4(&dst, &tc.as, &tc.as4)
			var got [][]ASN
			for _, s := range dst.Segments {
				got = append(got, s.ASNs)
			}
			if !slices.EqualFunc(got, tc.wantString, slices.Equal) {
				t.Errorf("merged = %v, want %v", got, tc.wantString)
			}
		})
	}
}

func TestMergeAS4Aliasing(t *testing.T) {
	var p, as4 Path
	if err := decodePath(&p, cat(seg(ASSequence, 4, 1, 2, 23456)), 4); err != nil {
		t.Fatal(err)
	}
	if err := decodePath(&as4, seg(ASSequence, 4, 4200000000), 4); err != nil {
		t.Fatal(err)
	}
	MergeAS4(&p, &p, &as4)
	if got := p.AppendSequence(nil); !slices.Equal(got, []ASN{1, 2, 4200000000}) {
		t.Errorf("MergeAS4 into its input: %v", got)
	}
	p.CopyFrom(&p)
	if p.NumASNs() != 3 {
		t.Errorf("CopyFrom itself: %v", p.Segments)
	}
}

func TestAppendSequence(t *testing.T) {
	var p Path
	if err := decodePath(&p, cat(seg(ASConfedSequence, 4, 64512), seg(ASSequence, 4, 1, 1, 2, 3, 3, 3)), 4); err != nil {
		t.Fatal(err)
	}
	if got := p.AppendSequence(nil); !slices.Equal(got, []ASN{1, 2, 3}) {
		t.Errorf("AppendSequence = %v", got)
	}
}

func TestParseASN(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ASN
		ok   bool
	}{
		{"AS64500", 64500, true}, {"as3333", 3333, true}, {"4294967295", 4294967295, true},
		{"1.10", 65546, true}, {"AS", 0, false}, {"4294967296", 0, false}, {"-1", 0, false},
		{"1.65536", 0, false}, {"", 0, false}, {"AS 1", 0, false},
	} {
		got, err := ParseASN(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseASN(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	if s := ASN(64500).String(); s != "AS64500" {
		t.Errorf("String = %q", s)
	}
}
