package acl

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func prefixes(t testing.TB, s string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, f := range strings.Fields(s) {
		out = append(out, netip.MustParsePrefix(f))
	}
	return out
}

func TestAggregate(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", ""},
		{"one", "192.0.2.0/24", "192.0.2.0/24"},
		{"halves join", "192.0.2.0/25 192.0.2.128/25", "192.0.2.0/24"},
		{"join bottom up", "10.0.0.0/26 10.0.0.64/26 10.0.0.128/25", "10.0.0.0/24"},
		{"not siblings", "10.0.0.128/25 10.0.1.0/25", "10.0.0.128/25 10.0.1.0/25"},
		{"covered left out", "10.0.0.0/16 10.0.5.0/24 10.0.0.0/16", "10.0.0.0/16"},
		{"host bits cleared", "192.0.2.77/24", "192.0.2.0/24"},
		{"families apart", "2001:db8::/33 2001:db8:8000::/33 10.0.0.0/8", "10.0.0.0/8 2001:db8::/32"},
		{"v4 before v6", "2001:db8::/32 192.0.2.0/24", "192.0.2.0/24 2001:db8::/32"},
		{"join to /0", "0.0.0.0/1 128.0.0.0/1", "0.0.0.0/0"},
		{"join after covered", "10.0.0.0/25 10.0.0.0/26 10.0.0.128/25", "10.0.0.0/24"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Aggregate(prefixes(t, c.in))
			if want := prefixes(t, c.want); !slices.Equal(got, want) {
				t.Errorf("Aggregate(%s) = %v, want %v", c.in, got, want)
			}
		})
	}
}

func TestSubtract(t *testing.T) {
	for _, c := range []struct{ name, in, holes, want string }{
		{"no holes", "192.0.2.0/24", "", "192.0.2.0/24"},
		{"disjoint", "192.0.2.0/24", "198.51.100.0/24", "192.0.2.0/24"},
		{"covered", "192.0.2.0/25", "192.0.2.0/24", ""},
		{"equal", "192.0.2.0/24", "192.0.2.0/24", ""},
		{"half", "192.0.2.0/24", "192.0.2.0/25", "192.0.2.128/25"},
		{"deep", "10.0.0.0/22", "10.0.1.0/24", "10.0.0.0/24 10.0.2.0/23"},
		{"two holes", "10.0.0.0/22", "10.0.0.0/24 10.0.3.0/24", "10.0.1.0/24 10.0.2.0/24"},
		{"other family", "10.0.0.0/8", "::/0", "10.0.0.0/8"},
		{"v6", "2001:db8::/32", "2001:db8::/33", "2001:db8:8000::/33"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Subtract(prefixes(t, c.in), prefixes(t, c.holes))
			if want := prefixes(t, c.want); !slices.Equal(got, want) {
				t.Errorf("Subtract(%s, %s) = %v, want %v", c.in, c.holes, got, want)
			}
		})
	}
}

// space is a set of the 256 addresses of 10.0.0.0/24, the oracle of the
// fuzz tests.
type space [256]bool

func (s *space) add(p netip.Prefix, v bool) {
	base := netip.MustParsePrefix("10.0.0.0/24")
	if !base.Overlaps(p) {
		return
	}
	if p.Bits() < 24 {
		p = base
	}
	first := int(p.Addr().As4()[3])
	for i := first; i < first+1<<(32-p.Bits()); i++ {
		s[i] = v
	}
}

func spaceOf(ps []netip.Prefix) space {
	var s space
	for _, p := range ps {
		s.add(p, true)
	}
	return s
}

// fuzzPrefixes reads prefixes of 10.0.0.0/24 from data, two bytes each:
// an address and a length from 24 to 32.
func fuzzPrefixes(data []byte) []netip.Prefix {
	var out []netip.Prefix
	for i := 0; i+1 < len(data) && len(out) < 64; i += 2 {
		bits := 24 + int(data[i+1])%9
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, data[i]}), bits).Masked())
	}
	return out
}

// checkMinimal checks that ps is sorted, with no prefix covering another
// and no two halves of one prefix.
func checkMinimal(t *testing.T, ps []netip.Prefix) {
	t.Helper()
	for i := 1; i < len(ps); i++ {
		if comparePrefix(ps[i-1], ps[i]) >= 0 || covers(ps[i-1], ps[i]) {
			t.Fatalf("%v: %s and %s out of order or nested", ps, ps[i-1], ps[i])
		}
		if _, ok := siblings(ps[i-1], ps[i]); ok {
			t.Fatalf("%v: %s and %s not joined", ps, ps[i-1], ps[i])
		}
	}
}

// FuzzAggregate checks Aggregate and Subtract against sets of addresses:
// the aggregate holds exactly the addresses of its input and is
// minimal; the difference holds exactly the addresses of the input that
// are in no hole.
func FuzzAggregate(f *testing.F) {
	f.Add([]byte{0, 1, 128, 1}, []byte{0, 2})
	f.Add([]byte{0, 0, 64, 2, 128, 1}, []byte{7, 8})
	f.Add([]byte{5, 8, 6, 8, 4, 7}, []byte{})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ps, holes := fuzzPrefixes(a), fuzzPrefixes(b)
		agg := Aggregate(ps)
		checkMinimal(t, agg)
		if spaceOf(agg) != spaceOf(ps) {
			t.Fatalf("Aggregate(%v) = %v: other addresses", ps, agg)
		}
		diff := Subtract(ps, holes)
		checkMinimal(t, diff)
		want := spaceOf(ps)
		for _, h := range holes {
			want.add(h, false)
		}
		if spaceOf(diff) != want {
			t.Fatalf("Subtract(%v, %v) = %v: other addresses", ps, holes, diff)
		}
	})
}
