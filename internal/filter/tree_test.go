package filter

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

// expansionOf returns an expansion of the prefixes given, all registered
// by AS64500, and of the prefix ranges ("192.0.2.0/24^25-26").
func expansionOf(t testing.TB, v6 bool, prefixes ...string) *Expansion {
	t.Helper()
	x := &Expansion{V6: v6}
	for _, s := range prefixes {
		o, err := ParseObject(s)
		if err != nil || o.Kind != ObjectPrefix {
			t.Fatalf("%s: %v", s, err)
		}
		if o.Op.Kind == 0 {
			x.Routes = append(x.Routes, Route{Prefix: o.Prefix, Origins: []bgp.ASN{64500}})
			continue
		}
		lo, hi, _ := o.Op.Lengths(o.Prefix.Bits(), o.Prefix.Addr().BitLen())
		x.Ranges = append(x.Ranges, Range{Prefix: o.Prefix, Lo: lo, Hi: hi, From: s})
	}
	return x
}

// write builds the list of x with o and writes it in format.
func write(t testing.TB, format string, x *Expansion, o Options) string {
	t.Helper()
	f, ok := LookupFormat(format)
	if !ok {
		t.Fatalf("no format %s", format)
	}
	if o.ASWidth == 0 {
		o.ASWidth = -1
	}
	o.V6 = x.V6
	if err := o.Check(f); err != nil {
		t.Fatal(err)
	}
	l, _ := Build(x, o, Policy{})
	var b bytes.Buffer
	if err := f.Write(&b, l); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// eltel are the prefixes of AS20597 in the examples of bgpq4's manual.
var eltel = []string{
	"81.9.0.0/20", "81.9.32.0/20", "81.9.96.0/20", "81.222.128.0/20", "81.222.192.0/18",
	"85.249.8.0/21", "85.249.224.0/19", "89.112.0.0/19", "89.112.4.0/22", "89.112.32.0/19",
	"89.112.64.0/19", "217.170.64.0/20", "217.170.80.0/20",
}

// TestAggregateManual is the -A example of bgpq4's manual page: "bgpq4
// -Al eltel AS20597".
func TestAggregateManual(t *testing.T) {
	got := write(t, "ios", expansionOf(t, false, eltel...), Options{Name: "eltel", Aggregate: true})
	want := `no ip prefix-list eltel
ip prefix-list eltel permit 81.9.0.0/20
ip prefix-list eltel permit 81.9.32.0/20
ip prefix-list eltel permit 81.9.96.0/20
ip prefix-list eltel permit 81.222.128.0/20
ip prefix-list eltel permit 81.222.192.0/18
ip prefix-list eltel permit 85.249.8.0/21
ip prefix-list eltel permit 85.249.224.0/19
ip prefix-list eltel permit 89.112.0.0/18 ge 19 le 19
ip prefix-list eltel permit 89.112.4.0/22
ip prefix-list eltel permit 89.112.64.0/19
ip prefix-list eltel permit 217.170.64.0/19 ge 20 le 20
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestTreeOperations checks bgpq4's more-specifics, ranges and
// aggregation on small cases.
func TestTreeOperations(t *testing.T) {
	for _, c := range []struct {
		name     string
		prefixes []string
		o        Options
		want     string // entries, one per line
	}{
		{"order", []string{"10.1.0.0/16", "10.0.0.0/8", "9.0.0.0/8", "10.0.0.0/16", "10.0.0.0/16"}, Options{},
			"9.0.0.0/8 10.0.0.0/8 10.0.0.0/16 10.1.0.0/16"},
		{"refine", []string{"192.0.2.0/23", "198.51.100.0/25"}, Options{Refine: 24},
			"192.0.2.0/23 le 24 198.51.100.0/25"},
		{"refine swallows covered", []string{"10.0.0.0/16", "10.0.1.0/24", "10.0.1.128/25"}, Options{Refine: 24},
			"10.0.0.0/16 le 24 10.0.1.128/25"},
		{"refine and refine-low", []string{"10.0.0.0/24"}, Options{Refine: 27, RefineLow: 25},
			"10.0.0.0/24 ge 25 le 27"},
		{"refine-low alone goes to /32", []string{"10.0.0.0/23", "10.0.2.0/30"}, Options{RefineLow: 24},
			"10.0.0.0/23 ge 24 le 32 10.0.2.0/30 le 32"},
		{"range expanded", []string{"10.0.0.0/23^24"}, Options{},
			"10.0.0.0/24 10.0.1.0/24"},
		{"range aggregated", []string{"10.0.0.0/23^24"}, Options{Aggregate: true},
			"10.0.0.0/23 ge 24 le 24"},
		{"range with the prefix", []string{"10.0.0.0/23^23-25"}, Options{Aggregate: true},
			"10.0.0.0/23 le 25"},
		{"halves under a prefix", []string{"10.0.0.0/23", "10.0.0.0/24", "10.0.1.0/24"}, Options{Aggregate: true},
			"10.0.0.0/23 le 24"},
		{"aggregates of aggregates", []string{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"}, Options{Aggregate: true},
			"10.0.0.0/22 ge 24 le 24"},
		{"one half missing", []string{"10.0.0.0/24", "10.0.2.0/24", "10.0.3.0/24"}, Options{Aggregate: true},
			"10.0.0.0/24 10.0.2.0/23 ge 24 le 24"},
		{"son of a prefix", []string{"10.0.0.0/22", "10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"}, Options{Aggregate: true},
			"10.0.0.0/22 10.0.0.0/22 ge 24 le 24"},
		{"unexpanded range", []string{"10.0.0.0/8^+", "10.1.0.0/16"}, Options{},
			"10.0.0.0/8 le 32 10.1.0.0/16"},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := expansionOf(t, false, c.prefixes...)
			x.Routes = dedupRoutes(x.Routes)
			got := write(t, "ios", x, c.o)
			var entries []string
			for _, line := range strings.Split(strings.TrimSpace(got), "\n")[1:] {
				entries = append(entries, strings.TrimPrefix(line, "ip prefix-list NN permit "))
			}
			if g := strings.Join(entries, " "); g != c.want {
				t.Errorf("got  %s\nwant %s\n%s", g, c.want, got)
			}
		})
	}
}

// dedupRoutes sorts routes and merges those of one prefix, as Expand
// returns them.
func dedupRoutes(rs []Route) []Route {
	var out []Route
	for _, r := range rs {
		i := 0
		for i < len(out) && comparePrefix(out[i].Prefix, r.Prefix) < 0 {
			i++
		}
		if i < len(out) && out[i].Prefix == r.Prefix {
			continue
		}
		out = append(out[:i], append([]Route{r}, out[i:]...)...)
	}
	return out
}

func TestKey(t *testing.T) {
	for _, s := range []string{"0.0.0.0/0", "192.0.2.128/25", "255.255.255.255/32", "::/0", "2001:db8::/32",
		"2001:db8:0:1::/64", "2001:db8::8000:0:0:0/65", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"} {
		p := netip.MustParsePrefix(s)
		k := keyOf(p)
		if got := k.prefix(p.Addr().Is6()); got != p {
			t.Errorf("%s: round trip %s", s, got)
		}
		if k.masked(k.bits) != k {
			t.Errorf("%s: masked to its own length changes it", s)
		}
	}
	a, b := keyOf(netip.MustParsePrefix("2001:db8::/64")), keyOf(netip.MustParsePrefix("2001:db8::8000:0:0:0/65"))
	if c := common(a, b); c != 64 {
		t.Errorf("common bits %d, want 64", c)
	}
	if !b.bit(64) || a.bit(64) {
		t.Error("bit 64")
	}
}
