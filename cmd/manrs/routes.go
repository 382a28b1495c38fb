package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/rpki"
)

// forEachRoute calls fn for every announced unicast route of the MRT files.
// It returns the number of faults met (corrupt records and entries, and
// files cut short, all reported on stderr) and the number of files that
// could not be opened at all.
func forEachRoute(cmd *cobra.Command, files []string, fn func(*mrt.Route)) (faults, failed int) {
	stderr := cmd.ErrOrStderr()
	prog := newProgress(stderr)
	defer prog.done()
	routes := 0
	var rts []mrt.Route
	for _, name := range files {
		in, err := openInput(cmd, name)
		if err != nil {
			fmt.Fprintf(stderr, "manrs: %v\n", err)
			failed++
			continue
		}
		r := mrt.NewReader(in, name)
		r.OnError = func(e *mrt.Error) { reportMRTError(stderr, e) }
		for r.Next() {
			rts = r.Record().AppendRoutes(rts[:0])
			for i := range rts {
				if rts[i].Withdrawn {
					continue
				}
				routes++
				fn(&rts[i])
			}
			prog.tick(func() string { return fmt.Sprintf("%s: %d records, %d routes", name, r.Stats().Records, routes) })
		}
		in.Close()
		st := r.Stats()
		reportMRTStats(stderr, name, st)
		faults += st.Faults()
		if err := r.Err(); err != nil {
			fmt.Fprintf(stderr, "manrs: %v\n", err)
			faults++
		}
	}
	return faults, failed
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
func inputOutcome(what string, files, failed, faults, skippedVRPs int) error {
	if failed == files && files > 0 {
		return fmt.Errorf("%s: no input could be read", what)
	}
	var parts []string
	if failed > 0 {
		parts = append(parts, plural(failed, "unreadable file"))
	}
	if faults > 0 {
		parts = append(parts, plural(faults, "fault")+" in MRT input")
	}
	if skippedVRPs > 0 {
		parts = append(parts, plural(skippedVRPs, "bad VRP record"))
	}
	if len(parts) == 0 {
		return nil
	}
	return partialError{fmt.Errorf("%s: %s; see above", what, strings.Join(parts, ", "))}
}
