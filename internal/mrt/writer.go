package mrt

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"

	"github.com/manrs/manrs/internal/bgp"
)

// Writer writes MRT records (RFC 6396) that Reader, bgpdump and other MRT
// readers read back: PEER_INDEX_TABLE and RIB records of TABLE_DUMP_V2
// (with ADD-PATH, RFC 8050), and BGP4MP or BGP4MP_ET messages and state
// changes with four-octet ASNs. RIB entries use the abbreviated
// MP_REACH_NLRI of RFC 6396 section 4.3.4, which bgpdump and gobgp v3
// expect.
type Writer struct {
	w   *bufio.Writer
	buf []byte
	err error
}

// NewWriter returns a Writer on w; call Flush when done.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 1<<20)}
}

// Flush writes out buffered records.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	return w.w.Flush()
}

// record frames body (already in w.buf after a 12-byte header gap, or 16
// with microseconds) and writes it.
func (w *Writer) record(ts uint32, typ Type, sub uint16, micro uint32) error {
	if w.err != nil {
		return w.err
	}
	hdr := HeaderLen
	if typ.extended() {
		hdr += 4
	}
	n := len(w.buf) - HeaderLen
	if n > MaxRecordLen {
		return fmt.Errorf("mrt: %v record of %d bytes exceeds %d", typ, n, MaxRecordLen)
	}
	b := w.buf
	binary.BigEndian.PutUint32(b[0:], ts)
	binary.BigEndian.PutUint16(b[4:], uint16(typ))
	binary.BigEndian.PutUint16(b[6:], sub)
	binary.BigEndian.PutUint32(b[8:], uint32(n))
	if hdr > HeaderLen {
		binary.BigEndian.PutUint32(b[12:], micro)
	}
	_, w.err = w.w.Write(b)
	return w.err
}

// start resets the buffer to an empty header of the given length.
func (w *Writer) start(extended bool) {
	n := HeaderLen
	if extended {
		n += 4
	}
	w.buf = append(w.buf[:0], make([]byte, n)...)
}

// WritePeerIndex writes a PEER_INDEX_TABLE (RFC 6396 section 4.3.1). Peer
// entries use IPv6 addresses or four-octet ASNs as each peer needs.
func (w *Writer) WritePeerIndex(ts uint32, p *PeerIndex) error {
	if len(p.Peers) > 0xffff || len(p.ViewName) > 0xffff {
		return fmt.Errorf("mrt: peer index table of %d peers, view name of %d bytes", len(p.Peers), len(p.ViewName))
	}
	w.start(false)
	b := putAddr4(w.buf, p.CollectorID)
	b = binary.BigEndian.AppendUint16(b, uint16(len(p.ViewName)))
	b = append(b, p.ViewName...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(p.Peers)))
	for _, pe := range p.Peers {
		var typ byte
		if pe.Addr.Is6() {
			typ |= 1
		}
		if pe.ASN > 0xffff {
			typ |= 2
		}
		b = append(b, typ)
		b = putAddr4(b, pe.BGPID)
		b = putAddr(b, pe.Addr)
		if typ&2 != 0 {
			b = binary.BigEndian.AppendUint32(b, uint32(pe.ASN))
		} else {
			b = binary.BigEndian.AppendUint16(b, uint16(pe.ASN))
		}
	}
	w.buf = b
	return w.record(ts, TypeTableDumpV2, PeerIndexTable, 0)
}

// WriteRIB writes a RIB_IPV4_UNICAST or RIB_IPV6_UNICAST record (or their
// ADD-PATH forms when r.AddPath is set) for r.Prefix and r.Entries; only
// PeerIndex, Originated, PathID and Attrs of the entries are used.
func (w *Writer) WriteRIB(ts uint32, r *RIB) error {
	var sub uint16
	switch {
	case r.Prefix.Addr().Is4() && r.AddPath:
		sub = RIBIPv4UnicastAddPath
	case r.Prefix.Addr().Is4():
		sub = RIBIPv4Unicast
	case r.AddPath:
		sub = RIBIPv6UnicastAddPath
	default:
		sub = RIBIPv6Unicast
	}
	if len(r.Entries) > 0xffff {
		return fmt.Errorf("mrt: RIB record of %d entries", len(r.Entries))
	}
	w.start(false)
	b := binary.BigEndian.AppendUint32(w.buf, r.Sequence)
	b = bgp.AppendNLRI(b, []bgp.NLRI{{Prefix: r.Prefix}}, false)
	b = binary.BigEndian.AppendUint16(b, uint16(len(r.Entries)))
	afi := bgp.AFIIPv4
	if r.Prefix.Addr().Is6() {
		afi = bgp.AFIIPv6
	}
	opt := bgp.DecodeOptions{AS4: true, RIB: true, RIBAFI: afi}
	for i := range r.Entries {
		e := &r.Entries[i]
		b = binary.BigEndian.AppendUint16(b, e.PeerIndex)
		b = binary.BigEndian.AppendUint32(b, e.Originated)
		if r.AddPath {
			b = binary.BigEndian.AppendUint32(b, e.PathID)
		}
		at := len(b)
		b = append(b, 0, 0)
		b = e.Attrs.Append(b, opt)
		n := len(b) - at - 2
		if n > 0xffff {
			return fmt.Errorf("mrt: RIB entry %d: attributes of %d bytes", i, n)
		}
		binary.BigEndian.PutUint16(b[at:], uint16(n))
	}
	w.buf = b
	return w.record(ts, TypeTableDumpV2, sub, 0)
}

// peering appends the session fields of a BGP4MP record with four-octet
// ASNs (RFC 6396 section 4.4.3).
func peering(b []byte, peerAS, localAS bgp.ASN, ifindex uint16, peer, local netip.Addr) ([]byte, error) {
	if peer.Is4() != local.Is4() || !peer.IsValid() || !local.IsValid() {
		return b, fmt.Errorf("mrt: peer %v and local %v addresses must be valid and of one family", peer, local)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(peerAS))
	b = binary.BigEndian.AppendUint32(b, uint32(localAS))
	b = binary.BigEndian.AppendUint16(b, ifindex)
	if peer.Is4() {
		b = binary.BigEndian.AppendUint16(b, uint16(bgp.AFIIPv4))
	} else {
		b = binary.BigEndian.AppendUint16(b, uint16(bgp.AFIIPv6))
	}
	return putAddr(putAddr(b, peer), local), nil
}

// WriteUpdate writes a BGP4MP MESSAGE_AS4 record holding u, received from
// the peer of m (or MESSAGE_AS4_ADDPATH when m.AddPath is set). With
// micro >= 0 the record is BGP4MP_ET with that microsecond value.
func (w *Writer) WriteUpdate(ts uint32, micro int, m *Message, u *bgp.Update) error {
	et := micro >= 0
	w.start(et)
	b, err := peering(w.buf, m.PeerAS, m.LocalAS, m.Interface, m.PeerAddr, m.LocalAddr)
	if err != nil {
		return err
	}
	b, err = bgp.AppendUpdate(b, u, bgp.DecodeOptions{AS4: true, AddPath: m.AddPath})
	if err != nil {
		return fmt.Errorf("mrt: %w", err)
	}
	w.buf = b
	sub := BGP4MPMessageAS4
	if m.AddPath {
		sub = BGP4MPMessageAS4AddPath
	}
	return w.record(ts, bgp4mpType(et), sub, uint32(max(micro, 0)))
}

// WriteStateChange writes a BGP4MP STATE_CHANGE_AS4 record (RFC 6396
// section 4.4.4); micro as for WriteUpdate.
func (w *Writer) WriteStateChange(ts uint32, micro int, s *StateChange) error {
	et := micro >= 0
	w.start(et)
	b, err := peering(w.buf, s.PeerAS, s.LocalAS, s.Interface, s.PeerAddr, s.LocalAddr)
	if err != nil {
		return err
	}
	b = binary.BigEndian.AppendUint16(b, s.OldState)
	w.buf = binary.BigEndian.AppendUint16(b, s.NewState)
	return w.record(ts, bgp4mpType(et), BGP4MPStateChangeAS4, uint32(max(micro, 0)))
}

func bgp4mpType(et bool) Type {
	if et {
		return TypeBGP4MPET
	}
	return TypeBGP4MP
}

func putAddr4(b []byte, a netip.Addr) []byte {
	if !a.Is4() {
		return append(b, 0, 0, 0, 0)
	}
	v := a.As4()
	return append(b, v[:]...)
}

func putAddr(b []byte, a netip.Addr) []byte {
	if a.Is4() {
		return putAddr4(b, a)
	}
	v := a.As16()
	return append(b, v[:]...)
}
