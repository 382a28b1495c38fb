package bgp

import (
	"fmt"
	mathbits "math/bits"
	"net/netip"
)

// The encoders here write what the decoders read, so that generated data
// (test worlds, fixtures) and decoded data can be written back out.
// Attributes are written in type-code order with the flags RFC 4271 and
// the attribute's own RFC give them, the extended-length flag when the
// value exceeds 255 bytes. Encoders trust their input: they are for data
// this program made or decoded, not for relaying.

// attrFlags are the optional and transitive bits of each attribute.
var attrFlags = map[AttrType]uint8{
	AttrOrigin:           FlagTransitive,
	AttrASPath:           FlagTransitive,
	AttrNextHop:          FlagTransitive,
	AttrMED:              FlagOptional,
	AttrLocalPref:        FlagTransitive,
	AttrAtomicAggregate:  FlagTransitive,
	AttrAggregator:       FlagOptional | FlagTransitive,
	AttrCommunities:      FlagOptional | FlagTransitive,
	AttrOriginatorID:     FlagOptional,
	AttrClusterList:      FlagOptional,
	AttrMPReach:          FlagOptional,
	AttrMPUnreach:        FlagOptional,
	AttrExtCommunities:   FlagOptional | FlagTransitive,
	AttrAS4Path:          FlagOptional | FlagTransitive,
	AttrAS4Aggregator:    FlagOptional | FlagTransitive,
	AttrLargeCommunities: FlagOptional | FlagTransitive,
	AttrOTC:              FlagOptional | FlagTransitive,
}

// appendAttr appends one attribute whose value is produced by value.
func appendAttr(dst []byte, flags uint8, typ AttrType, value func([]byte) []byte) []byte {
	start := len(dst)
	dst = append(dst, flags|FlagExtLen, byte(typ), 0, 0)
	dst = value(dst)
	n := len(dst) - start - 4
	if n <= 255 {
		// Move the value one byte down and use a one-byte length.
		dst[start] = flags
		dst[start+2] = byte(n)
		copy(dst[start+3:], dst[start+4:])
		return dst[:len(dst)-1]
	}
	dst[start+2], dst[start+3] = byte(n>>8), byte(n)
	return dst
}

func put32(b []byte, v uint32) []byte {
	return append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func putAddr(b []byte, a netip.Addr) []byte {
	if a.Is4() {
		v := a.As4()
		return append(b, v[:]...)
	}
	v := a.As16()
	return append(b, v[:]...)
}

// appendPathValue appends an AS_PATH value, splitting segments of more
// than 255 ASNs. With asSize 2 an ASN that does not fit becomes AS_TRANS
// (RFC 6793 section 4.2.2); narrowed reports whether one did.
func appendPathValue(dst []byte, p *Path, asSize int) (out []byte, narrowed bool) {
	for _, s := range p.Segments {
		for rest := s.ASNs; len(rest) > 0; {
			n := min(len(rest), 255)
			dst = append(dst, byte(s.Type), byte(n))
			for _, a := range rest[:n] {
				if asSize == 4 {
					dst = put32(dst, uint32(a))
					continue
				}
				if a > 0xffff {
					a, narrowed = ASTrans, true
				}
				dst = append(dst, byte(a>>8), byte(a))
			}
			rest = rest[n:]
		}
	}
	return dst, narrowed
}

// AppendNLRI appends prefixes in the encoding of RFC 4271 section 4.3, each
// preceded by its path identifier when addPath is set (RFC 7911). The
// address bytes are those of the prefix as given, host bits included.
func AppendNLRI(dst []byte, n []NLRI, addPath bool) []byte {
	for _, p := range n {
		if addPath {
			dst = put32(dst, p.PathID)
		}
		bits := p.Prefix.Bits()
		dst = append(dst, byte(bits))
		var raw []byte
		if p.Prefix.Addr().Is4() {
			a := p.Prefix.Addr().As4()
			raw = a[:]
		} else {
			a := p.Prefix.Addr().As16()
			raw = a[:]
		}
		dst = append(dst, raw[:(bits+7)/8]...)
	}
	return dst
}

func appendNextHop(dst []byte, m *MPReach) []byte {
	n := 0
	if m.NextHop.IsValid() {
		n = m.NextHop.BitLen() / 8
		if m.LinkLocal.IsValid() {
			n += 16
		}
	}
	dst = append(dst, byte(n))
	if m.NextHop.IsValid() {
		dst = putAddr(dst, m.NextHop)
		if m.LinkLocal.IsValid() {
			dst = putAddr(dst, m.LinkLocal)
		}
	}
	return dst
}

// Append appends the encoding of the attributes present in a, as Decode
// reads them with the same options: two- or four-octet ASNs (opt.AS4),
// path identifiers (opt.AddPath), and in an MRT RIB entry (opt.RIB) the
// abbreviated MP_REACH_NLRI of RFC 6396 section 4.3.4. With two-octet
// ASNs, a path or aggregator holding larger ASNs is written with AS_TRANS
// (RFC 6793 section 4.2.2): an AS4_PATH is added unless a has one, and
// the AS4_AGGREGATOR written is the aggregator's, in place of any a has.
func (a *Attrs) Append(dst []byte, opt DecodeOptions) []byte {
	asSize := 2
	if opt.AS4 {
		asSize = 4
	}
	narrowed := false
	// Visit the attributes present in type order, and the two that a
	// two-octet encoding may have to add.
	present := a.present
	if asSize == 2 {
		present[AttrAS4Path>>6] |= 1 << (AttrAS4Path & 63)
		present[AttrAS4Aggregator>>6] |= 1 << (AttrAS4Aggregator & 63)
	}
	for word := 0; word < len(present); word++ {
		for bits := present[word]; bits != 0; bits &= bits - 1 {
			dst = a.appendOne(dst, AttrType(word*64+mathbits.TrailingZeros64(bits)), opt, asSize, &narrowed)
		}
	}
	for _, u := range a.Unknown {
		dst = appendAttr(dst, u.Flags&^FlagExtLen, u.Type, func(b []byte) []byte { return append(b, u.Value...) })
	}
	return dst
}

// appendOne appends attribute typ, as Append does.
func (a *Attrs) appendOne(dst []byte, typ AttrType, opt DecodeOptions, asSize int, narrowed *bool) []byte {
	if typ == AttrAS4Aggregator && asSize == 2 && a.Has(AttrAggregator) && a.Aggregator.ASN > 0xffff {
		// The AGGREGATOR went out as AS_TRANS (RFC 6793 4.2.2): the
		// AS4_AGGREGATOR carries it, whatever AS4_AGGREGATOR a held (a
		// four-octet AGGREGATOR makes any other one meaningless).
		return appendAttr(dst, attrFlags[typ], typ, func(b []byte) []byte {
			return putAddr(put32(b, uint32(a.Aggregator.ASN)), a.Aggregator.Addr)
		})
	}
	if !a.Has(typ) {
		if typ == AttrAS4Path && *narrowed {
			dst = appendAttr(dst, attrFlags[AttrAS4Path], AttrAS4Path, func(b []byte) []byte {
				var as4 Path
				for _, s := range a.ASPath.Segments {
					if s.Type == ASSet || s.Type == ASSequence {
						as4.Segments = append(as4.Segments, s)
					}
				}
				b, _ = appendPathValue(b, &as4, 4)
				return b
			})
		}
		return dst
	}
	flags := attrFlags[typ]
	switch typ {
	case AttrOrigin:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte { return append(b, byte(a.Origin)) })
	case AttrASPath:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte {
			b, *narrowed = appendPathValue(b, &a.ASPath, asSize)
			return b
		})
	case AttrNextHop:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte { return putAddr(b, a.NextHop) })
	case AttrMED:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte { return put32(b, a.MED) })
	case AttrLocalPref:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte { return put32(b, a.LocalPref) })
	case AttrAtomicAggregate:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte { return b })
	case AttrAggregator, AttrAS4Aggregator:
		agg, size := a.Aggregator, asSize
		if typ == AttrAS4Aggregator {
			agg, size = a.AS4Aggregator, 4
		}
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte {
			if size == 4 {
				b = put32(b, uint32(agg.ASN))
			} else {
				asn := agg.ASN
				if asn > 0xffff {
					asn = ASTrans
				}
				b = append(b, byte(asn>>8), byte(asn))
			}
			return putAddr(b, agg.Addr)
		})
	case AttrCommunities:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte {
			for _, c := range a.Communities {
				b = put32(b, uint32(c))
			}
			return b
		})
	case AttrOriginatorID:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte { return putAddr(b, a.OriginatorID) })
	case AttrClusterList:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte {
			for _, c := range a.ClusterList {
				b = putAddr(b, c)
			}
			return b
		})
	case AttrMPReach:
		m := &a.MPReach
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte {
			if opt.RIB && m.NextHop.IsValid() {
				// RFC 6396 4.3.4. Without a next hop the abbreviated
				// form would be a lone zero, which reads as the start
				// of the full form: write the full form then.
				return appendNextHop(b, m)
			}
			b = append(b, byte(m.AFI>>8), byte(m.AFI), byte(m.SAFI))
			b = appendNextHop(b, m)
			b = append(b, 0) // reserved (RFC 4760 section 3)
			if m.Raw != nil {
				return append(b, m.Raw...)
			}
			return AppendNLRI(b, m.NLRI, opt.AddPath)
		})
	case AttrMPUnreach:
		m := &a.MPUnreach
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte {
			b = append(b, byte(m.AFI>>8), byte(m.AFI), byte(m.SAFI))
			if m.Raw != nil {
				return append(b, m.Raw...)
			}
			return AppendNLRI(b, m.NLRI, opt.AddPath)
		})
	case AttrExtCommunities:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte {
			for _, c := range a.ExtCommunities {
				b = append(b, c[:]...)
			}
			return b
		})
	case AttrAS4Path:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte {
			b, _ = appendPathValue(b, &a.AS4Path, 4)
			return b
		})
	case AttrLargeCommunities:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte {
			for _, c := range a.LargeCommunities {
				b = put32(put32(put32(b, c.Global), c.Local1), c.Local2)
			}
			return b
		})
	case AttrOTC:
		dst = appendAttr(dst, flags, typ, func(b []byte) []byte { return put32(b, uint32(a.OTC)) })
	}
	return dst
}

// AppendUpdate appends a whole UPDATE message, header included (RFC 4271
// sections 4.1 and 4.3). It fails when the message would exceed
// MaxMessageLen.
func AppendUpdate(dst []byte, u *Update, opt DecodeOptions) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, byte(MsgUpdate))
	wl := len(dst)
	dst = append(dst, 0, 0)
	dst = AppendNLRI(dst, u.Withdrawn, opt.AddPath)
	n := len(dst) - wl - 2
	dst[wl], dst[wl+1] = byte(n>>8), byte(n)
	al := len(dst)
	dst = append(dst, 0, 0)
	dst = u.Attrs.Append(dst, opt)
	n = len(dst) - al - 2
	if n > 0xffff {
		return dst[:start], fmt.Errorf("path attributes of %d bytes do not fit an UPDATE", n)
	}
	dst[al], dst[al+1] = byte(n>>8), byte(n)
	dst = AppendNLRI(dst, u.NLRI, opt.AddPath)
	total := len(dst) - start
	if total > MaxMessageLen {
		return dst[:start], fmt.Errorf("UPDATE of %d bytes exceeds %d (RFC 8654)", total, MaxMessageLen)
	}
	dst[start+16], dst[start+17] = byte(total>>8), byte(total)
	return dst, nil
}

// Set marks attribute t present; encoders call it after filling the
// attribute's field.
func (a *Attrs) Set(t AttrType) { a.set(t) }
