package delivertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/manrs/manrs/internal/stix"
)

// Validator checks STIX objects against the official STIX 2.1 JSON
// schemas of OASIS (kept in internal/stix/testdata/schemas, loaded by
// their $id, without the network) and the routing-event extension's
// schema (stix.RoutingEventSchema), with format assertions on.
type Validator struct {
	schemas map[string]*jsonschema.Schema
	ext     *jsonschema.Schema
	bundle  *jsonschema.Schema
}

const schemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// schemaOf is the schema of each object type the feeds produce.
var schemaOf = map[string]string{
	"indicator": "sdos/indicator.json", "observed-data": "sdos/observed-data.json", "note": "sdos/note.json",
	"identity": "sdos/identity.json", "report": "sdos/report.json", "sighting": "sros/sighting.json",
	"relationship": "sros/relationship.json", "extension-definition": "common/extension-definition.json",
	"marking-definition": "common/marking-definition.json",
	"autonomous-system":  "observables/autonomous-system.json", "ipv4-addr": "observables/ipv4-addr.json",
	"ipv6-addr": "observables/ipv6-addr.json",
}

// schemaDir returns the directory of the OASIS schemas. It is found from
// this file's own path, not the working directory, so that the tests of
// any package can load the schemas.
func schemaDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("delivertest: cannot locate its own source for the STIX schemas")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "stix", "testdata", "schemas")
}

// NewValidator compiles the schemas; an error in them fails the test.
// Compiling takes a moment, so a test makes one Validator and uses it
// for every object.
func NewValidator(t testing.TB) *Validator {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	root := schemaDir(t)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, _ := filepath.Rel(root, path)
		id := schemaBase + filepath.ToSlash(rel)
		if got, _ := doc.(map[string]any)["$id"].(string); got != id {
			return fmt.Errorf("%s: $id %q, want %q", path, got, id)
		}
		return c.AddResource(id, doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	const extID = "https://github.com/manrs/manrs/blob/main/internal/stix/routing-event.schema.json"
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(stix.RoutingEventSchema))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(extID, doc); err != nil {
		t.Fatal(err)
	}
	v := &Validator{schemas: map[string]*jsonschema.Schema{}}
	for typ, file := range schemaOf {
		if v.schemas[typ], err = c.Compile(schemaBase + file); err != nil {
			t.Fatal(err)
		}
	}
	if v.ext, err = c.Compile(extID); err != nil {
		t.Fatal(err)
	}
	if v.bundle, err = c.Compile(schemaBase + "common/bundle.json"); err != nil {
		t.Fatal(err)
	}
	return v
}

// Types lists the object types the Validator knows, sorted: those the
// feeds produce.
func (v *Validator) Types() []string {
	return slices.Sorted(maps.Keys(v.schemas))
}

// OfficialBundle validates a bundle given as JSON against the official
// bundle schema as a whole. That schema's list of object schemas leaves
// out some types the feeds produce (note, extension-definition), so a
// bundle holding them cannot pass it although each passes Object.
func (v *Validator) OfficialBundle(t testing.TB, raw []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.bundle.Validate(doc); err != nil {
		t.Errorf("bundle: %v", err)
	}
}

// Object validates one STIX object given as JSON against the schema of
// its type and, when it has the routing-event extension, the
// extension's schema. Each violation is a test error; an object of a
// type the feeds do not produce is one too.
func (v *Validator) Object(t testing.TB, raw []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := doc.(map[string]any)
	typ, _ := m["type"].(string)
	s := v.schemas[typ]
	if s == nil {
		t.Errorf("object of unknown type %q: %.100s", typ, raw)
		return
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("%v: %v", m["id"], err)
	}
	if exts, ok := m["extensions"].(map[string]any); ok {
		if err := v.ext.Validate(exts[string(stix.ExtensionID)]); err != nil {
			t.Errorf("%v: extension: %v", m["id"], err)
		}
	}
}

// Bundle validates every object of a STIX bundle given as JSON, as
// Object does, and returns the objects' IDs in bundle order. Something
// that is not a bundle fails the test at once.
func (v *Validator) Bundle(t testing.TB, raw []byte) []string {
	t.Helper()
	var b struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(raw, &b); err != nil || b.Type != "bundle" || !strings.HasPrefix(b.ID, "bundle--") {
		t.Fatalf("not a bundle (%v): %.200s", err, raw)
	}
	var ids []string
	for _, o := range b.Objects {
		v.Object(t, o)
		var head struct {
			ID string `json:"id"`
		}
		json.Unmarshal(o, &head)
		ids = append(ids, head.ID)
	}
	return ids
}
