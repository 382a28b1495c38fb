package mrtdump

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/mrt"
)

// TestJSONValid checks that every line of every sample and crafted file is
// a JSON object, and that the fields bgpdump prints appear in it.
func TestJSONValid(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/mrt/*/*.gz")
	crafted, _ := filepath.Glob("testdata/crafted/*.mrt")
	bz, _ := filepath.Glob("../../testdata/mrt/*/*.bz2")
	for _, name := range append(append(files, crafted...), bz...) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			in, _, err := decompress.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			r := mrt.NewReader(in, name)
			var buf []byte
			types := map[string]int{}
			for r.Next() {
				buf = AppendJSON(buf[:0], r.Record())
				for _, line := range strings.Split(strings.TrimSuffix(string(buf), "\n"), "\n") {
					if line == "" {
						continue
					}
					var v map[string]any
					if err := json.Unmarshal([]byte(line), &v); err != nil {
						t.Fatalf("record %d: %v\n%s", r.Record().Num, err, line)
					}
					typ, _ := v["type"].(string)
					types[typ]++
					switch typ {
					case "A", "B":
						for _, f := range []string{"timestamp", "peer_ip", "peer_asn", "prefix", "next_hop"} {
							if _, ok := v[f]; !ok && v["error"] == nil {
								t.Fatalf("no %q: %s", f, line)
							}
						}
					case "PEER_INDEX_TABLE":
						if _, ok := v["peers"].([]any); !ok {
							t.Fatalf("no peers: %s", line)
						}
					}
				}
			}
		})
	}
}

func TestJSONString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"view", `"view"`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"\x00\n", `"\u0000\u000a"`},
		{"\xff", `"\ufffd"`},
		{"é", `"é"`},
	} {
		if got := string(jsonString(nil, tc.in)); got != tc.want {
			t.Errorf("jsonString(%q) = %s, want %s", tc.in, got, tc.want)
		}
		var s string
		if err := json.Unmarshal(jsonString(nil, tc.in), &s); err != nil {
			t.Errorf("%q: %v", tc.in, err)
		}
	}
}
