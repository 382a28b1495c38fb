package stix_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/manrs/manrs/internal/deliver/delivertest"
	"github.com/manrs/manrs/internal/stix"
)

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSchemas validates every kind of object the package produces
// against the official OASIS schemas and the routing-event extension's
// schema, checks that each type they cover is produced, and validates a
// bundle against the official bundle schema.
func TestSchemas(t *testing.T) {
	v := delivertest.NewValidator(t)
	objs := stix.AllObjects(t)
	seen := map[string]int{}
	for _, o := range append(stix.Shared(), objs...) {
		seen[o.ObjectType()]++
		v.Object(t, encode(t, o))
	}
	for _, typ := range v.Types() {
		if seen[typ] == 0 {
			t.Errorf("no %s produced", typ)
		}
	}
	// The official bundle schema lists no schema for note and
	// extension-definition: the bundle holds the objects it does list.
	var listed []stix.Object
	for _, o := range objs {
		if typ := o.ObjectType(); typ != "note" && typ != "extension-definition" {
			listed = append(listed, o)
		}
	}
	b := stix.NewBundle("test", listed)
	b.Objects = b.Objects[1:] // drop the extension definition after the producer
	b.Objects[0] = stix.Producer()
	v.OfficialBundle(t, encode(t, b))
}

// errorRecorder is a testing.TB that keeps its errors instead of
// failing, to check that validation fails where it must.
type errorRecorder struct {
	testing.TB
	errs []string
}

func (r *errorRecorder) Helper() {}

func (r *errorRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestSchemasReject checks that the validation is not vacuous.
func TestSchemasReject(t *testing.T) {
	v := delivertest.NewValidator(t)
	var doc map[string]any
	if err := json.Unmarshal(encode(t, stix.FromIncident(stix.Samples()[0])[0]), &doc); err != nil {
		t.Fatal(err)
	}
	doc["valid_from"] = "2026-10-01 00:00:00"
	r := &errorRecorder{TB: t}
	if v.Object(r, encode(t, doc)); len(r.errs) == 0 {
		t.Error("indicator with a bad timestamp validated")
	}
	doc["valid_from"] = "2026-10-01T00:00:00Z"
	delete(doc, "pattern")
	r = &errorRecorder{TB: t}
	if v.Object(r, encode(t, doc)); len(r.errs) == 0 {
		t.Error("indicator without a pattern validated")
	}
}
