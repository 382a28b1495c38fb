package world

import (
	"hash/fnv"
	"math/rand/v2"
)

// rng returns the random stream of one part of the generator. Each part
// has a stream of its own, derived from the seed and the part's name, so
// that a change to one part does not reshuffle the others.
func rng(seed uint64, part string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(part))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// pickWeighted returns an index in [0, len(w)) with probability
// proportional to w[i]; total is the sum of w.
func pickWeighted(r *rand.Rand, w []float64, total float64) int {
	x := r.Float64() * total
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}
