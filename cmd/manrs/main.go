// Command manrs implements the Mutually Agreed Norms for Routing Security
// end to end: it decodes routing data, validates it against the RPKI, and
// measures, explains and distributes what it finds. See docs/manrs.md for
// the reference of every subcommand and its exit status.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// Exit codes, documented in docs/manrs.md (EXIT STATUS).
const (
	exitOK      = 0 // everything was read and done
	exitFailure = 1 // the command could not do its job (unreadable input, I/O error)
	exitUsage   = 2 // bad flags, arguments or configuration
	exitPartial = 3 // the job was done, but some input was corrupt and skipped or cut short
)

// usageError marks an error the user can fix by calling the command
// differently; it exits with exitUsage.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// partialError reports that the output is complete up to faults in the
// input that were reported on stderr; it exits with exitPartial.
type partialError struct{ err error }

func (e partialError) Error() string { return e.err.Error() }
func (e partialError) Unwrap() error { return e.err }

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "manrs",
		Short: "Routing security for operators, enterprises and observatories (MANRS)",
		Long: `manrs implements the Mutually Agreed Norms for Routing Security end to end:
it decodes MRT routing data, validates routes against the RPKI (route origin
validation and ASPA), recognises bogons, generates synthetic Internets with
ground truth, and prints what it finds as text or JSON.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newMRTCmd(),
		newROVCmd(),
		newASPACmd(),
		newVRPsCmd(),
		newBogonCmd(),
		newWorldCmd(),
		newObserveCmd(),
		newScoreCmd(),
		newConformanceCmd(),
		newLapsesCmd(),
		newIncidentCmd(),
		newServeCmd(),
		newFilterCmd(),
		newWhoisCmd(),
		newRTRCmd(),
		newACLCmd(),
		newURPFCmd(),
		newAdviseCmd(),
		newFeedCmd(),
	)
	return root
}

func main() {
	stop := profile(os.Stderr)
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// profile writes a CPU profile of the run to $MANRS_CPUPROFILE and a heap
// profile at its end to $MANRS_MEMPROFILE, for `go tool pprof`, when they
// are set; the returned function finishes both.
func profile(stderr io.Writer) func() {
	var stops []func()
	if p := os.Getenv("MANRS_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "manrs: MANRS_CPUPROFILE: %v\n", err)
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if p := os.Getenv("MANRS_MEMPROFILE"); p != "" {
		stops = append(stops, func() {
			f, err := os.Create(p)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(stderr, "manrs: MANRS_MEMPROFILE: %v\n", err)
			}
		})
	}
	return func() {
		for _, stop := range stops {
			stop()
		}
	}
}

// run executes the command line and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	if !errors.Is(err, errNo) {
		fmt.Fprintf(stderr, "manrs: %v\n", err)
	}
	var ue usageError
	var pe partialError
	switch {
	case errors.Is(err, errNo):
		return exitFailure
	case errors.As(err, &pe):
		return exitPartial
	case errors.As(err, &ue), isCobraUsage(err):
		return exitUsage
	default:
		return exitFailure
	}
}
