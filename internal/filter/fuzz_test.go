package filter

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/bgp"
)

// FuzzParseObject checks that parsing an object never panics, and that
// an object parses back from its canonical form to the same object.
func FuzzParseObject(f *testing.F) {
	for _, s := range objectSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseObject(s)
		if err != nil {
			return
		}
		if o.Text != s {
			t.Fatalf("%q: Text %q", s, o.Text)
		}
		var canon string
		switch o.Kind {
		case ObjectASN:
			canon = o.ASN.String()
		case ObjectASSet, ObjectRouteSet:
			canon = o.Name
			if o.Source != "" {
				canon = o.Source + "::" + canon
			}
		case ObjectPrefix:
			canon = o.Prefix.String() + o.Op.String()
		default:
			t.Fatalf("%q: kind %v", s, o.Kind)
		}
		back, err := ParseObject(canon)
		if err != nil {
			t.Fatalf("%q: canonical %q does not parse: %v", s, canon, err)
		}
		back.Text = o.Text
		if back != o {
			t.Fatalf("%q: %+v, canonical %q gives %+v", s, o, canon, back)
		}
	})
}

// objectSeeds are the objects of bgpq4's command lines and of the tests.
func objectSeeds(f *testing.F) []string {
	seeds := []string{"AS112", "AS-AS112", "RIPE::AS-AS112", "APNIC::AS-AS112", "AS64500:AS-CUSTOMERS",
		"RS-FOO", "192.0.2.0/24^25-28", "2001:db8::/32^+", "abcd::/16", "AS1.10", "EXCEPT"}
	file, err := os.Open(filepath.Join(bgpq4Dir, "generate_outputs.sh"))
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		for _, w := range strings.Fields(sc.Text()) {
			seeds = append(seeds, strings.Trim(w, `"'`))
		}
	}
	return seeds
}

// FuzzParseTemplate checks the user format against a second reading of
// bgpq4's rules, character by character as bgpq4 reads them.
func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{"%n/%l ", `ipfw add pass all from %n/%l to any\n`, `%n/%l; `,
		`%N %m %i %a %A 100%%\t\\\q\n`, "%", `\`, "%q", "%%%", `\\\`} {
		f.Add(s)
	}
	entries := []Entry{
		{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Lo: 24, Hi: 24},
		{Prefix: netip.MustParsePrefix("2001:db8::/32"), Aggregate: true, Lo: 40, Hi: 48},
	}
	f.Fuzz(func(t *testing.T, s string) {
		tmpl, err := ParseTemplate(s)
		want, ok := bgpq4Template(s, entries)
		if (err == nil) != ok {
			t.Fatalf("%q: error %v, reference accepts it: %v", s, err, ok)
		}
		if err != nil {
			return
		}
		var b bytes.Buffer
		p := &printer{w: bufio.NewWriter(&b), l: &List{Name: "NN", Template: tmpl}}
		for i := range entries {
			tmpl.write(p, &entries[i])
		}
		p.w.Flush()
		if b.String() != want {
			t.Fatalf("%q: got %q, reference %q", s, b.String(), want)
		}
	})
}

// bgpq4Template writes entries through template s as bgpq4's
// sx_prefix_snprintf_fmt does, and reports whether bgpq4 accepts s.
func bgpq4Template(s string, entries []Entry) (string, bool) {
	var b strings.Builder
	for _, e := range entries {
		lo := e.Lo
		if e.Aggregate && lo < e.Prefix.Bits() {
			lo = e.Prefix.Bits()
		}
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '%':
				if i+1 == len(s) {
					return "", false
				}
				i++
				switch s[i] {
				case 'n':
					b.WriteString(addrString(e.Prefix.Addr()))
				case 'l':
					b.WriteString(itoa(e.Prefix.Bits()))
				case 'a':
					b.WriteString(itoa(lo))
				case 'A':
					b.WriteString(itoa(e.Hi))
				case 'N':
					b.WriteString("NN")
				case 'm':
					b.WriteString(addrString(netmask(e.Prefix, false)))
				case 'i':
					b.WriteString(addrString(netmask(e.Prefix, true)))
				case '%':
					b.WriteByte('%')
				default:
					return "", false
				}
			case '\\':
				if i+1 == len(s) {
					return "", false
				}
				i++
				switch s[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(s[i])
				}
			default:
				b.WriteByte(s[i])
			}
		}
	}
	return b.String(), len(s) <= MaxTemplateLen
}

func itoa(n int) string { return bgp.ASN(n).String()[2:] }

// FuzzTree builds radix trees of prefixes and ranges in a small space,
// IPv4 lengths 24 to 29 or IPv6 lengths 62 to 67 (across the 64-bit
// halves of a key), with bgpq4's more specifics (-R) and aggregation
// (-A), and checks that the entries admit exactly the prefixes they
// should: aggregation loses and adds nothing, -R adds the more specifics
// up to its length; and that entries come in address order.
func FuzzTree(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0x80})
	f.Add([]byte{2, 1, 0, 1, 0x80, 2, 0x40, 2, 0xc0})
	f.Add([]byte{3, 1, 0, 1, 0x80, 0x82, 0x10})
	f.Add([]byte{0x0e, 0, 0, 3, 0x20, 5, 0xf8})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 || len(data) > 128 {
			return
		}
		flags := data[0]
		v6, aggregate, refine := flags&1 != 0, flags&2 != 0, int(flags>>2)%7
		base := netip.MustParsePrefix("10.0.0.0/24")
		if v6 {
			base = netip.MustParsePrefix("2001:db8::/62")
		}
		b0 := base.Bits()
		x := &Expansion{V6: v6}
		var inserted []netip.Prefix // every prefix the tree holds as an entry before the operations
		for data = data[1:]; len(data) >= 2; data = data[2:] {
			bits := b0 + int(data[0]&0x7f)%6
			p := subPrefix(base, data[1], bits)
			if data[0]&0x80 == 0 {
				x.Routes = append(x.Routes, Route{Prefix: p, Origins: []bgp.ASN{64500}})
				inserted = append(inserted, p)
				continue
			}
			hi := min(b0+5, bits+int(data[1]&3))
			x.Ranges = append(x.Ranges, Range{Prefix: p, Lo: bits, Hi: hi})
			inserted = append(inserted, subs(p, bits, hi)...)
		}
		x.Routes = dedupRoutes(x.Routes)
		o := Options{V6: v6, Aggregate: aggregate}
		if refine > 0 {
			o.Refine = b0 + refine - 1
		}
		want := make(map[netip.Prefix]bool)
		for _, p := range inserted {
			hi := p.Bits()
			if o.Refine > hi {
				hi = o.Refine
			}
			for _, q := range subs(p, p.Bits(), hi) {
				want[q] = true
			}
		}
		l, _ := Build(x, o, Policy{})
		got := make(map[netip.Prefix]bool)
		for i, e := range l.Entries {
			if i > 0 && comparePrefix(l.Entries[i-1].Prefix, e.Prefix) > 0 {
				t.Fatalf("entries out of order: %s before %s", l.Entries[i-1].Prefix, e.Prefix)
			}
			lo, hi := e.Prefix.Bits(), e.Prefix.Bits()
			if e.Aggregate {
				lo, hi = max(e.Lo, lo), e.Hi
			}
			for _, q := range subs(e.Prefix, lo, hi) {
				got[q] = true
			}
		}
		for q := range want {
			if !got[q] {
				t.Fatalf("%s is not admitted (-A %v, -R %d)\nentries %v", q, aggregate, o.Refine, l.Entries)
			}
		}
		for q := range got {
			if !want[q] {
				t.Fatalf("%s is admitted but was not asked for (-A %v, -R %d)\nentries %v", q, aggregate, o.Refine, l.Entries)
			}
		}
	})
}

// subPrefix returns the prefix of length bits within base whose bits
// after base's are the leading bits of v.
func subPrefix(base netip.Prefix, v byte, bits int) netip.Prefix {
	k := keyOf(base)
	for i := 0; i < bits-base.Bits(); i++ {
		if v&(0x80>>i) != 0 {
			k = k.withBit(uint8(base.Bits() + i))
		}
	}
	k.bits = uint8(bits)
	return k.prefix(base.Addr().Is6())
}

// subs returns the prefixes within p of lengths lo to hi.
func subs(p netip.Prefix, lo, hi int) []netip.Prefix {
	var out []netip.Prefix
	var walk func(k key)
	walk = func(k key) {
		if int(k.bits) >= lo {
			out = append(out, k.prefix(p.Addr().Is6()))
		}
		if int(k.bits) >= hi {
			return
		}
		k.bits++
		walk(k)
		walk(k.withBit(k.bits - 1))
	}
	walk(keyOf(p))
	return out
}
