package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/whois"
)

// defaultWhoisListen is where manrs whois serve listens without --listen:
// the whois port 43 needs privileges, so a port above 1024 on loopback.
const defaultWhoisListen = "localhost:4343"

// whoisShutdownTimeout is how long connections get to finish after
// SIGINT or SIGTERM.
const whoisShutdownTimeout = 10 * time.Second

func newWhoisCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "whois COMMAND",
		Short: "Serve IRR data to bgpq4, bgpq3 and whois clients (IRRd-compatible)",
		RunE:  groupRunE,
	}
	cmd.AddCommand(newWhoisServeCmd())
	return cmd
}

// whoisServeFlags are the flags of manrs whois serve.
type whoisServeFlags struct {
	irr                   irrFlags
	listen, metrics       string
	sources               string
	serials               []string
	maxConns              int
	idle                  time.Duration
	maxAnswer, maxMembers int
	logFormat, level      string
}

func newWhoisServeCmd() *cobra.Command {
	var f whoisServeFlags
	cmd := &cobra.Command{
		Use:   "serve --irr [SOURCE=]FILE... [--listen ADDR] [--sources ORDER] [--metrics ADDR]",
		Short: "Answer IRRd whois queries (!g, !6, !i, !a, !m, !r, RIPE-style -i, -x ...) from RPSL dumps",
		Long: `Load RPSL dumps into memory and answer whois queries (RFC 3912) as IRRd 4
answers them, so that bgpq4, bgpq3, peval, irrtree and the whois client can
use this server in place of rr.ntt.net or whois.radb.net.

IRRd-style queries: !! (stay connected), !q, !n, !v, !s-lc, !s<sources>,
!a[4|6]<as-set>, !g<asn>, !6<asn>, !i<set>[,1], !j<sources>, !j-*,
!m<class>,<key>, !o<mntner>, !r<prefix>[,o|l|L|M], !t<seconds>. RIPE-style
queries: -k, -K, -r, -a, -s SOURCES, -T CLASSES, -V NAME, -i origin|member-of|
mnt-by VALUE, -x|-l|-L|-M PREFIX, or a key (an AS number, a prefix, a set or
any other primary key). docs/manrs-whois.md describes every query, the
answers and where they differ from IRRd's.

Each --irr dump is read once; objects that do not parse are skipped and
reported on standard error. --sources gives the order of precedence of the
sources and the sources a session starts with (default: every source, in
the order of the --irr flags). A client that selects a source the server
does not have gets nothing from it, not an error: bgpq4 exits on an error
to -S, and asks for a source of its own for each SOURCE::SET.

The server bounds what a client can take: connections (--max-connections;
more are refused with an error line), the idle time before a query line is
complete (--idle-timeout, which !t changes per connection), the length of a
query line (4096 bytes), the size of an answer (--max-answer-bytes) and of a
set expansion (--max-set-members), answered "F" with the reason. A
connection without !! or -k is closed after its answer, so whois -h exits.

Every query is logged on standard error (info level), with its command,
result, size and duration. With --metrics, Prometheus metrics are served
at http://ADDR/metrics. SIGINT and SIGTERM stop the server: it stops
accepting, lets each connection finish its query, and exits.`,
		Example: `  manrs whois serve --irr RIPE=ripe.db.gz --irr RADB=radb.db.gz --listen :4343
  bgpq4 -h 127.0.0.1:4343 -l AS112-IN AS-AS112
  whois -h 127.0.0.1 -p 4343 '!gAS112'
  whois -h 127.0.0.1 -p 4343 -- '-i origin AS112'
  manrs whois serve --irr ripe.db --sources RIPE,RIPE-NONAUTH --metrics 127.0.0.1:9143 --log.format json`,
		Args: exactArgs(0, "arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWhoisServe(cmd, &f)
		},
	}
	f.irr.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", defaultWhoisListen, "address to serve whois on (the whois port is 43)")
	fl.StringVar(&f.sources, "sources", "", "sources in order of precedence, comma-separated, selected at the start of each session (default: every source)")
	fl.StringArrayVar(&f.serials, "serial", nil, "SOURCE=SERIAL: the serial a source's dump was taken at (RIPE's *.CURRENTSERIAL), answered by !j; repeat per source")
	fl.IntVar(&f.maxConns, "max-connections", whois.DefaultMaxConnections, "connections served at once; more are refused")
	fl.DurationVar(&f.idle, "idle-timeout", whois.DefaultIdleTimeout, "time a client may take to send a query line before it is disconnected")
	fl.IntVar(&f.maxAnswer, "max-answer-bytes", whois.DefaultMaxAnswerBytes, "largest answer; larger ones are answered with an error")
	fl.IntVar(&f.maxMembers, "max-set-members", whois.DefaultMaxSetMembers, "most ASes or prefixes a set expansion returns; more is answered with an error")
	fl.StringVar(&f.metrics, "metrics", "", "address to serve Prometheus metrics on, at /metrics (default: off)")
	fl.StringVar(&f.logFormat, "log.format", "text", "log format: text or json")
	fl.StringVar(&f.level, "log.level", "info", "log level: debug, info (a line per query), warn or error")
	return cmd
}

func runWhoisServe(cmd *cobra.Command, f *whoisServeFlags) error {
	stderr := cmd.ErrOrStderr()
	logger, err := newLogger(stderr, f.logFormat, f.level)
	if err != nil {
		return err
	}
	order, err := parseSourceOrder(f.sources)
	if err != nil {
		return err
	}
	serials, err := parseSerials(f.serials)
	if err != nil {
		return err
	}
	if f.maxConns <= 0 || f.idle <= 0 || f.maxAnswer <= 0 || f.maxMembers <= 0 {
		return usagef("--max-connections, --idle-timeout, --max-answer-bytes and --max-set-members must be positive")
	}
	start := time.Now()
	db, bad, err := loadWhoisDB(&f.irr, order, stderr)
	if err != nil {
		return err
	}
	for src := range serials {
		if !containsFold(db.IRR().Order(), src) {
			return usagef("--serial %s: no such source (sources: %s)", src, strings.Join(db.IRR().Order(), ","))
		}
	}
	counts := db.IRR().Len()
	logger.Info("loaded", "objects", db.Len(), "routes", counts.Route+counts.Route6, "sources", strings.Join(db.IRR().Order(), ","),
		"bad", bad, "took", time.Since(start).Round(time.Millisecond).String())

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var metrics *whois.Metrics
	var metricsSrv *http.Server
	if f.metrics != "" {
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		metrics = whois.NewMetrics(reg)
		objects := prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "manrs_whois_irr_objects", Help: "IRR objects loaded, by source and class.",
		}, []string{"source", "class"})
		reg.MustRegister(objects)
		for src, c := range counts.Sources {
			for class, n := range map[string]int{"route": c.Route, "route6": c.Route6, "aut-num": c.AutNum,
				"as-set": c.ASSet, "route-set": c.RouteSet, "mntner": c.Mntner} {
				objects.WithLabelValues(src, class).Set(float64(n))
			}
		}
		mln, err := net.Listen("tcp", f.metrics)
		if err != nil {
			return fmt.Errorf("--metrics: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		defer metricsSrv.Close()
		go metricsSrv.Serve(mln)
		logger.Info("serving metrics", "url", "http://"+mln.Addr().String()+"/metrics")
		fmt.Fprintf(stderr, "manrs: metrics on http://%s/metrics\n", mln.Addr())
	}

	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	srv := whois.NewServer(db, whois.Config{
		Sources: order, Serials: serials, Version: whoisVersion(),
		Limits:         whois.Limits{MaxAnswerBytes: f.maxAnswer, MaxSetMembers: f.maxMembers},
		MaxConnections: f.maxConns, IdleTimeout: f.idle,
		Logger: logger, Metrics: metrics,
	})
	logger.Info("serving whois", "addr", ln.Addr().String())
	fmt.Fprintf(stderr, "manrs: serving whois on %s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), whoisShutdownTimeout)
	defer cancel()
	if metricsSrv != nil {
		metricsSrv.Shutdown(shutdown)
	}
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, whois.ErrServerClosed) {
		return err
	}
	return nil
}

// loadWhoisDB reads the --irr dumps into a whois DB whose source order is
// the --sources order, then the sources named in --irr, then the others as
// met. Bad objects are reported on stderr, as irrFlags.load reports them,
// and counted.
func loadWhoisDB(f *irrFlags, order []string, stderr io.Writer) (*whois.DB, int, error) {
	if len(f.dumps) == 0 {
		return nil, 0, usagef("--irr: at least one RPSL dump is needed")
	}
	order = slices.Clone(order)
	var dumps []irrDump
	for _, v := range f.dumps {
		d, err := parseIRRDump(v)
		if err != nil {
			return nil, 0, err
		}
		dumps = append(dumps, d)
		if d.source != "" && !containsFold(order, d.source) {
			order = append(order, d.source)
		}
	}
	if len(order) > irr.MaxSources {
		return nil, 0, usagef("--irr, --sources: %d sources; at most %d", len(order), irr.MaxSources)
	}
	db := whois.NewDB(irr.New(order...))
	bad := 0
	for _, d := range dumps {
		in, _, err := decompress.Open(d.path)
		if err != nil {
			return nil, 0, err
		}
		st, err := db.Load(in, filepath.Base(d.path), irr.LoadOptions{Source: d.source})
		in.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", d.path, err)
		}
		for _, e := range st.Errors {
			fmt.Fprintf(stderr, "manrs: %v\n", e)
		}
		if n := st.Bad() - len(st.Errors); n > 0 {
			fmt.Fprintf(stderr, "manrs: %s: %d more bad objects skipped\n", d.path, n)
		}
		bad += st.Bad()
	}
	return db, bad, nil
}

// parseSourceOrder parses --sources: source names separated by commas.
func parseSourceOrder(v string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" || !validSource(s) {
			return nil, usagef("--sources %q: source names are letters, digits, '-' and '_', separated by commas", v)
		}
		if s = strings.ToUpper(s); !containsFold(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// parseSerials parses the --serial SOURCE=SERIAL flags.
func parseSerials(vs []string) (map[string]uint64, error) {
	out := make(map[string]uint64)
	for _, v := range vs {
		src, n, ok := strings.Cut(v, "=")
		serial, err := strconv.ParseUint(n, 10, 64)
		if !ok || src == "" || !validSource(src) || err != nil {
			return nil, usagef("--serial %q: want SOURCE=SERIAL, e.g. RIPE=51234567", v)
		}
		out[strings.ToUpper(src)] = serial
	}
	return out, nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// whoisVersion is the answer to !v: the module's version when the binary
// was built from a tagged module.
func whoisVersion() string {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return "manrs whois " + v + " (IRRd 4 compatible)"
}
