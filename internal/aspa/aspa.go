package aspa

import (
	"fmt"
	"slices"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpki"
)

// State is the outcome of AS_PATH verification.
type State uint8

// Verification outcomes (draft-ietf-sidrops-aspa-verification 5.4, 5.5).
const (
	Unknown State = iota
	Valid
	Invalid
)

var stateNames = [...]string{Unknown: "unknown", Valid: "valid", Invalid: "invalid"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", s)
}

// Direction selects the verification procedure by where the route came
// from.
type Direction uint8

// Directions.
const (
	// Upstream: received from a customer, a lateral peer, a route server
	// (by an RS client) or an RS client (by a route server); section 5.4.
	Upstream Direction = iota
	// Downstream: received from a provider; section 5.5. Also the choice
	// for route-collector feeds (see the package documentation).
	Downstream
)

// DirectionUpstream and DirectionDownstream are other names of Upstream and
// Downstream.
const (
	DirectionUpstream   = Upstream
	DirectionDownstream = Downstream
)

var directionNames = [...]string{Upstream: "upstream", Downstream: "downstream"}

func (d Direction) String() string {
	if int(d) < len(directionNames) {
		return directionNames[d]
	}
	return fmt.Sprintf("Direction(%d)", d)
}

// ParseDirection parses "upstream" or "downstream".
func ParseDirection(s string) (Direction, error) {
	for i, n := range directionNames {
		if n == s {
			return Direction(i), nil
		}
	}
	return 0, fmt.Errorf("unknown direction %q (want upstream or downstream)", s)
}

// Hop is the result of the provider authorisation function.
type Hop uint8

// Results of hop(AS(i), AS(j)) (section 5.2).
const (
	NoAttestation Hop = iota
	ProviderPlus
	NotProviderPlus
)

var hopNames = [...]string{NoAttestation: "No Attestation", ProviderPlus: "Provider+", NotProviderPlus: "Not Provider+"}

func (h Hop) String() string {
	if int(h) < len(hopNames) {
		return hopNames[h]
	}
	return fmt.Sprintf("Hop(%d)", h)
}

// Verifier verifies AS_PATHs against a set of ASPAs. It is immutable once
// built and safe for concurrent use; verifying allocates nothing.
type Verifier struct {
	idx       map[bgp.ASN]span
	providers []bgp.ASN
}

type span struct{ lo, hi uint32 }

// New builds a verifier. ASPAs of the same customer are merged.
func New(aspas []rpki.ASPA) *Verifier {
	sorted := slices.Clone(aspas)
	slices.SortFunc(sorted, func(a, b rpki.ASPA) int {
		switch {
		case a.Customer < b.Customer:
			return -1
		case a.Customer > b.Customer:
			return 1
		}
		return 0
	})
	v := &Verifier{idx: make(map[bgp.ASN]span, len(aspas))}
	for i := 0; i < len(sorted); {
		j := i
		lo := uint32(len(v.providers))
		for ; j < len(sorted) && sorted[j].Customer == sorted[i].Customer; j++ {
			v.providers = append(v.providers, sorted[j].Providers...)
		}
		ps := v.providers[lo:]
		slices.Sort(ps)
		ps = slices.Compact(ps)
		v.providers = v.providers[:int(lo)+len(ps)]
		v.idx[sorted[i].Customer] = span{lo, uint32(len(v.providers))}
		i = j
	}
	return v
}

// Len is the number of customers with an ASPA.
func (v *Verifier) Len() int { return len(v.idx) }

// Hop is the provider authorisation function hop(customer, provider) of
// section 5.2: whether provider is in customer's set of provider ASes.
func (v *Verifier) Hop(customer, provider bgp.ASN) Hop {
	s, ok := v.idx[customer]
	if !ok {
		return NoAttestation
	}
	ps := v.providers[s.lo:s.hi]
	if len(ps) <= 8 {
		for _, p := range ps {
			if p == provider {
				return ProviderPlus
			}
		}
		return NotProviderPlus
	}
	if _, found := slices.BinarySearch(ps, provider); found {
		return ProviderPlus
	}
	return NotProviderPlus
}

// Verify verifies an AS_PATH without AS_SETs. path is in AS_PATH order:
// the neighbour first, the origin last. Prepends are collapsed here.
func (v *Verifier) Verify(path []bgp.ASN, dir Direction) State {
	return v.verify(path, false, dir)
}

// VerifyPath is Verify for a path that may have held an AS_SET, which
// makes it Invalid (sections 5.4 and 5.5).
func (v *Verifier) VerifyPath(path []bgp.ASN, hasSet bool, dir Direction) State {
	return v.verify(path, hasSet, dir)
}

// VerifyASSet is the outcome for any AS_PATH that holds an AS_SET.
func VerifyASSet() State { return Invalid }

// Ramps are the bounds of section 5.3 for a collapsed path of N ASes.
type Ramps struct {
	N                int
	MaxUp, MinUp     int
	MaxDown, MinDown int
}

// Ramps computes the up-ramp and down-ramp bounds of section 5.3 for path
// (AS_PATH order, prepends collapsed here).
func (v *Verifier) Ramps(path []bgp.ASN) Ramps {
	// Walk the collapsed path from the origin: seq(i) for i = 1..N is the
	// i-th distinct run from the end of path.
	n := 0
	for i := range path {
		if i == 0 || path[i] != path[i-1] {
			n++
		}
	}
	r := Ramps{N: n}
	if n == 0 {
		return r
	}
	// Up-ramp: from the origin (end of path) towards the neighbour.
	r.MaxUp, r.MinUp = 1, 1
	maxDone, minDone := false, false
	prev := path[len(path)-1]
	for i := len(path) - 2; i >= 0 && !maxDone; i-- {
		cur := path[i]
		if cur == prev {
			continue
		}
		h := v.Hop(prev, cur) // hop(AS(k-1), AS(k)): is cur a provider of prev?
		if h == NotProviderPlus {
			maxDone = true
			break
		}
		r.MaxUp++
		if !minDone {
			if h == ProviderPlus {
				r.MinUp++
			} else {
				minDone = true
			}
		}
		prev = cur
	}
	// Down-ramp: from the neighbour (start of path) towards the origin.
	r.MaxDown, r.MinDown = 1, 1
	maxDone, minDone = false, false
	prev = path[0]
	for i := 1; i < len(path) && !maxDone; i++ {
		cur := path[i]
		if cur == prev {
			continue
		}
		h := v.Hop(prev, cur) // hop(AS(j+1), AS(j)): is cur a provider of prev?
		if h == NotProviderPlus {
			break
		}
		r.MaxDown++
		if !minDone {
			if h == ProviderPlus {
				r.MinDown++
			} else {
				minDone = true
			}
		}
		prev = cur
	}
	return r
}

func (v *Verifier) verify(path []bgp.ASN, hasSet bool, dir Direction) State {
	if hasSet || len(path) == 0 {
		return Invalid
	}
	r := v.Ramps(path)
	switch dir {
	case Downstream:
		switch {
		case r.MaxUp+r.MaxDown < r.N:
			return Invalid
		case r.MinUp+r.MinDown < r.N:
			return Unknown
		}
		return Valid
	default:
		switch {
		case r.MaxUp < r.N:
			return Invalid
		case r.MinUp < r.N:
			return Unknown
		}
		return Valid
	}
}
