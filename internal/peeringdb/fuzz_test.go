package peeringdb

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// FuzzReader: no panic, bounded reads and error lists, and every object
// read survives a write and a second read unchanged.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(kindOfFile(filepath.Base(file))))
	}
	f.Add([]byte(`{"data":[{"id":1,"asn":1,"poc_set":[{"id":2,"role":"NOC","visible":"Public","net_id":1}]}]}`), uint8(KindNetwork))
	f.Add([]byte(`[{"id":1,"net_id":2,"role":"Sales","visible":"Private","updated":"2000-01-01T00:00:00.5+02:00"}]`), uint8(KindContact))
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		rd := NewReader(bytes.NewReader(data), "fuzz.json")
		rd.Kind = Kind(kind % 4)
		defer func() {
			if held := rd.cr.read - rd.dec.InputOffset(); held > MaxObjectSize+maxRead {
				t.Fatalf("the decoder held %d bytes", held)
			}
		}()
		var orgs []Organization
		var nets []Network
		var pocs []Contact
		for rd.Next() {
			switch rd.Current() {
			case KindOrganization:
				orgs = append(orgs, *rd.Organization())
			case KindNetwork:
				nets = append(nets, *rd.Network())
			case KindContact:
				pocs = append(pocs, *rd.Contact())
			default:
				t.Fatalf("object of kind %v", rd.Current())
			}
		}
		st := rd.Stats()
		if len(st.Errors) > MaxErrors {
			t.Fatalf("%d errors kept", len(st.Errors))
		}
		if st.Organizations != len(orgs) || st.Networks != len(nets) || st.Contacts != len(pocs) {
			t.Fatalf("stats %+v for %d/%d/%d objects", st, len(orgs), len(nets), len(pocs))
		}

		var buf bytes.Buffer
		w := NewWriter(&buf)
		for i := range orgs {
			if err := w.WriteOrganization(&orgs[i]); err != nil {
				t.Fatalf("write %+v: %v", orgs[i], err)
			}
		}
		for i := range nets {
			if err := w.WriteNetwork(&nets[i]); err != nil {
				t.Fatalf("write %+v: %v", nets[i], err)
			}
		}
		for i := range pocs {
			if err := w.WriteContact(&pocs[i]); err != nil {
				t.Fatalf("write %+v: %v", pocs[i], err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		back := NewReader(bytes.NewReader(buf.Bytes()), "again.json")
		back.Strict = true
		var orgs2 []Organization
		var nets2 []Network
		var pocs2 []Contact
		for back.Next() {
			switch back.Current() {
			case KindOrganization:
				orgs2 = append(orgs2, *back.Organization())
			case KindNetwork:
				nets2 = append(nets2, *back.Network())
			case KindContact:
				pocs2 = append(pocs2, *back.Contact())
			}
		}
		if err := back.Err(); err != nil {
			t.Fatalf("read back: %v\n%s", err, buf.Bytes())
		}
		if !reflect.DeepEqual(orgs, orgs2) || !reflect.DeepEqual(nets, nets2) || !reflect.DeepEqual(pocs, pocs2) {
			t.Fatalf("round trip differs:\n%+v %+v %+v\n%+v %+v %+v\n%s", orgs, nets, pocs, orgs2, nets2, pocs2, buf.Bytes())
		}
	})
}

// synthetic returns a dump the size of PeeringDB in 2025 (about 33,000
// networks and organisations and 60,000 contacts), with a netixlan
// section of 50,000 objects that a reader walks over.
func synthetic(tb testing.TB) []byte {
	tb.Helper()
	const nets = 33_000
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := func() time.Time { return t0.Add(time.Duration(rng.Int64N(int64(15 * 365 * 24 * time.Hour)))) }
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for i := range nets {
		o := Organization{ID: uint32(i + 1), Name: fmt.Sprintf("Organisation %d", i), Website: "https://example.net",
			Country: "NL", Created: ts(), Updated: ts(), Status: StatusOK}
		if err := w.WriteOrganization(&o); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range nets {
		n := Network{ID: uint32(i + 1), OrgID: uint32(i + 1), Name: fmt.Sprintf("Network %d", i), ASN: bgp.ASN(64512 + i*7),
			IRRASSet: "RIPE::AS-SET" + fmt.Sprint(i), InfoPrefixes4: uint32(rng.IntN(1000)), InfoPrefixes6: uint32(rng.IntN(100)),
			PolicyGeneral: "Open", Created: ts(), Updated: ts(), Status: StatusOK}
		if err := w.WriteNetwork(&n); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range 2 * nets {
		c := Contact{ID: uint32(i + 1), NetID: uint32(i/2 + 1), Role: Role(1 + rng.IntN(7)), Visible: Public,
			Name: "Operations", Phone: "+31205550100", Email: fmt.Sprintf("noc@as%d.example.net", i), Created: ts(), Updated: ts(),
			Status: StatusOK}
		if err := w.WriteContact(&c); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	// Splice in a section of objects the reader does not decode.
	var ix bytes.Buffer
	ix.WriteString(`{"netixlan": {"data": [`)
	for i := range 50_000 {
		if i > 0 {
			ix.WriteString(",\n")
		}
		fmt.Fprintf(&ix, `{"id": %d, "net_id": %d, "ix_id": 30, "name": "Example IX", "ixlan_id": 30, "notes": "", "speed": 100000, "asn": %d, "ipaddr4": "192.0.2.1", "ipaddr6": "2001:db8::1", "is_rs_peer": true, "operational": true, "created": "2021-06-28T06:07:37Z", "updated": "2021-07-02T03:07:05Z", "status": "ok"}`, i+1, i%nets+1, 64512+(i%nets)*7)
	}
	ix.WriteString("]},\n")
	return append(ix.Bytes(), buf.Bytes()[1:]...)
}

func BenchmarkReader(b *testing.B) {
	data := synthetic(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		rd := NewReader(bytes.NewReader(data), "bench.json")
		n = 0
		for rd.Next() {
			n++
		}
		if rd.Err() != nil || n != 33_000*4 || rd.Stats().Ignored != 50_000 {
			b.Fatalf("%d objects, %+v: %v", n, rd.Stats(), rd.Err())
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "objects/s")
}

func BenchmarkLoad(b *testing.B) {
	data := synthetic(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d, st, err := Load(bytes.NewReader(data), "bench.json")
		if err != nil || st.Skipped != 0 {
			b.Fatal(err)
		}
		if !d.HasContact(64512, Public, 0) {
			b.Fatal("no contact")
		}
	}
}

func BenchmarkContactStatus(b *testing.B) {
	d, _, err := Load(bytes.NewReader(synthetic(b)), "bench.json")
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d.ContactStatus(bgp.ASN(64512+(i%33_000)*7), at, Public, OperationalRoles)
		i++
	}
}
