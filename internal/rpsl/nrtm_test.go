package rpsl

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

type nrtmResult struct {
	hdr     *NRTMHeader
	changes []NRTMChange
	stats   Stats
	err     error
}

func readNRTM(data []byte, cfg func(*NRTMReader)) nrtmResult {
	r := NewNRTMReader(bytes.NewReader(data), "nrtm")
	if cfg != nil {
		cfg(r)
	}
	var res nrtmResult
	for r.Next() {
		res.changes = append(res.changes, r.Change())
	}
	res.hdr, res.stats, res.err = r.Header(), r.Stats(), r.Err()
	return res
}

// summary is "ADD 5 person, DEL 6 inetnum".
func (r nrtmResult) summary() string {
	var parts []string
	for _, c := range r.changes {
		parts = append(parts, c.Op.String()+" "+fmtUint(c.Serial)+" "+c.Object.Class())
	}
	return strings.Join(parts, ", ")
}

func fmtUint(u uint64) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + u%10)}, b...)
		if u /= 10; u == 0 {
			return string(b)
		}
	}
}

func TestNRTMSamples(t *testing.T) {
	both := "ADD 11012700 person, DEL 11012701 inetnum"
	for _, tc := range []struct {
		file    string
		version int
		first   uint64
		last    uint64
		changes string
		errLine int
		errText string
	}{
		{"v3", 3, 11012700, 11012701, both, 0, ""},
		{"v1", 1, 11012700, 11012701, both, 0, ""},
		{"v3-serial-gap", 3, 11012699, 11012703, both, 0, ""},
		{"v1-too-many-items", 1, 11012700, 11012700, "ADD 11012700 person", 12, "serial 11012701 outside the range 11012700-11012700"},
		{"v3-serial-out-of-order", 3, 11012699, 11012703, "ADD 11012701 person", 12, "serial 11012701 after serial 11012701"},
		{"v3-invalid-multiple-start-lines", 3, 11012700, 11012700, "", 4, "second %START"},
		{"invalid-version", 0, 0, 0, "", 1, `NRTM version "99"`},
		{"invalid-no-start-line", 0, 0, 0, "", 2, `"ADD 11012701" before the %START line`},
		{"v3-no-end", 3, 11012700, 11012701, "", 1, "without %END"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res := readNRTM(readFixture(t, "nrtm/"+tc.file+".txt"), nil)
			if tc.version != 0 {
				if res.hdr == nil || res.hdr.Version != tc.version || res.hdr.Source != "TEST" || res.hdr.First != tc.first || res.hdr.Last != tc.last {
					t.Fatalf("header %+v", res.hdr)
				}
			}
			if got := res.summary(); got != tc.changes {
				t.Errorf("changes %q, want %q", got, tc.changes)
			}
			for _, c := range res.changes {
				if c.Object.Source != "TEST" || c.Object.Input != "nrtm" || c.Line == 0 || c.Object.Line <= c.Line {
					t.Errorf("change %+v", c)
				}
			}
			if tc.errText == "" {
				if res.err != nil {
					t.Fatal(res.err)
				}
				return
			}
			var pe *ParseError
			if !errors.As(res.err, &pe) || pe.Line != tc.errLine || pe.Clause != "NRTM" || pe.Name != "nrtm" || !strings.Contains(pe.Error(), tc.errText) {
				t.Fatalf("error %v; want line %d, %q", res.err, tc.errLine, tc.errText)
			}
		})
	}
	res := readNRTM(readFixture(t, "nrtm/v1-too-many-items.txt"), nil)
	if !res.hdr.Filtered {
		t.Error("FILTERED not read")
	}
	res = readNRTM(readFixture(t, "nrtm/v3.txt"), nil)
	if o := res.changes[0].Object; o.Get("person") != "NRTM test" || o.Get("address") != "NowhereLand" {
		t.Errorf("object %+v", o.Attrs)
	}
}

func TestNRTMStreams(t *testing.T) {
	const start = "%START Version: 3 RIPE 10-20\n\n"
	for _, tc := range []struct {
		name, in string
		changes  string
		bad, drp int
		errText  string
	}{
		{"no updates", "% Warning: there are no newer updates available\n", "", 0, 0, ""},
		{"empty", "", "", 0, 0, ""},
		{"server error", "%ERROR:401: invalid range: Not within 1-100\n", "", 0, 0, "server error: %ERROR:401: invalid range"},
		{"error in stream", start + "ADD 10\n\nmntner: A\n\n%ERROR:999 broken\n", "ADD 10 mntner", 0, 0, "server error"},
		{"no blank lines", start + "ADD 10\nmntner: A\nDEL 11\n", "", 1, 0, "without %END"},
		{"object then end", start + "ADD 10\n\nmntner: A\n%END RIPE\n", "ADD 10 mntner", 0, 0, ""},
		{"end of other source", start + "ADD 10\n\nmntner: A\n\n%END RADB\n", "ADD 10 mntner", 0, 0, "does not end source RIPE"},
		{"data after end", start + "%END RIPE\nADD 11\n", "", 0, 0, "after the %END line"},
		{"comments after end", start + "%END RIPE\n\n% bye\n# bye\n", "", 0, 0, ""},
		{"second end", start + "%END RIPE\n%END RIPE\n", "", 0, 0, "second %END"},
		{"end before start", "%END RIPE\n", "", 0, 0, "%END before %START"},
		{"op without object", start + "ADD 10\n\n%END RIPE\n", "", 0, 0, "ADD without an object"},
		{"v3 without serial", start + "ADD\n\nmntner: A\n", "", 0, 0, `version 3 wants "ADD serial"`},
		{"v3 bad serial", start + "ADD x\n\nmntner: A\n", "", 0, 0, "serial is not a number"},
		{"v3 serial below range", start + "ADD 9\n\nmntner: A\n", "", 0, 0, "outside the range"},
		{"v1 with serial", "%START Version: 1 RIPE 10-20\n\nADD 10\n\nmntner: A\n", "", 0, 0, "version 1 has no serials"},
		{"bad op", start + "MOD 10\n", "", 0, 0, "want ADD, DEL or %END"},
		{"bad start", "%START Version: 3 RIPE\n", "", 0, 0, "want \"%START Version"},
		{"bad range", "%START Version: 3 RIPE 20-10\n", "", 0, 0, "serial range"},
		{"bad start word", "%START Versio: 3 RIPE 1-2\n", "", 0, 0, "want \"%START Version"},
		{"bad line in object", start + "ADD 10\n\nmntner: A\n!!\ndescr: d\n\nDEL 12\n\nmntner: B\n\n%END RIPE\n", "ADD 10 mntner, DEL 12 mntner", 1, 0, ""},
		{"dropped object", start + "ADD 10\n\n!!\nmntner: A\n\nDEL 12\n\nmntner: B\n\n%END RIPE\n", "DEL 12 mntner", 0, 1, ""},
		{"comments around ops", start + "% comment\nADD 10\n% comment\n\nmntner: A\n# inside\n\n%END RIPE\n", "ADD 10 mntner", 0, 0, ""},
		{"crlf", strings.ReplaceAll(start+"ADD 10\n\nmntner: A\n\n%END RIPE\n", "\n", "\r\n"), "ADD 10 mntner", 0, 0, ""},
		{"huge control line", start + strings.Repeat("x", 100) + "\n", "", 0, 0, "longer than"},
		{"huge comment", start + "%" + strings.Repeat("x", 100) + "\n%END RIPE\n", "", 0, 0, ""},
		{"huge first object line", start + "ADD 10\n\n" + strings.Repeat("x", 100) + "\nmntner: A\n\nDEL 11\n\nmntner: B\n\n%END RIPE\n", "DEL 11 mntner", 0, 1, ""},
		{"huge line in object", start + "ADD 10\n\nmntner: A\ndescr: " + strings.Repeat("x", 100) + "\n\n%END RIPE\n", "ADD 10 mntner", 1, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := readNRTM([]byte(tc.in), func(r *NRTMReader) { r.Limits.MaxLineLength = 64 })
			if got := res.summary(); got != tc.changes {
				t.Errorf("changes %q, want %q", got, tc.changes)
			}
			if res.stats.BadLines != tc.bad || res.stats.Dropped != tc.drp {
				t.Errorf("stats %+v", res.stats)
			}
			if tc.errText == "" {
				if res.err != nil {
					t.Fatal(res.err)
				}
				return
			}
			if res.err == nil || !strings.Contains(res.err.Error(), tc.errText) || !strings.HasPrefix(res.err.Error(), "rpsl: nrtm: line ") {
				t.Fatalf("error %v, want %q", res.err, tc.errText)
			}
		})
	}
}

func TestNRTMStrict(t *testing.T) {
	in := "%START Version: 3 RIPE 10-20\n\nADD 10\n\nmntner: A\n!!\n\n%END RIPE\n"
	res := readNRTM([]byte(in), func(r *NRTMReader) { r.Strict = true })
	var pe *ParseError
	if !errors.As(res.err, &pe) || pe.Line != 6 || pe.Clause != "RFC 2622 2" {
		t.Fatalf("error %v", res.err)
	}
	if NRTMAdd.String() != "ADD" || NRTMDel.String() != "DEL" || NRTMOp(0).String() != "NRTMOp(0)" {
		t.Error("op strings")
	}
}
