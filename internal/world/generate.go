package world

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/gzip"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rov"
)

// Options say what to generate.
type Options struct {
	Seed  uint64
	Scale Scale
	// Days of routing history, from Start (midnight UTC).
	Days  int
	Start time.Time
	// Out is the directory the world is written to.
	Out string
	// RIBInterval and UpdateInterval are the collectors' dump periods
	// (8 hours and 5 minutes, as RIPE RIS and RouteViews).
	RIBInterval, UpdateInterval time.Duration
	// Progress, if not nil, is told what is being written.
	Progress func(string)
}

// DefaultStart is the first day of a world unless Options say otherwise.
var DefaultStart = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// generation is the state of one Generate call.
type generation struct {
	opt     Options
	w       *World
	router  *router
	roas    *rov.Index
	events  []*Event
	pathBuf []int32

	// Registries: PeeringDB records, networks that do not filter spoofed
	// sources (from the start, or from the day of an event), and the
	// events that change them.
	contacts       []*contactState
	spoofable      []bool
	spoofFrom      []time.Time
	registryEvents []*Event

	// IRR route objects, decided before the events.
	irrReg   []irrRegistration
	irrStale map[netip.Prefix]bgp.ASN

	mu    sync.Mutex // guards files and Progress
	files []ManifestFile
}

// ManifestFile describes one file of a world.
type ManifestFile struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest is the table of contents of a world, written to manifest.json.
type Manifest struct {
	Generator string         `json:"generator"`
	Seed      uint64         `json:"seed"`
	Scale     string         `json:"scale"`
	Start     time.Time      `json:"start"`
	Days      int            `json:"days"`
	Counts    map[string]int `json:"counts"`
	Files     []ManifestFile `json:"files"`
}

// Generate builds the world of opt and writes it to opt.Out.
func Generate(opt Options) (*Manifest, error) {
	g, err := prepare(opt)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(g.opt.Out, 0o755); err != nil {
		return nil, err
	}
	steps := []func() error{g.writeASRel, g.writeRPKI, g.writeDelegated, g.writeIRR, g.writePeeringDB, g.writeSpoofer, g.writeCollectors, g.writeEvents, g.writeSources}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return g.writeManifest()
}

// prepare builds the world of opt, its routing and its events, all that
// precedes writing.
func prepare(opt Options) (*generation, error) {
	if opt.Days < 1 {
		return nil, fmt.Errorf("world: days must be at least 1")
	}
	if opt.Start.IsZero() {
		opt.Start = DefaultStart
	}
	opt.Start = opt.Start.UTC().Truncate(24 * time.Hour)
	if opt.RIBInterval == 0 {
		opt.RIBInterval = 8 * time.Hour
	}
	if opt.UpdateInterval == 0 {
		opt.UpdateInterval = 5 * time.Minute
	}
	w, err := Build(opt.Seed, opt.Scale)
	if err != nil {
		return nil, err
	}
	g := &generation{opt: opt, w: w, router: newRouter(w), roas: rov.New(w.VRPs)}
	g.registerIRR(rng(opt.Seed, "irr-routes"))
	g.injectEvents(rng(opt.Seed, "events"))
	g.baselineMisoriginations()
	g.baselineBogons()
	g.buildContacts(rng(opt.Seed, "peeringdb"))
	g.buildSpoofing(rng(opt.Seed, "spoofing"))
	g.injectRegistryEvents(rng(opt.Seed, "registry-events"))
	return g, nil
}

func (g *generation) progress(format string, a ...any) {
	if g.opt.Progress != nil {
		g.mu.Lock()
		g.opt.Progress(fmt.Sprintf(format, a...))
		g.mu.Unlock()
	}
}

// roaCovers reports whether a VRP of asn covers p; roaAllows whether p
// with origin asn is RPKI-valid.
func (g *generation) roaCovers(p netip.Prefix, asn bgp.ASN) bool {
	_, _, vrps := g.roas.ValidateVRPs(nil, p, asn+1)
	for _, v := range vrps {
		if v.ASN == asn {
			return true
		}
	}
	return false
}

func (g *generation) roaAllows(p netip.Prefix, asn bgp.ASN) bool {
	s, _ := g.roas.Validate(p, asn)
	return s == rov.Valid
}

// create opens a file under the world's directory for writing, compressed
// by its extension; close records it in the manifest.
func (g *generation) create(rel, format string) (io.Writer, func() error, error) {
	path := filepath.Join(g.opt.Out, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	h := sha256.New()
	out := io.MultiWriter(f, h)
	var w io.Writer = out
	var zclose func() error
	switch filepath.Ext(rel) {
	case ".gz":
		zw, _ := gzip.NewWriterLevel(out, gzip.DefaultCompression)
		w, zclose = zw, zw.Close
	case ".bz2":
		zw, err := bzip2.NewWriter(out, &bzip2.WriterConfig{Level: 6})
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		w, zclose = zw, zw.Close
	}
	done := func() error {
		if zclose != nil {
			if err := zclose(); err != nil {
				f.Close()
				return err
			}
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		g.mu.Lock()
		g.files = append(g.files, ManifestFile{Path: rel, Format: format, Size: st.Size(), SHA256: hex.EncodeToString(h.Sum(nil))})
		g.mu.Unlock()
		return nil
	}
	return w, done, nil
}

// writeEvents writes the ground truth, one JSON event per line.
func (g *generation) writeEvents() error {
	w, done, err := g.create("ground-truth/events.jsonl", "ground-truth-jsonl")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	all := append(slices.Clone(g.events), g.registryEvents...)
	slices.SortStableFunc(all, func(a, b *Event) int { return a.Start.Compare(b.Start) })
	for i, e := range all {
		e.ID = fmt.Sprintf("%s-%04d", day(e.Start), i+1)
		if e.SeenBy == nil {
			e.SeenBy = []Sighting{}
		}
		if e.Propagators == nil {
			e.Propagators = []bgp.ASN{}
		}
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return done()
}

func (g *generation) writeManifest() (*Manifest, error) {
	m := &Manifest{Generator: "manrs world generate", Seed: g.opt.Seed, Scale: g.w.Scale.Name, Start: g.opt.Start, Days: g.opt.Days,
		Counts: map[string]int{"ases": len(g.w.ASes), "vrps": len(g.w.VRPs), "aspas": len(g.w.ASPAs), "events": len(g.events) + len(g.registryEvents), "collectors": len(g.w.Collectors)}}
	for i := range g.w.ASes {
		m.Counts["ipv4_prefixes"] += len(g.w.ASes[i].IPv4)
		m.Counts["ipv6_prefixes"] += len(g.w.ASes[i].IPv6)
	}
	for _, c := range g.w.Collectors {
		m.Counts["collector_peers"] += len(c.Peers)
	}
	slices.SortFunc(g.files, func(a, b ManifestFile) int { return cmp.Compare(a.Path, b.Path) })
	m.Files = g.files
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return m, os.WriteFile(filepath.Join(g.opt.Out, "manifest.json"), append(b, '\n'), 0o644)
}
