package mrt

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

// record encodes an MRT record with the common header.
func record(ts uint32, typ Type, sub uint16, body []byte) []byte {
	b := []byte{byte(ts >> 24), byte(ts >> 16), byte(ts >> 8), byte(ts),
		byte(typ >> 8), byte(typ), byte(sub >> 8), byte(sub),
		byte(len(body) >> 24), byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	return append(b, body...)
}

func be16(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }
func be32(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

func attrBlock() []byte {
	return slices.Concat(
		[]byte{0x40, 1, 1, 0},                             // ORIGIN IGP
		[]byte{0x40, 2, 10, 2, 2}, be32(3333), be32(1299), // AS_PATH
		[]byte{0x40, 3, 4, 192, 0, 2, 1}, // NEXT_HOP
	)
}

func peerIndex(peers ...[]byte) []byte {
	b := slices.Concat([]byte{10, 0, 0, 1}, be16(4), []byte("view"), be16(uint16(len(peers))))
	for _, p := range peers {
		b = append(b, p...)
	}
	return b
}

func peer4(addr string, asn uint32) []byte {
	a := netip.MustParseAddr(addr).As4()
	return slices.Concat([]byte{2}, []byte{10, 0, 0, 2}, a[:], be32(asn))
}

func ribEntry(idx uint16, attrs []byte) []byte {
	return slices.Concat(be16(idx), be32(1400000000), be16(uint16(len(attrs))), attrs)
}

func ribV4(seq uint32, prefix []byte, entries ...[]byte) []byte {
	b := slices.Concat(be32(seq), prefix, be16(uint16(len(entries))))
	for _, e := range entries {
		b = append(b, e...)
	}
	return b
}

func readAll(t *testing.T, data []byte) (recs []Record, r *Reader, skipped []*Error) {
	t.Helper()
	r = NewReader(bytes.NewReader(data), "test.mrt")
	r.OnError = func(e *Error) { skipped = append(skipped, e) }
	for r.Next() {
		recs = append(recs, *r.Record())
	}
	return recs, r, skipped
}

func TestReaderTableDumpV2(t *testing.T) {
	data := slices.Concat(
		record(1, TypeTableDumpV2, PeerIndexTable, peerIndex(peer4("192.0.2.7", 3333), peer4("192.0.2.8", 65536))),
		record(1, TypeTableDumpV2, RIBIPv4Unicast, ribV4(0, []byte{24, 198, 51, 100}, ribEntry(0, attrBlock()), ribEntry(1, attrBlock()))),
	)
	recs, r, skipped := readAll(t, data)
	if r.Err() != nil || len(skipped) != 0 {
		t.Fatalf("err %v skipped %v", r.Err(), skipped)
	}
	if len(recs) != 2 || recs[0].Kind != KindPeerIndex || recs[1].Kind != KindRIB {
		t.Fatalf("records %v", recs)
	}
	rib := recs[1].RIB
	if rib.Prefix != netip.MustParsePrefix("198.51.100.0/24") || len(rib.Entries) != 2 {
		t.Fatalf("rib %+v", rib)
	}
	if rib.Entries[1].Peer.ASN != 65536 || rib.Entries[1].Peer.Addr != netip.MustParseAddr("192.0.2.8") {
		t.Errorf("peer %+v", rib.Entries[1].Peer)
	}
	if o, _ := rib.Entries[0].Attrs.Path().Origin(); o != 1299 {
		t.Errorf("origin %v", o)
	}
	if st := r.Stats(); st.Records != 2 || st.Decoded != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestReaderFaults(t *testing.T) {
	good := record(1, TypeTableDumpV2, PeerIndexTable, peerIndex(peer4("192.0.2.7", 3333)))
	rib := record(1, TypeTableDumpV2, RIBIPv4Unicast, ribV4(0, []byte{8, 10}, ribEntry(0, attrBlock())))
	for _, tc := range []struct {
		name      string
		data      []byte
		records   int    // records handed out
		fatal     string // substring of Err(), "" for none
		skipped   int
		partial   int
		badEntry  int
		unsupport int
	}{
		{name: "empty", data: nil},
		{name: "truncated header", data: slices.Concat(good, good[:7]), records: 1, fatal: "record 2 at 0x25: RFC 6396 2: stream ends inside the common header"},
		{name: "truncated body", data: slices.Concat(good, rib[:len(rib)-3]), records: 1, fatal: "record 2 at 0x25: RFC 6396 2: stream ends inside a TABLE_DUMP_V2 record"},
		{name: "length over cap", data: slices.Concat(good, record(1, TypeBGP4MP, 1, nil)[:8], be32(MaxRecordLen+1)), records: 1, fatal: "exceeds the cap"},
		{name: "unknown type skipped", data: slices.Concat(record(1, 999, 0, []byte{1, 2}), good), records: 1, unsupport: 1},
		{name: "unknown subtype skipped", data: slices.Concat(record(1, TypeTableDumpV2, 99, nil), good), records: 1, unsupport: 1},
		{name: "corrupt body skipped", data: slices.Concat(good, record(1, TypeTableDumpV2, RIBIPv4Unicast, []byte{0, 0, 0, 1, 33}), rib), records: 2, skipped: 1},
		{name: "et without microseconds", data: slices.Concat(record(1, TypeBGP4MPET, 0, []byte{1, 2}), good), records: 1, skipped: 1},
		{name: "peer index out of range", data: slices.Concat(good, record(1, TypeTableDumpV2, RIBIPv4Unicast, ribV4(0, []byte{8, 10}, ribEntry(5, attrBlock())))), records: 2, badEntry: 1},
		{name: "entry count beyond record", data: slices.Concat(good, record(1, TypeTableDumpV2, RIBIPv4Unicast, slices.Concat(be32(0), []byte{8, 10}, be16(60000)))), records: 1, skipped: 1},
		{name: "entry count beyond entries", data: slices.Concat(good, record(1, TypeTableDumpV2, RIBIPv4Unicast, slices.Concat(be32(0), []byte{8, 10}, be16(3), ribEntry(0, attrBlock())))), records: 2, partial: 1},
		{name: "rib before peer index", data: rib, skipped: 1},
		{name: "peer count beyond record", data: record(1, TypeTableDumpV2, PeerIndexTable, slices.Concat([]byte{1, 2, 3, 4}, be16(0), be16(5000))), skipped: 1},
		{name: "zero-length record", data: slices.Concat(record(1, TypeBGP4MP, BGP4MPMessageAS4, nil), good), records: 1, skipped: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, r, skipped := readAll(t, tc.data)
			if len(recs) != tc.records {
				t.Errorf("records = %d, want %d", len(recs), tc.records)
			}
			switch err := r.Err(); {
			case tc.fatal == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.fatal != "" && (err == nil || !strings.Contains(err.Error(), tc.fatal)):
				t.Errorf("error = %v, want %q", err, tc.fatal)
			}
			var me *Error
			if err := r.Err(); err != nil && (!errors.As(err, &me) || me.Name != "test.mrt") {
				t.Errorf("error %v does not name the input", err)
			}
			st := r.Stats()
			if st.Skipped != tc.skipped || st.Partial != tc.partial || st.BadEntries != tc.badEntry || st.Unsupported+st.Unknown != tc.unsupport {
				t.Errorf("stats %+v, want skipped %d partial %d bad entries %d unsupported %d", st, tc.skipped, tc.partial, tc.badEntry, tc.unsupport)
			}
			if len(skipped) != tc.skipped+tc.partial+tc.badEntry {
				t.Errorf("OnError called %d times", len(skipped))
			}
		})
	}
}

func TestReaderBGP4MP(t *testing.T) {
	marker := bytes.Repeat([]byte{0xff}, 16)
	update := slices.Concat([]byte{0, 0}, be16(uint16(len(attrBlock()))), attrBlock(), []byte{24, 203, 0, 113})
	msg := slices.Concat(marker, be16(uint16(19+len(update))), []byte{2}, update)
	body := slices.Concat(be32(3333), be32(65000), be16(0), be16(1), []byte{192, 0, 2, 7, 192, 0, 2, 1}, msg)
	state := slices.Concat(be16(3333), be16(65000), be16(0), be16(1), []byte{192, 0, 2, 7, 192, 0, 2, 1}, be16(1), be16(2))
	data := slices.Concat(
		record(7, TypeBGP4MPET, BGP4MPMessageAS4, slices.Concat(be32(123456), body)),
		record(8, TypeBGP4MP, BGP4MPStateChange, state),
	)
	recs, r, _ := readAll(t, data)
	if r.Err() != nil || len(recs) != 2 {
		t.Fatalf("err %v, %d records", r.Err(), len(recs))
	}
	m := recs[0].Message
	if recs[0].Header.Microseconds != 123456 || m.PeerAS != 3333 || !m.AS4 || m.BGP.Type != bgp.MsgUpdate {
		t.Errorf("message %+v", recs[0])
	}
	if len(m.BGP.Update.NLRI) != 1 || m.BGP.Update.NLRI[0].Prefix.String() != "203.0.113.0/24" {
		t.Errorf("nlri %v", m.BGP.Update.NLRI)
	}
	s := recs[1].State
	if recs[1].Kind != KindStateChange || s.OldState != 1 || s.NewState != 2 || s.PeerAddr.String() != "192.0.2.7" {
		t.Errorf("state %+v", s)
	}
}

// TestReaderFlatMemory checks that reading does not allocate per record
// once the buffers have grown.
func TestReaderFlatMemory(t *testing.T) {
	one := record(1, TypeTableDumpV2, RIBIPv4Unicast, ribV4(0, []byte{8, 10}, ribEntry(0, attrBlock()), ribEntry(0, attrBlock())))
	data := slices.Concat(record(1, TypeTableDumpV2, PeerIndexTable, peerIndex(peer4("192.0.2.7", 3333))), bytes.Repeat(one, 1000))
	r := NewReader(bytes.NewReader(data), "flat")
	for range 10 {
		r.Next()
	}
	allocs := testing.AllocsPerRun(500, func() {
		if !r.Next() {
			t.Fatal("stream ended early")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per record", allocs)
	}
}

// TestReaderResync loses the framing in the middle of a stream: a header
// with an impossible length, then garbage, then good records.
func TestReaderResync(t *testing.T) {
	pit := record(1000, TypeTableDumpV2, PeerIndexTable, peerIndex(peer4("192.0.2.7", 3333)))
	rib := func(seq uint32) []byte {
		return record(1000, TypeTableDumpV2, RIBIPv4Unicast, ribV4(seq, []byte{8, 10}, ribEntry(0, attrBlock())))
	}
	bogus := slices.Concat(be32(1000), be16(uint16(TypeTableDumpV2)), be16(2), be32(0xdead0000))
	garbage := bytes.Repeat([]byte{0xee, 0x01, 0x7f}, 100)
	data := slices.Concat(pit, rib(1), bogus, garbage, rib(2), rib(3))
	recs, r, errs := readAll(t, data)
	if r.Err() != nil {
		t.Fatalf("err %v", r.Err())
	}
	if len(recs) != 4 || recs[3].RIB.Sequence != 3 || recs[2].RIB.Sequence != 2 {
		t.Fatalf("%d records after resync", len(recs))
	}
	st := r.Stats()
	if st.Resyncs != 1 || st.LostBytes != int64(len(bogus)+len(garbage)) {
		t.Errorf("stats %+v, want 1 resync and %d bytes lost", st, len(bogus)+len(garbage))
	}
	next := len(pit) + len(rib(1)) + len(bogus) + len(garbage)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), fmt.Sprintf("framing lost: skipped 312 bytes to the next plausible record at 0x%x", next)) {
		t.Errorf("errors %v", errs)
	}
	if recs[2].Offset != int64(next) {
		t.Errorf("record after the resync at offset %d, want %d", recs[2].Offset, next)
	}

	// Nothing plausible after the fault: the stream ends with the error.
	data = slices.Concat(pit, rib(1), bogus, garbage)
	recs, r, _ = readAll(t, data)
	if len(recs) != 2 || r.Err() == nil || !strings.Contains(r.Err().Error(), "exceeds the cap") {
		t.Errorf("%d records, err %v", len(recs), r.Err())
	}
	// A fault before any record was decoded cannot be resynchronised.
	_, r, _ = readAll(t, slices.Concat(bogus, pit))
	if r.Err() == nil {
		t.Error("no error for a stream that starts with a bad header")
	}
}

// TestReaderReviewCases covers faults found in review.
func TestReaderReviewCases(t *testing.T) {
	marker := bytes.Repeat([]byte{0xff}, 16)
	update := slices.Concat([]byte{0, 0}, be16(uint16(len(attrBlock()))), attrBlock(), []byte{24, 203, 0, 113})
	msg := slices.Concat(marker, be16(uint16(19+len(update))), []byte{2}, update)
	session := slices.Concat(be32(3333), be32(65000), be16(0), be16(1), []byte{192, 0, 2, 7, 192, 0, 2, 1})

	t.Run("bytes after the BGP message are reported", func(t *testing.T) {
		recs, r, errs := readAll(t, record(1, TypeBGP4MP, BGP4MPMessageAS4, slices.Concat(session, msg, []byte{1, 2, 3})))
		if len(recs) != 1 || len(recs[0].Message.BGP.Update.NLRI) != 1 || r.Stats().Partial != 1 {
			t.Fatalf("%d records, stats %+v", len(recs), r.Stats())
		}
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "3 bytes after the BGP message") {
			t.Errorf("errors %v", errs)
		}
	})
	t.Run("a corrupt peer index table leaves the one in force", func(t *testing.T) {
		good := record(1, TypeTableDumpV2, PeerIndexTable, peerIndex(peer4("192.0.2.7", 3333)))
		bad := record(1, TypeTableDumpV2, PeerIndexTable, slices.Concat([]byte{9, 9, 9, 9}, be16(3), []byte("bad"), be16(2), []byte{2, 1}))
		rib := record(1, TypeTableDumpV2, RIBIPv4Unicast, ribV4(0, []byte{8, 10}, ribEntry(0, attrBlock())))
		recs, r, _ := readAll(t, slices.Concat(good, bad, rib))
		if r.Stats().Skipped != 1 || len(recs) != 2 {
			t.Fatalf("%d records, stats %+v", len(recs), r.Stats())
		}
		p := recs[1].PeerIndex
		if p.ViewName != "view" || p.CollectorID.String() != "10.0.0.1" || recs[1].RIB.Entries[0].Peer.ASN != 3333 {
			t.Errorf("table in force: %+v", p)
		}
	})
	t.Run("an empty peer index table is a table", func(t *testing.T) {
		empty := record(1, TypeTableDumpV2, PeerIndexTable, peerIndex())
		rib := record(1, TypeTableDumpV2, RIBIPv4Unicast, ribV4(0, []byte{8, 10}, ribEntry(0, attrBlock())))
		_, r, errs := readAll(t, slices.Concat(empty, rib))
		if r.Stats().BadEntries != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "peer index 0 out of range") {
			t.Errorf("stats %+v, errors %v", r.Stats(), errs)
		}
	})
	t.Run("an UPDATE without its attribute length", func(t *testing.T) {
		short := slices.Concat(marker, be16(19+2), []byte{2}, []byte{0, 0})
		_, _, errs := readAll(t, record(1, TypeBGP4MP, BGP4MPMessageAS4, slices.Concat(session, short)))
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "total path attribute length missing") {
			t.Errorf("errors %v", errs)
		}
	})
}
