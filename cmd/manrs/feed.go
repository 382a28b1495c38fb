package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/deliver"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/taxii"
)

func newFeedCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "feed",
		Short: "Check and set up the tenants' feeds (TAXII, syslog, webhook, e-mail)",
		Long: `Tools for the feeds that manrs serve and manrs observe deliver to the tenants
of the configuration (docs/feeds.md): send a test event through a tenant's
outputs, or hash a TAXII password for the configuration file.`,
	}
	cmd.AddCommand(newFeedTestCmd(), newFeedHashCmd())
	return cmd
}

// feedResult is the outcome of a test of one output.
type feedResult struct {
	Output string `json:"output"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// feedTestTimeout bounds the test of all of a tenant's outputs.
const feedTestTimeout = time.Minute

func newFeedTestCmd() *cobra.Command {
	var (
		cfgFile string
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "test TENANT --config FILE [--json]",
		Short: "Send a test event through every output of a tenant",
		Long: `Send one test event (a route leak in documentation address space, RFC 5737,
by a documentation AS, RFC 5398) through every push output of the tenant:
syslog, webhook and e-mail, one attempt each, and check that its TAXII
credentials are usable. Each output's result is printed: ok, or the error.
Test events are not written to the delivery log.

Exit status: 0 when every output worked, 1 when one failed, 2 for a bad
configuration or an unknown tenant.`,
		Example: `  manrs feed test acme --config /etc/manrs/manrs.yaml
  manrs feed test acme --config manrs.yaml --json`,
		Args: exactArgs(1, "argument (the tenant)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cfgFile == "" {
				return usagef("feed test: --config is required")
			}
			cfg, err := config.Load(cfgFile)
			if err != nil {
				return usageError{err}
			}
			i := slices.IndexFunc(cfg.Tenants, func(t config.Tenant) bool { return t.Name == args[0] })
			if i < 0 {
				var names []string
				for _, t := range cfg.Tenants {
					names = append(names, t.Name)
				}
				return usagef("feed test: no tenant %q in %s (tenants: %s)", args[0], cfgFile, strings.Join(names, ", "))
			}
			t := &cfg.Tenants[i]
			ctx, cancel := context.WithTimeout(cmd.Context(), feedTestTimeout)
			defer cancel()
			ev := deliver.TestEvent(t.Name, time.Now())
			results := testOutputs(ctx, t, cfg.Dir, ev)
			w := bufferedOut(cmd)
			failed := 0
			for _, r := range results {
				if !r.OK {
					failed++
				}
			}
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				enc.Encode(map[string]any{"tenant": t.Name, "event_id": ev.ID, "ok": failed == 0, "results": results})
			} else {
				fmt.Fprintf(w, "tenant %s, test event %s\n", t.Name, ev.ID)
				for _, r := range results {
					switch {
					case !r.OK:
						fmt.Fprintf(w, "%-8s error: %s\n", r.Output, r.Error)
					case r.Detail != "":
						fmt.Fprintf(w, "%-8s ok (%s)\n", r.Output, r.Detail)
					default:
						fmt.Fprintf(w, "%-8s ok\n", r.Output)
					}
				}
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if failed > 0 {
				if !asJSON {
					fmt.Fprintf(cmd.ErrOrStderr(), "manrs: feed test: %s of %s failed\n", plural(failed, "output"), t.Name)
				}
				return errNo
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cfgFile, "config", "", "the configuration with the tenants (required)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON")
	return cmd
}

// testOutputs checks a tenant's TAXII credentials and sends ev through
// each push output once.
func testOutputs(ctx context.Context, t *config.Tenant, dir string, ev *deliver.Event) []feedResult {
	var out []feedResult
	tx := feedResult{Output: "taxii", OK: true, Detail: "collection " + t.Collection()}
	if _, err := deliver.TAXIITenants([]config.Tenant{*t}, nil); err != nil {
		tx.OK, tx.Error, tx.Detail = false, err.Error(), ""
	} else if t.PasswordHash == "" && t.PasswordEnv == "" {
		tx.Detail = "no password: no TAXII access"
	}
	out = append(out, tx)
	outs, err := deliver.Outputs(t, dir, nil)
	if err != nil {
		return append(out, feedResult{Output: "outputs", Error: err.Error()})
	}
	for _, o := range outs {
		r := feedResult{Output: o.Name(), OK: true}
		if err := o.Send(ctx, t.Name, ev, deliver.DeliveryID(t.Name, o.Name(), ev.ID)); err != nil {
			r.OK, r.Error = false, err.Error()
		}
		out = append(out, r)
	}
	return out
}

func newFeedHashCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "hash-password",
		Short: "Hash a TAXII password read from standard input, for password_hash",
		Long: `Read a password from the first line of standard input and print its hash
(PBKDF2-SHA256, RFC 8018, 600,000 iterations, random salt) in the form a
tenant's password_hash takes. The password never appears on the command line.`,
		Example: `  printf '%s\n' "$PASSWORD" | manrs feed hash-password`,
		Args:    exactArgs(0, "arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			line, err := bufio.NewReader(io.LimitReader(cmd.InOrStdin(), 4096)).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			pw := strings.TrimRight(line, "\r\n")
			if pw == "" {
				return usagef("feed hash-password: no password on standard input")
			}
			h, err := taxii.HashPassword(pw)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), h)
			return nil
		},
	}
}

// deliveryLogPath is the delivery log beside a store.
func deliveryLogPath(storePath string) string {
	return filepath.Join(filepath.Dir(storePath), deliver.LogName)
}

// deliverDay pushes the events of a stored day to the outputs of the
// configuration's tenants (manrs observe, right after storing the day),
// and returns how many deliveries failed; they are in the delivery log,
// and manrs serve delivers them again when it starts.
func deliverDay(ctx context.Context, cfg *config.Config, st store.Store, storePath string, day time.Time, logger *slog.Logger) (int, error) {
	if len(cfg.Tenants) == 0 {
		return 0, nil
	}
	dlog, err := deliver.OpenLog(deliveryLogPath(storePath))
	if err != nil {
		return 0, err
	}
	defer dlog.Close()
	svc, err := deliver.NewService(st, cfg.Tenants, cfg.Observatory.DefaultPolicy, cfg.Dir, nil, dlog, nil, logger)
	if err != nil {
		return 0, err
	}
	res, err := svc.DeliverDay(ctx, day)
	failed := 0
	for _, r := range res {
		if !r.OK() {
			failed++
		}
	}
	return failed, err
}

// demoTenant is the tenant of manrs serve --demo: password "demo", owning
// the ASes with the most incidents in the demo world and their
// prefixes, and watching the providers charged for their customers'
// incidents; it has no push outputs.
func demoTenant(ctx context.Context, st store.Store) (config.Tenant, error) {
	t := config.Tenant{Name: "demo"}
	h, err := taxii.HashPassword("demo")
	if err != nil {
		return t, err
	}
	t.PasswordHash = h
	ins, err := st.Incidents(ctx, store.Query{})
	if err != nil {
		return t, fmt.Errorf("demo tenant: %w", err)
	}
	count := map[bgp.ASN]int{}
	for _, in := range ins {
		count[in.Culprit]++
	}
	var asns []bgp.ASN
	for a := range count {
		asns = append(asns, a)
	}
	slices.SortFunc(asns, func(a, b bgp.ASN) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return int(a) - int(b)
	})
	if len(asns) > demoTenantASes {
		asns = asns[:demoTenantASes]
	}
	t.ASNs = asns
	for _, in := range ins {
		if !slices.Contains(asns, in.Culprit) {
			continue
		}
		for _, p := range in.Prefixes {
			if len(t.Prefixes) < demoTenantPrefixes && !slices.Contains(t.Prefixes, p) {
				t.Prefixes = append(t.Prefixes, p)
			}
		}
		if in.ASN != in.Culprit && !slices.Contains(t.Providers, in.ASN) && len(t.Providers) < demoTenantASes {
			t.Providers = append(t.Providers, in.ASN)
		}
	}
	if len(t.ASNs)+len(t.Prefixes)+len(t.Providers) == 0 {
		t.ASNs = []bgp.ASN{64496} // a documentation AS: an empty but valid tenant
	}
	return t, nil
}

// The size of the demo tenant.
const (
	demoTenantASes     = 3
	demoTenantPrefixes = 8
)

// pollInterval is how often manrs serve looks for days that manrs
// observe stored.
var pollInterval = time.Minute

// openDeliveries opens the delivery log and makes the delivery service
// of manrs serve and its TAXII handler. The caller starts the service
// (Service.Start: the stored days the collections lack, what an earlier
// process left undelivered), which may take minutes on a large store:
// TAXII serves the collections as they are meanwhile.
func openDeliveries(ctx context.Context, st store.Store, tenants []config.Tenant, feeds config.Feeds, policy, dir, logPath string, logger *slog.Logger) (*deliver.Service, *taxii.Server, func(), error) {
	dlog, err := deliver.OpenLog(logPath)
	if err != nil {
		return nil, nil, nil, err
	}
	feed := deliver.NewFeed(st, tenants, policy)
	feed.Retention = feeds.Retention()
	svc, err := deliver.NewService(st, tenants, policy, dir, nil, dlog, feed, logger)
	if err != nil {
		dlog.Close()
		return nil, nil, nil, usageError{err}
	}
	tts, err := deliver.TAXIITenants(tenants, nil)
	if err != nil {
		dlog.Close()
		return nil, nil, nil, usageError{err}
	}
	tx, err := taxii.New(taxii.Config{Tenants: tts, Store: feed.Collections, Logger: logger})
	if err != nil {
		dlog.Close()
		return nil, nil, nil, err
	}
	return svc, tx, func() { dlog.Close() }, nil
}
