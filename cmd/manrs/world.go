package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/world"
)

func newWorldCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "world COMMAND",
		Short: "Generate synthetic Internets with ground truth, for tests and benchmarks",
		RunE:  groupRunE,
	}
	cmd.AddCommand(newWorldGenerateCmd(), newWorldVerifyCmd())
	return cmd
}

func newWorldVerifyCmd() *cobra.Command {
	var (
		bgpdump bool
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "verify DIR [--bgpdump] [--json]",
		Short: "Check that every file of a generated world is intact and readable",
		Long: `Read a generated world back, file by file as listed in DIR/manifest.json:
each file must have the size and SHA-256 the manifest records and be read in
full, in strict mode, by manrs's reader of its format (MRT, rpki-client JSON
and CSV, CAIDA AS relationships and cones, RPSL, RIR delegated-extended,
PeeringDB, Spoofer, ground truth). Every path of sources.yaml must name a
file. With --bgpdump, every MRT file is also read by bgpdump -v, and any error
or warning it prints fails the file.

One line is printed per file: ok or FAIL, the format, the number of items read
(records, VRPs, objects, links, events) and the path. The exit status is 1 if
any file fails.`,
		Example: `  manrs world verify /tmp/world
  manrs world verify --bgpdump --json /tmp/world | jq 'select(.error)'`,
		Args: exactArgs(1, "directory"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := world.VerifyOptions{}
			if bgpdump {
				path, err := exec.LookPath("bgpdump")
				if err != nil {
					return fmt.Errorf("world verify: --bgpdump: %w", err)
				}
				opt.Bgpdump = path
			}
			prog := newProgress(cmd.ErrOrStderr())
			opt.Progress = func(s string) { prog.tick(func() string { return "verify: " + s }) }
			m, checks, err := world.Verify(args[0], opt)
			prog.done()
			if err != nil {
				return err
			}
			w := bufferedOut(cmd)
			failed := 0
			enc := json.NewEncoder(w)
			for _, c := range checks {
				if c.Err != "" {
					failed++
				}
				if asJSON {
					enc.Encode(c)
					continue
				}
				status := "ok  "
				if c.Err != "" {
					status = "FAIL"
				}
				fmt.Fprintf(w, "%s %-22s %10d  %s", status, c.Format, c.Items, c.Path)
				if c.Err != "" {
					fmt.Fprintf(w, ": %s", c.Err)
				}
				fmt.Fprintln(w)
			}
			if !asJSON {
				fmt.Fprintf(w, "world seed %d, scale %s: %d files, %d failed\n", m.Seed, m.Scale, len(checks), failed)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("world verify: %d of %d files failed", failed, len(checks))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&bgpdump, "bgpdump", false, "also read every MRT file with bgpdump (must be on PATH)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per file")
	return cmd
}

func newWorldGenerateCmd() *cobra.Command {
	var (
		seed           uint64
		scale, out     string
		start          string
		days           int
		ribInterval    time.Duration
		updateInterval time.Duration
		asJSON         bool
	)
	var applyMemoryLimit func() error
	var names []string
	for _, s := range world.Scales {
		names = append(names, s.Name)
	}
	cmd := &cobra.Command{
		Use:   "generate --out DIR [--seed N] [--scale " + strings.Join(names, "|") + "] [--days D]",
		Short: "Write a deterministic synthetic Internet in the formats of the real sources",
		Long: `Generate a consistent synthetic Internet and write it to DIR in the formats
the real sources publish, with the ground truth of the events injected in it:

  caida/DATE.as-rel2.txt.bz2, DATE.ppdc-ases.txt.bz2   AS relationships and customer cones
  rpki/DATE/rpki-client.json, rpki-client.csv           VRPs and ASPAs, as rpki-client writes them
  irr/SOURCE.db.gz                                      RPSL dumps of RIPE, ARIN, APNIC, LACNIC,
                                                        AFRINIC and RADB
  rir/delegated-nro-extended-DATE                       RIR delegated-extended statistics
  peeringdb/peeringdb_2_dump_DATE.json                  PeeringDB networks, orgs and contacts
  spoofer/sessions-DATE.jsonl                           CAIDA Spoofer sessions
  collectors/NAME/...                                   RIB dumps (every 8 hours) and update files
                                                        (every 5 minutes), RIPE RIS (gzip) or
                                                        RouteViews (bzip2) layout, MRT
  ground-truth/events.jsonl                             every injected hijack, leak, bogon,
                                                        RPKI-invalid announcement, contact removal
                                                        and spoofing network: culprit, propagators,
                                                        metric, time window, the collector peers
                                                        that saw it
  sources.yaml                                          where each kind of data is, for the observatory
  manifest.json                                         every file with its format and SHA-256

ASes, prefixes and origins are drawn from real RouteViews tables (2014 for IPv4,
2015 for IPv6); relationships, RPKI coverage, routing and events are generated.
The same seed and options give byte-identical files. docs/world.md describes the
model and where it is knowingly unrealistic.

Scales: tiny (60 ASes, for unit tests), small (1,500 ASes, the demo), medium
(15,000 ASes), internet (80,000 ASes, 1.0M IPv4 and 230k IPv6 prefixes).`,
		Example: `  manrs world generate --seed 1 --scale small --days 2 --out /tmp/world
  bin/manrs rov --vrps /tmp/world/rpki/20261001/rpki-client.json /tmp/world/collectors/rrc00/2026.10/bview.20261001.0000.gz`,
		Args: exactArgs(0, "arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("world generate: --out is required")
			}
			sc, err := world.ParseScale(scale)
			if err != nil {
				return usageError{err}
			}
			opt := world.Options{Seed: seed, Scale: sc, Days: days, Out: out, RIBInterval: ribInterval, UpdateInterval: updateInterval}
			if start != "" {
				if opt.Start, err = time.Parse("2006-01-02", start); err != nil {
					return usagef("world generate: --start %q is not a date (YYYY-MM-DD)", start)
				}
			}
			if days < 1 || days > 366 {
				return usagef("world generate: --days must be 1 to 366")
			}
			if err := applyMemoryLimit(); err != nil {
				return err
			}
			prog := newProgress(cmd.ErrOrStderr())
			opt.Progress = func(s string) { prog.tick(func() string { return "world: " + s }) }
			m, err := world.Generate(opt)
			prog.done()
			if err != nil {
				return err
			}
			w := bufferedOut(cmd)
			if asJSON {
				json.NewEncoder(w).Encode(struct {
					Out    string         `json:"out"`
					Seed   uint64         `json:"seed"`
					Scale  string         `json:"scale"`
					Start  time.Time      `json:"start"`
					Days   int            `json:"days"`
					Counts map[string]int `json:"counts"`
					Files  int            `json:"files"`
				}{out, m.Seed, m.Scale, m.Start, m.Days, m.Counts, len(m.Files)})
			} else {
				var size int64
				for _, f := range m.Files {
					size += f.Size
				}
				fmt.Fprintf(w, "world seed %d, scale %s, %s from %s, in %s\n", m.Seed, m.Scale, plural(m.Days, "day"), m.Start.Format("2006-01-02"), out)
				fmt.Fprintf(w, "%d ASes, %d IPv4 and %d IPv6 prefixes, %d VRPs, %d ASPAs, %d collectors with %d peers, %d events\n",
					m.Counts["ases"], m.Counts["ipv4_prefixes"], m.Counts["ipv6_prefixes"], m.Counts["vrps"], m.Counts["aspas"],
					m.Counts["collectors"], m.Counts["collector_peers"], m.Counts["events"])
				fmt.Fprintf(w, "%d files, %.1f MB; see %s/manifest.json\n", len(m.Files), float64(size)/1e6, out)
			}
			return w.Flush()
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&seed, "seed", 1, "random seed: the same seed and options give the same world")
	f.StringVar(&scale, "scale", "small", "size: "+strings.Join(names, ", "))
	f.IntVar(&days, "days", 1, "days of routing history")
	f.StringVar(&start, "start", world.DefaultStart.Format("2006-01-02"), "first day, YYYY-MM-DD (UTC)")
	f.StringVar(&out, "out", "", "directory to write the world to (required)")
	f.DurationVar(&ribInterval, "rib-interval", 8*time.Hour, "time between RIB dumps of a collector")
	f.DurationVar(&updateInterval, "update-interval", 5*time.Minute, "time span of one update file")
	f.BoolVar(&asJSON, "json", false, "print the summary as JSON")
	applyMemoryLimit = memoryLimitFlag(cmd)
	return cmd
}
