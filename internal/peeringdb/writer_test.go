package peeringdb

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sameDataset compares two Datasets object by object.
func sameDataset(t *testing.T, got, want *Dataset) {
	t.Helper()
	if !reflect.DeepEqual(got.netByID, want.netByID) {
		t.Errorf("networks differ")
	}
	if !reflect.DeepEqual(got.orgs, want.orgs) {
		t.Errorf("organisations differ")
	}
	if !reflect.DeepEqual(got.contacts, want.contacts) {
		t.Errorf("contacts differ")
	}
	if !reflect.DeepEqual(got.netByASN, want.netByASN) {
		t.Errorf("ASN index differs")
	}
}

func TestWriteDatasetGolden(t *testing.T) {
	d := loadFile(t, "dump-small.json", 0)
	var buf bytes.Buffer
	if err := WriteDataset(&buf, d); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/golden/written-dump.json", buf.String())

	back, st, err := Load(bytes.NewReader(buf.Bytes()), "written-dump.json")
	if err != nil || st.Skipped != 0 {
		t.Fatalf("read back: %v, %+v", err, st)
	}
	sameDataset(t, back, d)
}

func TestAPIWriterRoundTrip(t *testing.T) {
	tests := []struct {
		file string
		kind Kind
	}{
		{"api-poc.json", KindContact},
		{"api-org.json", KindOrganization},
		{"api-net-depth1.json", KindNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := loadFile(t, tt.file, tt.kind)
			var buf bytes.Buffer
			w := NewAPIWriter(&buf)
			var err error
			switch tt.kind {
			case KindContact:
				for c := range all(d.contacts) {
					err = errors.Join(err, w.WriteContact(c))
				}
			case KindOrganization:
				for o := range all(d.orgs) {
					err = errors.Join(err, w.WriteOrganization(o))
				}
			case KindNetwork:
				for n := range all(d.netByID) {
					err = errors.Join(err, w.WriteNetwork(n))
				}
			}
			if err := errors.Join(err, w.Close()); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(buf.String(), `{"data": [`) || !strings.HasSuffix(buf.String(), "], \"meta\": {}}\n") {
				t.Fatalf("not an API response:\n%s", buf.String())
			}
			rd := NewReader(&buf, "written.json")
			rd.Kind = tt.kind
			back := NewDataset()
			if err := back.Load(rd); err != nil || rd.Stats().Skipped != 0 {
				t.Fatalf("read back: %v %v", err, rd.Stats().Errors)
			}
			sameDataset(t, back, d)
		})
	}
}

func TestWriterErrors(t *testing.T) {
	n := &Network{ID: 1, ASN: 64500}
	o := &Organization{ID: 2}
	c := &Contact{ID: 3, NetID: 1, Role: RoleNOC, Visible: Public}
	tests := []struct {
		name string
		run  func(w *Writer) error
		api  bool
	}{
		{"network without asn", func(w *Writer) error { return w.WriteNetwork(&Network{ID: 1}) }, false},
		{"organization without id", func(w *Writer) error { return w.WriteOrganization(&Organization{}) }, false},
		{"bad country", func(w *Writer) error { return w.WriteOrganization(&Organization{ID: 1, Country: "Germany"}) }, false},
		{"contact without net", func(w *Writer) error { return w.WriteContact(&Contact{ID: 1, Role: RoleNOC, Visible: Public}) }, false},
		{"contact without role", func(w *Writer) error { return w.WriteContact(&Contact{ID: 1, NetID: 1, Visible: Public}) }, false},
		{"contact without visibility", func(w *Writer) error { return w.WriteContact(&Contact{ID: 1, NetID: 1, Role: RoleNOC}) }, false},
		{"section twice", func(w *Writer) error {
			return errors.Join(w.WriteNetwork(n), w.WriteOrganization(o), w.WriteNetwork(n))
		}, false},
		{"two kinds in an API response", func(w *Writer) error {
			return errors.Join(w.WriteContact(c), w.WriteNetwork(n))
		}, true},
		{"write after close", func(w *Writer) error {
			return errors.Join(w.Close(), w.WriteNetwork(n))
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf)
			if tt.api {
				w = NewAPIWriter(&buf)
			}
			err := tt.run(w)
			if err == nil || !strings.HasPrefix(err.Error(), "peeringdb: ") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestWriterEmpty(t *testing.T) {
	for _, tt := range []struct {
		w    func(*bytes.Buffer) *Writer
		want string
	}{
		{func(b *bytes.Buffer) *Writer { return NewWriter(b) }, "{}\n"},
		{func(b *bytes.Buffer) *Writer { return NewAPIWriter(b) }, `{"data": [], "meta": {}}` + "\n"},
	} {
		var buf bytes.Buffer
		w := tt.w(&buf)
		if err := w.Close(); err != nil || buf.String() != tt.want {
			t.Fatalf("got %q, %v; want %q", buf.String(), err, tt.want)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterFailure(t *testing.T) {
	w := NewWriter(failWriter{})
	if err := w.WriteOrganization(&Organization{ID: 1, Created: time.Now()}); err != nil {
		t.Fatal(err) // buffered
	}
	err := w.Close()
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close = %v", err)
	}
	if err := w.WriteOrganization(&Organization{ID: 2}); err == nil {
		t.Fatal("write after failure succeeded")
	}
}

func TestWrittenDumpLayout(t *testing.T) {
	// Check the layout consumers of CAIDA's dumps rely on:
	// dump["net"]["data"][i]["asn"].
	d := loadFile(t, "dump-small.json", 0)
	var buf bytes.Buffer
	if err := WriteDataset(&buf, d); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`{"org": {"data": [`, `"net": {"data": [`, `"poc": {"data": [`, `"asn":64500`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("written dump lacks %q", want)
		}
	}
}
