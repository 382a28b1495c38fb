package bgp

import (
	"fmt"
	"strconv"
)

// SegmentType is the type of an AS_PATH segment (RFC 4271 section 4.3,
// RFC 5065 section 3).
type SegmentType uint8

// AS_PATH segment types.
const (
	ASSet            SegmentType = 1
	ASSequence       SegmentType = 2
	ASConfedSequence SegmentType = 3
	ASConfedSet      SegmentType = 4
)

func (t SegmentType) String() string {
	switch t {
	case ASSet:
		return "AS_SET"
	case ASSequence:
		return "AS_SEQUENCE"
	case ASConfedSequence:
		return "AS_CONFED_SEQUENCE"
	case ASConfedSet:
		return "AS_CONFED_SET"
	}
	return "SEGMENT_" + strconv.Itoa(int(t))
}

// Segment is one AS_PATH segment.
type Segment struct {
	Type SegmentType
	ASNs []ASN
}

// Path is a decoded AS_PATH or AS4_PATH: its segments in wire order, the
// neighbour first and the origin last. The ASNs of all segments share one
// backing array that the next decode into the same Path reuses.
type Path struct {
	Segments []Segment
	asns     []ASN
}

// Reset empties p, keeping its storage.
func (p *Path) Reset() {
	p.Segments = p.Segments[:0]
	p.asns = p.asns[:0]
}

// Len is the path length as RFC 4271 section 9.1.2.2 counts it for
// comparison and RFC 6793 section 4.2.3 counts it for the AS4_PATH merge:
// each AS in an AS_SEQUENCE counts 1, an AS_SET counts 1, confederation
// segments count 0.
func (p *Path) Len() int {
	n := 0
	for _, s := range p.Segments {
		switch s.Type {
		case ASSequence:
			n += len(s.ASNs)
		case ASSet:
			n++
		}
	}
	return n
}

// NumASNs is the number of ASNs in all segments.
func (p *Path) NumASNs() int {
	n := 0
	for _, s := range p.Segments {
		n += len(s.ASNs)
	}
	return n
}

// Origin returns the origin AS of a route with this path as RFC 6811
// section 2 defines it: the rightmost AS of the final segment when that
// segment is an AS_SEQUENCE. ok is false when the origin is NONE: the
// path is empty, or its final segment is an AS_SET or a confederation
// segment (for those RFC 6811 names the local AS, which an archive does not
// know).
func (p *Path) Origin() (asn ASN, ok bool) {
	if len(p.Segments) == 0 {
		return 0, false
	}
	last := p.Segments[len(p.Segments)-1]
	if last.Type != ASSequence || len(last.ASNs) == 0 {
		return 0, false
	}
	return last.ASNs[len(last.ASNs)-1], true
}

// First returns the leftmost AS of the path (the neighbour that sent it).
func (p *Path) First() (ASN, bool) {
	for _, s := range p.Segments {
		if len(s.ASNs) > 0 {
			return s.ASNs[0], true
		}
	}
	return 0, false
}

// HasSet reports whether the path has an AS_SET or AS_CONFED_SET segment.
func (p *Path) HasSet() bool {
	for _, s := range p.Segments {
		if s.Type == ASSet || s.Type == ASConfedSet {
			return true
		}
	}
	return false
}

// HasASSet reports whether the path has an AS_SET segment (confederation
// sets not counted).
func (p *Path) HasASSet() bool {
	for _, s := range p.Segments {
		if s.Type == ASSet {
			return true
		}
	}
	return false
}

// AppendSequence appends the path's ASNs in order to dst with consecutive
// duplicates (prepends) removed, leaving out confederation segments; it is
// the sequence that ASPA verification walks. AS_SET members are appended
// as they are; callers that must reject AS_SETs check HasSet first.
func (p *Path) AppendSequence(dst []ASN) []ASN {
	for _, s := range p.Segments {
		if s.Type == ASConfedSequence || s.Type == ASConfedSet {
			continue
		}
		for _, a := range s.ASNs {
			if n := len(dst); n > 0 && dst[n-1] == a {
				continue
			}
			dst = append(dst, a)
		}
	}
	return dst
}

// CopyFrom makes p a deep copy of q, reusing p's storage.
func (p *Path) CopyFrom(q *Path) {
	if p == q {
		return
	}
	p.Reset()
	for _, s := range q.Segments {
		p.asns = append(p.asns, s.ASNs...)
	}
	off := 0
	for _, s := range q.Segments {
		p.Segments = append(p.Segments, Segment{Type: s.Type, ASNs: p.asns[off : off+len(s.ASNs) : off+len(s.ASNs)]})
		off += len(s.ASNs)
	}
}

// maxPathASNs caps the ASNs of one path. An attribute of at most 65535
// bytes cannot hold more than 32767 four-octet ASNs anyway; the cap keeps
// the arithmetic obviously bounded.
const maxPathASNs = 1 << 15

// decodePath decodes an AS_PATH or AS4_PATH value into p with asSize (2 or
// 4) bytes per ASN. It checks the whole value before it allocates.
func decodePath(p *Path, b []byte, asSize int) error {
	p.Reset()
	// First pass: validate the segment structure and count ASNs.
	total, nseg := 0, 0
	for off := 0; off < len(b); {
		if len(b)-off < 2 {
			return fmt.Errorf("RFC 4271 4.3: segment header at offset %d truncated", off)
		}
		typ, n := SegmentType(b[off]), int(b[off+1])
		if typ < ASSet || typ > ASConfedSet {
			return fmt.Errorf("RFC 4271 4.3: segment at offset %d has unknown type %d", off, typ)
		}
		if n == 0 {
			// RFC 4271 4.3: a segment holds "one or more AS numbers".
			return fmt.Errorf("RFC 4271 4.3: segment at offset %d has no ASNs", off)
		}
		off += 2
		if len(b)-off < n*asSize {
			return fmt.Errorf("RFC 4271 4.3: segment at offset %d needs %d bytes, %d left", off-2, n*asSize, len(b)-off)
		}
		off += n * asSize
		total += n
		nseg++
	}
	if total > maxPathASNs {
		return fmt.Errorf("AS path of %d ASNs exceeds the cap of %d", total, maxPathASNs)
	}
	if cap(p.asns) < total {
		p.asns = make([]ASN, 0, total)
	}
	if cap(p.Segments) < nseg {
		p.Segments = make([]Segment, 0, nseg)
	}
	asns := p.asns[:total]
	i := 0
	for off := 0; off < len(b); {
		typ, n := SegmentType(b[off]), int(b[off+1])
		off += 2
		start := i
		if asSize == 4 {
			for k := 0; k < n; k++ {
				asns[i] = ASN(uint32(b[off])<<24 | uint32(b[off+1])<<16 | uint32(b[off+2])<<8 | uint32(b[off+3]))
				off += 4
				i++
			}
		} else {
			for k := 0; k < n; k++ {
				asns[i] = ASN(uint32(b[off])<<8 | uint32(b[off+1]))
				off += 2
				i++
			}
		}
		p.Segments = append(p.Segments, Segment{Type: typ, ASNs: asns[start:i:i]})
	}
	p.asns = asns
	return nil
}

// MergeAS4 reconstructs the four-octet path from a two-octet AS_PATH and
// an AS4_PATH into dst, as RFC 6793 section 4.2.3 prescribes. The
// confederation segments of AS4_PATH are discarded (RFC 6793 section 6).
// When the AS_PATH has fewer ASes than the AS4_PATH, the AS4_PATH is
// ignored and dst is a copy of asPath; otherwise dst takes the leading
// ASes of AS_PATH that the AS4_PATH does not cover, with the
// confederation segments that lead the path or adjoin a segment taken,
// followed by the AS4_PATH. dst may be one of the inputs.
func MergeAS4(dst, asPath, as4Path *Path) {
	if dst == asPath || dst == as4Path {
		var tmp Path
		MergeAS4(&tmp, asPath, as4Path)
		dst.CopyFrom(&tmp)
		return
	}
	n, m := asPath.Len(), as4Path.Len()
	if n < m || m == 0 {
		dst.CopyFrom(asPath)
		return
	}
	keep := n - m
	dst.Reset()
	type cut struct {
		typ  SegmentType
		asns []ASN
	}
	var cuts [8]cut
	kept := cuts[:0]
	for i, s := range asPath.Segments {
		switch s.Type {
		case ASConfedSequence, ASConfedSet:
			// "prepended if it is either the leading path segment or
			// is adjacent to a path segment that is prepended"
			if i > 0 && len(kept) != i {
				break
			}
			kept = append(kept, cut{s.Type, s.ASNs})
			continue
		case ASSequence:
			if keep > 0 {
				k := min(keep, len(s.ASNs))
				kept = append(kept, cut{s.Type, s.ASNs[:k]})
				keep -= k
				continue
			}
		case ASSet:
			if keep > 0 {
				kept = append(kept, cut{s.Type, s.ASNs})
				keep--
				continue
			}
		}
		break
	}
	var as4 [8]Segment
	tail := as4[:0]
	for _, s := range as4Path.Segments {
		if s.Type == ASSequence || s.Type == ASSet {
			tail = append(tail, s)
		}
	}
	for _, c := range kept {
		dst.asns = append(dst.asns, c.asns...)
	}
	for _, s := range tail {
		dst.asns = append(dst.asns, s.ASNs...)
	}
	off := 0
	for _, c := range kept {
		dst.Segments = append(dst.Segments, Segment{Type: c.typ, ASNs: dst.asns[off : off+len(c.asns) : off+len(c.asns)]})
		off += len(c.asns)
	}
	for _, s := range tail {
		seg := Segment{Type: s.Type, ASNs: dst.asns[off : off+len(s.ASNs) : off+len(s.ASNs)]}
		off += len(s.ASNs)
		// An AS_SEQUENCE that continues a kept AS_SEQUENCE is joined to
		// it, as a speaker would have sent them.
		if k := len(dst.Segments); k > 0 && seg.Type == ASSequence && dst.Segments[k-1].Type == ASSequence {
			prev := dst.Segments[k-1]
			dst.Segments[k-1].ASNs = dst.asns[off-len(seg.ASNs)-len(prev.ASNs) : off : off]
			continue
		}
		dst.Segments = append(dst.Segments, seg)
	}
}
