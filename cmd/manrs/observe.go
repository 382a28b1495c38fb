package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/observatory"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/store/sqlite"
)

// storeFlags are the flags of every command that reads or writes the
// store: where it is, and the configuration (observatory settings).
type storeFlags struct {
	path, config string
}

// defaultStorePath is where the store is unless --store or MANRS_STORE
// say otherwise: $XDG_DATA_HOME/manrs/manrs.db (~/.local/share/...).
func defaultStorePath() string {
	if p := os.Getenv("MANRS_STORE"); p != "" {
		return p
	}
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "manrs.db"
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "manrs", "manrs.db")
}

func (f *storeFlags) register(cmd *cobra.Command, configHelp string) {
	cmd.Flags().StringVar(&f.path, "store", defaultStorePath(), "the store (SQLite file); MANRS_STORE sets the default")
	cmd.Flags().StringVar(&f.config, "config", "", configHelp)
}

// open opens the store, creating its directory.
func (f *storeFlags) open() (store.Store, error) {
	if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
		return nil, err
	}
	return sqlite.Open(f.path)
}

// observatoryConfig returns the observatory settings of --config, or the
// defaults without one.
func (f *storeFlags) observatoryConfig() (*config.Observatory, error) {
	if f.config == "" {
		o := config.DefaultObservatory()
		return &o, nil
	}
	c, err := config.Load(f.config)
	if err != nil {
		return nil, usageError{err}
	}
	return &c.Observatory, nil
}

// parseDate parses a YYYY-MM-DD flag.
func parseDate(flag, s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, usagef("--%s %q is not a date (YYYY-MM-DD)", flag, s)
	}
	return t, nil
}

// parseAS parses an AS argument: AS64500 or 64500.
func parseAS(s string) (bgp.ASN, error) {
	a, err := bgp.ParseASN(s)
	if err != nil {
		return 0, usagef("%q is not an AS number: %v", s, err)
	}
	return a, nil
}

func newObserveCmd() *cobra.Command {
	var (
		sf            storeFlags
		date, from    string
		to, cacheDir  string
		asJSON, quiet bool
	)
	var applyMemoryLimit func() error
	cmd := &cobra.Command{
		Use:   "observe --config FILE [--date D | --from D --to D] [--store PATH]",
		Short: "Measure the MANRS conformance of every AS seen on a day, and store it",
		Long: `Read one day of routing data and registry data from the sources that the
configuration names, detect the incidents of every AS (route leaks,
misoriginations, bogon prefixes and ASNs, spoofing), measure the registration
metrics (IRR, RPKI, routing policy, contacts), and store the day: observing a
day again replaces it. Every AS is then judged under each conformance policy,
and changes of conformance since the day before are recorded as lapses.

The configuration is the sources.yaml a generated world writes, or one written
for real data (docs/observatory.md); paths may be files, globs or http(s)
URLs, with {date}, {month}, {date_} and {year} templates. Without --date or
--from, a generated world is observed on all its days, real data on
yesterday (UTC).

A day whose inputs were missing or corrupt is stored as partial, with the
reasons, and the exit status is 3.`,
		Example: `  manrs world generate --scale small --days 3 --out /tmp/world
  manrs observe --config /tmp/world/sources.yaml --store /tmp/world.db
  manrs observe --config sources.yaml --date 2026-11-26 --json`,
		Args: exactArgs(0, "arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if sf.config == "" {
				return usagef("observe: --config is required")
			}
			cfg, err := config.Load(sf.config)
			if err != nil {
				return usageError{err}
			}
			if err := cfg.CheckObserve(); err != nil {
				return usageError{err}
			}
			if err := applyMemoryLimit(); err != nil {
				return err
			}
			days, err := observeDays(cfg, date, from, to)
			if err != nil {
				return err
			}
			st, err := sf.open()
			if err != nil {
				return err
			}
			defer st.Close()
			prog := newProgress(cmd.ErrOrStderr())
			opt := observatory.Options{Log: slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))}
			if quiet {
				opt.Log = nil
			}
			if cacheDir == "" {
				cacheDir = filepath.Join(filepath.Dir(sf.path), "cache")
			}
			opt.Fetcher = observatory.NewFetcher(cacheDir)
			w := bufferedOut(cmd)
			partial := 0
			for _, day := range days {
				d := day.Format("2006-01-02")
				opt.Progress = func(s string) { prog.tick(func() string { return "observe " + d + ": " + s }) }
				start := time.Now()
				res, err := observatory.Ingest(context.Background(), st, cfg, day, opt)
				prog.done()
				if err != nil {
					return err
				}
				// Tenants' outputs get the day's events as soon as it is stored,
				// so that a scheduled observe alone alerts.
				if n, err := deliverDay(context.Background(), cfg, st, sf.path, day, opt.Log); err != nil {
					return err
				} else if n > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "manrs: observe %s: %d deliveries failed; see %s\n", d, n, deliveryLogPath(sf.path))
				}
				if res.Partial {
					partial++
				}
				summary := daySummary(res, time.Since(start))
				if asJSON {
					json.NewEncoder(w).Encode(summary)
				} else {
					fmt.Fprintf(w, "%s: %d ASes, %d incidents, %d measurements", d, summary.ASes, summary.Incidents, summary.Measurements)
					if res.Partial {
						fmt.Fprintf(w, "; partial: %d inputs missing or corrupt", len(res.Reasons))
					}
					fmt.Fprintf(w, " (%.1f s)\n", summary.Seconds)
				}
				w.Flush()
			}
			if !asJSON {
				fmt.Fprintf(w, "stored in %s\n", sf.path)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if partial > 0 {
				return partialError{fmt.Errorf("observe: %s partial; see the reasons above and in the store", plural(partial, "day"))}
			}
			return nil
		},
	}
	sf.register(cmd, "the configuration: sources and observatory settings (required)")
	f := cmd.Flags()
	f.StringVar(&date, "date", "", "the day to observe, YYYY-MM-DD (UTC)")
	f.StringVar(&from, "from", "", "the first day of a range to observe")
	f.StringVar(&to, "to", "", "the last day of a range (default: --from)")
	f.StringVar(&cacheDir, "cache", "", "where inputs fetched by URL are kept (default: cache/ beside the store)")
	f.BoolVar(&asJSON, "json", false, "print one JSON object per day")
	f.BoolVar(&quiet, "quiet", false, "do not log each input fault (the day still records them)")
	applyMemoryLimit = memoryLimitFlag(cmd)
	return cmd
}

// observeDays works out the days to observe from the flags.
func observeDays(cfg *config.Config, date, from, to string) ([]time.Time, error) {
	var first, last time.Time
	var err error
	switch {
	case date != "" && (from != "" || to != ""):
		return nil, usagef("observe: --date and --from/--to exclude each other")
	case date != "":
		if first, err = parseDate("date", date); err != nil {
			return nil, err
		}
		last = first
	case from != "":
		if first, err = parseDate("from", from); err != nil {
			return nil, err
		}
		last = first
		if to != "" {
			if last, err = parseDate("to", to); err != nil {
				return nil, err
			}
		}
	case to != "":
		return nil, usagef("observe: --to needs --from")
	case cfg.World != nil:
		if first, err = parseDate("world start", cfg.World.Start); err != nil {
			return nil, err
		}
		last = first.AddDate(0, 0, max(cfg.World.Days, 1)-1)
	default:
		first = time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
		last = first
	}
	if last.Before(first) {
		return nil, usagef("observe: --to is before --from")
	}
	var days []time.Time
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		days = append(days, d)
	}
	if len(days) > 3660 {
		return nil, usagef("observe: %d days is more than ten years", len(days))
	}
	return days, nil
}

// dayOutput is the summary of an observed day.
type dayOutput struct {
	Date         string   `json:"date"`
	ASes         int      `json:"ases"`
	Incidents    int      `json:"incidents"`
	Measurements int      `json:"measurements"`
	Prefixes     int      `json:"prefixes"`
	Partial      bool     `json:"partial"`
	Reasons      []string `json:"reasons,omitempty"`
	Seconds      float64  `json:"seconds"`
}

func daySummary(d *incident.Day, took time.Duration) dayOutput {
	n := 0
	for _, ps := range d.Prefixes {
		n += len(ps)
	}
	return dayOutput{Date: d.Date.Format("2006-01-02"), ASes: len(d.ASes), Incidents: len(d.Incidents), Measurements: len(d.Measurements),
		Prefixes: n, Partial: d.Partial, Reasons: d.Reasons, Seconds: took.Seconds()}
}
