package mrtdump

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/mrt"
)

// TestJSONValid checks that each of the first 5,000 lines of every sample
// and crafted file is a JSON object, and that the fields bgpdump
// prints appear in it. (FuzzJSON checks arbitrary records.)
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
			for lines := 0; lines < 5000 && r.Next(); {
				buf = AppendJSON(buf[:0], r.Record())
				lines += bytes.Count(buf, []byte{'\n'})
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

// FuzzJSON decodes arbitrary MRT streams and requires every line that
// AppendJSON and AppendLines write for them to be complete: valid JSON,
// and lines ending in a newline.
func FuzzJSON(f *testing.F) {
	crafted, _ := filepath.Glob("testdata/crafted/*.mrt")
	for _, name := range crafted {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := mrt.NewReader(bufio.NewReaderSize(bytes.NewReader(data), 64), "fuzz")
		var buf []byte
		for r.Next() {
			buf = AppendJSON(buf[:0], r.Record())
			for _, line := range bytes.SplitAfter(buf, []byte{'\n'}) {
				if len(line) == 0 {
					continue
				}
				if line[len(line)-1] != '\n' || !json.Valid(line) {
					t.Fatalf("bad JSON line %q", line)
				}
			}
			buf = AppendLines(buf[:0], r.Record())
			if len(buf) > 0 && buf[len(buf)-1] != '\n' {
				t.Fatalf("unterminated line %q", buf)
			}
		}
	})
}
