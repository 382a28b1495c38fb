package delivertest

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/manrs/manrs/internal/stix"
)

// recorder keeps the errors a Validator reports instead of failing the
// test, for checks that the validation is not vacuous.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestValidator runs from this package's directory, not internal/deliver's,
// so it also checks that the schemas are found from any package.
func TestValidator(t *testing.T) {
	v := NewValidator(t)
	raw, err := json.Marshal(stix.NewBundle("delivertest", stix.Shared()))
	if err != nil {
		t.Fatal(err)
	}
	ids := v.Bundle(t, raw)
	if len(ids) != 3 || ids[0] != string(stix.ProducerID) || ids[1] != string(stix.ExtensionID) || ids[2] != string(stix.TLPWhiteID) {
		t.Errorf("ids %v", ids)
	}

	for _, tc := range []struct {
		name  string
		spoil func(map[string]any)
	}{
		{"no name", func(o map[string]any) { delete(o, "name") }},
		{"bad timestamp", func(o map[string]any) { o["created"] = "2026-01-01 00:00:00" }},
		{"unknown type", func(o map[string]any) { o["type"] = "x-unknown" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(stix.Producer())
			if err != nil {
				t.Fatal(err)
			}
			var o map[string]any
			if err := json.Unmarshal(b, &o); err != nil {
				t.Fatal(err)
			}
			tc.spoil(o)
			if b, err = json.Marshal(o); err != nil {
				t.Fatal(err)
			}
			r := &recorder{TB: t}
			v.Object(r, b)
			if len(r.errs) == 0 {
				t.Errorf("%s validated", b)
			}
		})
	}
}
