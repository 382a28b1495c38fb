package asrel

import (
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/manrs/manrs/internal/bgp"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".bz2") {
		r = bzip2.NewReader(f)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadFixture(t testing.TB, name string) (*Graph, *Header, Stats) {
	t.Helper()
	g, h, st, err := Load(bytes.NewReader(readFixture(t, name)), name, false)
	if err != nil {
		t.Fatal(err)
	}
	return g, h, st
}

func TestSerial2Sample(t *testing.T) {
	g, h, st := loadFixture(t, "20210901.as-rel2.txt.bz2")
	if st.Records != 22 || st.Skipped != 0 || g.Links() != 22 {
		t.Fatalf("stats %+v, %d links; want 22 links, none skipped", st, g.Links())
	}
	if len(h.Sources) != 178 || h.Sources[0] != "topology|BGP|20210901|ripe|rrc00" || h.Sources[177] != "topology|looking-glass|20210901|mlp|lg43690" {
		t.Errorf("sources: %d, first %q", len(h.Sources), h.Sources[0])
	}
	if len(h.Comments) != 180 {
		t.Errorf("%d header comments, want 180", len(h.Comments))
	}
	wantClique := []bgp.ASN{174, 209, 286, 701, 1239, 1299, 2828, 2914, 3257, 3320, 3356, 3491, 5511, 6453, 6461, 6762, 6830, 7018, 12956}
	if !slices.Equal(h.Clique, wantClique) {
		t.Errorf("clique %v", h.Clique)
	}
	if len(h.IXPs) != 28 || h.IXPs[0] != 1200 || h.IXPs[27] != 57463 {
		t.Errorf("IXPs %v", h.IXPs)
	}
	if got := g.Customers(1); !slices.Equal(got, []bgp.ASN{1898, 5401, 28618, 50017, 58243, 60664, 61396}) {
		t.Errorf("customers of AS1: %v", got)
	}
	if got := g.Peers(1); !slices.Equal(got, []bgp.ASN{8641, 11537, 56847, 263036, 267701}) {
		t.Errorf("peers of AS1: %v", got)
	}
	if got := g.Providers(1898); !slices.Equal(got, []bgp.ASN{1}) {
		t.Errorf("providers of AS1898: %v", got)
	}
	if got := g.Providers(1); len(got) != 0 {
		t.Errorf("providers of AS1: %v", got)
	}
	if g.Customers(99) != nil {
		t.Error("customers of an AS not in the graph")
	}
	tests := []struct {
		a, b bgp.ASN
		want Relation
	}{
		{1, 1898, ProviderOf},
		{1898, 1, CustomerOf},
		{1, 8641, PeerOf},
		{8641, 1, PeerOf},
		{3, 293, PeerOf},
		{10, 131401, ProviderOf},
		{1, 2, None},
		{1898, 5401, None},
		{99, 1, None},
		{1, 99, None},
	}
	for _, tt := range tests {
		if got := g.Relation(tt.a, tt.b); got != tt.want {
			t.Errorf("Relation(%d, %d) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	if src, ok := g.Source(1, 1898); src != "bgp" || !ok {
		t.Errorf("Source(1, 1898) = %q %v", src, ok)
	}
	if _, ok := g.Source(1, 2); ok {
		t.Error("Source of a missing link")
	}
	if g.Len() != 30 {
		t.Errorf("%d ASes, want 30", g.Len())
	}
	if !slices.IsSorted(g.ASNs()) {
		t.Error("ASNs not sorted")
	}
}

func TestSerial1Cones(t *testing.T) {
	g, h, st := loadFixture(t, "serial1-cycle.as-rel.txt")
	if st.Records != 18 || st.Skipped != 0 || !slices.Equal(h.Clique, []bgp.ASN{64500, 64501}) {
		t.Fatalf("stats %+v, clique %v", st, h.Clique)
	}
	if src, ok := g.Source(64500, 64502); src != "" || !ok {
		t.Errorf("serial-1 source %q %v", src, ok)
	}
	cycle := []bgp.ASN{64510, 64511, 64512, 64513}
	want := map[bgp.ASN][]bgp.ASN{
		64500: {64500, 64502, 64503, 64505, 64506, 64507},
		64501: {64501, 64503, 64504, 64506, 64507, 64508, 64510, 64511, 64512, 64513},
		64502: {64502, 64505, 64506},
		64503: {64503, 64506, 64507},
		64504: {64504, 64507, 64508, 64510, 64511, 64512, 64513},
		64505: {64505},
		64506: {64506},
		64507: {64507},
		64508: {64508, 64510, 64511, 64512, 64513},
		64510: cycle,
		64511: cycle,
		64512: cycle,
		64513: {64513},
	}
	cones := g.CustomerCones()
	if cones.Len() != len(want) || !slices.Equal(cones.ASNs(), g.ASNs()) {
		t.Errorf("%d cones for %v", cones.Len(), cones.ASNs())
	}
	for a, w := range want {
		if got := g.CustomerCone(a); !slices.Equal(got, w) {
			t.Errorf("CustomerCone(%d) = %v, want %v", a, got, w)
		}
		if got := cones.Cone(a); !slices.Equal(got, w) {
			t.Errorf("CustomerCones().Cone(%d) = %v, want %v", a, got, w)
		}
	}
	if g.CustomerCone(1) != nil || cones.Cone(1) != nil || cones.Size(1) != 0 {
		t.Error("cone of an AS not in the graph")
	}

	// The cone file agrees with the graph where it has a line.
	fc, st, err := LoadCones(bytes.NewReader(readFixture(t, "ppdc-ases-excerpt.txt")), "ppdc-ases-excerpt.txt", true)
	if err != nil || st.Records != 6 || st.Comments != 3 {
		t.Fatalf("LoadCones: %v, stats %+v", err, st)
	}
	for _, a := range fc.ASNs() {
		if !slices.Equal(fc.Cone(a), want[a]) {
			t.Errorf("file cone of %d = %v, want %v", a, fc.Cone(a), want[a])
		}
	}
	if !fc.Contains(64501, 64513) || fc.Contains(64500, 64504) || fc.Size(64501) != 10 {
		t.Error("Contains/Size wrong")
	}
}

func TestBadLines(t *testing.T) {
	data := readFixture(t, "bad-lines.as-rel2.txt")
	rd := NewReader(bytes.NewReader(data), "bad-lines.as-rel2.txt")
	n := 0
	for rd.Next() {
		n++
	}
	st := rd.Stats()
	if n != 6 || st.Skipped != 7 || rd.Err() != nil {
		t.Errorf("reader: %d links, %d skipped, err %v; want 6, 7", n, st.Skipped, rd.Err())
	}
	g, _, st, err := Load(bytes.NewReader(data), "bad-lines.as-rel2.txt", false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range st.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		`asrel: bad-lines.as-rel2.txt: line 3: 2 fields, want 3 (serial-1) or 4 (serial-2)`,
		`asrel: bad-lines.as-rel2.txt: line 4: 5 fields, want 3 (serial-1) or 4 (serial-2)`,
		`asrel: bad-lines.as-rel2.txt: line 5: serial-2: first AS "x" is not a number in 0-4294967295`,
		`asrel: bad-lines.as-rel2.txt: line 6: serial-2: second AS "4294967296" is not a number in 0-4294967295`,
		`asrel: bad-lines.as-rel2.txt: line 7: serial-2: AS1 linked to itself`,
		`asrel: bad-lines.as-rel2.txt: line 8: serial-2: relationship "1" is not -1 (provider-customer) or 0 (peer)`,
		`asrel: bad-lines.as-rel2.txt: line 9: serial-2: empty source`,
		`asrel: bad-lines.as-rel2.txt: line 11: link AS1898-AS1 repeats or contradicts line 2`,
		`asrel: bad-lines.as-rel2.txt: line 12: link AS1-AS1898 repeats or contradicts line 2`,
		`asrel: bad-lines.as-rel2.txt: line 13: link AS5401-AS1 repeats or contradicts line 10`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if st.Records != 3 || st.Skipped != 10 || g.Links() != 3 {
		t.Errorf("load: %d records, %d skipped, %d links; want 3, 10, 3", st.Records, st.Skipped, g.Links())
	}
	if g.Relation(1, 1898) != ProviderOf || g.Relation(1, 5401) != ProviderOf || g.Relation(8641, 1) != PeerOf {
		t.Error("the first of conflicting links must win")
	}
	if src, _ := g.Source(1, 8641); src != "mlp" {
		t.Errorf("source %q, want mlp", src)
	}

	// Strict mode stops at the first bad line, and at a conflict.
	_, _, _, err = Load(bytes.NewReader(data), "bad-lines.as-rel2.txt", true)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 {
		t.Errorf("strict: %v, want an error at line 3", err)
	}
	_, _, _, err = Load(strings.NewReader("1|2|-1\n2|1|-1\n"), "conflict", true)
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("strict conflict: %v, want an error at line 2", err)
	}
}

func TestHostile(t *testing.T) {
	tests := []struct {
		name           string
		in             string
		links, skipped int
	}{
		{"empty", "", 0, 0},
		{"comments only", "#\n# source:x\n\n", 0, 0},
		{"long line", strings.Repeat("1", MaxLineLength+10) + "\n1|2|-1\n", 1, 1},
		{"long comment", "#" + strings.Repeat("x", MaxLineLength+10) + "\n1|2|-1\n", 1, 1},
		{"truncated", "1|2|-1\n3|4|", 1, 1},
		{"no final newline", "1|2|-1\n3|4|0", 2, 0},
		{"crlf", "1|2|-1\r\n3|4|0|bgp\r\n", 2, 0},
		{"nul", "\x00\n1|2|-1\n", 1, 1},
		{"many pipes", strings.Repeat("|", 5000) + "\n", 0, 1},
		{"many bad", strings.Repeat("x\n", 500), 0, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := NewReader(strings.NewReader(tt.in), tt.name)
			n := 0
			for rd.Next() {
				n++
			}
			st := rd.Stats()
			if rd.Err() != nil || n != tt.links || st.Skipped != tt.skipped || len(st.Errors) > MaxErrors {
				t.Errorf("err %v, %d links, %d skipped, %d errors; want %d, %d", rd.Err(), n, st.Skipped, len(st.Errors), tt.links, tt.skipped)
			}
		})
	}
	rd := NewReader(iotest.ErrReader(errors.New("boom")), "boom")
	if rd.Next() || rd.Err() == nil || !strings.Contains(rd.Err().Error(), "asrel: boom: ") {
		t.Errorf("read error: %v", rd.Err())
	}
}

func TestManySources(t *testing.T) {
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, "%d|%d|0|src%d\n", i+1, i+1000, i)
	}
	g, _, st, err := Load(strings.NewReader(b.String()), "sources", true)
	if err != nil || st.Records != 300 {
		t.Fatalf("%v, %+v", err, st)
	}
	if s, _ := g.Source(1, 1000); s != "src0" {
		t.Errorf("first source %q", s)
	}
	if s, _ := g.Source(300, 1299); s != OtherSource {
		t.Errorf("300th source %q, want %q", s, OtherSource)
	}
	// A Builder fed directly folds sources past 255 the same way.
	bl := NewBuilder()
	for i := range 300 {
		if err := bl.Add(Link{A: bgp.ASN(i + 1), B: bgp.ASN(i + 1000), Rel: PeerOf, Source: fmt.Sprint("s", i)}); err != nil {
			t.Fatal(err)
		}
	}
	g, _ = bl.Build()
	if s, _ := g.Source(254, 1253); s != "s253" {
		t.Errorf("254th source %q", s)
	}
	if s, _ := g.Source(300, 1299); s != OtherSource {
		t.Errorf("300th source %q, want %q", s, OtherSource)
	}
}

func TestConeReaderHostile(t *testing.T) {
	big := "3356" + strings.Repeat(" 4294967295", 100_000) + " 1\n"
	tests := []struct {
		name           string
		in             string
		cones, skipped int
		comments       int
	}{
		{"empty", "", 0, 0, 0},
		{"blank lines", "\n  \n\t\n", 0, 0, 3},
		{"huge line", big, 1, 0, 0},
		{"overflow", "1 4294967296\n2 2\n", 1, 1, 0},
		{"long digits", "1 " + strings.Repeat("9", 1000) + "\n2 2\n", 1, 1, 0},
		{"letters", "1 AS2\n2 2\n", 1, 1, 0},
		{"owner only", "7\n", 1, 0, 0},
		{"comment after owner", "7 # x\n", 0, 1, 0},
		{"duplicate members", "7 9 9 8 7\n", 1, 0, 0},
		{"no final newline", "7 7\n8 8", 2, 0, 0},
		{"crlf", "7 7\r\n8 8\r\n", 2, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := NewConeReader(strings.NewReader(tt.in), tt.name)
			n := 0
			for rd.Next() {
				a, m := rd.Cone()
				if !slices.IsSorted(m) || len(slices.Compact(slices.Clone(m))) != len(m) {
					t.Errorf("cone of %d not sorted or repeats: %v", a, m)
				}
				if tt.name == "duplicate members" && !slices.Equal(m, []bgp.ASN{7, 8, 9}) {
					t.Errorf("members %v", m)
				}
				if tt.name == "huge line" && (a != 3356 || !slices.Equal(m, []bgp.ASN{1, 4294967295})) {
					t.Errorf("huge line: %d %v", a, m)
				}
				n++
			}
			st := rd.Stats()
			if rd.Err() != nil || n != tt.cones || st.Skipped != tt.skipped || st.Comments != tt.comments {
				t.Errorf("err %v, %d cones, %d skipped, %d comments; want %d, %d, %d (%v)",
					rd.Err(), n, st.Skipped, st.Comments, tt.cones, tt.skipped, tt.comments, st.Errors)
			}
		})
	}
	c, st, err := LoadCones(strings.NewReader("7 7 8\n7 7\n8 8\n"), "dup", false)
	if err != nil || c.Len() != 2 || st.Skipped != 1 || st.Records != 2 || !slices.Equal(c.Cone(7), []bgp.ASN{7, 8}) {
		t.Errorf("duplicate cone: %v, %d cones, %+v", err, c.Len(), st)
	}
	if _, _, err := LoadCones(strings.NewReader("7 7 8\n7 7\n"), "dup", true); err == nil {
		t.Error("strict: duplicate cone accepted")
	}
	c, _, err = LoadCones(strings.NewReader(""), "empty", true)
	if err != nil || c.Len() != 0 || c.Cone(1) != nil {
		t.Errorf("empty: %v %d", err, c.Len())
	}
}

func TestBuilder(t *testing.T) {
	b := NewBuilder()
	if err := b.Add(Link{A: 1, B: 1, Rel: PeerOf}); err == nil {
		t.Error("self link accepted")
	}
	if err := b.Add(Link{A: 1, B: 2, Rel: None}); err == nil {
		t.Error("relation None accepted")
	}
	if err := b.Add(Link{A: 2, B: 1, Rel: CustomerOf}); err != nil {
		t.Error(err)
	}
	g, conflicts := b.Build()
	if g.Relation(1, 2) != ProviderOf || len(conflicts) != 0 {
		t.Errorf("CustomerOf link: %v, %v", g.Relation(1, 2), conflicts)
	}
	g, _ = NewBuilder().Build()
	if g.Len() != 0 || g.Relation(1, 2) != None || g.CustomerCones().Len() != 0 {
		t.Error("empty graph")
	}
}

func TestRelationStrings(t *testing.T) {
	for r, want := range map[Relation]string{None: "none", ProviderOf: "provider-of", CustomerOf: "customer-of", PeerOf: "peer", 9: "Relation(9)", -1: "Relation(-1)"} {
		if r.String() != want {
			t.Errorf("%d: %q, want %q", r, r.String(), want)
		}
	}
	if ProviderOf.Invert() != CustomerOf || CustomerOf.Invert() != ProviderOf || PeerOf.Invert() != PeerOf {
		t.Error("Invert")
	}
}
