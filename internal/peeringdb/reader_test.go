package peeringdb

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// kindOfFile returns the object type of an API response fixture, named
// api-<kind>-*.json; 0 for dumps.
func kindOfFile(name string) Kind {
	rest, ok := strings.CutPrefix(name, "api-")
	if !ok {
		return 0
	}
	k, _ := ParseKind(strings.SplitN(strings.TrimSuffix(rest, ".json"), "-", 2)[0])
	return k
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339Nano)
}

// render reads a whole input and prints what the Reader saw, one line per
// object, then the counts and the errors.
func render(t testing.TB, name string, data []byte) string {
	t.Helper()
	rd := NewReader(bytes.NewReader(data), name)
	rd.Kind = kindOfFile(name)
	var b strings.Builder
	for rd.Next() {
		switch rd.Current() {
		case KindOrganization:
			o := rd.Organization()
			fmt.Fprintf(&b, "org %d name=%q website=%q country=%q created=%s updated=%s status=%s\n",
				o.ID, o.Name, o.Website, o.Country, fmtTime(o.Created), fmtTime(o.Updated), o.Status)
		case KindNetwork:
			n := rd.Network()
			fmt.Fprintf(&b, "net %d %s org=%d name=%q website=%q irr=%q prefixes=%d/%d policy=%q pocs=%v created=%s updated=%s status=%s\n",
				n.ID, n.ASN, n.OrgID, n.Name, n.Website, n.IRRASSet, n.InfoPrefixes4, n.InfoPrefixes6, n.PolicyGeneral,
				n.ContactIDs, fmtTime(n.Created), fmtTime(n.Updated), n.Status)
		case KindContact:
			c := rd.Contact()
			fmt.Fprintf(&b, "poc %d net=%d role=%s visible=%s name=%q phone=%q email=%q url=%q created=%s updated=%s status=%s\n",
				c.ID, c.NetID, c.Role, c.Visible, c.Name, c.Phone, c.Email, c.URL, fmtTime(c.Created), fmtTime(c.Updated), c.Status)
		default:
			t.Fatalf("%s: object of kind %v", name, rd.Current())
		}
	}
	st := rd.Stats()
	fmt.Fprintf(&b, "stats: org=%d net=%d poc=%d ignored=%d skipped=%d\n",
		st.Organizations, st.Networks, st.Contacts, st.Ignored, st.Skipped)
	for _, err := range st.Errors {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	if err := rd.Err(); err != nil {
		fmt.Fprintf(&b, "end: %v\n", err)
	} else {
		b.WriteString("end: ok\n")
	}
	return b.String()
}

func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/peeringdb -update to refresh)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./internal/peeringdb -update to refresh)\ngot:\n%s", golden, got)
	}
}

func TestReaderGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := render(t, name, data)
			checkGolden(t, filepath.Join("testdata", "golden", name+".golden"), got)
		})
	}
}

func TestReaderCounts(t *testing.T) {
	tests := []struct {
		file                               string
		orgs, nets, pocs, ignored, skipped int
		fatal                              bool
	}{
		{"api-net-depth0.json", 0, 2, 0, 0, 0, false},
		{"api-net-depth1.json", 0, 1, 0, 0, 0, false},
		{"api-net-depth2.json", 0, 1, 3, 0, 0, false},
		{"api-org.json", 3, 0, 0, 0, 0, false},
		{"api-poc.json", 0, 0, 4, 0, 0, false},
		{"dump-small.json", 3, 4, 6, 4, 0, false},
		{"bad-objects.json", 1, 2, 1, 0, 21, false},
		{"truncated.json", 0, 0, 0, 2, 0, true},
		{"deep.json", 0, 0, 0, 0, 0, true},
		{"not-object.json", 0, 0, 0, 0, 0, true},
		{"api-net-trailing-garbage.json", 0, 0, 0, 0, 0, true},
		{"garbage.bin", 0, 0, 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			rd := NewReader(bytes.NewReader(data), tt.file)
			rd.Kind = kindOfFile(tt.file)
			for rd.Next() {
			}
			st := rd.Stats()
			if st.Organizations != tt.orgs || st.Networks != tt.nets || st.Contacts != tt.pocs ||
				st.Ignored != tt.ignored || st.Skipped != tt.skipped {
				t.Errorf("stats %+v, want org=%d net=%d poc=%d ignored=%d skipped=%d",
					st, tt.orgs, tt.nets, tt.pocs, tt.ignored, tt.skipped)
			}
			if (rd.Err() != nil) != tt.fatal {
				t.Errorf("Err() = %v, want fatal %v", rd.Err(), tt.fatal)
			}
			if err := rd.Err(); err != nil && !strings.HasPrefix(err.Error(), "peeringdb: "+tt.file+": at byte ") {
				t.Errorf("error %q does not name the input and offset", err)
			}
		})
	}
}

func TestReaderErrorsNamePosition(t *testing.T) {
	data, err := os.ReadFile("testdata/bad-objects.json")
	if err != nil {
		t.Fatal(err)
	}
	rd := NewReader(bytes.NewReader(data), "bad-objects.json")
	for rd.Next() {
	}
	for _, err := range rd.Stats().Errors {
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%v is not a *ParseError", err)
			continue
		}
		if pe.Name != "bad-objects.json" || pe.Offset <= 0 || pe.Offset >= int64(len(data)) {
			t.Errorf("%v: bad position", err)
		}
		// The offset points at the value itself.
		if c := data[pe.Offset]; !strings.ContainsRune(`{["n4`, rune(c)) {
			t.Errorf("%v: offset points at %q", err, c)
		}
	}
}

func TestReaderStrict(t *testing.T) {
	data, err := os.ReadFile("testdata/bad-objects.json")
	if err != nil {
		t.Fatal(err)
	}
	rd := NewReader(bytes.NewReader(data), "bad-objects.json")
	rd.Strict = true
	n := 0
	for rd.Next() {
		n++
	}
	var pe *ParseError
	if !errors.As(rd.Err(), &pe) || pe.Section != "net" || pe.Index != 1 || n != 1 {
		t.Fatalf("strict: %d objects, err %v; want 1 object and net[1]", n, rd.Err())
	}
}

func TestReaderAPIKindRequired(t *testing.T) {
	rd := NewReader(strings.NewReader(`{"data": [{"id": 1}], "meta": {}}`), "resp.json")
	if rd.Next() {
		t.Fatal("read an object of unknown kind")
	}
	if err := rd.Err(); err == nil || !strings.Contains(err.Error(), "Reader.Kind") {
		t.Fatalf("err = %v, want a request to set Reader.Kind", err)
	}
}

func TestReaderTooLarge(t *testing.T) {
	big := `{"net": {"data": [{"id": 1, "asn": 64500, "notes": "` + strings.Repeat("x", MaxObjectSize+2*maxRead) + `"}]}}`
	rd := NewReader(strings.NewReader(big), "big.json")
	for rd.Next() {
	}
	if err := rd.Err(); err == nil || !errors.Is(err, errTooLarge) {
		t.Fatalf("err = %v, want a too-large error", err)
	}
	// A skipped section is bounded in the same way.
	big = `{"netixlan": {"data": [{"notes": "` + strings.Repeat("x", MaxObjectSize+2*maxRead) + `"}]}}`
	rd = NewReader(strings.NewReader(big), "big.json")
	for rd.Next() {
	}
	if !errors.Is(rd.Err(), errTooLarge) {
		t.Fatalf("skipped section: err = %v, want a too-large error", rd.Err())
	}
}

func TestReaderInputs(t *testing.T) {
	data, err := os.ReadFile("testdata/dump-small.json")
	if err != nil {
		t.Fatal(err)
	}
	want := render(t, "dump-small.json", data)
	tests := []struct {
		name string
		r    io.Reader
	}{
		{"one byte at a time", iotest.OneByteReader(bytes.NewReader(data))},
		{"data with EOF", iotest.DataErrReader(bytes.NewReader(data))},
		{"half reads", iotest.HalfReader(bytes.NewReader(data))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := io.ReadAll(tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(t, "dump-small.json", b); got != want {
				t.Errorf("differs:\n%s", got)
			}
		})
	}
	t.Run("read error", func(t *testing.T) {
		rd := NewReader(io.MultiReader(bytes.NewReader(data[:3000]), iotest.ErrReader(errors.New("disk on fire"))), "dump.json")
		for rd.Next() {
		}
		if err := rd.Err(); err == nil || !strings.Contains(err.Error(), "disk on fire") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("slow reader", func(t *testing.T) {
		rd := NewReader(iotest.OneByteReader(bytes.NewReader(data)), "dump-small.json")
		n := 0
		for rd.Next() {
			n++
		}
		if rd.Err() != nil || n != 13 {
			t.Fatalf("%d objects, err %v", n, rd.Err())
		}
	})
}

func TestReaderNestedContacts(t *testing.T) {
	f, err := os.Open("testdata/api-net-depth2.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := NewReader(f, "api-net-depth2.json")
	rd.Kind = KindNetwork
	var kinds []Kind
	var nets []uint32
	for rd.Next() {
		kinds = append(kinds, rd.Current())
		if rd.Current() == KindContact {
			nets = append(nets, rd.Contact().NetID)
		}
	}
	if rd.Err() != nil {
		t.Fatal(rd.Err())
	}
	want := []Kind{KindNetwork, KindContact, KindContact, KindContact}
	if fmt.Sprint(kinds) != fmt.Sprint(want) || fmt.Sprint(nets) != "[20003 20003 20003]" {
		t.Fatalf("kinds %v nets %v", kinds, nets)
	}
}

func TestEnums(t *testing.T) {
	for r := RoleAbuse; r <= RoleSales; r++ {
		if got, ok := ParseRole(r.String()); !ok || got != r {
			t.Errorf("role %v does not round-trip", r)
		}
	}
	for v := Private; v <= Public; v++ {
		if got, ok := ParseVisibility(v.String()); !ok || got != v {
			t.Errorf("visibility %v does not round-trip", v)
		}
	}
	for k := KindOrganization; k <= KindContact; k++ {
		if got, ok := ParseKind(k.String()); !ok || got != k {
			t.Errorf("kind %v does not round-trip", k)
		}
	}
	for _, s := range []string{"ok", "pending", "deleted", ""} {
		st, ok := parseStatus(s)
		if !ok || st.String() != s {
			t.Errorf("status %q does not round-trip", s)
		}
	}
	tests := []struct {
		got, want string
	}{
		{Role(0).String(), "Role(0)"},
		{Visibility(9).String(), "Visibility(9)"},
		{Kind(7).String(), "Kind(7)"},
		{Status(9).String(), "Status(9)"},
		{RolePublicRelations.String(), "Public Relations"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if !OperationalRoles.Has(RoleNOC) || OperationalRoles.Has(RoleSales) || Roles(RoleSales) != 1<<RoleSales {
		t.Error("role sets")
	}
	for _, tt := range []struct {
		in   string
		want bgp.ASN
		ok   bool
	}{
		{"4294967295", 4294967295, true},
		{"64500", 64500, true},
		{"4294967296", 0, false},
		{"99999999999999999999999", 0, false},
		{"18446744073709551616", 0, false},
		{"0", 0, false},
		{"-1", 0, false},
		{"1e3", 0, false},
		{`"1"`, 0, false},
		{"null", 0, false},
	} {
		var n num
		if err := n.UnmarshalJSON([]byte(tt.in)); err != nil {
			t.Fatal(err)
		}
		a, err := parseASN(n)
		if (err == nil) != tt.ok || a != tt.want {
			t.Errorf("parseASN(%s) = %v, %v", tt.in, a, err)
		}
	}
}
