package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/mrtdump"
)

func newMRTCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mrt COMMAND",
		Short: "Read MRT routing data (RFC 6396)",
		RunE:  groupRunE,
	}
	cmd.AddCommand(newMRTDumpCmd())
	return cmd
}

func newMRTDumpCmd() *cobra.Command {
	var oneLine, asJSON bool
	cmd := &cobra.Command{
		Use:   "dump (-m | --json) FILE...",
		Short: "Print MRT records one line per route, as bgpdump -m does, or as JSON lines",
		Long: `Print every route of MRT files (RIB dumps and update files of RIPE RIS,
RouteViews and anything else that writes RFC 6396).

With -m each RIB entry, announced prefix, withdrawn prefix and state change
is one line in the format of bgpdump -m:

  TABLE_DUMP2|1400824800|B|196.7.106.245|2905|0.0.0.0/0|2905 65023 16637|IGP|196.7.106.245|0|0||NAG||
  BGP4MP|1192460700|A|193.0.0.56|3333|192.96.13.0/24|3333 12859 16637|IGP|193.0.0.56|0|0|12859:1000|NAG||
  BGP4MP|1192460700|W|193.0.0.56|3333|192.96.14.0/24
  BGP4MP|1027377515|STATE|193.203.0.69|15737|3|2

With --json each of them is a JSON object on a line of its own with every
decoded field (see docs/manrs-mrt.md).

Files may be plain, gzip, bzip2 or zstd; the format is recognised from the
content. A file name of - reads standard input. A corrupt record is
reported on standard error and skipped; a file cut short ends with an error
after every record before the fault has been printed.`,
		Example: `  manrs mrt dump -m rib.20140523.0600.bz2
  manrs mrt dump --json updates.20160811.1600.gz | jq -c 'select(.type == "A")'`,
		Args: minArgs(1, "MRT file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if oneLine == asJSON {
				return usagef("mrt dump: choose one output format: -m or --json")
			}
			out := bufferedOut(cmd)
			format := mrtdump.AppendLines
			if asJSON {
				format = mrtdump.AppendJSON
			}
			in := routeInputs{files: len(args)}
			for _, name := range args {
				n, err := dumpFile(cmd, out, name, format)
				in.faults += n
				var oe openError
				switch {
				case errors.As(err, &oe):
					fmt.Fprintf(cmd.ErrOrStderr(), "manrs: %v\n", err)
					in.failed++
				case err != nil:
					return err // the output cannot be written: stop
				}
			}
			if err := out.Flush(); err != nil {
				return err
			}
			return inputOutcome("mrt dump", in, 0)
		},
	}
	cmd.Flags().BoolVarP(&oneLine, "machine", "m", false, "one line per route in the format of bgpdump -m")
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per route")
	return cmd
}

// openError is a file that could not be opened.
type openError struct{ error }

func (e openError) Unwrap() error { return e.error }

// dumpFile prints every record of one file and returns the number of
// faults met: corrupt records and entries, and a stream cut short, each
// reported on stderr. A returned error is an openError when the file could
// not be opened, else the output could not be written.
func dumpFile(cmd *cobra.Command, out io.Writer, name string, format func([]byte, *mrt.Record) []byte) (int, error) {
	in, err := openInput(cmd, name)
	if err != nil {
		return 0, openError{err}
	}
	defer in.Close()
	stderr := cmd.ErrOrStderr()
	prog := newProgress(stderr)
	defer prog.done()
	r := mrt.NewReader(in, name)
	r.OnError = func(e *mrt.Error) { prog.done(); reportMRTError(stderr, e) }
	var buf []byte
	for r.Next() {
		buf = format(buf[:0], r.Record())
		if _, err := out.Write(buf); err != nil {
			return 0, err
		}
		prog.tick(func() string { return fmt.Sprintf("%s: %d records", name, r.Stats().Records) })
	}
	prog.done()
	st := r.Stats()
	reportMRTStats(stderr, name, st)
	faults := st.Faults()
	if err := r.Err(); err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "manrs: %v\n", err)
		faults++
	}
	return faults, nil
}

// reportMRTError tells the user about one corrupt record.
func reportMRTError(w io.Writer, e *mrt.Error) {
	if e.Skipped {
		fmt.Fprintf(w, "manrs: skipped: %v\n", e)
	} else {
		fmt.Fprintf(w, "manrs: decoded in part: %v\n", e)
	}
}

// reportMRTStats tells the user what was read but not shown.
func reportMRTStats(w io.Writer, name string, st mrt.Stats) {
	if st.Unknown > 0 {
		fmt.Fprintf(w, "manrs: %s: %s of unknown MRT types skipped\n", name, plural(st.Unknown, "record"))
	}
	if st.LengthFixes > 0 {
		fmt.Fprintf(w, "manrs: %s: %s declared fewer bytes than they hold; read in full\n", name, plural(st.LengthFixes, "TABLE_DUMP record"))
	}
}

// openInput opens a file (or standard input for "-") and decompresses it by
// its content.
func openInput(cmd *cobra.Command, name string) (io.ReadCloser, error) {
	if name == "-" {
		rc, _, err := decompress.NewReader(cmd.InOrStdin())
		return rc, err
	}
	rc, _, err := decompress.Open(name)
	return rc, err
}
