package world

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/delegated"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/peeringdb"
	"github.com/manrs/manrs/internal/rpki"
	"github.com/manrs/manrs/internal/rpsl"
	"github.com/manrs/manrs/internal/spoofer"
)

// FileCheck is what Verify found in one file.
type FileCheck struct {
	ManifestFile
	// Items counts what the file holds: MRT records, VRPs, RPSL objects,
	// links, networks, sessions, events.
	Items int    `json:"items"`
	Err   string `json:"error,omitempty"`
}

// VerifyOptions tunes Verify.
type VerifyOptions struct {
	// Bgpdump, if not empty, is the path of bgpdump: every MRT file
	// is also read by it, and any error or warning it prints fails
	// the file.
	Bgpdump string
	// Progress, if not nil, is told each file.
	Progress func(string)
}

// Verify reads a world back: each file of its manifest must have its
// size and SHA-256 and be read in full, strictly, by the project's own
// reader of its format; the paths of sources.yaml must name files.
func Verify(dir string, opt VerifyOptions) (*Manifest, []FileCheck, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, nil, fmt.Errorf("world: manifest.json: %w", err)
	}
	// Files are checked in parallel, bgpdump runs included; the results
	// keep the manifest's order.
	checks := make([]FileCheck, len(m.Files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex // guards opt.Progress
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range jobs {
				f := m.Files[i]
				if opt.Progress != nil {
					mu.Lock()
					opt.Progress(f.Path)
					mu.Unlock()
				}
				c := FileCheck{ManifestFile: f}
				path := filepath.Join(dir, filepath.FromSlash(f.Path))
				n, err := verifyFile(path, f)
				if err == nil && f.Format == "sources-yaml" {
					err = verifySources(dir, path, m.Start)
				}
				if err == nil && opt.Bgpdump != "" && strings.HasPrefix(f.Format, "mrt-") {
					err = bgpdumpCheck(opt.Bgpdump, path)
				}
				c.Items = n
				if err != nil {
					c.Err = err.Error()
				}
				checks[i] = c
			}
		})
	}
	// Largest first, so that a big file does not start last.
	order := make([]int, len(m.Files))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(m.Files[b].Size, m.Files[a].Size) })
	for _, i := range order {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return &m, checks, nil
}

func verifyFile(path string, f ManifestFile) (int, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	h := sha256.New()
	size, err := io.Copy(h, fh)
	if err != nil {
		return 0, err
	}
	if size != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return 0, fmt.Errorf("size %d and SHA-256 differ from the manifest", size)
	}
	in, _, err := decompress.Open(path)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	switch f.Format {
	case "mrt-table-dump-v2", "mrt-bgp4mp":
		r := mrt.NewReader(in, f.Path)
		var first *mrt.Error
		r.OnError = func(e *mrt.Error) {
			if first == nil {
				first = e
			}
		}
		n := 0
		for r.Next() {
			n++
		}
		if r.Err() != nil {
			return n, r.Err()
		}
		if first != nil {
			return n, first
		}
		return n, nil
	case "rpki-client-json", "rpki-client-csv":
		set, _, err := rpki.Load(in, f.Path, rpki.LoadOptions{Strict: true})
		if err != nil {
			return 0, err
		}
		return len(set.VRPs) + len(set.ASPAs), nil
	case "caida-as-rel2":
		g, _, _, err := asrel.Load(in, f.Path, true)
		if err != nil {
			return 0, err
		}
		return g.Links(), nil
	case "caida-ppdc-ases":
		cones, _, err := asrel.LoadCones(in, f.Path, true)
		if err != nil {
			return 0, err
		}
		return cones.Len(), nil
	case "rir-delegated-extended":
		r := delegated.NewReader(in, f.Path)
		r.Strict = true
		n := 0
		for r.Next() {
			n++
		}
		if r.Err() == nil && r.Header().Records != n {
			return n, fmt.Errorf("%d records, the header says %d", n, r.Header().Records)
		}
		return n, r.Err()
	case "rpsl-dump":
		r := rpsl.NewReader(in, f.Path)
		r.Strict = true
		n := 0
		for r.Next() {
			n++
			o := r.Object()
			var err error
			switch o.Class() {
			case "route", "route6":
				_, err = rpsl.ParseRoute(o)
			case "aut-num":
				_, err = rpsl.ParseAutNum(o)
			case "as-set":
				var s rpsl.ASSet
				if s, err = rpsl.ParseASSet(o); err == nil && len(s.Invalid) > 0 {
					err = s.Invalid[0]
				}
			case "mntner":
				_, err = rpsl.ParseMntner(o)
			}
			if err != nil {
				return n, err
			}
		}
		return n, r.Err()
	case "peeringdb-dump":
		r := peeringdb.NewReader(in, f.Path)
		r.Strict = true
		n := 0
		for r.Next() {
			n++
		}
		return n, r.Err()
	case "spoofer-jsonl":
		r := spoofer.NewReader(in, f.Path)
		r.Strict = true
		n := 0
		for r.Next() {
			n++
		}
		return n, r.Err()
	case "ground-truth-jsonl":
		sc := bufio.NewScanner(in)
		sc.Buffer(nil, 16<<20)
		n := 0
		for sc.Scan() {
			n++
			var e Event
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				return n, fmt.Errorf("line %d: %w", n, err)
			}
			if e.Culprit == 0 || e.Start.IsZero() || !e.End.After(e.Start) {
				return n, fmt.Errorf("line %d: event %s lacks a culprit or a time window", n, e.ID)
			}
		}
		return n, sc.Err()
	case "sources-yaml":
		n := 0
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			if _, v, ok := strings.Cut(sc.Text(), ": "); ok && strings.Contains(v, "/") {
				n++
			}
		}
		return n, sc.Err()
	}
	return 0, fmt.Errorf("unknown format %q", f.Format)
}

// verifySources checks that every path of sources.yaml, its templates
// filled with the first day, names at least one file.
func verifySources(dir, path string, start time.Time) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fill := strings.NewReplacer("{date}", start.Format("20060102"), "{month}", start.Format("2006.01"), "{date_}", start.Format("2006_01_02"))
	for i, line := range strings.Split(string(b), "\n") {
		_, v, ok := strings.Cut(line, ": ")
		if !ok || !strings.Contains(v, "/") {
			continue
		}
		if m, _ := filepath.Glob(filepath.Join(dir, fill.Replace(strings.TrimSpace(v)))); len(m) == 0 {
			return fmt.Errorf("line %d: %q names no file", i+1, strings.TrimSpace(v))
		}
	}
	return nil
}

// bgpdumpCheck reads an MRT file with bgpdump; an exit status other
// than zero, or any error or warning it prints, fails the file.
func bgpdumpCheck(bgpdump, path string) error {
	cmd := exec.Command(bgpdump, "-v", "-m", path)
	// A nil Stdout sends its lines straight to the null device; only
	// what it says on stderr matters.
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	msg := stderr.String()
	if err == nil && !strings.Contains(msg, "[error]") && !strings.Contains(msg, "[warn]") {
		return nil
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return fmt.Errorf("bgpdump: %v %s", err, msg)
}
