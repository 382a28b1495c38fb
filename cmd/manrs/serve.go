package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/observatory"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/store/sqlite"
	"github.com/manrs/manrs/internal/taxii"
	"github.com/manrs/manrs/internal/web"
	"github.com/manrs/manrs/internal/world"
)

// Demo data set: a small generated world observed for long enough that
// 30-day verdicts and lapses show.
const (
	demoDays  = 42
	demoSeed  = 1
	demoScale = "small"
)

// maxDemoDays bounds --demo-days: the world's update files grow with it.
const maxDemoDays = 400

func newServeCmd() *cobra.Command {
	var (
		sf               storeFlags
		listen           string
		demo             bool
		days             int
		logFormat, level string
		tlsCert, tlsKey  string
	)
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--store PATH] [--config FILE] [--tls-cert FILE --tls-key FILE] [--demo]",
		Short: "Serve the dashboard and the JSON API of the observatory",
		Long: `Serve, on one HTTP port, the dashboard (/, and /as/ASN for each AS: readiness
per action, 30-day and 12-month charts, incidents with their evidence, the
prefixes behind M7), the JSON API under /api/v1/ (docs/api.md), Prometheus
metrics at /metrics and a health check at /healthz. The store is read as
manrs observe writes it; requests are logged as structured lines on stderr.

With --demo, a demo data set is built first in a temporary directory: a small
generated world of 42 days (--demo-days) observed day by day into a fresh
store, so that 30-day verdicts and lapses show. The store and the world are
removed on exit.

With tenants in the configuration (docs/feeds.md), TAXII 2.1 is served at
/taxii2/ too: each tenant reads, with HTTP Basic, its collection and the public
one, filled from the stored days in the background once the server is up.
Every minute the store is polled for days that manrs observe added; their
events go into the collections and to each tenant's syslog, webhook and
e-mail outputs, recorded in deliveries.jsonl beside the store. TAXII needs TLS (--tls-cert and --tls-key)
unless the listener is a loopback address. With --demo, a tenant "demo"
(password "demo") owns some of the demo world's ASes and prefixes, and the
tenants of --config, if given, have every demo day's events pushed to their
outputs once the server is up, as if manrs observe had just stored each.`,
		Example: `  manrs serve --demo
  manrs serve --demo --config soc-tenant.yaml
  manrs serve --store /var/lib/manrs/manrs.db --listen :8080
  manrs serve --config manrs.yaml --listen :8443 --tls-cert cert.pem --tls-key key.pem`,
		Args: exactArgs(0, "arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			logger, err := newLogger(cmd.ErrOrStderr(), logFormat, level)
			if err != nil {
				return err
			}
			o, err := sf.observatoryConfig()
			if err != nil {
				return err
			}
			var tenants []config.Tenant
			cfgDir := ""
			feeds := config.Feeds{RetentionDays: config.DefaultFeedRetentionDays}
			if sf.config != "" {
				c, err := config.Load(sf.config)
				if err != nil {
					return usageError{err}
				}
				tenants, cfgDir, feeds = c.Tenants, c.Dir, c.Feeds
			}
			if (tlsCert == "") != (tlsKey == "") {
				return usagef("serve: --tls-cert and --tls-key go together")
			}
			if days < 1 || days > maxDemoDays {
				return usagef("serve: --demo-days %d: want 1 to %d", days, maxDemoDays)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var st store.Store
			logPath := deliveryLogPath(sf.path)
			if demo {
				dir, err := os.MkdirTemp("", "manrs-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				if st, err = buildDemo(ctx, dir, days, cmd.ErrOrStderr(), logger); err != nil {
					return err
				}
				logPath = deliveryLogPath(filepath.Join(dir, "manrs.db"))
				dt, err := demoTenant(ctx, st)
				if err != nil {
					st.Close()
					return err
				}
				tenants = append(tenants, dt)
			} else if st, err = sf.open(); err != nil {
				return err
			}
			defer st.Close()
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			ws := web.New(st, o, logger)
			if len(tenants) > 0 {
				svc, tx, closeLog, err := openDeliveries(ctx, st, tenants, feeds, o.DefaultPolicy, cfgDir, logPath, logger)
				if err != nil {
					ln.Close()
					return err
				}
				defer closeLog()
				ws.Mount(taxii.Prefix, taxiiGuard(tx, tlsCert != "" || isLoopback(ln.Addr())))
				rctx, rcancel := context.WithCancel(ctx)
				runDone := make(chan struct{})
				go func() {
					// The collections catch up in the background: the
					// dashboard, and TAXII with what is stored, serve
					// meanwhile.
					started := time.Now()
					if err := svc.Start(rctx); err != nil {
						logger.Error("feeds: catching up with the stored days", "error", err)
					} else {
						logger.Info("feeds caught up with the stored days", "took", time.Since(started).Round(time.Millisecond).String())
					}
					if demo {
						// The demo's days were all stored before
						// the outputs existed: push them now.
						if _, err := svc.Backfill(rctx); err != nil {
							logger.Error("deliver the demo days", "error", err)
						}
					}
					svc.Run(rctx, pollInterval)
					close(runDone)
				}()
				defer func() { rcancel(); <-runDone }() // before the log closes
				logger.Info("TAXII 2.1", "tenants", len(tenants), "tls", tlsCert != "")
			}
			srv := &http.Server{Handler: ws, ReadHeaderTimeout: 10 * time.Second}
			scheme := "http"
			if tlsCert != "" {
				scheme = "https"
			}
			logger.Info("serving", "url", scheme+"://"+ln.Addr().String()+"/", "store", storeName(demo, sf.path))
			fmt.Fprintf(cmd.ErrOrStderr(), "manrs: serving %s://%s/\n", scheme, ln.Addr())
			errc := make(chan error, 1)
			go func() {
				if tlsCert != "" {
					errc <- srv.ServeTLS(ln, tlsCert, tlsKey)
					return
				}
				errc <- srv.Serve(ln)
			}()
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			logger.Info("shutting down")
			if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	sf.register(cmd, "configuration with observatory settings (bands, policies); defaults without")
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "localhost:8080", "address to serve HTTP on")
	f.BoolVar(&demo, "demo", false, "build and serve the demo data set, with the TAXII tenant demo")
	f.IntVar(&days, "demo-days", demoDays, "days of the demo world to observe (fewer start sooner; 30-day verdicts need 30)")
	f.StringVar(&tlsCert, "tls-cert", "", "PEM certificate (chain) to serve HTTPS with")
	f.StringVar(&tlsKey, "tls-key", "", "PEM private key of --tls-cert")
	f.StringVar(&logFormat, "log.format", "text", "log format: text or json")
	f.StringVar(&level, "log.level", "info", "log level: debug, info, warn or error")
	return cmd
}

// isLoopback reports whether a listener's address is a loopback one.
func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// taxiiGuard serves TAXII when the connection is safe for HTTP Basic
// (TLS, or a loopback listener), and refuses it otherwise: a password
// must not cross a network in the clear.
func taxiiGuard(h http.Handler, plainOK bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil && !plainOK {
			w.Header().Set("Content-Type", taxii.MediaType)
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(map[string]string{"title": "TLS required",
				"description": "TAXII is served over HTTPS only (manrs serve --tls-cert, --tls-key)", "http_status": "403"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

func storeName(demo bool, path string) string {
	if demo {
		return "demo"
	}
	return path
}

// newLogger makes the structured logger of a server.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log.level %q: debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log.format %q: text or json", format)
}

// buildDemo generates the demo world in dir and observes every day of it
// into a store there.
func buildDemo(ctx context.Context, dir string, days int, stderr io.Writer, logger *slog.Logger) (store.Store, error) {
	prog := newProgress(stderr)
	defer prog.done()
	sc, _ := world.ParseScale(demoScale)
	wdir := filepath.Join(dir, "world")
	opt := world.Options{Seed: demoSeed, Scale: sc, Days: days, Out: wdir, UpdateInterval: time.Hour,
		Progress: func(s string) { prog.tick(func() string { return "demo: generating the world: " + s }) }}
	logger.Info("building the demo", "scale", demoScale, "days", days, "dir", dir)
	start := time.Now()
	if _, err := world.Generate(opt); err != nil {
		return nil, err
	}
	cfg, err := config.Load(filepath.Join(wdir, "sources.yaml"))
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(filepath.Join(dir, "manrs.db"))
	if err != nil {
		return nil, err
	}
	for i := range days {
		if err := ctx.Err(); err != nil {
			st.Close()
			return nil, err
		}
		day := world.DefaultStart.AddDate(0, 0, i)
		msg := fmt.Sprintf("demo: observing day %d of %d", i+1, days)
		if _, err := observatory.Ingest(ctx, st, cfg, day, observatory.Options{
			Progress: func(s string) { prog.tick(func() string { return msg + ": " + s }) },
		}); err != nil {
			st.Close()
			return nil, err
		}
	}
	logger.Info("demo ready", "days", days, "took", time.Since(start).Round(time.Second).String())
	return st, nil
}
