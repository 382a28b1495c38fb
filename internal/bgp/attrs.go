package bgp

import (
	"errors"
	"fmt"
	"net/netip"
)

// Aggregator is the value of AGGREGATOR or AS4_AGGREGATOR (RFC 4271
// section 5.1.7, RFC 6793 section 3).
type Aggregator struct {
	ASN  ASN
	Addr netip.Addr
}

// MPReach is the value of MP_REACH_NLRI (RFC 4760 section 3).
type MPReach struct {
	AFI  AFI
	SAFI SAFI
	// NextHop is the (global) next hop; LinkLocal is the link-local
	// second address of a 32-octet IPv6 next hop (RFC 2545 section 3).
	NextHop   netip.Addr
	LinkLocal netip.Addr
	NLRI      []NLRI
	// Raw holds the NLRI field when its family is not one this package
	// decodes (anything but IPv4 and IPv6 unicast and multicast).
	Raw []byte
	// Abbreviated is set when the attribute had the MRT RIB form that
	// carries only the next hop (RFC 6396 section 4.3.4).
	Abbreviated bool
}

// MPUnreach is the value of MP_UNREACH_NLRI (RFC 4760 section 4).
type MPUnreach struct {
	AFI  AFI
	SAFI SAFI
	NLRI []NLRI
	Raw  []byte
}

// RawAttr is an attribute kept as bytes: one this package does not know.
type RawAttr struct {
	Flags uint8
	Type  AttrType
	Value []byte
}

// AttrError describes an attribute that was discarded as malformed;
// decoding went on without it. RFC 7606 section 7 has a router treat most
// such UPDATEs as withdrawals; a decoder of archives keeps the route
// visible, without the attribute, and says why.
type AttrError struct {
	Type AttrType
	Off  int // offset of the attribute in the attribute block
	Err  error
}

func (e AttrError) Error() string {
	return fmt.Sprintf("attribute %v at offset %d: %v", e.Type, e.Off, e.Err)
}

// DecodeOptions say how the attributes were encoded.
type DecodeOptions struct {
	// AS4 is set when AS_PATH and AGGREGATOR carry four-octet ASNs
	// (RFC 6793); MRT says so by its subtype.
	AS4 bool
	// AddPath is set when the NLRI in MP_REACH/MP_UNREACH carry path
	// identifiers (RFC 7911).
	AddPath bool
	// RIB is set for the attributes of an MRT RIB entry, whose
	// MP_REACH_NLRI may hold only the next hop (RFC 6396 section 4.3.4);
	// RIBAFI and RIBSAFI are the family of the entry's prefix (a zero
	// RIBSAFI means unicast).
	RIB     bool
	RIBAFI  AFI
	RIBSAFI SAFI
}

// Attrs holds the decoded path attributes of one UPDATE or RIB entry.
// The zero value is ready to use; Decode reuses its slices.
type Attrs struct {
	present [4]uint64
	seen    [4]uint64 // attributes met, well formed or not (for duplicates)

	Origin           Origin
	ASPath           Path // as encoded: two- or four-octet per DecodeOptions.AS4
	AS4Path          Path
	NextHop          netip.Addr
	MED              uint32
	LocalPref        uint32
	Aggregator       Aggregator
	AS4Aggregator    Aggregator
	Communities      []Community
	ExtCommunities   []ExtCommunity
	LargeCommunities []LargeCommunity
	OriginatorID     netip.Addr
	ClusterList      []netip.Addr
	OTC              ASN
	MPReach          MPReach
	MPUnreach        MPUnreach
	Unknown          []RawAttr
	// Malformed lists the attributes that were discarded (RFC 7606).
	Malformed []AttrError

	merged Path
	path   *Path
	as4    bool
}

// Has reports whether attribute t was present and well formed.
func (a *Attrs) Has(t AttrType) bool { return a.present[t>>6]&(1<<(t&63)) != 0 }

func (a *Attrs) set(t AttrType)   { a.present[t>>6] |= 1 << (t & 63) }
func (a *Attrs) unset(t AttrType) { a.present[t>>6] &^= 1 << (t & 63) }

// Reset empties a, keeping its storage.
func (a *Attrs) Reset() {
	a.present = [4]uint64{}
	a.seen = [4]uint64{}
	a.Origin = 0
	a.ASPath.Reset()
	a.AS4Path.Reset()
	a.NextHop = netip.Addr{}
	a.MED, a.LocalPref = 0, 0
	a.Aggregator, a.AS4Aggregator = Aggregator{}, Aggregator{}
	a.Communities = a.Communities[:0]
	a.ExtCommunities = a.ExtCommunities[:0]
	a.LargeCommunities = a.LargeCommunities[:0]
	a.OriginatorID = netip.Addr{}
	a.ClusterList = a.ClusterList[:0]
	a.OTC = 0
	a.MPReach = MPReach{NLRI: a.MPReach.NLRI[:0]}
	a.MPUnreach = MPUnreach{NLRI: a.MPUnreach.NLRI[:0]}
	a.Unknown = a.Unknown[:0]
	a.Malformed = a.Malformed[:0]
	a.merged.Reset()
	a.path = nil
	a.as4 = false
}

// Path returns the route's four-octet AS path: AS_PATH itself when it was
// encoded with four-octet ASNs or no usable AS4_PATH came with it, else
// AS_PATH merged with AS4_PATH (RFC 6793 section 4.2.3).
func (a *Attrs) Path() *Path {
	if a.path == nil {
		return &a.ASPath
	}
	return a.path
}

var errLen = errors.New("wrong length")

// partialError marks an attribute that is malformed but of which a usable
// part was decoded (the prefixes of an MP_REACH_NLRI before a truncated
// one); the attribute stays present and is listed in Malformed.
type partialError struct{ error }

func (e partialError) Unwrap() error { return e.error }

// Decode decodes an attribute block (RFC 4271 section 4.3, "Path
// Attributes") into a. It returns an error only when the block's framing
// is broken, and a then holds the attributes before the fault; malformed
// attributes are listed in a.Malformed.
func (a *Attrs) Decode(b []byte, opt DecodeOptions) error {
	a.Reset()
	a.as4 = opt.AS4
	defer a.finish(opt)
	for off := 0; off < len(b); {
		if len(b)-off < 3 {
			return fmt.Errorf("RFC 4271 4.3: attribute header at offset %d truncated", off)
		}
		flags, typ := b[off], AttrType(b[off+1])
		hdr := 3
		n := int(b[off+2])
		if flags&FlagExtLen != 0 {
			if len(b)-off < 4 {
				return fmt.Errorf("RFC 4271 4.3: attribute %v at offset %d: extended length truncated", typ, off)
			}
			n = n<<8 | int(b[off+3])
			hdr = 4
		}
		if len(b)-off-hdr < n {
			return fmt.Errorf("RFC 4271 4.3: attribute %v at offset %d: length %d exceeds the %d bytes left", typ, off, n, len(b)-off-hdr)
		}
		v := b[off+hdr : off+hdr+n : off+hdr+n]
		word, bit := typ>>6, uint64(1)<<(typ&63)
		if a.seen[word]&bit != 0 {
			// RFC 7606 section 3 (g): keep the first, discard the others,
			// even when the first was itself malformed.
			a.Malformed = append(a.Malformed, AttrError{typ, off, errors.New("RFC 7606 3g: duplicate attribute")})
			off += hdr + n
			continue
		}
		a.seen[word] |= bit
		if err := a.decodeOne(flags, typ, v, opt); err != nil {
			var p partialError
			if !errors.As(err, &p) {
				a.unset(typ)
			}
			a.Malformed = append(a.Malformed, AttrError{typ, off, err})
		}
		off += hdr + n
	}
	return nil
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func (a *Attrs) decodeOne(flags uint8, typ AttrType, v []byte, opt DecodeOptions) error {
	switch typ {
	case AttrOrigin:
		if len(v) != 1 {
			return errLen
		}
		a.Origin = Origin(v[0])
	case AttrASPath:
		size := 2
		if opt.AS4 {
			size = 4
		}
		if err := decodePath(&a.ASPath, v, size); err != nil {
			a.ASPath.Reset()
			return err
		}
	case AttrNextHop:
		if len(v) != 4 {
			return errLen
		}
		a.NextHop = netip.AddrFrom4([4]byte(v))
	case AttrMED:
		if len(v) != 4 {
			return errLen
		}
		a.MED = be32(v)
	case AttrLocalPref:
		if len(v) != 4 {
			return errLen
		}
		a.LocalPref = be32(v)
	case AttrAtomicAggregate:
		if len(v) != 0 {
			return errLen
		}
	case AttrAggregator:
		// The length says which encoding was used; trust it over the
		// context, as RFC 6793 speakers and old archives disagree.
		switch len(v) {
		case 6:
			a.Aggregator = Aggregator{ASN(uint32(v[0])<<8 | uint32(v[1])), netip.AddrFrom4([4]byte(v[2:6]))}
		case 8:
			a.Aggregator = Aggregator{ASN(be32(v)), netip.AddrFrom4([4]byte(v[4:8]))}
		default:
			return errLen
		}
	case AttrAS4Aggregator:
		if len(v) != 8 {
			return errLen
		}
		a.AS4Aggregator = Aggregator{ASN(be32(v)), netip.AddrFrom4([4]byte(v[4:8]))}
	case AttrCommunities:
		if len(v)%4 != 0 {
			return errLen
		}
		for i := 0; i < len(v); i += 4 {
			a.Communities = append(a.Communities, Community(be32(v[i:])))
		}
	case AttrOriginatorID:
		if len(v) != 4 {
			return errLen
		}
		a.OriginatorID = netip.AddrFrom4([4]byte(v))
	case AttrClusterList:
		if len(v)%4 != 0 {
			return errLen
		}
		for i := 0; i < len(v); i += 4 {
			a.ClusterList = append(a.ClusterList, netip.AddrFrom4([4]byte(v[i:i+4])))
		}
	case AttrExtCommunities:
		if len(v)%8 != 0 {
			return errLen
		}
		for i := 0; i < len(v); i += 8 {
			a.ExtCommunities = append(a.ExtCommunities, ExtCommunity(v[i:i+8]))
		}
	case AttrLargeCommunities:
		if len(v)%12 != 0 {
			return errLen
		}
		for i := 0; i < len(v); i += 12 {
			a.LargeCommunities = append(a.LargeCommunities, LargeCommunity{be32(v[i:]), be32(v[i+4:]), be32(v[i+8:])})
		}
	case AttrAS4Path:
		if err := decodePath(&a.AS4Path, v, 4); err != nil {
			a.AS4Path.Reset()
			return err
		}
	case AttrOTC:
		if len(v) != 4 {
			return errLen
		}
		a.OTC = ASN(be32(v))
	case AttrMPReach:
		if err := a.decodeMPReach(v, opt); err != nil {
			if len(a.MPReach.NLRI) > 0 {
				// The prefixes before the fault are kept, as for the
				// NLRI field of the UPDATE itself.
				a.set(typ)
				return partialError{err}
			}
			a.MPReach = MPReach{NLRI: a.MPReach.NLRI[:0]}
			return err
		}
	case AttrMPUnreach:
		if err := a.decodeMPUnreach(v, opt); err != nil {
			if len(a.MPUnreach.NLRI) > 0 {
				a.set(typ)
				return partialError{err}
			}
			a.MPUnreach = MPUnreach{NLRI: a.MPUnreach.NLRI[:0]}
			return err
		}
	default:
		a.Unknown = append(a.Unknown, RawAttr{Flags: flags, Type: typ, Value: v})
	}
	a.set(typ)
	return nil
}

// decodeNextHop decodes the next-hop field of MP_REACH_NLRI by its length:
// 4 (IPv4), 16 (IPv6, or IPv6 for IPv4 NLRI per RFC 8950), 32 (IPv6 global
// and link-local, RFC 2545), and the VPN forms with an 8-octet route
// distinguisher (12, 24, 48; RFC 4364, RFC 4659).
func (m *MPReach) decodeNextHop(nh []byte) error {
	switch len(nh) {
	case 0:
	case 4:
		m.NextHop = netip.AddrFrom4([4]byte(nh))
	case 12:
		m.NextHop = netip.AddrFrom4([4]byte(nh[8:12]))
	case 16:
		m.NextHop = netip.AddrFrom16([16]byte(nh))
	case 24:
		m.NextHop = netip.AddrFrom16([16]byte(nh[8:24]))
	case 32:
		m.NextHop = netip.AddrFrom16([16]byte(nh[:16]))
		m.LinkLocal = netip.AddrFrom16([16]byte(nh[16:32]))
	case 48:
		m.NextHop = netip.AddrFrom16([16]byte(nh[8:24]))
		m.LinkLocal = netip.AddrFrom16([16]byte(nh[32:48]))
	default:
		return fmt.Errorf("RFC 4760 3: next hop of %d bytes", len(nh))
	}
	return nil
}

func (a *Attrs) decodeMPReach(v []byte, opt DecodeOptions) error {
	m := &a.MPReach
	if opt.RIB && len(v) > 0 && v[0] != 0 {
		// RFC 6396 4.3.4: next-hop length and next hop only. The full
		// form starts with the high octet of an AFI, which is zero for
		// every family an archive holds; some writers use it in RIB
		// entries all the same.
		if int(v[0]) > len(v)-1 {
			return fmt.Errorf("RFC 6396 4.3.4: next hop of %d bytes, %d present", v[0], len(v)-1)
		}
		m.AFI, m.SAFI, m.Abbreviated = opt.RIBAFI, opt.RIBSAFI, true
		if m.SAFI == 0 {
			m.SAFI = SAFIUnicast
		}
		return m.decodeNextHop(v[1 : 1+int(v[0])])
	}
	if len(v) < 5 {
		return fmt.Errorf("RFC 4760 3: %d bytes cannot hold AFI, SAFI and next-hop length", len(v))
	}
	m.AFI, m.SAFI = AFI(uint16(v[0])<<8|uint16(v[1])), SAFI(v[2])
	nhLen := int(v[3])
	if len(v)-4 < nhLen+1 {
		return fmt.Errorf("RFC 4760 3: next hop of %d bytes and reserved octet exceed the %d bytes left", nhLen, len(v)-4)
	}
	if err := m.decodeNextHop(v[4 : 4+nhLen]); err != nil {
		return err
	}
	nlri := v[4+nhLen+1:]
	if !decodable(m.AFI, m.SAFI) {
		m.Raw = nlri
		return nil
	}
	var err error
	m.NLRI, err = appendNLRI(m.NLRI, nlri, m.AFI, opt.AddPath)
	return err
}

func (a *Attrs) decodeMPUnreach(v []byte, opt DecodeOptions) error {
	m := &a.MPUnreach
	if len(v) < 3 {
		return fmt.Errorf("RFC 4760 4: %d bytes cannot hold AFI and SAFI", len(v))
	}
	m.AFI, m.SAFI = AFI(uint16(v[0])<<8|uint16(v[1])), SAFI(v[2])
	if !decodable(m.AFI, m.SAFI) {
		m.Raw = v[3:]
		return nil
	}
	var err error
	m.NLRI, err = appendNLRI(m.NLRI, v[3:], m.AFI, opt.AddPath)
	return err
}

func decodable(afi AFI, safi SAFI) bool {
	return (afi == AFIIPv4 || afi == AFIIPv6) && safi >= SAFIUnicast && safi <= SAFIUnicastMulticast
}

// AggregatorAS4 returns the aggregator of the route: AGGREGATOR, or
// AS4_AGGREGATOR when AGGREGATOR holds AS_TRANS and the attributes came
// from a two-octet session (RFC 6793 section 4.2.3). ok is false when
// there is no AGGREGATOR.
func (a *Attrs) AggregatorAS4() (agg Aggregator, ok bool) {
	if !a.Has(AttrAggregator) {
		return Aggregator{}, false
	}
	if !a.as4 && a.Aggregator.ASN == ASTrans && a.Has(AttrAS4Aggregator) {
		return a.AS4Aggregator, true
	}
	return a.Aggregator, true
}

// PathMalformed reports whether an AS_PATH was present but discarded as
// malformed.
func (a *Attrs) PathMalformed() bool {
	for _, m := range a.Malformed {
		if m.Type == AttrASPath {
			return true
		}
	}
	return false
}

// finish applies RFC 6793 section 4.2.3 to compute the four-octet path.
func (a *Attrs) finish(opt DecodeOptions) {
	if opt.AS4 || !a.Has(AttrAS4Path) {
		return
	}
	// "If the AGGREGATOR attribute carries an AS number other than
	// AS_TRANS, then the AS4_AGGREGATOR and AS4_PATH attributes SHALL be
	// ignored" (RFC 6793 section 4.2.3).
	if a.Has(AttrAggregator) && a.Aggregator.ASN != ASTrans {
		return
	}
	if !a.Has(AttrASPath) {
		return
	}
	MergeAS4(&a.merged, &a.ASPath, &a.AS4Path)
	a.path = &a.merged
}
