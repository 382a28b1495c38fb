package mrtdump

import (
	"bytes"
	"io"
	"testing"

	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/mrt"
)

// loadPlain decompresses a sample into memory, so that the benchmarks
// measure decoding and formatting, not decompression.
func loadPlain(b *testing.B, name string) []byte {
	b.Helper()
	rc, _, err := decompress.Open(name)
	if err != nil {
		b.Skip(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

var benchFiles = []struct{ name, path string }{
	{"updates-et", "../../testdata/mrt/bgpdump/updates.et-header.2015.gz"},
	{"rib-v4", "../../testdata/mrt/pyasn/rib.20140523.0600_firstMB.clean.bz2"},
	{"rib-v6", "../../testdata/mrt/pyasn/rib6.20151101.0600_firstMB.clean.bz2"},
}

// BenchmarkDecode measures decoding alone: routes per second and
// allocations per route.
func BenchmarkDecode(b *testing.B) {
	for _, f := range benchFiles {
		b.Run(f.name, func(b *testing.B) {
			data := loadPlain(b, f.path)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			routes := 0
			var rts []mrt.Route
			for b.Loop() {
				r := mrt.NewReader(bytes.NewReader(data), f.name)
				for r.Next() {
					rts = r.Record().AppendRoutes(rts[:0])
					routes += len(rts)
				}
			}
			b.ReportMetric(float64(routes)/b.Elapsed().Seconds(), "routes/s")
		})
	}
}

// BenchmarkDumpLines measures decoding and bgpdump -m formatting.
func BenchmarkDumpLines(b *testing.B) {
	for _, f := range benchFiles {
		b.Run(f.name, func(b *testing.B) {
			data := loadPlain(b, f.path)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			lines := 0
			var buf []byte
			for b.Loop() {
				r := mrt.NewReader(bytes.NewReader(data), f.name)
				for r.Next() {
					buf = AppendLines(buf[:0], r.Record())
					lines += bytes.Count(buf, []byte{'\n'})
				}
			}
			b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
