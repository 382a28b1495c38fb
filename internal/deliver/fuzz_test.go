package deliver

import (
	"bytes"
	"testing"
)

// FuzzLog: any bytes in the delivery log are read without a panic; a
// line that does not decode is counted, not fatal.
func FuzzLog(f *testing.F) {
	f.Add([]byte(`{"time":"2026-10-01T00:00:00Z","tenant":"a","output":"webhook","event_id":"e","delivery_id":"d","date":"2026-10-01","attempt":1,"result":"ok"}` + "\n"))
	f.Add([]byte("{\"delivery_id\":\"d\",\"result\":\"dead-letter\"}\nnot json\n\n"))
	f.Add([]byte("{\"delivery_id\":"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, bad := parseLog(bytes.NewReader(b))
		lines := bytes.Count(b, []byte("\n")) + 1
		if len(recs)+bad > lines {
			t.Fatalf("%d records and %d bad lines from %d lines", len(recs), bad, lines)
		}
		for _, r := range recs {
			if r.DeliveryID == "" {
				t.Fatal("a record without delivery id")
			}
		}
	})
}
