package detect

import (
	"math/bits"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
)

// seen is a set of ASNs: a bitmap for the 2^22 lowest, where almost all
// ASes are, and a map for the rest.
type seen struct {
	low  []uint64
	high map[bgp.ASN]struct{}
}

const seenLowBits = 22

func newSeen() seen {
	return seen{low: make([]uint64, 1<<seenLowBits/64), high: map[bgp.ASN]struct{}{}}
}

func (s *seen) add(a bgp.ASN) {
	if a < 1<<seenLowBits {
		s.low[a/64] |= 1 << (a % 64)
		return
	}
	s.high[a] = struct{}{}
}

// merge adds t's ASNs to s.
func (s *seen) merge(t *seen) {
	for i, w := range t.low {
		s.low[i] |= w
	}
	for a := range t.high {
		s.high[a] = struct{}{}
	}
}

// list returns the ASNs, sorted.
func (s *seen) list() []bgp.ASN {
	var out []bgp.ASN
	for i, w := range s.low {
		for w != 0 {
			b := w & -w
			out = append(out, bgp.ASN(i*64+bits.TrailingZeros64(b)))
			w &^= b
		}
	}
	for a := range s.high {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}
