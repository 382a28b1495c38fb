package spoofer

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"
)

// TestWriterGolden writes the sessions of every layout in every format,
// checks the output against golden files and reads it back.
func TestWriterGolden(t *testing.T) {
	var all []Session
	for _, file := range []string{"caida-catalog-sessions.jsonl", "api-collection-page.jsonld", "api-array.json", "reordered-crlf.csv"} {
		data, err := os.ReadFile("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, readAll(t, data)...)
	}
	for f := FormatJSONLines; f <= FormatCSV; f++ {
		t.Run(f.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteAll(&buf, f, all); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "testdata/golden/written."+f.String(), buf.String())
			back := readAll(t, buf.Bytes())
			if len(back) != len(all) {
				t.Fatalf("read back %d of %d sessions", len(back), len(all))
			}
			for i := range all {
				if !sameSession(&back[i], &all[i]) {
					t.Errorf("session %d: got %+v, want %+v", i, back[i], all[i])
				}
			}
		})
	}
}

// sameSession compares two sessions, times by instant and offset.
func sameSession(a, b *Session) bool {
	_, oa := a.Time.Zone()
	_, ob := b.Time.Zone()
	x, y := *a, *b
	x.Time, y.Time = time.Time{}, time.Time{}
	return a.Time.Equal(b.Time) && oa == ob && x == y
}

func TestWriterEmpty(t *testing.T) {
	want := map[Format]string{
		FormatJSONLines: "",
		FormatJSONLD:    `{"@context":"/contexts/Session","@id":"/sessions","@type":"hydra:Collection","hydra:member":[],"hydra:totalItems":0}` + "\n",
		FormatJSON:      "[]\n",
		FormatCSV:       "asn4,asn6,client4,client6,country,nat4,nat6,privatespoof,privatespoof6,routedspoof,routedspoof6,session,timestamp\n",
	}
	for f, w := range want {
		var buf bytes.Buffer
		if err := WriteAll(&buf, f, nil); err != nil || buf.String() != w {
			t.Errorf("%v: got %q, %v; want %q", f, buf.String(), err, w)
		}
		if rd := NewReader(&buf, "empty"); rd.Next() || rd.Err() != nil {
			t.Errorf("%v: reading the empty output: %v", f, rd.Err())
		}
	}
}

func TestWriterErrors(t *testing.T) {
	ok := Session{ID: 1, Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		name string
		s    Session
	}{
		{"id 0", Session{Time: ok.Time}},
		{"no time", Session{ID: 1}},
		{"country", Session{ID: 1, Time: ok.Time, Country: "United States"}},
		{"family", Session{ID: 1, Time: ok.Time, IPv4: Result{Client: netip.MustParsePrefix("2001:db8::/40")}}},
		{"host bits", Session{ID: 1, Time: ok.Time, IPv6: Result{Client: netip.MustParsePrefix("2001:db8::1/40")}}},
		{"outcome", Session{ID: 1, Time: ok.Time, IPv6: Result{Routed: Outcome(9)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := NewWriter(&bytes.Buffer{}, FormatJSONLines)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(&tt.s); err == nil || !strings.HasPrefix(err.Error(), "spoofer: write") {
				t.Fatalf("err = %v", err)
			}
		})
	}
	if _, err := NewWriter(&bytes.Buffer{}, Format(0)); err == nil {
		t.Fatal("NewWriter accepted format 0")
	}
	w, _ := NewWriter(&bytes.Buffer{}, FormatCSV)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&ok); !errors.Is(err, errClosed) {
		t.Fatalf("write after Close: %v", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterFailure(t *testing.T) {
	w, _ := NewWriter(failWriter{}, FormatJSONLD)
	s := Session{ID: 1, Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := w.Write(&s); err != nil {
		t.Fatal(err) // buffered
	}
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close = %v", err)
	}
	if err := w.Write(&s); err == nil {
		t.Fatal("write after failure succeeded")
	}
}
