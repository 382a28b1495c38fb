package main

import (
	"bufio"
	"strings"

	"github.com/spf13/cobra"
)

// isCobraUsage recognises the usage errors that cobra itself produces for
// an unknown subcommand.
func isCobraUsage(err error) bool {
	return strings.HasPrefix(err.Error(), "unknown command ")
}

// minArgs is cobra.MinimumNArgs with an error that exits with exitUsage.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("%s: needs at least %d %s (see %s --help)", cmd.CommandPath(), n, what, cmd.CommandPath())
		}
		return nil
	}
}

// outputBufferSize is the size of the buffer in front of stdout: large
// enough that a line-per-route dump makes few write system calls.
const outputBufferSize = 256 << 10

// bufferedOut returns a buffered writer on the command's stdout; the caller
// must Flush it.
func bufferedOut(cmd *cobra.Command) *bufio.Writer {
	return bufio.NewWriterSize(cmd.OutOrStdout(), outputBufferSize)
}

// groupRunE is the RunE of a command that only groups subcommands: with no
// arguments it prints the help, with an unknown subcommand it is a usage
// error (cobra would print the help and succeed).
func groupRunE(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
}

// exactArgs is cobra.ExactArgs with an error that exits with exitUsage.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s: takes %d %s (see %s --help)", cmd.CommandPath(), n, what, cmd.CommandPath())
		}
		return nil
	}
}
