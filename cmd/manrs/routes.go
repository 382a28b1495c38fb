package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/rpki"
)

// routeInputs is what forEachRoute met in its MRT files.
type routeInputs struct {
	files  int // files given
	failed int // files that could not be opened
	faults int // corrupt records and entries, files cut short, routes without a usable AS_PATH
}

// forEachRoute calls fn for every announced unicast route with a usable
// AS_PATH in the MRT files, until fn returns an error (which it returns).
// Faults in the input are reported on stderr and counted. An announcement
// whose AS_PATH is missing or malformed is treated as a withdrawal (RFC
// 7606 section 3), skipped, and counted as a fault.
func forEachRoute(cmd *cobra.Command, files []string, fn func(*mrt.Route) error) (routeInputs, error) {
	stderr := cmd.ErrOrStderr()
	prog := newProgress(stderr)
	defer prog.done()
	in := routeInputs{files: len(files)}
	routes := 0
	var rts []mrt.Route
	for _, name := range files {
		f, err := openInput(cmd, name)
		if err != nil {
			prog.done()
			fmt.Fprintf(stderr, "manrs: %v\n", err)
			in.failed++
			continue
		}
		r := mrt.NewReader(f, name)
		r.OnError = func(e *mrt.Error) { prog.done(); reportMRTError(stderr, e) }
		unusable := 0
		for r.Next() {
			rts = r.Record().AppendRoutes(rts[:0])
			for i := range rts {
				switch rt := &rts[i]; {
				case rt.Withdrawn:
				case !rt.Usable():
					unusable++
				default:
					routes++
					if err := fn(rt); err != nil {
						f.Close()
						return in, err
					}
				}
			}
			prog.tick(func() string { return fmt.Sprintf("%s: %d records, %d routes", name, r.Stats().Records, routes) })
		}
		f.Close()
		prog.done()
		st := r.Stats()
		reportMRTStats(stderr, name, st)
		in.faults += st.Faults()
		if unusable > 0 {
			fmt.Fprintf(stderr, "manrs: %s: %s without a usable AS_PATH skipped (RFC 7606 3: treat-as-withdraw)\n", name, plural(unusable, "announcement"))
			in.faults += unusable
		}
		if err := r.Err(); err != nil {
			fmt.Fprintf(stderr, "manrs: %v\n", err)
			in.faults++
		}
	}
	return in, nil
}

// loadRPKI loads VRP/ASPA files and applies SLURM files, reporting skipped
// records on stderr.
func loadRPKI(cmd *cobra.Command, vrpFiles, slurmFiles []string) (*rpki.Set, rpki.Stats, error) {
	if len(vrpFiles) == 0 {
		return nil, rpki.Stats{}, usagef("%s: --vrps is required", cmd.CommandPath())
	}
	set, stats, err := loadVRPFiles(cmd.InOrStdin(), vrpFiles, rpki.LoadOptions{}, cmd.ErrOrStderr())
	if err != nil {
		return nil, stats, err
	}
	var slurms []*rpki.SLURM
	for _, name := range slurmFiles {
		f, err := parseSLURMFile(name)
		if err != nil {
			return nil, stats, err
		}
		slurms = append(slurms, f)
	}
	if err := set.ApplySLURM(slurms...); err != nil {
		return nil, stats, err
	}
	return set, stats, nil
}

// inputOutcome turns what happened to the inputs into the command's error:
// nil, a failure when nothing could be read, or a partial result.
func inputOutcome(what string, in routeInputs, skippedVRPs int) error {
	if in.failed == in.files && in.files > 0 {
		return fmt.Errorf("%s: no input could be read", what)
	}
	var parts []string
	if in.failed > 0 {
		parts = append(parts, plural(in.failed, "unreadable file"))
	}
	if in.faults > 0 {
		parts = append(parts, plural(in.faults, "fault")+" in MRT input")
	}
	if skippedVRPs > 0 {
		parts = append(parts, plural(skippedVRPs, "bad VRP record"))
	}
	if len(parts) == 0 {
		return nil
	}
	return partialError{fmt.Errorf("%s: %s; see above", what, strings.Join(parts, ", "))}
}

// plural formats "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
