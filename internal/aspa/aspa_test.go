package aspa

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpki"
)

// A small topology (AS numbers as in the draft's style of examples):
//
//	    AS1 ---- AS2          (AS1 and AS2 are lateral peers)
//	   /   \   /   \
//	AS10   AS11    AS20       (AS11 is a customer of both AS1 and AS2)
//	 |               |
//	AS100           AS200     (customers of AS10 and AS20)
//
// AS300 has no ASPA. AS400 has an AS0 ASPA (no providers at all).
func testVerifier() *Verifier {
	return New([]rpki.ASPA{
		{Customer: 10, Providers: []bgp.ASN{1}},
		{Customer: 11, Providers: []bgp.ASN{1, 2}},
		{Customer: 20, Providers: []bgp.ASN{2}},
		{Customer: 100, Providers: []bgp.ASN{10}},
		{Customer: 200, Providers: []bgp.ASN{20}},
		{Customer: 1, Providers: []bgp.ASN{0}}, // tier 1: AS0 ASPA
		{Customer: 2, Providers: []bgp.ASN{0}},
		{Customer: 400, Providers: []bgp.ASN{0}},
	})
}

func TestVerify(t *testing.T) {
	v := testVerifier()
	tests := []struct {
		name string
		path []bgp.ASN // AS_PATH order: neighbour first
		up   State
		down State
	}{
		{"single AS", []bgp.ASN{100}, Valid, Valid},
		{"customer route, one hop up", []bgp.ASN{10, 100}, Valid, Valid},
		{"customer route up to tier 1", []bgp.ASN{1, 10, 100}, Valid, Valid},
		{"valley-free: up, peer, down", []bgp.ASN{20, 2, 1, 10, 100}, Invalid, Valid},
		{"from provider: down only", []bgp.ASN{10, 1, 11}, Invalid, Valid},
		{"leak: down then up", []bgp.ASN{11, 1, 10, 100}, Invalid, Valid},
		{"down all the way to a customer's customer", []bgp.ASN{100, 10, 1, 11}, Invalid, Valid},
		{"up, peer, down, down", []bgp.ASN{200, 20, 2, 1, 10, 100}, Invalid, Valid},
		{"leak: multihomed customer re-exports provider route to other provider", []bgp.ASN{2, 11, 1, 10, 100}, Invalid, Invalid},
		{"leak seen by a customer of the second provider", []bgp.ASN{20, 2, 11, 1, 10, 100}, Invalid, Invalid},
		{"prepends collapsed", []bgp.ASN{1, 1, 10, 10, 10, 100, 100}, Valid, Valid},
		{"unknown: origin without ASPA", []bgp.ASN{10, 300}, Unknown, Valid},
		{"unknown: origin without ASPA, three hops", []bgp.ASN{1, 10, 300}, Unknown, Unknown},
		{"unknown hop above a known one", []bgp.ASN{300, 10, 100}, Invalid, Valid},
		{"AS0 ASPA: nobody is a provider", []bgp.ASN{1, 400}, Invalid, Valid},
		{"AS0 ASPA in the middle", []bgp.ASN{2, 400, 1}, Invalid, Invalid},
		{"repeated AS not adjacent is kept", []bgp.ASN{10, 100, 10, 100}, Invalid, Invalid},
		{"empty path", nil, Invalid, Invalid},
		{"two unknown ASes", []bgp.ASN{300, 301}, Unknown, Valid},
		{"three unknown ASes", []bgp.ASN{300, 301, 302}, Unknown, Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := v.Verify(tt.path, Upstream); got != tt.up {
				t.Errorf("upstream: got %v, want %v", got, tt.up)
			}
			if got := v.Verify(tt.path, Downstream); got != tt.down {
				t.Errorf("downstream: got %v, want %v", got, tt.down)
			}
			for _, d := range []Direction{Upstream, Downstream} {
				if got, want := v.Verify(tt.path, d), reference(v, tt.path, d); got != want {
					t.Errorf("%v: reference says %v, got %v", d, want, got)
				}
			}
		})
	}
	t.Run("AS_SET", func(t *testing.T) {
		if v.VerifyPath([]bgp.ASN{10, 100}, true, Upstream) != Invalid || VerifyASSet() != Invalid {
			t.Error("a path with an AS_SET must be Invalid")
		}
	})
}

// TestBRIOExample is the worked example of the NIST BRIO ASPA test suite:
// B receives from E the path E G F C A; with its ASPAs max_up_ramp = 4,
// max_down_ramp = 2, min_up_ramp = 3, min_down_ramp = 1, so downstream
// verification gives Unknown.
func TestBRIOExample(t *testing.T) {
	const a, c, e, f, g = 65000, 65020, 65040, 65050, 65060
	// ASPAs that give the example's counts: F and E have none, G's does
	// not list F or E.
	v := New([]rpki.ASPA{
		{Customer: a, Providers: []bgp.ASN{c}},
		{Customer: c, Providers: []bgp.ASN{f}},
		{Customer: g, Providers: []bgp.ASN{65099}},
	})
	path := []bgp.ASN{e, g, f, c, a}
	want := Ramps{N: 5, MaxUp: 4, MinUp: 3, MaxDown: 2, MinDown: 1}
	if r := v.Ramps(path); r != want {
		t.Errorf("ramps %+v, want %+v", r, want)
	}
	if got := v.Verify(path, Downstream); got != Unknown {
		t.Errorf("downstream: got %v, want unknown", got)
	}
}

func TestStrings(t *testing.T) {
	if Valid.String() != "valid" || Invalid.String() != "invalid" || Unknown.String() != "unknown" {
		t.Error("state names")
	}
	if ProviderPlus.String() != "Provider+" || NotProviderPlus.String() != "Not Provider+" || NoAttestation.String() != "No Attestation" {
		t.Error("hop names")
	}
	for _, d := range []Direction{Upstream, Downstream} {
		if p, err := ParseDirection(d.String()); err != nil || p != d {
			t.Errorf("ParseDirection(%q) = %v, %v", d, p, err)
		}
	}
	if _, err := ParseDirection("sideways"); err == nil {
		t.Error("ParseDirection accepted sideways")
	}
}

// reference is a slow, direct transcription: collapse the path into
// AS(1)..AS(N) (origin first), compute the ramps by their definitions, and
// for downstream Invalid use the u_min/v_max formulation of the earlier
// drafts (-17 section 6.2 step 6), an independent statement of the same
// rule.
func reference(v *Verifier, path []bgp.ASN, dir Direction) State {
	if len(path) == 0 {
		return Invalid
	}
	var seq []bgp.ASN // seq[1..N]
	seq = append(seq, 0)
	for i := len(path) - 1; i >= 0; i-- {
		if i == len(path)-1 || path[i] != path[i+1] {
			seq = append(seq, path[i])
		}
	}
	n := len(seq) - 1
	hop := func(i, j int) Hop { return v.Hop(seq[i], seq[j]) }
	allUp := func(I int, ok func(Hop) bool) bool {
		for i := 2; i <= I; i++ {
			if !ok(hop(i-1, i)) {
				return false
			}
		}
		return true
	}
	allDown := func(J int, ok func(Hop) bool) bool {
		for j := n - J + 1; j <= n-1; j++ {
			if !ok(hop(j+1, j)) {
				return false
			}
		}
		return true
	}
	notNP := func(h Hop) bool { return h != NotProviderPlus }
	isP := func(h Hop) bool { return h == ProviderPlus }
	largest := func(f func(int, func(Hop) bool) bool, ok func(Hop) bool) int {
		best := 0
		for k := 1; k <= n; k++ {
			if f(k, ok) {
				best = k
			}
		}
		return best
	}
	maxUp, minUp := largest(allUp, notNP), largest(allUp, isP)
	maxDown, minDown := largest(allDown, notNP), largest(allDown, isP)
	if dir == Upstream {
		switch {
		case maxUp < n:
			return Invalid
		case minUp < n:
			return Unknown
		}
		return Valid
	}
	uMin := n + 1
	for u := 2; u <= n; u++ {
		if hop(u-1, u) == NotProviderPlus {
			uMin = u
			break
		}
	}
	vMax := 0
	for w := n - 1; w >= 1; w-- {
		if hop(w+1, w) == NotProviderPlus {
			vMax = w
			break
		}
	}
	invalid := uMin <= vMax
	if invalid != (maxUp+maxDown < n) {
		panic("the two formulations of downstream Invalid disagree")
	}
	switch {
	case invalid:
		return Invalid
	case minUp+minDown < n:
		return Unknown
	}
	return Valid
}

func randomWorld(r *rand.Rand) (*Verifier, []bgp.ASN) {
	var aspas []rpki.ASPA
	for c := bgp.ASN(1); c <= 8; c++ {
		if r.IntN(3) == 0 {
			continue // no ASPA
		}
		var ps []bgp.ASN
		for p := bgp.ASN(0); p <= 8; p++ {
			if p != c && r.IntN(3) == 0 {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			ps = []bgp.ASN{0}
		}
		aspas = append(aspas, rpki.ASPA{Customer: c, Providers: ps})
	}
	path := make([]bgp.ASN, r.IntN(9))
	for i := range path {
		path[i] = bgp.ASN(1 + r.IntN(8))
	}
	return New(aspas), path
}

func TestVerifyMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		v, path := randomWorld(r)
		for _, d := range []Direction{Upstream, Downstream} {
			if got, want := v.Verify(path, d), reference(v, path, d); got != want {
				t.Fatalf("%v %v: got %v, reference %v", path, d, got, want)
			}
		}
		// Upstream Valid implies downstream Valid; downstream Invalid
		// implies upstream Invalid.
		up, down := v.Verify(path, Upstream), v.Verify(path, Downstream)
		if up == Valid && down != Valid || down == Invalid && up != Invalid {
			t.Fatalf("%v: upstream %v, downstream %v", path, up, down)
		}
	}
}

func TestNewMergesCustomers(t *testing.T) {
	v := New([]rpki.ASPA{
		{Customer: 1, Providers: []bgp.ASN{3, 2}},
		{Customer: 1, Providers: []bgp.ASN{4, 2}},
	})
	if v.Len() != 1 {
		t.Fatalf("Len %d", v.Len())
	}
	for _, p := range []bgp.ASN{2, 3, 4} {
		if v.Hop(1, p) != ProviderPlus {
			t.Errorf("hop(1, %d) = %v", p, v.Hop(1, p))
		}
	}
	if v.Hop(1, 5) != NotProviderPlus || v.Hop(9, 1) != NoAttestation {
		t.Error("hop of unknown provider or customer")
	}
	many := make([]bgp.ASN, 100)
	for i := range many {
		many[i] = bgp.ASN(1000 + 2*i)
	}
	v = New([]rpki.ASPA{{Customer: 7, Providers: many}})
	if v.Hop(7, 1010) != ProviderPlus || v.Hop(7, 1011) != NotProviderPlus {
		t.Error("binary search path")
	}
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, []byte{1, 2, 3})
	f.Add([]byte{}, []byte{})
	f.Add([]byte{9, 9, 9}, []byte{4, 4, 5, 4})
	f.Fuzz(func(t *testing.T, spec, pathb []byte) {
		var aspas []rpki.ASPA
		for i := 0; i+1 < len(spec) && len(aspas) < 64; i += 2 {
			c := bgp.ASN(spec[i] % 16)
			var ps []bgp.ASN
			for b := range 8 {
				if spec[i+1]&(1<<b) != 0 {
					ps = append(ps, bgp.ASN(b*2))
				}
			}
			if len(ps) == 0 {
				ps = []bgp.ASN{0}
			}
			aspas = append(aspas, rpki.ASPA{Customer: c, Providers: ps})
		}
		v := New(aspas)
		path := make([]bgp.ASN, 0, len(pathb))
		for _, b := range pathb {
			path = append(path, bgp.ASN(b%16))
		}
		for _, d := range []Direction{Upstream, Downstream} {
			if got, want := v.Verify(slices.Clip(path), d), reference(v, path, d); got != want {
				t.Fatalf("%v %v: got %v, reference %v", path, d, got, want)
			}
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	var aspas []rpki.ASPA
	for c := bgp.ASN(1); c <= 2000; c++ {
		ps := []bgp.ASN{bgp.ASN(1 + r.IntN(100)), bgp.ASN(1 + r.IntN(100)), bgp.ASN(1 + r.IntN(100))}
		aspas = append(aspas, rpki.ASPA{Customer: c, Providers: ps})
	}
	v := New(aspas)
	paths := make([][]bgp.ASN, 4096)
	for i := range paths {
		p := make([]bgp.ASN, 2+r.IntN(6))
		for j := range p {
			p[j] = bgp.ASN(1 + r.IntN(4000))
		}
		paths[i] = p
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, p := range paths {
			v.Verify(p, Downstream)
		}
		n += len(paths)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "verifications/s")
}
