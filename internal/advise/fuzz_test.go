package advise

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/rpsl"
)

var objectNameRE = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9_-]{0,78}[A-Za-z0-9])?$`)

// FuzzObjectName checks ParseObjectName against a regular expression, its
// oracle, and that a route object written with the names it accepts
// reads back as written: one object, with the same four attributes.
func FuzzObjectName(f *testing.F) {
	for _, s := range []string{"MNT-FOO", "RIPE", "a", "MNT-", "1X", "MNT FOO", "MNT#X", "X\nsource: EVIL", "RIPE-NONAUTH"} {
		f.Add(s, s)
	}
	db := loadDB(f)
	f.Fuzz(func(t *testing.T, mnt, source string) {
		_, err := ParseObjectName("mnt-by", mnt)
		if (err == nil) != objectNameRE.MatchString(mnt) {
			t.Fatalf("ParseObjectName(%q): %v", mnt, err)
		}
		if err != nil {
			return
		}
		if _, err := ParseObjectName("source", source); err != nil {
			return
		}
		// AS64501 has no aut-num nor route object in testdata.
		r := Advise(Input{ASN: 64501, Announced: []Announcement{{Prefix: netip.MustParsePrefix("192.0.2.0/24")}}, IRR: db, MntBy: mnt, Source: source})
		a, ok := find(r, RouteMissing, "192.0.2.0/24", 64501)
		if !ok {
			t.Fatalf("no route object proposed: %+v", r.Advice)
		}
		rd := rpsl.NewReader(strings.NewReader(a.Object.String()), "fuzz")
		rd.Strict = true
		if !rd.Next() {
			t.Fatalf("%q does not read back: %v", a.Object, rd.Err())
		}
		o := rd.Object()
		if len(o.Attrs) != 4 || o.Get("mnt-by") != mnt || o.Get("source") != strings.ToUpper(source) || o.Get("origin") != "AS64501" {
			t.Fatalf("%q reads back as %q", a.Object, o)
		}
		if rd.Next() {
			t.Fatalf("%q reads back as two objects", a.Object)
		}
	})
}
