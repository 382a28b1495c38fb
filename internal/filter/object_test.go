package filter

import (
	"strings"
	"testing"
)

func TestParseObject(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // kind, then source, name, ASN or prefix and operator
	}{
		{"AS112", "AS number AS112"},
		{"as112", "AS number AS112"},
		{"AS1.10", "AS number AS65546"},
		{"AS4294967295", "AS number AS4294967295"},
		{"AS-AS112", "as-set AS-AS112"},
		{"as-foo", "as-set AS-FOO"},
		{"AS64500:AS-CUSTOMERS", "as-set AS64500:AS-CUSTOMERS"},
		{"AS-FOO:AS-BAR", "as-set AS-FOO:AS-BAR"},
		{"RS-FOO", "route-set RS-FOO"},
		{"AS64500:RS-FOO", "route-set AS64500:RS-FOO"},
		{"RIPE::AS-AS112", "as-set RIPE AS-AS112"},
		{"ripe-nonauth::as-foo", "as-set RIPE-NONAUTH AS-FOO"},
		{"RADB::RS-FOO", "route-set RADB RS-FOO"},
		{"192.0.2.0/24", "prefix 192.0.2.0/24"},
		{"192.0.2.0/24^+", "prefix 192.0.2.0/24^+"},
		{"192.0.2.0/24^-", "prefix 192.0.2.0/24^-"},
		{"192.0.2.0/24^26", "prefix 192.0.2.0/24^26"},
		{"192.0.2.0/24^25-28", "prefix 192.0.2.0/24^25-28"},
		{"2001:db8::/32", "prefix 2001:db8::/32"},
		{"abcd::/16", "prefix abcd::/16"},
		{"2001:db8::/32^48", "prefix 2001:db8::/32^48"},
	} {
		o, err := ParseObject(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		got := o.Kind.String()
		if o.Source != "" {
			got += " " + o.Source
		}
		switch o.Kind {
		case ObjectASN:
			got += " " + o.ASN.String()
		case ObjectASSet, ObjectRouteSet:
			got += " " + o.Name
		case ObjectPrefix:
			got += " " + o.Prefix.String() + o.Op.String()
		}
		if got != c.want || o.Text != c.in {
			t.Errorf("%s: got %s, want %s", c.in, got, c.want)
		}
	}
}

func TestParseObjectErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "empty object"},
		{"FOO", "neither an AS number, a set name nor a prefix"},
		{"AS", "set name"},
		{"AS-", "set name"},
		{"AS112x", "not an AS number"},
		{"AS4294967296", "not an AS number"},
		{"AS-ANY", "predefined set"},
		{"RTRS-FOO", "neither an AS number"},
		{"AS1:RTRS-FOO", "rtr-set name"},
		{"RIPE::AS112", "not to AS numbers"},
		{"RIPE::FOO", "after RIPE::"},
		{"RIPE::", "after RIPE::"},
		{"AS-FOO^+", "set name"},
		{"192.0.2.1/24", "bits set after the prefix length"},
		{"192.0.2.0/33", "length"},
		{"192.0.2.0", "neither an AS number"},
		{"192.0.2.0/24^23", "range ^23 starts shorter than /24"},
		{"192.0.2.0/24^33", "range ^33 longer than /32"},
		{"192.0.2.0/24^", "range operator"},
		{"192.0.2.0/32^-", "admits no prefix"},
		{"192.0.2.0/24^+^+", "range operator"},
		{"^24/24", "neither an AS number"},
		{"AS 112", "printable ASCII without spaces"},
		{"AS-FOO\n", "printable ASCII without spaces"},
		{strings.Repeat("A", 300), "longer than 255 bytes"},
	} {
		_, err := ParseObject(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one saying %q", c.in, err, c.want)
		}
	}
}

func TestParseQuery(t *testing.T) {
	q, err := ParseQuery([]string{"AS-FOO", "AS112", "192.0.2.0/24", "EXCEPT", "AS64500", "AS-BAR"})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Objects) != 3 || len(q.Except) != 2 || q.Except[1].Name != "AS-BAR" {
		t.Errorf("%+v", q)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "no object"},
		{[]string{"EXCEPT", "AS1"}, "no object"},
		{[]string{"AS1", "EXCEPT", "AS2", "EXCEPT", "AS3"}, "argument 4: EXCEPT given twice"},
		{[]string{"AS1", "EXCEPT", "RS-FOO"}, "argument 3: route-set \"RS-FOO\" after EXCEPT"},
		{[]string{"AS1", "EXCEPT", "192.0.2.0/24"}, "only AS numbers and as-sets"},
		{[]string{"AS1", "FOO"}, "argument 2: object \"FOO\""},
	} {
		if _, err := ParseQuery(c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one saying %q", c.args, err, c.want)
		}
	}
}
