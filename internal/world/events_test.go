package world

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/mrt"
)

// checkPath reports whether an AS path seen for event e has the shape
// of its type: the culprit where the type puts it.
func checkPath(e *Event, path []bgp.ASN) error {
	if len(path) == 0 {
		return fmt.Errorf("empty path")
	}
	if hasLoop(path) {
		return fmt.Errorf("path %v has a loop", path)
	}
	origin := path[len(path)-1]
	j := slices.Index(path, e.Culprit)
	switch e.Type {
	case Hijack, SubprefixHijack, BogonPrefix, RPKIInvalid, Misorigination:
		if origin != e.Culprit {
			return fmt.Errorf("origin %d of %v, want culprit %d", origin, path, e.Culprit)
		}
	case BogonASN:
		if origin < 64512 || origin > 65534 || len(path) < 2 || path[len(path)-2] != e.Culprit {
			return fmt.Errorf("path %v does not end with culprit %d and a private ASN", path, e.Culprit)
		}
	case Leak:
		switch e.RFC7908Type {
		case 1, 2, 3, 4:
			// The culprit passes on a neighbour's route: more follows it.
			if j < 1 || j+1 >= len(path) {
				return fmt.Errorf("type %d: path %v lacks a receiver, %d and the route it learned", e.RFC7908Type, path, e.Culprit)
			}
		case 5, 6:
			// The culprit announces the route as its own.
			if j < 1 || j != len(path)-1 {
				return fmt.Errorf("type %d: path %v does not end with a receiver and %d", e.RFC7908Type, path, e.Culprit)
			}
		default:
			return fmt.Errorf("leak of RFC 7908 type %d", e.RFC7908Type)
		}
	}
	return nil
}

// TestEventShapes draws many events of every type, and leaks of every
// RFC 7908 type, in a small world, and checks each route they put in a
// collector peer's table.
func TestEventShapes(t *testing.T) {
	sc, _ := ParseScale("small")
	g, err := prepare(Options{Seed: 5, Scale: sc, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	kinds := []Event{{Type: Hijack}, {Type: SubprefixHijack}, {Type: BogonPrefix}, {Type: BogonASN}, {Type: RPKIInvalid}}
	for _, s := range leakShapes {
		kinds = append(kinds, Event{Type: Leak, RFC7908Type: s.rfcType})
	}
	for _, k := range kinds {
		made := 0
		for range 300 {
			e := k
			e.Metric = eventMetric[e.Type]
			if !g.makeEvent(r, &e) || len(e.changes) == 0 {
				continue
			}
			made++
			if e.Metric != eventMetric[RPKIInvalid] {
				e.Propagators = g.propagators(&e)
			}
			// A propagator is a provider of the culprit, seen just
			// before it in a path.
			ci, _ := g.w.Index(e.Culprit)
			for _, p := range e.Propagators {
				pi, _ := g.w.Index(p)
				seen := slices.ContainsFunc(e.changes, func(c change) bool {
					j := slices.Index(c.path, e.Culprit)
					return j > 0 && c.path[j-1] == p
				})
				if !seen || !slices.Contains(g.w.ASes[ci].Providers, pi) {
					t.Errorf("%s: propagator %d of %d is not a provider seen before it", e.Type, p, e.Culprit)
				}
			}
			if e.Type == Leak {
				if up := e.RFC7908Type == 1 || e.RFC7908Type == 4 || e.RFC7908Type == 5; up != (len(e.Propagators) > 0) {
					t.Errorf("leak type %d: propagators %v", e.RFC7908Type, e.Propagators)
				}
			}
			if e.Culprit == 0 || len(e.Prefixes) == 0 || len(e.SeenBy) == 0 {
				t.Errorf("%s %d: incomplete ground truth %+v", e.Type, e.RFC7908Type, e)
			}
			if want := map[int]string{5: "M2", 6: "M7RPKI"}[e.RFC7908Type]; e.Type == Leak && e.Metric != cmp.Or(want, "M1") {
				t.Errorf("leak type %d has metric %s", e.RFC7908Type, e.Metric)
			}
			if e.Type == Leak && e.RFC7908Type == 6 {
				for _, p := range e.Prefixes {
					if g.roaAllows(p, e.Culprit) || !g.roaCovers(p, e.Culprit) {
						t.Errorf("leak type 6 of %s by AS%d is not RPKI-invalid", p, e.Culprit)
					}
				}
			}
			for _, c := range e.changes {
				if !slices.Contains(e.Prefixes, c.prefix) {
					t.Errorf("%s: route for %s, not a prefix of the event", e.Type, c.prefix)
				}
				if err := checkPath(&e, c.path); err != nil {
					t.Errorf("%s: %v", e.Type, err)
				}
			}
			if made == 20 {
				break
			}
		}
		if made < 2 {
			t.Errorf("%s (RFC 7908 type %d): %d events in 300 draws", k.Type, k.RFC7908Type, made)
		}
	}
}

// TestGroundTruthInMRT reads a world's RIB dumps and update files and
// checks that every routing event of its ground truth was announced, in
// its time window, by a collector peer it names, with the path its type
// implies; standing conditions show in the first RIB dump.
func TestGroundTruthInMRT(t *testing.T) {
	dir := t.TempDir()
	m := generateScale(t, "small", 11, dir, time.Hour)
	var events []*Event
	fh, err := os.Open(filepath.Join(dir, "ground-truth/events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		e := new(Event)
		if err := json.Unmarshal(sc.Bytes(), e); err != nil {
			t.Fatal(err)
		}
		if e.Type != ContactRemoved && e.Type != Spoofing {
			events = append(events, e)
		}
	}
	fh.Close()
	if len(events) == 0 {
		t.Fatal("no routing events")
	}
	found := make([]bool, len(events))
	for _, f := range m.Files {
		if f.Format != "mrt-bgp4mp" && f.Format != "mrt-table-dump-v2" {
			continue
		}
		in, _, err := decompress.Open(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatal(err)
		}
		r := mrt.NewReader(in, f.Path)
		var routes []mrt.Route
		var path []bgp.ASN
		for r.Next() {
			rec := r.Record()
			routes = rec.AppendRoutes(routes[:0])
			for _, rt := range routes {
				if rt.Withdrawn {
					continue
				}
				path = rt.Attrs.Path().AppendSequence(path[:0])
				at := time.Unix(int64(rt.Timestamp), 0)
				for i, e := range events {
					if found[i] || at.Before(e.Start) || !at.Before(e.End) || !slices.Contains(e.Prefixes, rt.Prefix) {
						continue
					}
					if !slices.ContainsFunc(e.SeenBy, func(s Sighting) bool { return s.PeerASN == rt.PeerAS && s.PeerIP == rt.PeerAddr }) {
						continue
					}
					if checkPath(e, path) == nil {
						found[i] = true
					}
				}
			}
		}
		in.Close()
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
	}
	for i, e := range events {
		if !found[i] {
			t.Errorf("event %s (%s, culprit %d, %v) is not in the MRT files", e.ID, e.Type, e.Culprit, e.Prefixes)
		}
	}
}
