package mrt

import (
	"bufio"
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/manrs/manrs/internal/decompress"
)

// FuzzReader feeds arbitrary streams to the Reader: it must never panic,
// must end, and must not hand out more records than the stream could frame.
func FuzzReader(f *testing.F) {
	f.Add(slices.Concat(
		record(1, TypeTableDumpV2, PeerIndexTable, peerIndex(peer4("192.0.2.7", 3333))),
		record(1, TypeTableDumpV2, RIBIPv4Unicast, ribV4(0, []byte{24, 198, 51, 100}, ribEntry(0, attrBlock()))),
	))
	// Seed with the first records of the real samples.
	files, _ := filepath.Glob("../../testdata/mrt/*/*.gz")
	for _, name := range files {
		rc, _, err := decompress.Open(name)
		if err != nil {
			continue
		}
		buf := make([]byte, 4096)
		n, _ := rc.Read(buf)
		rc.Close()
		f.Add(buf[:n])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bufio.NewReaderSize(bytes.NewReader(data), 64), "fuzz")
		n := 0
		for r.Next() {
			n++
			rec := r.Record()
			if rec.Offset+HeaderLen > int64(len(data)) {
				t.Fatalf("record %d at offset %d beyond the input", rec.Num, rec.Offset)
			}
		}
		if n > len(data)/HeaderLen {
			t.Fatalf("%d records from %d bytes", n, len(data))
		}
	})
}
