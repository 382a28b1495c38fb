package observatory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/manrs/manrs/internal/aspa"
	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bogon"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/detect"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/peeringdb"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
	"github.com/manrs/manrs/internal/spoofer"
)

// Options tune Observe.
type Options struct {
	// Progress, if not nil, is told what is being read.
	Progress func(string)
	// Log receives a warning for each input fault; nil discards them.
	Log *slog.Logger
	// Fetcher fetches inputs named by URL; nil refuses URLs.
	Fetcher *Fetcher
}

// observation gathers the inputs of one day and what went wrong with
// them.
type observation struct {
	cfg *config.Config
	day time.Time
	opt Options

	mu      sync.Mutex
	inputs  []incident.Input
	reasons []string
}

// note records an input and, when it failed or had faults, why the day is
// partial.
func (ob *observation) note(in incident.Input, err error) {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	if err != nil {
		in.Err = err.Error()
	}
	ob.inputs = append(ob.inputs, in)
	switch {
	case err != nil:
		ob.reasons = append(ob.reasons, fmt.Sprintf("%s %s: %v", in.Kind, in.Name, err))
	case in.Faults > 0:
		ob.reasons = append(ob.reasons, fmt.Sprintf("%s %s: %d corrupt records skipped", in.Kind, in.Name, in.Faults))
	}
	if ob.opt.Log != nil && (err != nil || in.Faults > 0) {
		ob.opt.Log.Warn("input fault", "kind", in.Kind, "input", in.Name, "faults", in.Faults, "error", in.Err)
	}
}

func (ob *observation) progress(format string, a ...any) {
	if ob.opt.Progress != nil {
		ob.mu.Lock()
		ob.opt.Progress(fmt.Sprintf(format, a...))
		ob.mu.Unlock()
	}
}

// open opens a resolved input: a file, or a URL through the fetcher;
// compressed inputs are decompressed.
func (ob *observation) open(ctx context.Context, path string) (io.ReadCloser, error) {
	if config.IsURL(path) {
		if ob.opt.Fetcher == nil {
			return nil, fmt.Errorf("%s: URLs are not fetched here", path)
		}
		return ob.opt.Fetcher.Open(ctx, path)
	}
	return openFile(path)
}

// resolve resolves a template; an error is noted as a missing input.
func (ob *observation) resolve(kind, tmpl string, day time.Time) []string {
	files, err := ob.cfg.Resolve(tmpl, day)
	if err != nil {
		ob.note(incident.Input{Kind: kind, Name: config.Fill(tmpl, day)}, err)
	}
	return files
}

// Observe reads the inputs cfg names for day and measures it: the
// incidents of every AS, the measurements, and the prefixes behind M7.
// Missing and corrupt inputs make the day partial, with reasons; Observe
// fails only when no route at all could be read.
func Observe(ctx context.Context, cfg *config.Config, day time.Time, opt Options) (*incident.Day, error) {
	day = day.UTC().Truncate(24 * time.Hour)
	ob := &observation{cfg: cfg, day: day, opt: opt}
	k := &detect.Knowledge{}
	o := &cfg.Observatory

	// Knowledge first: RPKI, IRR, relationships and bogons are read in
	// parallel; the collectors wait for them.
	var db *irr.DB
	var pdb *peeringdb.Dataset
	var sums []spoofer.Summary
	var wg sync.WaitGroup
	wg.Go(func() { k.ROV, k.ASPA = ob.loadRPKI(ctx) })
	wg.Go(func() { db = ob.loadIRR(ctx) })
	wg.Go(func() { k.Rel = ob.loadASRel(ctx) })
	wg.Go(func() { k.Bogons = ob.loadBogons(ctx) })
	wg.Go(func() { pdb = ob.loadPeeringDB(ctx) })
	wg.Go(func() { sums = ob.loadSpoofer(ctx, o.SpooferWindowDays) })
	wg.Wait()
	if db != nil {
		k.IRR = db
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	det := detect.New(k, detect.Options{Start: day, MinPeers: o.MinPeers})
	routes := ob.readCollectors(ctx, det)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if routes == 0 {
		return nil, fmt.Errorf("observatory: %s: no route could be read: %s", day.Format("2006-01-02"), strings.Join(ob.reasons, "; "))
	}
	ob.progress("detecting")
	res := det.Finish()

	d := &incident.Day{Date: day, Inputs: ob.inputs, Reasons: ob.reasons, Partial: len(ob.reasons) > 0,
		ASes: res.ASes, Incidents: res.Incidents, Prefixes: res.Prefixes}
	d.Measurements = detect.PrefixMeasurements(res.Prefixes)
	var autnums detect.AutNums
	if db != nil {
		autnums = db
		d.Measurements = append(d.Measurements, detect.Policy(res.ASes, db)...)
	}
	d.Measurements = append(d.Measurements, detect.Contacts(res.ASes, pdb, autnums, day.Add(24*time.Hour))...)
	end := day.Add(24 * time.Hour)
	d.Incidents = append(d.Incidents, detect.Spoofing(sums, k.Rel, day, end)...)
	for i := range sums {
		s := &sums[i]
		switch s.Verdict() {
		case spoofer.Spoofable:
			d.Measurements = append(d.Measurements, incident.Measurement{ASN: s.ASN, Metric: incident.M5, Value: 0, Count: s.Tests,
				Detail: fmt.Sprintf("spoofed routed packets received in %d of %d Spoofer tests", s.Received, s.Tests)})
		case spoofer.NotSpoofable:
			d.Measurements = append(d.Measurements, incident.Measurement{ASN: s.ASN, Metric: incident.M5, Value: 1, Count: s.Tests,
				Detail: fmt.Sprintf("spoofed routed packets blocked in %d of %d Spoofer tests", s.Blocked, s.Tests)})
		}
	}
	sort.Slice(d.Inputs, func(i, j int) bool {
		if d.Inputs[i].Kind != d.Inputs[j].Kind {
			return d.Inputs[i].Kind < d.Inputs[j].Kind
		}
		return d.Inputs[i].Name < d.Inputs[j].Name
	})
	slices.Sort(d.Reasons)
	return d, nil
}

// loadRPKI reads the validated payloads: the ROV index of the VRPs, and
// the ASPA verifier when the files hold ASPA records (nil each when none).
func (ob *observation) loadRPKI(ctx context.Context) (*rov.Index, *aspa.Verifier) {
	files := ob.resolve("vrps", ob.cfg.RPKI.VRPs, ob.day)
	if len(files) == 0 {
		if ob.cfg.RPKI.VRPs == "" {
			ob.note(incident.Input{Kind: "vrps"}, errors.New("no RPKI data configured: M2 and the M7RPKI metrics are not measured"))
		}
		return nil, nil
	}
	set := &rpki.Set{}
	for _, f := range files {
		ob.progress("reading %s", filepath.Base(f))
		in, err := ob.open(ctx, f)
		if err != nil {
			ob.note(incident.Input{Kind: "vrps", Name: f}, err)
			continue
		}
		s, st, err := rpki.Load(in, f, rpki.LoadOptions{})
		in.Close()
		ob.note(incident.Input{Kind: "vrps", Name: f, Items: st.VRPs + st.ASPAs, Faults: st.SkippedTotal()}, err)
		if err == nil {
			set.VRPs = append(set.VRPs, s.VRPs...)
			set.ASPAs = append(set.ASPAs, s.ASPAs...)
		}
	}
	var slurms []*rpki.SLURM
	for _, tmpl := range ob.cfg.RPKI.SLURM {
		for _, f := range ob.resolve("slurm", tmpl, ob.day) {
			in, err := ob.open(ctx, f)
			if err == nil {
				var s *rpki.SLURM
				s, err = rpki.ParseSLURM(in, f)
				in.Close()
				if err == nil {
					slurms = append(slurms, s)
				}
			}
			ob.note(incident.Input{Kind: "slurm", Name: f}, err)
		}
	}
	if err := set.ApplySLURM(slurms...); err != nil {
		ob.note(incident.Input{Kind: "slurm", Name: "SLURM files"}, err)
	}
	var v *aspa.Verifier
	if len(set.ASPAs) > 0 {
		v = aspa.New(set.ASPAs)
	}
	if len(set.VRPs) == 0 {
		return nil, v
	}
	return rov.New(set.VRPs), v
}

func (ob *observation) loadIRR(ctx context.Context) *irr.DB {
	if len(ob.cfg.IRR) == 0 {
		return nil
	}
	var sources []string
	for _, x := range ob.cfg.IRR {
		sources = append(sources, x.Source)
	}
	db := irr.New(sources...)
	for _, x := range ob.cfg.IRR {
		for _, f := range ob.resolve("irr", x.Dump, ob.day) {
			ob.progress("reading %s", filepath.Base(f))
			in, err := ob.open(ctx, f)
			if err != nil {
				ob.note(incident.Input{Kind: "irr", Name: f}, err)
				continue
			}
			st, err := db.Load(in, f, irr.LoadOptions{Source: x.Source})
			in.Close()
			ob.note(incident.Input{Kind: "irr", Name: f, Items: st.Indexed, Faults: st.Bad() + st.BadLines}, err)
		}
	}
	return db
}

func (ob *observation) loadASRel(ctx context.Context) *asrel.Graph {
	files := ob.resolve("asrel", ob.cfg.ASRel, ob.day)
	if len(files) == 0 {
		if ob.cfg.ASRel == "" {
			ob.note(incident.Input{Kind: "asrel"}, errors.New("no AS relationships configured: M1 and the C metrics are not measured"))
		}
		return nil
	}
	f := files[len(files)-1] // the latest of several
	in, err := ob.open(ctx, f)
	if err != nil {
		ob.note(incident.Input{Kind: "asrel", Name: f}, err)
		return nil
	}
	defer in.Close()
	g, _, st, err := asrel.Load(in, f, false)
	ob.note(incident.Input{Kind: "asrel", Name: f, Items: st.Records, Faults: st.Skipped}, err)
	if err != nil {
		return nil
	}
	return g
}

func (ob *observation) loadBogons(ctx context.Context) *bogon.Set {
	b := bogon.NewBuilder()
	for _, tmpl := range ob.cfg.Delegated {
		for _, f := range ob.resolve("delegated", tmpl, ob.day) {
			in, err := ob.open(ctx, f)
			if err != nil {
				ob.note(incident.Input{Kind: "delegated", Name: f}, err)
				continue
			}
			st, err := b.AddDelegated(in, f)
			in.Close()
			ob.note(incident.Input{Kind: "delegated", Name: f, Items: st.Records, Faults: st.Skipped}, err)
		}
	}
	for _, tmpl := range ob.cfg.Fullbogons {
		for _, f := range ob.resolve("fullbogons", tmpl, ob.day) {
			in, err := ob.open(ctx, f)
			if err != nil {
				ob.note(incident.Input{Kind: "fullbogons", Name: f}, err)
				continue
			}
			st, err := b.AddFullbogons(in, f)
			in.Close()
			ob.note(incident.Input{Kind: "fullbogons", Name: f, Items: st.Prefixes, Faults: st.Skipped}, err)
		}
	}
	return b.Build()
}

func (ob *observation) loadPeeringDB(ctx context.Context) *peeringdb.Dataset {
	files := ob.resolve("peeringdb", ob.cfg.PeeringDB, ob.day)
	if len(files) == 0 {
		return nil
	}
	f := files[len(files)-1]
	in, err := ob.open(ctx, f)
	if err != nil {
		ob.note(incident.Input{Kind: "peeringdb", Name: f}, err)
		return nil
	}
	defer in.Close()
	d, st, err := peeringdb.Load(in, f)
	ob.note(incident.Input{Kind: "peeringdb", Name: f, Items: st.Networks + st.Organizations + st.Contacts, Faults: st.Skipped}, err)
	if err != nil {
		return nil
	}
	return d
}

// loadSpoofer sums up the Spoofer sessions of the window ending with the
// day. Days of the window without a file are normal (Spoofer files are
// sparse); the day's own missing file is noted.
func (ob *observation) loadSpoofer(ctx context.Context, window int) []spoofer.Summary {
	if ob.cfg.Spoofer == "" {
		return nil
	}
	end := ob.day.Add(24 * time.Hour)
	agg := spoofer.NewAggregator(end.AddDate(0, 0, -window), end)
	seen := map[string]bool{}
	for d := window - 1; d >= 0; d-- {
		day := ob.day.AddDate(0, 0, -d)
		files, err := ob.cfg.Resolve(ob.cfg.Spoofer, day)
		if err != nil {
			if d == 0 && !strings.Contains(ob.cfg.Spoofer, "{") {
				ob.note(incident.Input{Kind: "spoofer", Name: ob.cfg.Spoofer}, err)
			}
			continue
		}
		for _, f := range files {
			if seen[f] {
				continue
			}
			seen[f] = true
			in, err := ob.open(ctx, f)
			if err != nil {
				ob.note(incident.Input{Kind: "spoofer", Name: f}, err)
				continue
			}
			r := spoofer.NewReader(in, f)
			for r.Next() {
				agg.Add(r.Session())
			}
			in.Close()
			st := r.Stats()
			ob.note(incident.Input{Kind: "spoofer", Name: f, Items: st.Sessions, Faults: st.Skipped}, r.Err())
		}
	}
	return agg.Summaries()
}

// readCollectors feeds each collector's first RIB dump of the day and its
// update files to the detectors, collectors in parallel; it returns the
// number of routes read.
func (ob *observation) readCollectors(ctx context.Context, det *detect.Observer) int {
	jobs := make(chan config.Collector)
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ob.cfg.Collectors)) {
		wg.Go(func() {
			for col := range jobs {
				n := ob.readCollector(ctx, det.Collector(col.Name), col)
				mu.Lock()
				total += n
				mu.Unlock()
			}
		})
	}
	for _, col := range ob.cfg.Collectors {
		jobs <- col
	}
	close(jobs)
	wg.Wait()
	return total
}

func (ob *observation) readCollector(ctx context.Context, c *detect.Collector, col config.Collector) int {
	var files []string
	ribs := ob.resolve("rib", col.RIBs, ob.day)
	if len(ribs) > 0 {
		files = append(files, ribs[0]) // the first of the day
	}
	if col.Updates != "" {
		files = append(files, ob.resolve("updates", col.Updates, ob.day)...)
	}
	n := 0
	var routes []mrt.Route
	for i, f := range files {
		if ctx.Err() != nil {
			return n
		}
		kind := "updates"
		if i == 0 && len(ribs) > 0 {
			kind = "rib"
			ob.progress("%s: reading %s", col.Name, filepath.Base(f))
		}
		in, err := ob.open(ctx, f)
		if err != nil {
			ob.note(incident.Input{Kind: kind, Name: f}, err)
			continue
		}
		r := mrt.NewReader(in, f)
		faults := 0
		r.OnError = func(*mrt.Error) { faults++ }
		items := 0
		for r.Next() {
			rec := r.Record()
			if rec.Kind == mrt.KindStateChange {
				if s := rec.State; s.NewState != bgpEstablished {
					c.PeerDown(s.PeerAS, s.PeerAddr, time.Unix(int64(rec.Header.Timestamp), 0))
				}
				continue
			}
			routes = rec.AppendRoutes(routes[:0])
			for k := range routes {
				c.Route(&routes[k])
			}
			items += len(routes)
		}
		in.Close()
		n += items
		ob.note(incident.Input{Kind: kind, Name: f, Items: items, Faults: faults}, r.Err())
	}
	return n
}

// bgpEstablished is the Established state of the BGP FSM (RFC 6396
// section 4.4.1).
const bgpEstablished = 6
