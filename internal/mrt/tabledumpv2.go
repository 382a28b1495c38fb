package mrt

import (
	"fmt"
	"net/netip"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/wire"
)

// decodePeerIndex decodes a PEER_INDEX_TABLE (RFC 6396 section 4.3.1).
func decodePeerIndex(p *PeerIndex, b []byte) error {
	d := wire.New(b)
	p.CollectorID = d.Addr4()
	name := d.Bytes(int(d.U16()))
	count := int(d.U16())
	if err := d.Err(); err != nil {
		return fmt.Errorf("RFC 6396 4.3.1: peer index table header: %w", err)
	}
	p.ViewName = string(name)
	// Each peer entry takes at least 1+4+4+2 bytes: check before allocating.
	if count*11 > d.Len() {
		return fmt.Errorf("RFC 6396 4.3.1: %d peers cannot fit in %d bytes", count, d.Len())
	}
	if cap(p.Peers) < count {
		p.Peers = make([]Peer, 0, count)
	}
	p.Peers = p.Peers[:0]
	for i := 0; i < count; i++ {
		typ := d.U8()
		var pe Peer
		pe.BGPID = d.Addr4()
		if typ&1 != 0 {
			pe.Addr = d.Addr16()
		} else {
			pe.Addr = d.Addr4()
		}
		if typ&2 != 0 {
			pe.ASN = bgp.ASN(d.U32())
		} else {
			pe.ASN = bgp.ASN(d.U16())
		}
		if err := d.Err(); err != nil {
			return fmt.Errorf("RFC 6396 4.3.1: peer entry %d: %w", i, err)
		}
		p.Peers = append(p.Peers, pe)
	}
	return nil
}

// decodeRIB decodes a RIB record (RFC 6396 sections 4.3.2 to 4.3.4, RFC
// 8050 section 4).
func (r *Reader) decodeRIB(rec *Record, b []byte) error {
	rib := &rec.RIB
	st := rec.Header.Subtype
	rib.AddPath = st >= RIBIPv4UnicastAddPath
	rib.Generic = st == RIBGeneric || st == RIBGenericAddPath
	rib.NLRI = nil
	rib.Entries = rib.Entries[:0]
	d := wire.New(b)
	rib.Sequence = d.U32()
	if rib.Generic {
		rib.AFI = bgp.AFI(d.U16())
		rib.SAFI = bgp.SAFI(d.U8())
	} else {
		switch st {
		case RIBIPv4Unicast, RIBIPv4UnicastAddPath:
			rib.AFI, rib.SAFI = bgp.AFIIPv4, bgp.SAFIUnicast
		case RIBIPv4Multicast, RIBIPv4MulticastAddPath:
			rib.AFI, rib.SAFI = bgp.AFIIPv4, bgp.SAFIMulticast
		case RIBIPv6Unicast, RIBIPv6UnicastAddPath:
			rib.AFI, rib.SAFI = bgp.AFIIPv6, bgp.SAFIUnicast
		default:
			rib.AFI, rib.SAFI = bgp.AFIIPv6, bgp.SAFIMulticast
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("RFC 6396 4.3.2: RIB header: %w", err)
	}
	rest := d.Rest()
	if (rib.AFI == bgp.AFIIPv4 || rib.AFI == bgp.AFIIPv6) && (!rib.Generic || rib.SAFI <= bgp.SAFIUnicastMulticast) {
		p, n, err := bgp.DecodePrefix(rest, rib.AFI)
		if err != nil {
			return fmt.Errorf("RFC 6396 4.3.2: prefix at offset %d: %w", d.Off(), err)
		}
		rib.Prefix = p
		d.Skip(n)
	} else {
		// RFC 6396 4.3.3: a single NLRI entry of a family we do not
		// decode. Its length cannot be known in general; assume the
		// common <length, prefix> encoding.
		if len(rest) == 0 {
			return fmt.Errorf("RFC 6396 4.3.3: NLRI missing")
		}
		n := 1 + (int(rest[0])+7)/8
		rib.Prefix = netip.Prefix{}
		rib.NLRI = d.Bytes(n)
	}
	count := int(d.U16())
	if err := d.Err(); err != nil {
		return fmt.Errorf("RFC 6396 4.3.2: entry count: %w", err)
	}
	if count > 0 && !r.havePeers {
		return fmt.Errorf("RFC 6396 4.3: RIB record before any PEER_INDEX_TABLE")
	}
	// An entry takes at least 2+4+2 bytes (plus 4 with ADD-PATH): never
	// allocate for more entries than the record can hold.
	minEntry := 8
	if rib.AddPath {
		minEntry = 12
	}
	if n := min(count, d.Len()/minEntry); cap(rib.Entries) < n {
		// Grow, keeping the attribute storage of the entries so far.
		old := rib.Entries[:cap(rib.Entries)]
		grown := make([]RIBEntry, len(old), n)
		copy(grown, old)
		rib.Entries = grown[:0]
	}
	opt := bgp.DecodeOptions{AS4: true, AddPath: rib.AddPath, RIB: true, RIBAFI: rib.AFI, RIBSAFI: rib.SAFI}
	for i := 0; i < count; i++ {
		start := d.Off()
		idx := d.U16()
		orig := d.U32()
		var pathID uint32
		if rib.AddPath {
			pathID = d.U32()
		}
		attrs := d.Bytes(int(d.U16()))
		if err := d.Err(); err != nil {
			err = fmt.Errorf("RFC 6396 4.3.4: RIB entry %d of %d at offset %d: %w", i, count, start, err)
			if i == 0 {
				return err
			}
			return partial{err}
		}
		if i < cap(rib.Entries) {
			// Reslicing keeps the attribute storage of the entry that
			// had this slot before.
			rib.Entries = rib.Entries[:i+1]
		} else {
			rib.Entries = append(rib.Entries, RIBEntry{})
		}
		e := &rib.Entries[i]
		e.PeerIndex, e.Originated, e.PathID, e.Err = idx, orig, pathID, nil
		if int(idx) < len(r.peers.Peers) {
			e.Peer = r.peers.Peers[idx]
		} else {
			e.Peer = Peer{}
			e.Err = fmt.Errorf("RFC 6396 4.3.4: RIB entry %d: peer index %d out of range (the peer index table has %d peers)", i, idx, len(r.peers.Peers))
		}
		if err := e.Attrs.Decode(attrs, opt); err != nil && e.Err == nil {
			e.Err = fmt.Errorf("RFC 6396 4.3.4: RIB entry %d at offset %d: %w", i, start, err)
		}
		if e.Err != nil {
			r.stats.BadEntries++
			r.report(&Error{Name: r.name, Num: rec.Num, Offset: rec.Offset, Err: e.Err, Skipped: true})
		}
	}
	return nil
}
