package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/rpki"
)

func newVRPsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vrps",
		Short: "Convert and filter validated RPKI payload (VRPs and ASPAs)",
		Long: `The vrps commands work on the validated RPKI payload that relying-party
software exports: Validated ROA Payloads (VRPs) and validated ASPAs.`,
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return cmd.Help()
	}
	cmd.AddCommand(newVRPsConvertCmd())
	return cmd
}

func outputNames() string {
	var names []string
	for _, o := range rpki.Outputs() {
		names = append(names, o.Name)
	}
	return strings.Join(names, "|")
}

func newVRPsConvertCmd() *cobra.Command {
	var (
		from      string
		to        string
		slurms    []string
		out       string
		strict    bool
		birdTable string
	)
	var formats strings.Builder
	for _, o := range rpki.Outputs() {
		fmt.Fprintf(&formats, "  %-9s %s\n", o.Name, o.Description)
	}
	cmd := &cobra.Command{
		Use:   "convert --to " + outputNames() + " [flags] FILE...",
		Short: "Convert validator exports (JSON, CSV) to router and validator formats",
		Long: `convert reads the VRPs and ASPAs that RPKI validators export, merges the
files, removes duplicates, applies local exceptions (SLURM, RFC 8416, with
the ASPA members of draft-ietf-sidrops-aspa-slurm), and writes them in one
output format. A FILE of "-" is standard input, and so is a SLURM FILE of
"-"; only one input can be standard input. Inputs may be compressed with
gzip, bzip2 or zstd.

Input formats, detected from the content unless --from says otherwise:
  JSON  rpki-client -j, Routinator (json, jsonext), StayRTR/GoRTR
  CSV   rpki-client, Routinator (csv, csvcompat, csvext), RIPE NCC Validator;
        the dialect is chosen by the header line

Output formats (--to):
` + formats.String() + `
Records that fail a check (a prefix with host bits, a maximum length
outside prefix length..address length, a bad ASN, an ASPA listing its own
customer) are skipped and counted; the counts go to standard error and the
exit status is 3. With --strict the first bad record is an error instead.

The output goes to standard output, or with -o to a temporary file in the
same directory that is renamed over OUT when complete, so that readers never
see a partial file. The generation time written in headers is the newest
build time of the inputs, or the current time if none has one; the
SOURCE_DATE_EPOCH environment variable overrides it.`,
		Example: `  # rpki-client JSON for StayRTR, with local exceptions
  manrs vrps convert --to json --slurm local.slurm.json -o /var/db/vrps.json export.json

  # An OpenBGPD roa-set and aspa-set from Routinator's JSON
  manrs vrps convert --to openbgpd -o /etc/bgpd/rpki.conf routinator.json

  # BIRD 2 ROA tables from two CSV exports
  manrs vrps convert --to bird2 --bird.table RPKI a.csv b.csv`,
		Args: minArgs(1, "input FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			inFormat, err := rpki.ParseFormat(from)
			if err != nil {
				return usageError{err}
			}
			if to == "" {
				return usagef("vrps convert: --to is required (%s)", strings.ReplaceAll(outputNames(), "|", ", "))
			}
			output, ok := rpki.LookupOutput(to)
			if !ok {
				return usagef("unknown output format %q (want %s)", to, strings.ReplaceAll(outputNames(), "|", ", "))
			}
			if n := countStdin(args) + countStdin(slurms); n > 1 {
				return usagef("vrps convert: standard input (\"-\") given %d times; only one input can be read from it", n)
			}
			stderr := cmd.ErrOrStderr()
			set, stats, err := loadVRPFiles(cmd.InOrStdin(), args, rpki.LoadOptions{Format: inFormat, Strict: strict}, stderr)
			if err != nil {
				return err
			}
			var files []*rpki.SLURM
			for _, name := range slurms {
				f, err := parseSLURMInput(cmd.InOrStdin(), name)
				if err != nil {
					return err
				}
				files = append(files, f)
			}
			if err := set.ApplySLURM(files...); err != nil {
				return err
			}
			opts := rpki.WriteOptions{BirdTable: birdTable}
			if opts.Time, err = generationTime(set); err != nil {
				return usageError{err}
			}
			if len(set.ASPAs) > 0 && !output.ASPA {
				fmt.Fprintf(stderr, "manrs: vrps convert: %d ASPAs not written: format %s has no ASPA form\n", len(set.ASPAs), output.Name)
			}
			if err := writeOutput(cmd, out, func(w io.Writer) error { return output.Write(w, set, opts) }); err != nil {
				return err
			}
			if n := stats.SkippedTotal(); n > 0 {
				return partialError{fmt.Errorf("vrps convert: skipped %d bad records (%s)", n, stats.SkipSummary())}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "auto", "input format: auto, json or csv")
	f.StringVar(&to, "to", "", "output format: "+strings.ReplaceAll(outputNames(), "|", ", ")+" (required)")
	f.StringArrayVar(&slurms, "slurm", nil, "apply the SLURM file `FILE` (RFC 8416; - for standard input); repeatable, the files must not overlap")
	f.StringVarP(&out, "output", "o", "", "write to `OUT` (atomically, via a temporary file) instead of standard output")
	f.BoolVar(&strict, "strict", false, "fail on the first bad record instead of skipping it")
	f.StringVar(&birdTable, "bird.table", rpki.DefaultBirdTable, "name of the BIRD 2 ROA tables (NAME4, NAME6)")
	return cmd
}

// loadVRPFiles loads and merges the inputs, printing per-file skip counts.
func loadVRPFiles(stdin io.Reader, names []string, opts rpki.LoadOptions, stderr io.Writer) (*rpki.Set, rpki.Stats, error) {
	all := &rpki.Set{}
	var total rpki.Stats
	for _, name := range names {
		s, st, err := loadVRPFile(stdin, name, opts)
		if err != nil {
			return nil, total, err
		}
		if n := st.SkippedTotal(); n > 0 {
			fmt.Fprintf(stderr, "manrs: %s: skipped %d bad records: %s\n", name, n, st.SkipSummary())
		}
		total.Add(st)
		all.Merge(s)
	}
	all.Dedup()
	return all, total, nil
}

// loadVRPFile loads one input, a file or stdin for "-", which may be
// compressed.
func loadVRPFile(stdin io.Reader, name string, opts rpki.LoadOptions) (*rpki.Set, rpki.Stats, error) {
	r, err := openFileOrStdin(stdin, name)
	if err != nil {
		return nil, rpki.Stats{}, err
	}
	defer r.Close()
	return rpki.Load(r, name, opts)
}

// parseSLURMFile parses the SLURM file name, which may be compressed.
func parseSLURMFile(name string) (*rpki.SLURM, error) {
	return parseSLURMInput(nil, name)
}

// parseSLURMInput parses a SLURM file, or stdin for "-" when stdin is not
// nil; the input may be compressed.
func parseSLURMInput(stdin io.Reader, name string) (*rpki.SLURM, error) {
	r, err := openFileOrStdin(stdin, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return rpki.ParseSLURM(r, name)
}

// openFileOrStdin opens the file name, or stdin for "-" when stdin is not
// nil, decompressing gzip, bzip2 and zstd.
func openFileOrStdin(stdin io.Reader, name string) (io.ReadCloser, error) {
	if name != "-" || stdin == nil {
		r, _, err := decompress.Open(name)
		return r, err
	}
	r, _, err := decompress.NewReader(stdin)
	if err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	return r, nil
}

// countStdin counts the names that stand for standard input.
func countStdin(names []string) int {
	n := 0
	for _, name := range names {
		if name == "-" {
			n++
		}
	}
	return n
}

// generationTime is SOURCE_DATE_EPOCH if set, else the newest build time of
// the inputs, else now.
func generationTime(s *rpki.Set) (time.Time, error) {
	if v, ok := os.LookupEnv("SOURCE_DATE_EPOCH"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds", v)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	if !s.Metadata.BuildTime.IsZero() {
		return s.Metadata.BuildTime, nil
	}
	return time.Now().UTC().Truncate(time.Second), nil
}

// writeOutput runs write on standard output, or on a temporary file next
// to path that is renamed to path once complete.
func writeOutput(cmd *cobra.Command, path string, write func(io.Writer) error) (err error) {
	if path == "" || path == "-" {
		w := bufferedOut(cmd)
		if err := write(w); err != nil {
			return err
		}
		return w.Flush()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return errors.Join(err, os.Remove(tmp.Name()))
	}
	return nil
}
