package irr

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/rpsl"
)

// chainDB returns a DB holding as-sets AS-D1 ... AS-Dn, each naming the
// next and AS<i>, and route-sets RS-D1 ... RS-Dn, each naming the next
// and 10.<i>.0.0/16.
func chainDB(tb testing.TB, n int) *DB {
	tb.Helper()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		next, rnext := "", ""
		if i < n {
			next, rnext = fmt.Sprintf(", AS-D%d", i+1), fmt.Sprintf(", RS-D%d", i+1)
		}
		fmt.Fprintf(&b, "as-set: AS-D%d\nmembers: AS%d%s\nsource: RIPE\n\n", i, i, next)
		fmt.Fprintf(&b, "route-set: RS-D%d\nmembers: 10.%d.0.0/16%s\nsource: RIPE\n\n", i, i, rnext)
	}
	db := New()
	loadString(tb, db, b.String())
	return db
}

func TestExpandASSet(t *testing.T) {
	db := setsDB(t, "RIPE", "RADB")
	deep := chainDB(t, 20)
	for _, tc := range []struct {
		name string
		db   *DB
		set  string
		opt  ExpandOptions
		want string // ASNs Sets Unknown Depth Truncated
		err  string
	}{
		{"nested 20 deep", deep, "AS-D1", ExpandOptions{},
			"[AS1 AS2 AS3 AS4 AS5 AS6 AS7 AS8 AS9 AS10 AS11 AS12 AS13 AS14 AS15 AS16 AS17 AS18 AS19 AS20] 20 sets [] 20 false", ""},
		{"depth limit equal to the nesting", deep, "AS-D1", ExpandOptions{MaxDepth: 20},
			"[AS1 AS2 AS3 AS4 AS5 AS6 AS7 AS8 AS9 AS10 AS11 AS12 AS13 AS14 AS15 AS16 AS17 AS18 AS19 AS20] 20 sets [] 20 false", ""},
		{"depth limit", deep, "AS-D1", ExpandOptions{MaxDepth: 5}, "[AS1 AS2 AS3 AS4 AS5] [AS-D1 AS-D2 AS-D3 AS-D4 AS-D5] [] 5 true", ""},
		{"inner set", deep, "as-d19", ExpandOptions{}, "[AS19 AS20] [AS-D19 AS-D20] [] 2 false", ""},
		{"cycle", db, "AS-CYCLE-A", ExpandOptions{}, "[AS1 AS2] [AS-CYCLE-A AS-CYCLE-B] [] 2 false", ""},
		{"cycle from the other end", db, "as-cycle-b", ExpandOptions{}, "[AS1 AS2] [AS-CYCLE-A AS-CYCLE-B] [] 2 false", ""},
		// AS1-AS5 and RS-NOT-AN-AS-SET are not members (ASSet.Invalid).
		{"unknown member set", db, "AS-UNKNOWN-MEMBER", ExpandOptions{}, "[AS3] [AS-UNKNOWN-MEMBER] [AS-NOWHERE] 1 false", ""},
		// AS64500 is maintained by EXAMPLE-MNT, AS64501 by OTHER-MNT.
		{"mbrs-by-ref matching maintainer", db, "AS-BYREF", ExpandOptions{}, "[AS10 AS64500] [AS-BYREF] [] 1 false", ""},
		{"mbrs-by-ref ANY", db, "AS-BYREF-ANY", ExpandOptions{}, "[AS64500 AS64501] [AS-BYREF-ANY] [] 1 false", ""},
		{"mbrs-by-ref ANY, RADB only", db, "AS-BYREF-ANY", ExpandOptions{Sources: []string{"RADB"}}, "", "irr: expand AS-BYREF-ANY: not found"},
		{"no mbrs-by-ref", db, "AS-NOREF", ExpandOptions{}, "[AS11] [AS-NOREF] [] 1 false", ""},
		{"hierarchical name", db, "AS64500:AS-CUSTOMERS", ExpandOptions{},
			"[AS1 AS2 AS10 AS20 AS64500] [AS-BYREF AS-CYCLE-A AS-CYCLE-B AS-PREC AS64500:AS-CUSTOMERS] [] 3 false", ""},
		{"member limit", db, "AS64500:AS-CUSTOMERS", ExpandOptions{MaxMembers: 2}, "", ""},
		{"AS number", db, "as64500", ExpandOptions{}, "[AS64500] [] [] 0 false", ""},
		{"not found", db, "AS-NOPE", ExpandOptions{}, "", "irr: expand AS-NOPE: not found"},
		{"route-set name", db, "RS-OPS", ExpandOptions{}, "", `irr: expand "RS-OPS": not an as-set name or AS number`},
		{"AS-ANY", db, "AS-ANY", ExpandOptions{}, "", `irr: expand "AS-ANY": not an as-set name or AS number`},
		{"garbage", db, "192.0.2.0/24", ExpandOptions{}, "", `irr: expand "192.0.2.0/24": not an as-set name or AS number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := tc.db.ExpandASSet(tc.set, tc.opt)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %s", err, tc.err)
				}
				if strings.HasSuffix(tc.err, "not found") && (!errors.Is(err, ErrNotFound) || len(x.Unknown) != 1) {
					t.Errorf("%+v, %v", x, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "member limit" {
				if len(x.ASNs) != 2 || !x.Truncated {
					t.Errorf("%+v", x)
				}
				return
			}
			if got := summary(x); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// summary prints an expansion in short; twenty or more sets as a count.
func summary(x Expansion) string {
	sets := fmt.Sprint(x.Sets)
	if len(x.Sets) >= 20 {
		sets = fmt.Sprintf("%d sets", len(x.Sets))
	}
	return fmt.Sprintf("%v %s %v %d %v", x.ASNs, sets, x.Unknown, x.Depth, x.Truncated)
}

func TestExpandRouteSet(t *testing.T) {
	db := setsDB(t, "RIPE", "RADB")
	deep := chainDB(t, 20)
	for _, tc := range []struct {
		name     string
		db       *DB
		set      string
		v6       bool
		opt      ExpandOptions
		prefixes string
		rest     string // ASNs Sets Unknown Depth Truncated
		err      string
	}{
		{name: "range operators", db: db, set: "RS-OPS",
			// ^15 on a /15 is the prefix alone, ^24-32 on a /24 is ^+.
			prefixes: "[10.0.0.0/8^- 10.0.0.0/8^+ 100.64.0.0/10^16-24 " +
				// RS-INNER^24: 172.16.0.0/12^+ gives ^24, 172.16.0.0/16
				// ^24, 172.17.0.0/16^- ^24, and 172.31.255.0/25 nothing.
				"172.16.0.0/12^24 172.16.0.0/16^24 172.17.0.0/16^24 " +
				// 192.0.2.0/24 from mp-members, ^+ from AS64500^+;
				// AS-SMALL^- gives AS64501's route with ^-.
				"192.0.2.0/24 192.0.2.0/24^+ 192.168.0.0/16 192.168.0.0/24^+ 198.18.0.0/15 198.51.100.0/24^+ 203.0.113.0/24^-]",
			rest: "[AS64500 AS64501] [AS-SMALL RS-INNER RS-OPS] [] 2 false"},
		{name: "range operators, IPv6", db: db, set: "RS-OPS", v6: true,
			prefixes: "[2001:db8::/32^+ 2001:db8::/32^48-64]",
			rest:     "[AS64500 AS64501] [AS-SMALL RS-INNER RS-OPS] [] 2 false"},
		{name: "inner set", db: db, set: "rs-inner",
			prefixes: "[172.16.0.0/12^+ 172.16.0.0/16 172.17.0.0/16^- 172.31.255.0/25]", rest: "[] [RS-INNER] [] 1 false"},
		// 203.0.113.128/25 is maintained by EXAMPLE-MNT, which
		// mbrs-by-ref names; 203.0.113.0/24 by OTHER-MNT.
		{name: "mbrs-by-ref", db: db, set: "RS-BYREF", prefixes: "[203.0.113.128/25]", rest: "[] [RS-BYREF] [] 1 false"},
		{name: "cycle", db: db, set: "RS-CYCLE-A",
			prefixes: "[192.0.2.0/24 198.51.100.0/24^+]", rest: "[] [RS-CYCLE-A RS-CYCLE-B] [RS-NOWHERE] 2 false"},
		// A loop through ^- deepens the range each turn, until no
		// length is left (33 turns for IPv4) or MaxOperatorsPerSet.
		{name: "loop through ^-", db: db, set: "RS-LOOP-MINUS",
			prefixes: "[192.0.2.0/24 192.0.2.0/24^- 192.0.2.0/24^26-32 192.0.2.0/24^27-32 192.0.2.0/24^28-32 " +
				"192.0.2.0/24^29-32 192.0.2.0/24^30-32 192.0.2.0/24^31-32 192.0.2.0/24^32]",
			rest: "[] [RS-LOOP-MINUS] [] 16 true"},
		{name: "loop through ^-, depth limit", db: db, set: "RS-LOOP-MINUS", opt: ExpandOptions{MaxDepth: 3},
			prefixes: "[192.0.2.0/24 192.0.2.0/24^- 192.0.2.0/24^26-32]", rest: "[] [RS-LOOP-MINUS] [] 3 true"},
		// Five operators on itself: 5^n combinations, cut at
		// MaxOperatorsPerSet on level 2, while expanding the set under
		// ^0-64 (^32-64 for a /32).
		{name: "many operators", db: db, set: "RS-MANY-OPERATORS", v6: true,
			prefixes: "[2001:db8::/32 2001:db8::/32^- 2001:db8::/32^+ 2001:db8::/32^32-64]",
			rest:     "[] [RS-MANY-OPERATORS] [] 2 true"},
		{name: "as-set", db: db, set: "AS-SMALL", prefixes: "[203.0.113.0/24]", rest: "[AS64501] [AS-SMALL] [] 1 false"},
		{name: "AS number", db: db, set: "AS64500", prefixes: "[192.0.2.0/24 198.51.100.0/24]", rest: "[AS64500] [] [] 0 false"},
		{name: "AS number, IPv6", db: db, set: "AS64500", v6: true, prefixes: "[2001:db8::/32]", rest: "[AS64500] [] [] 0 false"},
		{name: "AS number, RADB only", db: db, set: "AS64500", opt: ExpandOptions{Sources: []string{"RADB"}},
			prefixes: "[192.0.2.0/24]", rest: "[AS64500] [] [] 0 false"},
		{name: "nested 20 deep", db: deep, set: "RS-D1",
			prefixes: "[10.1.0.0/16 10.2.0.0/16 10.3.0.0/16 10.4.0.0/16 10.5.0.0/16 10.6.0.0/16 10.7.0.0/16 10.8.0.0/16 10.9.0.0/16 " +
				"10.10.0.0/16 10.11.0.0/16 10.12.0.0/16 10.13.0.0/16 10.14.0.0/16 10.15.0.0/16 10.16.0.0/16 10.17.0.0/16 10.18.0.0/16 " +
				"10.19.0.0/16 10.20.0.0/16]",
			rest: "[] 20 sets [] 20 false"},
		{name: "member limit", db: deep, set: "RS-D1", opt: ExpandOptions{MaxMembers: 3},
			prefixes: "[10.1.0.0/16 10.2.0.0/16 10.3.0.0/16]", rest: "[] [RS-D1 RS-D2 RS-D3 RS-D4] [] 4 true"},
		{name: "not found", db: db, set: "RS-NOPE", err: "irr: expand RS-NOPE: not found"},
		{name: "filter-set name", db: db, set: "FLTR-FOO", err: `irr: expand "FLTR-FOO": not a route-set or as-set name or AS number`},
		{name: "RS-ANY", db: db, set: "RS-ANY", err: `irr: expand "RS-ANY": not a route-set or as-set name or AS number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := tc.db.ExpandRouteSet(tc.set, tc.v6, tc.opt)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(x.Prefixes); got != tc.prefixes {
				t.Errorf("prefixes\n got  %s\n want %s", got, tc.prefixes)
			}
			if got := summary(x); got != tc.rest {
				t.Errorf("got  %s\nwant %s", got, tc.rest)
			}
		})
	}
}

// TestTransform checks the composition of range operators against sets
// of prefix lengths: applying each operator of a chain in turn to each
// length, as RFC 2622 section 2 describes, gives the lengths of the
// composed transform.
func TestTransform(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	randOp := func(maxBits int) rpsl.RangeOp {
		switch rng.IntN(4) {
		case 0:
			return rpsl.RangeOp{}
		case 1:
			return rpsl.RangeOp{Kind: rpsl.RangeMinus}
		case 2:
			return rpsl.RangeOp{Kind: rpsl.RangePlus}
		}
		n := rng.IntN(maxBits + 1)
		m := n + rng.IntN(maxBits+1-n)
		return rpsl.RangeOp{Kind: rpsl.RangeLength, Min: uint8(n), Max: uint8(m)}
	}
	// applyOp applies op to a set of lengths (bit i: length i).
	applyOp := func(op rpsl.RangeOp, lengths []bool, maxBits int) []bool {
		out := make([]bool, maxBits+1)
		for l, ok := range lengths {
			if !ok {
				continue
			}
			lo, hi, ok := op.Lengths(l, maxBits)
			if op.Kind == rpsl.RangeLength {
				// Lengths admits ^n-m with n shorter than the prefix
				// from n up; RFC 2622: more specifics of lengths n to m.
				lo, hi, ok = max(int(op.Min), l), min(int(op.Max), maxBits), max(int(op.Min), l) <= min(int(op.Max), maxBits)
			}
			for i := lo; ok && i <= hi; i++ {
				out[i] = true
			}
		}
		return out
	}
	for _, maxBits := range []int{32, 128} {
		for i := range 20_000 {
			n := 1 + rng.IntN(5)
			ops := make([]rpsl.RangeOp, n)
			for j := range ops {
				ops[j] = randOp(maxBits)
			}
			b := rng.IntN(maxBits + 1)
			want := make([]bool, maxBits+1)
			want[b] = true
			tr := identity(maxBits)
			// ops[0] is the innermost: the member's own operator.
			for _, op := range ops {
				want = applyOp(op, want, maxBits)
				tr = tr.then(opTransform(op, maxBits))
			}
			got := make([]bool, maxBits+1)
			if lo, hi, ok := tr.apply(b); ok {
				for l := lo; l <= hi; l++ {
					got[l] = true
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%d: /%d under %v (innermost first): got %v, want %v (%+v)", i, b, ops, lengthsOf(got), lengthsOf(want), tr)
			}
		}
	}
}

func lengthsOf(s []bool) []int {
	var out []int
	for i, ok := range s {
		if ok {
			out = append(out, i)
		}
	}
	return out
}

func TestRange(t *testing.T) {
	for _, tc := range []struct {
		p      string
		lo, hi int
		want   string
	}{
		{"192.0.2.0/24", 24, 24, "192.0.2.0/24"},
		{"192.0.2.0/24", 24, 32, "192.0.2.0/24^+"},
		{"192.0.2.0/24", 25, 32, "192.0.2.0/24^-"},
		{"192.0.2.0/24", 26, 32, "192.0.2.0/24^26-32"},
		{"192.0.2.0/24", 28, 28, "192.0.2.0/24^28"},
		{"192.0.2.0/24", 24, 28, "192.0.2.0/24^24-28"},
		{"192.0.2.1/32", 32, 32, "192.0.2.1/32"},
		{"2001:db8::/32", 33, 128, "2001:db8::/32^-"},
		{"2001:db8::/32", 48, 48, "2001:db8::/32^48"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			r := makeRange(pfx(tc.p), tc.lo, tc.hi)
			if r.String() != tc.want {
				t.Errorf("got %s", r)
			}
			if lo, hi := r.Lengths(); lo != tc.lo || hi != tc.hi {
				t.Errorf("lengths %d-%d", lo, hi)
			}
		})
	}
}
