package mrt

import (
	"fmt"
	"net/netip"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/wire"
)

// zebraOpenAFI is the interface index and address family with which old
// Zebra versions logged OPEN messages: no addresses follow, and the BGP
// marker starts where the interface index should be.
const zebraOpenAFI = 0xffff

// decodeBGP4MPMessage decodes a BGP4MP MESSAGE* record (RFC 6396 sections
// 4.4.2, 4.4.3, 4.4.6, 4.4.7; RFC 8050 section 3).
func decodeBGP4MPMessage(m *Message, subtype uint16, b []byte) error {
	switch subtype {
	case BGP4MPMessage, BGP4MPMessageLocal, BGP4MPMessageAddPath, BGP4MPMessageLocalAddPath:
		m.AS4 = false
	default:
		m.AS4 = true
	}
	m.Local = subtype == BGP4MPMessageLocal || subtype == BGP4MPMessageAS4Local ||
		subtype == BGP4MPMessageLocalAddPath || subtype == BGP4MPMessageAS4LocalAddPath
	m.AddPath = subtype >= BGP4MPMessageAddPath
	d := wire.New(b)
	if m.AS4 {
		m.PeerAS, m.LocalAS = bgp.ASN(d.U32()), bgp.ASN(d.U32())
	} else {
		m.PeerAS, m.LocalAS = bgp.ASN(d.U16()), bgp.ASN(d.U16())
	}
	msgStart := d.Off()
	m.Interface = d.U16()
	m.AFI = bgp.AFI(d.U16())
	switch {
	case m.Interface == zebraOpenAFI && m.AFI == zebraOpenAFI:
		// An OPEN logged by old Zebra: the message follows the ASNs.
		m.Interface, m.AFI = 0, bgp.AFIIPv4
		m.PeerAddr, m.LocalAddr = netip.IPv4Unspecified(), netip.IPv4Unspecified()
		d = wire.New(b)
		d.Skip(msgStart)
	case m.AFI == bgp.AFIIPv4:
		m.PeerAddr, m.LocalAddr = d.Addr4(), d.Addr4()
	case m.AFI == bgp.AFIIPv6:
		m.PeerAddr, m.LocalAddr = d.Addr16(), d.Addr16()
	default:
		if d.Err() == nil {
			return fmt.Errorf("RFC 6396 4.4.2: address family %d", m.AFI)
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("RFC 6396 4.4.2: %w", err)
	}
	off := d.Off()
	rest := d.Rest()
	if err := m.BGP.Decode(rest, bgp.DecodeOptions{AS4: m.AS4, AddPath: m.AddPath}); err != nil {
		err = fmt.Errorf("BGP message at offset %d: %w", off, err)
		if m.BGP.Type == bgp.MsgUpdate && m.BGP.Body != nil {
			// The header was sound: keep what the UPDATE held before
			// the fault.
			return partial{err}
		}
		return err
	}
	if n := bgp.HeaderLen + len(m.BGP.Body); n < len(rest) {
		// The message ends before the record: what follows is not
		// decoded (bgpdump ignores it too), but it is reported.
		return partial{fmt.Errorf("RFC 6396 4.4.2: %d bytes after the BGP message of %d bytes at offset %d", len(rest)-n, n, off)}
	}
	return nil
}

// zebraStateLen is the length of the state changes that old Zebra versions
// logged without interface, family and addresses.
const zebraStateLen = 8

// decodeStateChange decodes a BGP4MP STATE_CHANGE or STATE_CHANGE_AS4
// record (RFC 6396 sections 4.4.1 and 4.4.4).
func decodeStateChange(s *StateChange, as4 bool, b []byte) error {
	d := wire.New(b)
	if as4 {
		s.PeerAS, s.LocalAS = bgp.ASN(d.U32()), bgp.ASN(d.U32())
	} else {
		s.PeerAS, s.LocalAS = bgp.ASN(d.U16()), bgp.ASN(d.U16())
	}
	if len(b) == zebraStateLen {
		// Peer AS, local AS and (with two-octet ASNs) the old and new
		// state; no addresses.
		s.Interface, s.AFI = 0, bgp.AFIIPv4
		s.PeerAddr, s.LocalAddr = netip.IPv4Unspecified(), netip.IPv4Unspecified()
		s.OldState, s.NewState = 0, 0
		if !as4 {
			s.OldState, s.NewState = d.U16(), d.U16()
		}
		return d.Err()
	}
	s.Interface = d.U16()
	s.AFI = bgp.AFI(d.U16())
	asLen := 2
	if as4 {
		asLen = 4
	}
	var want int
	switch s.AFI {
	case bgp.AFIIPv4:
		want = 2*asLen + 4 + 8 + 4
		s.PeerAddr, s.LocalAddr = d.Addr4(), d.Addr4()
	case bgp.AFIIPv6:
		want = 2*asLen + 4 + 32 + 4
		s.PeerAddr, s.LocalAddr = d.Addr16(), d.Addr16()
	default:
		return fmt.Errorf("RFC 6396 4.4.1: address family %d", s.AFI)
	}
	if len(b) != want {
		return fmt.Errorf("RFC 6396 4.4.1: state change of %d bytes, %v needs %d", len(b), s.AFI, want)
	}
	s.OldState, s.NewState = d.U16(), d.U16()
	if err := d.Err(); err != nil {
		return fmt.Errorf("RFC 6396 4.4.1: %w", err)
	}
	return nil
}

// decodeLegacyPeering reads the session of a record of the deprecated type
// BGP (5): peer AS and address, local AS and address, two-octet ASNs and
// IPv4 only.
func decodeLegacyPeering(m *Message, d *wire.Decoder) {
	m.PeerAS = bgp.ASN(d.U16())
	m.PeerAddr = d.Addr4()
	m.LocalAS = bgp.ASN(d.U16())
	m.LocalAddr = d.Addr4()
	m.AFI, m.Interface, m.Local, m.AS4, m.AddPath = bgp.AFIIPv4, 0, false, false, false
}

// decodeLegacyUpdate decodes a BGP_UPDATE record of the deprecated type BGP
// (5): the session, then an UPDATE message without the BGP header.
func decodeLegacyUpdate(m *Message, b []byte) error {
	d := wire.New(b)
	decodeLegacyPeering(m, &d)
	if err := d.Err(); err != nil {
		return fmt.Errorf("MRT BGP_UPDATE: %w", err)
	}
	if err := m.BGP.DecodeUpdateBody(d.Rest(), bgp.DecodeOptions{}); err != nil {
		return partial{fmt.Errorf("MRT BGP_UPDATE: UPDATE at offset %d: %w", d.Off(), err)}
	}
	return nil
}

// decodeLegacyKeepalive decodes a BGP_KEEPALIVE record of the deprecated
// type BGP (5): the session only.
func decodeLegacyKeepalive(m *Message, b []byte) error {
	d := wire.New(b)
	decodeLegacyPeering(m, &d)
	m.BGP.Type, m.BGP.Body = bgp.MsgKeepalive, nil
	if err := d.Err(); err != nil {
		return fmt.Errorf("MRT BGP_KEEPALIVE: %w", err)
	}
	return nil
}

// decodeLegacyStateChange decodes a BGP_STATE_CHANGE record of the
// deprecated type BGP (5): peer AS and address, old and new state.
func decodeLegacyStateChange(s *StateChange, b []byte) error {
	d := wire.New(b)
	s.PeerAS = bgp.ASN(d.U16())
	s.PeerAddr = d.Addr4()
	s.OldState, s.NewState = d.U16(), d.U16()
	s.AFI, s.LocalAS, s.Interface = bgp.AFIIPv4, 0, 0
	s.LocalAddr = netip.Addr{}
	if err := d.Err(); err != nil {
		return fmt.Errorf("MRT BGP_STATE_CHANGE: %w", err)
	}
	return nil
}
