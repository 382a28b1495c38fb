package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// memoryLimitFlag adds --memory-limit to cmd and returns a function that
// applies it; the GOMEMLIMIT environment variable, when set, wins. The
// default, 3 GiB, is for the long batch commands (world generate,
// observe): the Go runtime collects garbage harder as the heap nears it
// rather than letting it grow to twice what is live, so an internet-scale
// run stays within a 4 GB machine budget. It is a target, not a cap: a job
// whose live data needs more still gets it.
func memoryLimitFlag(cmd *cobra.Command) func() error {
	limit := new(string)
	cmd.Flags().StringVar(limit, "memory-limit", "3GiB", "soft limit of the heap (e.g. 2GiB, 6GiB, 0 for none); GOMEMLIMIT wins")
	return func() error {
		if os.Getenv("GOMEMLIMIT") != "" {
			return nil
		}
		n, err := parseBytes(*limit)
		if err != nil {
			return usagef("--memory-limit %q: %v", *limit, err)
		}
		if n > 0 {
			debug.SetMemoryLimit(n)
		}
		return nil
	}
}

// parseBytes reads a size such as 3GiB, 512MiB, 4GB or 1000000.
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(n >= 0) || n*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("not a size (e.g. 3GiB, 512MiB, 0)")
	}
	return int64(n * float64(mult)), nil
}
