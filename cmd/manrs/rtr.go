package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/binary"
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
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/rpki"
	"github.com/manrs/manrs/internal/rtr"
)

// Defaults of manrs rtr.
const (
	// defaultRTRListen is the RTR address; 3323 is the unprivileged
	// counterpart of the IANA port 323 (RFC 8210 section 9).
	defaultRTRListen = "localhost:3323"
	// defaultRTRRefresh is how often the sources are read again.
	defaultRTRRefresh = 10 * time.Minute
	// defaultMaxDrop is the largest fall in the VRP count accepted from
	// one refresh to the next, as a fraction of the count.
	defaultMaxDrop = 0.5
	// defaultFetchTimeout bounds the fetch of one URL source.
	defaultFetchTimeout = 5 * time.Minute
	// defaultDumpTimeout bounds each read of manrs rtr dump.
	defaultDumpTimeout = 30 * time.Second
)

func newRTRCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rtr",
		Short: "Serve VRPs and ASPAs to routers over RPKI-to-Router, or dump a cache",
		Long: `The rtr commands speak the RPKI-to-Router protocol (RFC 6810, RFC 8210 and
draft-ietf-sidrops-8210bis for version 2 with ASPA): serve runs a cache that
routers connect to, dump reads the full set from a cache.`,
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return cmd.Help()
	}
	cmd.AddCommand(newRTRServeCmd(), newRTRDumpCmd())
	return cmd
}

// rtrSource loads the set to serve: every --vrps source merged, then the
// SLURM files applied.
type rtrSource struct {
	vrps   []string
	slurms []string
	client *http.Client
}

func isURL(s string) bool { return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") }

func (src *rtrSource) load(ctx context.Context, stderr io.Writer) (*rpki.Set, error) {
	all := &rpki.Set{}
	for _, name := range src.vrps {
		s, st, err := src.loadOne(ctx, name)
		if err != nil {
			return nil, err
		}
		if n := st.SkippedTotal(); n > 0 {
			fmt.Fprintf(stderr, "manrs: %s: skipped %d bad records: %s\n", name, n, st.SkipSummary())
		}
		all.Merge(s)
	}
	all.Dedup()
	var files []*rpki.SLURM
	for _, name := range src.slurms {
		f, err := parseSLURMFile(name)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if err := all.ApplySLURM(files...); err != nil {
		return nil, err
	}
	return all, nil
}

func (src *rtrSource) loadOne(ctx context.Context, name string) (*rpki.Set, rpki.Stats, error) {
	if !isURL(name) {
		return loadVRPFile(nil, name, rpki.LoadOptions{})
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, name, nil)
	if err != nil {
		return nil, rpki.Stats{}, err
	}
	req.Header.Set("User-Agent", "manrs")
	resp, err := src.client.Do(req)
	if err != nil {
		return nil, rpki.Stats{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, rpki.Stats{}, fmt.Errorf("%s: %s", name, resp.Status)
	}
	r, _, err := decompress.NewReader(resp.Body)
	if err != nil {
		return nil, rpki.Stats{}, fmt.Errorf("%s: %w", name, err)
	}
	defer r.Close()
	return rpki.Load(r, name, rpki.LoadOptions{})
}

// rtrState is what the HTTP side and the exporter read.
type rtrState struct {
	mu          sync.Mutex
	lastRefresh time.Time
	lastResult  string
	lastError   string
}

func newRTRServeCmd() *cobra.Command {
	var (
		src                     rtrSource
		listen, listenTLS       string
		tlsCert, tlsKey         string
		metricsAddr, exportDir  string
		refresh                 time.Duration
		maxDrop                 float64
		maxClients, history     int
		rtrRefresh, rtrRetry    time.Duration
		rtrExpire, writeTimeout time.Duration
		logFormat, level        string
	)
	cmd := &cobra.Command{
		Use:   "serve --vrps URL|FILE [--vrps ...] [--slurm FILE] [--listen ADDR] [--metrics ADDR]",
		Short: "Run an RPKI-to-Router cache serving VRPs and ASPAs to routers",
		Long: `serve loads VRPs and ASPAs from validator exports (files or http(s) URLs, in
any format manrs vrps convert reads), applies SLURM files, and serves them to
routers over the RPKI-to-Router protocol, versions 0, 1 and 2; ASPAs go to
version 2 sessions only.

The sources are read again every --refresh (and on SIGHUP). A change gets a
new serial, a Serial Notify to every router, and a delta in the history
that Serial Queries are answered from. A refresh that fails, or whose VRP
count is lower than the last by more than --max-drop, keeps the last good
set; both are logged and counted.

With --metrics, an HTTP server on that address serves Prometheus metrics at
/metrics, the current set at /json, /csv, /openbgpd, /bird2 and /rpsl, and
the state at /status. With --export, those formats are also written to
DIR after each change, each to a temporary file renamed into place.`,
		Example: `  manrs rtr serve --vrps /var/db/rpki-client/json --listen 127.0.0.1:3323 --metrics 127.0.0.1:9556
  manrs rtr serve --vrps https://rpki.example.net/vrps.json --slurm local.json --refresh 5m`,
		Args: exactArgs(0, "arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			logger, err := newLogger(cmd.ErrOrStderr(), logFormat, level)
			if err != nil {
				return err
			}
			if len(src.vrps) == 0 {
				return usagef("rtr serve: --vrps is required")
			}
			if maxDrop < 0 || maxDrop > 1 {
				return usagef("rtr serve: --max-drop %g: want 0..1", maxDrop)
			}
			if (tlsCert == "") != (tlsKey == "") || (listenTLS != "") != (tlsCert != "") {
				return usagef("rtr serve: --listen-tls, --tls-cert and --tls-key go together")
			}
			if refresh <= 0 {
				return usagef("rtr serve: --refresh must be positive")
			}
			src.client = &http.Client{Timeout: defaultFetchTimeout}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			// Registered before the sources are loaded, so that a SIGHUP
			// during start-up asks for a reload instead of ending the
			// process; it is handled once the listeners are up.
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)

			reg := prometheus.NewRegistry()
			reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
			metrics := rtr.NewMetrics(reg)
			srv := rtr.NewServer(rtr.Config{
				Timers:       rtr.Timers{Refresh: seconds(rtrRefresh), Retry: seconds(rtrRetry), Expire: seconds(rtrExpire)},
				History:      history,
				MaxClients:   maxClients,
				WriteTimeout: writeTimeout,
				Logger:       logger,
				Metrics:      metrics,
			})
			state := &rtrState{}
			start := time.Now()
			set, err := src.load(ctx, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			srv.Update(set)
			metrics.ObserveRefresh(float64(time.Now().Unix()), "updated")
			state.lastRefresh, state.lastResult = time.Now(), "updated"
			logger.Info("loaded", "vrps", len(set.VRPs), "aspas", len(set.ASPAs), "session", srv.SessionID(), "took", time.Since(start).Round(time.Millisecond))
			if err := export(exportDir, set); err != nil {
				return err
			}

			var lns []net.Listener
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			lns = append(lns, ln)
			if listenTLS != "" {
				cert, err := tls.LoadX509KeyPair(tlsCert, tlsKey)
				if err != nil {
					return err
				}
				tln, err := tls.Listen("tcp", listenTLS, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
				if err != nil {
					return err
				}
				lns = append(lns, tln)
			}
			errc := make(chan error, 4)
			for _, l := range lns {
				logger.Info("serving RTR", "addr", l.Addr().String())
				fmt.Fprintf(cmd.ErrOrStderr(), "manrs: rtr: serving %s\n", l.Addr())
				go func() { errc <- srv.Serve(l) }()
			}
			var hs *http.Server
			if metricsAddr != "" {
				mln, err := net.Listen("tcp", metricsAddr)
				if err != nil {
					return err
				}
				hs = &http.Server{Handler: rtrHTTP(srv, state, reg), ReadHeaderTimeout: 10 * time.Second}
				logger.Info("serving HTTP", "url", "http://"+mln.Addr().String()+"/metrics")
				go func() {
					if err := hs.Serve(mln); !errors.Is(err, http.ErrServerClosed) {
						errc <- err
					}
				}()
			}

			tick := time.NewTicker(refresh)
			defer tick.Stop()
			for {
				select {
				case err := <-errc:
					if err != nil {
						return err
					}
				case <-ctx.Done():
					logger.Info("shutting down")
					sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					if hs != nil {
						_ = hs.Shutdown(sctx)
					}
					return srv.Shutdown(sctx)
				case <-hup:
					refreshRTR(ctx, &src, srv, metrics, state, maxDrop, exportDir, logger, cmd.ErrOrStderr())
				case <-tick.C:
					refreshRTR(ctx, &src, srv, metrics, state, maxDrop, exportDir, logger, cmd.ErrOrStderr())
				}
			}
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&src.vrps, "vrps", nil, "load VRPs and ASPAs from `URL|FILE` (JSON or CSV, maybe compressed); repeatable")
	f.StringArrayVar(&src.slurms, "slurm", nil, "apply the SLURM file `FILE` (RFC 8416); repeatable")
	f.StringVar(&listen, "listen", defaultRTRListen, "address to serve RTR on (plain TCP)")
	f.StringVar(&listenTLS, "listen-tls", "", "address to serve RTR over TLS on (RFC 8210 section 9.2); needs --tls-cert and --tls-key")
	f.StringVar(&tlsCert, "tls-cert", "", "TLS certificate `FILE` (PEM)")
	f.StringVar(&tlsKey, "tls-key", "", "TLS private key `FILE` (PEM)")
	f.StringVar(&metricsAddr, "metrics", "", "address of the HTTP server of metrics and exports (off if empty)")
	f.StringVar(&exportDir, "export", "", "write the set in every format to `DIR` after each change")
	f.DurationVar(&refresh, "refresh", defaultRTRRefresh, "how often to read the sources again")
	f.Float64Var(&maxDrop, "max-drop", defaultMaxDrop, "keep the last set when a refresh loses more than this fraction of its VRPs")
	f.IntVar(&maxClients, "max-clients", rtr.DefaultMaxClients, "most routers served at once")
	f.IntVar(&history, "history", rtr.DefaultHistory, "deltas kept for Serial Queries")
	f.DurationVar(&rtrRefresh, "rtr.refresh", rtr.DefaultRefresh*time.Second, "refresh interval sent to routers (End of Data)")
	f.DurationVar(&rtrRetry, "rtr.retry", rtr.DefaultRetry*time.Second, "retry interval sent to routers")
	f.DurationVar(&rtrExpire, "rtr.expire", rtr.DefaultExpire*time.Second, "expire interval sent to routers")
	f.DurationVar(&writeTimeout, "write-timeout", rtr.DefaultWriteTimeout, "drop a router whose socket accepts nothing for this long")
	f.StringVar(&logFormat, "log.format", "text", "log format: text or json")
	f.StringVar(&level, "log.level", "info", "log level: debug, info, warn or error")
	return cmd
}

func seconds(d time.Duration) uint32 { return uint32(d / time.Second) }

// refreshRTR reloads the sources and updates the server, keeping the last
// good set when the load fails or loses more than maxDrop of the VRPs.
func refreshRTR(ctx context.Context, src *rtrSource, srv *rtr.Server, m *rtr.Metrics, state *rtrState,
	maxDrop float64, exportDir string, logger *slog.Logger, stderr io.Writer) {
	now := time.Now()
	result, msg := "updated", ""
	set, err := src.load(ctx, stderr)
	old, _ := srv.Current()
	switch {
	case err != nil:
		result, msg = "failed", err.Error()
		logger.Error("refresh failed, keeping the last good set", "err", err)
	case old != nil && float64(len(set.VRPs)) < float64(len(old.VRPs))*(1-maxDrop):
		result = "dropped"
		msg = fmt.Sprintf("VRPs fell from %d to %d, more than --max-drop %g", len(old.VRPs), len(set.VRPs), maxDrop)
		logger.Error("refresh rejected, keeping the last good set", "reason", msg)
	default:
		serial, changed := srv.Update(set)
		if !changed {
			result = "unchanged"
		} else if err := export(exportDir, set); err != nil {
			logger.Error("export failed", "dir", exportDir, "err", err)
		}
		logger.Info("refreshed", "result", result, "serial", serial, "vrps", len(set.VRPs), "aspas", len(set.ASPAs))
	}
	m.ObserveRefresh(float64(now.Unix()), result)
	state.mu.Lock()
	state.lastRefresh, state.lastResult, state.lastError = now, result, msg
	state.mu.Unlock()
}

// export writes the set in every output format into dir, atomically.
func export(dir string, set *rpki.Set) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	opts := rpki.WriteOptions{Time: exportTime(set)}
	for _, o := range rpki.Outputs() {
		path := filepath.Join(dir, o.Name)
		if err := writeOutput(nil, path, func(w io.Writer) error { return o.Write(w, set, opts) }); err != nil {
			return fmt.Errorf("export %s: %w", path, err)
		}
	}
	return nil
}

func exportTime(set *rpki.Set) time.Time {
	if !set.Metadata.BuildTime.IsZero() {
		return set.Metadata.BuildTime
	}
	return time.Now().UTC().Truncate(time.Second)
}

// rtrHTTP serves metrics, the current set in every output format, and
// the state.
func rtrHTTP(srv *rtr.Server, state *rtrState, reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	for _, o := range rpki.Outputs() {
		mux.HandleFunc("GET /"+o.Name, func(w http.ResponseWriter, r *http.Request) {
			set, _ := srv.Current()
			if set == nil {
				http.Error(w, "no data yet", http.StatusServiceUnavailable)
				return
			}
			ct := "text/plain; charset=utf-8"
			if o.Name == "json" {
				ct = "application/json"
			}
			w.Header().Set("Content-Type", ct)
			_ = o.Write(w, set, rpki.WriteOptions{Time: exportTime(set)})
		})
	}
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		set, serial := srv.Current()
		state.mu.Lock()
		st := map[string]any{
			"session_id": srv.SessionID(), "serial": serial, "clients": srv.Clients(),
			"last_refresh": state.lastRefresh.UTC().Format(time.RFC3339), "last_refresh_result": state.lastResult,
		}
		if state.lastError != "" {
			st["last_refresh_error"] = state.lastError
		}
		state.mu.Unlock()
		if set != nil {
			st["vrps"], st["aspas"] = len(set.VRPs), len(set.ASPAs)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(st)
	})
	return mux
}

func newRTRDumpCmd() *cobra.Command {
	var (
		version int
		format  string
		asJSON  bool
		timeout time.Duration
		bench   benchOptions
	)
	cmd := &cobra.Command{
		Use:   "dump HOST:PORT [--version 0|1|2] [--format json|csv]",
		Short: "Read the full set from an RTR cache and print it",
		Long: `dump connects to an RPKI-to-Router cache, sends a Reset Query in --version
(going down to the version the cache offers if it refuses, RFC 8210 section
7), reads the VRPs and ASPAs up to End of Data and prints them in
rpki-client's JSON (the default) or CSV. ASPAs come only with version 2.

The exit status is 1 when the connection fails or the cache breaks the
protocol; the cache then gets the Error Report the RFC asks for.`,
		Example: `  manrs rtr dump 127.0.0.1:3323
  manrs rtr dump --version 1 --format csv rtr.example.net:323`,
		Args: exactArgs(1, "HOST:PORT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if version < 0 || version > int(rtr.MaxVersion) {
				return usagef("rtr dump: --version %d: want 0, 1 or 2", version)
			}
			if asJSON {
				format = "json"
			}
			if format != "json" && format != "csv" {
				return usagef("rtr dump: --format %q: want json or csv", format)
			}
			out, _ := rpki.LookupOutput(format)
			if bench.clients > 0 {
				return benchDump(cmd, args[0], rtr.Version(version), timeout, bench)
			}
			res, err := rtr.Dial(cmd.Context(), args[0], rtr.Version(version), timeout)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "manrs: rtr dump: version %d, session %d, serial %d: %d VRPs, %d ASPAs\n",
				res.Version, res.SessionID, res.Serial, len(res.Set.VRPs), len(res.Set.ASPAs))
			w := bufferedOut(cmd)
			if err := out.Write(w, res.Set, rpki.WriteOptions{Time: exportTime(res.Set)}); err != nil {
				return err
			}
			return w.Flush()
		},
	}
	f := cmd.Flags()
	f.IntVar(&version, "version", int(rtr.MaxVersion), "RTR protocol version to ask for: 0, 1 or 2")
	f.StringVar(&format, "format", "json", "output format: json or csv")
	f.BoolVar(&asJSON, "json", false, "same as --format json")
	f.DurationVar(&timeout, "timeout", defaultDumpTimeout, "how long to wait for each read")
	f.IntVar(&bench.clients, "bench", 0, "run `N` concurrent full dumps and print their timing instead of the data")
	f.IntVar(&bench.stalled, "bench-stalled", 0, "with --bench, also open `N` sessions that ask for the full set and never read")
	f.DurationVar(&bench.limit, "bench-limit", 0, "with --bench, end the resets after this long and report what was read")
	f.DurationVar(&bench.follow, "bench-follow", 0, "with --bench, then wait this long for a Serial Notify and time the delta")
	for _, name := range []string{"bench", "bench-stalled", "bench-limit", "bench-follow"} {
		_ = f.MarkHidden(name)
	}
	return cmd
}

// benchOptions are the hidden --bench flags of manrs rtr dump, which
// bench/rtr.sh uses to load a cache with many routers.
type benchOptions struct {
	clients int           // concurrent sessions
	stalled int           // extra sessions that ask for the full set and never read
	limit   time.Duration // stop the resets after this long and report what was read
	follow  time.Duration // after the resets, wait this long for a Serial Notify and apply the delta
}

// benchSession is one session's timing: reset is the time from connect to
// End of Data (zero if it did not get there); notified and applied are the
// times at which the Serial Notify arrived and the delta's End of Data was
// read.
type benchSession struct {
	reset             time.Duration
	prefixes          int
	announced         int
	withdrawn         int
	notified, applied time.Time
}

// benchDump opens o.clients sessions to addr at once, each sending a
// Reset Query and reading to End of Data, and prints the wall time until
// all finished with the spread of the sessions' times. It frames PDUs
// and counts prefixes without decoding them, so that a thousand sessions
// of a full table cost the client little. With o.limit, the sessions
// still reading at the limit are ended and the line says how many
// completed and how many prefixes all received. With o.follow, every
// session then waits for a Serial Notify, sends a Serial Query and reads
// the delta, and the times of the first notification and of the last
// delta applied are printed as Unix times.
func benchDump(cmd *cobra.Command, addr string, v rtr.Version, timeout time.Duration, o benchOptions) error {
	for range o.stalled {
		nc, err := net.DialTimeout("tcp", addr, timeout)
		if err != nil {
			return err
		}
		defer nc.Close()
		if _, err := nc.Write(rtr.ResetQuery{}.AppendPDU(nil, v)); err != nil {
			return err
		}
	}
	start := time.Now()
	var stop time.Time
	if o.limit > 0 {
		stop = start.Add(o.limit)
	}
	var wg sync.WaitGroup
	errs := make([]error, o.clients)
	res := make([]benchSession, o.clients)
	ready := make(chan struct{})
	var resetsDone sync.WaitGroup
	resetsDone.Add(o.clients)
	for i := range o.clients {
		wg.Go(func() {
			errs[i] = benchSessionRun(addr, v, timeout, stop, o.follow, &res[i], resetsDone.Done, ready)
		})
	}
	resetsDone.Wait()
	elapsed := time.Since(start)
	// Every session has finished its reset or failed; none touches res
	// until ready is closed.
	var resets []float64
	delivered, vrps := 0, 0
	for _, r := range res {
		if r.reset > 0 {
			resets = append(resets, r.reset.Seconds())
			delivered += r.prefixes
			vrps = r.prefixes
		} else {
			delivered += r.announced
		}
	}
	slices.Sort(resets)
	q := func(f float64) float64 {
		if len(resets) == 0 {
			return 0
		}
		return resets[min(int(f*float64(len(resets))), len(resets)-1)]
	}
	capped := len(resets) < o.clients && !stop.IsZero() && !time.Now().Before(stop)
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "clients %d vrps %d seconds %.3f min %.3f median %.3f max %.3f completed %d delivered %d\n",
		o.clients, vrps, elapsed.Seconds(), q(0), q(0.5), q(1), len(resets), delivered)
	close(ready)
	wg.Wait()
	if capped {
		return nil
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, r := range res {
		if r.prefixes != res[0].prefixes {
			return fmt.Errorf("sessions got %d and %d prefixes", res[0].prefixes, r.prefixes)
		}
	}
	if o.follow <= 0 {
		return nil
	}
	first, last := res[0].notified, res[0].applied
	applies := make([]float64, o.clients)
	for i, r := range res {
		if r.notified.Before(first) {
			first = r.notified
		}
		if r.applied.After(last) {
			last = r.applied
		}
		applies[i] = r.applied.Sub(r.notified).Seconds()
	}
	slices.Sort(applies)
	unix := func(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
	fmt.Fprintf(out, "update clients %d announced %d withdrawn %d first_notify %.3f last_applied %.3f apply_min %.3f apply_median %.3f apply_max %.3f\n",
		o.clients, res[0].announced, res[0].withdrawn, unix(first), unix(last), applies[0], applies[len(applies)/2], applies[len(applies)-1])
	return nil
}

// benchSessionRun is one session of benchDump. Its reset reads end at
// stop if that is not zero. It calls resetDone once the full set is read
// (or the session failed), then waits for ready before following an
// update.
func benchSessionRun(addr string, v rtr.Version, timeout time.Duration, stop time.Time, follow time.Duration,
	res *benchSession, resetDone func(), ready <-chan struct{}) (err error) {
	once := sync.OnceFunc(resetDone)
	defer once()
	start := time.Now()
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return err
	}
	defer nc.Close()
	if _, err := nc.Write(rtr.ResetQuery{}.AppendPDU(nil, v)); err != nil {
		return err
	}
	br := bufio.NewReaderSize(nc, 64<<10)
	var hdr [8]byte
	body := make([]byte, 0, 64)
	// next reads one PDU before the deadline, returning its type and body.
	next := func(deadline time.Time) (rtr.Type, []byte, error) {
		_ = nc.SetReadDeadline(deadline)
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return 0, nil, err
		}
		n := binary.BigEndian.Uint32(hdr[4:])
		if n < 8 || n > rtr.MaxPDULen {
			return 0, nil, fmt.Errorf("PDU length %d", n)
		}
		body = slices.Grow(body[:0], int(n)-8)[:n-8]
		if _, err := io.ReadFull(br, body); err != nil {
			return 0, nil, err
		}
		return rtr.Type(hdr[1]), body, nil
	}
	// readAnswer reads to End of Data and returns its serial.
	readAnswer := func(stop time.Time) (uint32, error) {
		for {
			deadline := time.Now().Add(timeout)
			if !stop.IsZero() && stop.Before(deadline) {
				deadline = stop
			}
			t, b, err := next(deadline)
			if err != nil {
				return 0, err
			}
			if (t == rtr.TypeIPv4Prefix || t == rtr.TypeIPv6Prefix || t == rtr.TypeEndOfData) && len(b) < 4 {
				return 0, fmt.Errorf("short %s PDU", t)
			}
			switch t {
			case rtr.TypeIPv4Prefix, rtr.TypeIPv6Prefix:
				if b[0]&1 == 1 {
					res.announced++
				} else {
					res.withdrawn++
				}
			case rtr.TypeEndOfData:
				return binary.BigEndian.Uint32(b[:4]), nil
			case rtr.TypeErrorReport, rtr.TypeCacheReset:
				return 0, fmt.Errorf("cache answered with %s", t)
			}
		}
	}
	serial, err := readAnswer(stop)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	session := binary.BigEndian.Uint16(hdr[2:])
	res.reset = time.Since(start)
	res.prefixes, res.announced, res.withdrawn = res.announced, 0, 0
	once()
	if follow <= 0 {
		return nil
	}
	<-ready
	for {
		t, _, err := next(time.Now().Add(follow))
		if err != nil {
			return fmt.Errorf("waiting for Serial Notify: %w", err)
		}
		if t == rtr.TypeSerialNotify {
			break
		}
	}
	res.notified = time.Now()
	if _, err := nc.Write(rtr.SerialQuery{SessionID: session, Serial: serial}.AppendPDU(nil, v)); err != nil {
		return err
	}
	if _, err := readAnswer(time.Time{}); err != nil {
		return fmt.Errorf("serial query: %w", err)
	}
	res.applied = time.Now()
	return nil
}
