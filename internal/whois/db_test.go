package whois

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/rpsl"
)

// TestLoad checks that Load gives the IRR database and the texts the same
// objects.
func TestLoad(t *testing.T) {
	db := loadDB(t, nil, as112DB)
	if got, want := db.Len(), db.IRR().Len().Total(); got != want || got != 11 {
		t.Fatalf("texts of %d objects, IRR of %d", got, want)
	}
	if got := strings.Join(db.IRR().Order(), ","); got != "RIPE,RIPE-NONAUTH" {
		t.Errorf("sources %s", got)
	}
	o := db.exact("route6", "2620:4F:8000::/48AS112", []string{"RIPE-NONAUTH"})
	if o == nil || o.source != "RIPE-NONAUTH" || !strings.HasPrefix(o.text, "route6:         2620:4f:8000::/48\n") {
		t.Fatalf("route6: %+v", o)
	}
}

// TestLoadRefuses checks that the texts leave out what irr.DB refuses:
// objects of another source than the dump's, objects whose view does not
// parse, and objects over the reader's limits.
func TestLoadRefuses(t *testing.T) {
	dump := "route: 192.0.2.0/24\norigin: AS3333\nsource: RADB\n\n" +
		"route: 198.51.100.0/24\norigin: AS3333\nsource: RIPE\n\n" +
		"route: 203.0.113.1/24\norigin: AS3333\nsource: RADB\n\n" +
		"as-set: AS-BIG\nmembers: " + strings.Repeat("AS1, ", 2000) + "AS2\nsource: RADB\n\n" +
		"person: John Doe\nnic-hdl: JD1-RADB\nsource: RADB\n"
	db := NewDB(irr.New())
	st, err := db.Load(strings.NewReader(dump), "dump", irr.LoadOptions{Source: "RADB", Limits: rpsl.Limits{MaxObjectBytes: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Bad() != 3 || st.Indexed != 1 {
		t.Errorf("stats %+v", st)
	}
	if db.Len() != 2 {
		t.Errorf("%d texts, want the route and the person", db.Len())
	}
	if db.exact("person", "JD1-RADB", []string{"RADB"}) == nil {
		t.Error("no person")
	}
	if db.exact("route", "198.51.100.0/24AS3333", []string{"RIPE", "RADB"}) != nil {
		t.Error("route of another source kept")
	}
}

// TestLoadReadError checks that a read error ends both parsers.
func TestLoadReadError(t *testing.T) {
	db := NewDB(irr.New())
	data, err := os.ReadFile(as112DB)
	if err != nil {
		t.Fatal(err)
	}
	r := io.MultiReader(strings.NewReader(string(data[:len(data)/2])), iotest.ErrReader(errors.New("disk on fire")))
	if _, err := db.Load(r, "as112.db", irr.LoadOptions{}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("load: %v", err)
	}
}

// TestAddReplaces checks that an object replaces the one of the same key
// and source, in every index, and that replacing over and over does not
// grow the indexes.
func TestAddReplaces(t *testing.T) {
	db := NewDB(irr.New("RIPE"))
	add := func(text string) {
		t.Helper()
		objs, _, err := rpsl.ReadAll(strings.NewReader(text), "test")
		if err != nil || len(objs) != 1 {
			t.Fatalf("%q: %v", text, err)
		}
		if err := db.Add(objs[0]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5000 {
		add(fmt.Sprintf("route: 192.0.2.0/24\norigin: AS3333\ndescr: version %d\nmnt-by: MNT-%d\nmember-of: RS-X\nsource: RIPE\n", i, i%2))
	}
	src := []string{"RIPE"}
	if o := db.exact("route", "192.0.2.0/24AS3333", src); o == nil || !strings.Contains(o.text, "version 4999") {
		t.Fatalf("latest version: %+v", o)
	}
	if n := len(db.maintained("MNT-0", nil, src)); n != 0 {
		t.Errorf("MNT-0 maintains %d objects, want 0", n)
	}
	if n := len(db.maintained("MNT-1", nil, src)); n != 1 {
		t.Errorf("MNT-1 maintains %d objects, want 1", n)
	}
	if n := len(db.members("RS-X", nil, src)); n != 1 {
		t.Errorf("RS-X has %d members, want 1", n)
	}
	db.mu.RLock()
	listed := len(db.mntBy["MNT-0"]) + len(db.mntBy["MNT-1"]) + len(db.memberOf["RS-X"])
	db.mu.RUnlock()
	if db.Len() != 1 || listed > 2*1024+10 {
		t.Errorf("%d objects, %d listed", db.Len(), listed)
	}
	if got := db.IRR().Len().Route; got != 1 {
		t.Errorf("IRR routes %d", got)
	}
}

// TestAddRefuses checks the objects Add refuses.
func TestAddRefuses(t *testing.T) {
	db := NewDB(irr.New())
	for _, text := range []string{
		"route: 192.0.2.0/24\norigin: AS3333\n",
		"aut-num: ASX\nsource: RIPE\n",
		"as-set: FOO\nsource: RIPE\n",
		"mntner: A B\nsource: RIPE\n",
	} {
		objs, _, err := rpsl.ReadAll(strings.NewReader(text), "test")
		if err != nil || len(objs) != 1 {
			t.Fatalf("%q: %v", text, err)
		}
		if err := db.Add(objs[0]); err == nil {
			t.Errorf("%q accepted", text)
		}
	}
	if db.Len() != 0 {
		t.Errorf("%d objects kept", db.Len())
	}
}
