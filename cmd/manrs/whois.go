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
	"sync"
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
	nrtm                  []string
	nrtmInterval          time.Duration
	maxConns              int
	idle                  time.Duration
	maxAnswer, maxMembers int
	logFormat, level      string
}

func newWhoisServeCmd() *cobra.Command {
	var f whoisServeFlags
	cmd := &cobra.Command{
		Use:   "serve --irr [SOURCE=]FILE... [--nrtm SOURCE=HOST:PORT[@SERIAL]]... [--listen ADDR] [--sources ORDER] [--metrics ADDR]",
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

With --nrtm SOURCE=HOST:PORT, the source's dump is kept current by NRTM
version 3: every --nrtm-interval the server asks HOST:PORT for the changes
after the source's serial ("-g SOURCE:3:NEXT-LAST") and applies them. The
serial to start from is the one after "@" in --nrtm, else --serial, else
a SOURCE.CURRENTSERIAL file beside the dump, else a "% SERIAL N" comment
at the top of the dump. An answer that skips or repeats a serial, or
breaks the NRTM framing, is refused as a whole and logged; the next poll
asks again. The changes applied are kept in a journal and served to other
mirrors ("-g SOURCE:3:FIRST-LAST"), and !j reports their serial range.

Every query is logged on standard error (info level), with its command,
result, size and duration. With --metrics, Prometheus metrics are served
at http://ADDR/metrics. SIGINT and SIGTERM stop the server: it stops
accepting, lets each connection finish its query, and exits.`,
		Example: `  manrs whois serve --irr RIPE=ripe.db.gz --irr RADB=radb.db.gz --listen :4343
  bgpq4 -h 127.0.0.1:4343 -l AS112-IN AS-AS112
  whois -h 127.0.0.1 -p 4343 '!gAS112'
  whois -h 127.0.0.1 -p 4343 -- '-i origin AS112'
  manrs whois serve --irr ripe.db --sources RIPE,RIPE-NONAUTH --metrics 127.0.0.1:9143 --log.format json
  manrs whois serve --irr RADB=radb.db.gz --nrtm RADB=whois.radb.net:43@41234567 --nrtm-interval 5m`,
		Args: exactArgs(0, "arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWhoisServe(cmd, &f)
		},
	}
	f.irr.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", defaultWhoisListen, "address to serve whois on (the whois port is 43)")
	fl.StringVar(&f.sources, "sources", "", "sources in order of precedence, comma-separated, selected at the start of each session (default: every source)")
	fl.StringArrayVar(&f.serials, "serial", nil, "SOURCE=SERIAL or SOURCE=FILE: the serial a source's dump was taken at, or a file holding it (RIPE's *.CURRENTSERIAL), answered by !j; repeat per source")
	fl.StringArrayVar(&f.nrtm, "nrtm", nil, "SOURCE=HOST:PORT[@SERIAL]: keep the source current from an NRTM v3 server, from SERIAL (default: --serial, SOURCE.CURRENTSERIAL beside the dump, or the dump's % SERIAL comment); repeat per source")
	fl.DurationVar(&f.nrtmInterval, "nrtm-interval", whois.DefaultNRTMInterval, "time between NRTM polls")
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
	mirrors, err := parseNRTM(f.nrtm)
	if err != nil {
		return err
	}
	if f.maxConns <= 0 || f.idle <= 0 || f.maxAnswer <= 0 || f.maxMembers <= 0 || f.nrtmInterval <= 0 {
		return usagef("--max-connections, --idle-timeout, --max-answer-bytes, --max-set-members and --nrtm-interval must be positive")
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
	journal := whois.NewJournal(db, 0)
	for _, m := range mirrors {
		if !containsFold(db.IRR().Order(), m.source) {
			return usagef("--nrtm %s: no such source (sources: %s)", m.source, strings.Join(db.IRR().Order(), ","))
		}
		if !m.hasSerial {
			serial, from, err := dumpSerial(&f.irr, m.source, serials)
			if err != nil {
				return err
			}
			m.serial = serial
			logger.Info("nrtm serial", "source", m.source, "serial", serial, "from", from)
		}
		serials[m.source] = m.serial
	}
	for src, n := range serials {
		journal.SetSerial(src, n)
	}
	counts := db.IRR().Len()
	logger.Info("loaded", "objects", db.Len(), "routes", counts.Route+counts.Route6, "sources", strings.Join(db.IRR().Order(), ","),
		"bad", bad, "took", time.Since(start).Round(time.Millisecond).String())

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var metrics *whois.Metrics
	var mirrorMetrics *whois.MirrorMetrics
	var metricsSrv *http.Server
	if f.metrics != "" {
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		metrics = whois.NewMetrics(reg)
		mirrorMetrics = whois.NewMirrorMetrics(reg)
		reg.MustRegister(irrObjects{db.IRR()})
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
		Sources: order, Serials: serials, Journal: journal, Version: whoisVersion(),
		Limits:         whois.Limits{MaxAnswerBytes: f.maxAnswer, MaxSetMembers: f.maxMembers},
		MaxConnections: f.maxConns, IdleTimeout: f.idle,
		Logger: logger, Metrics: metrics,
	})
	logger.Info("serving whois", "addr", ln.Addr().String())
	fmt.Fprintf(stderr, "manrs: serving whois on %s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	mirrorCtx, stopMirrors := context.WithCancel(ctx)
	var mirroring sync.WaitGroup
	defer mirroring.Wait()
	defer stopMirrors()
	for _, m := range mirrors {
		mirrorMetrics.SetSerial(m.source, serials[m.source])
		mr := &whois.Mirror{Source: m.source, Addr: m.addr, Journal: journal, Logger: logger, Metrics: mirrorMetrics}
		logger.Info("mirroring", "source", m.source, "server", m.addr, "serial", serials[m.source], "interval", f.nrtmInterval.String())
		mirroring.Go(func() { mr.Run(mirrorCtx, f.nrtmInterval) })
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	stopMirrors()
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

// parseSerials parses the --serial SOURCE=SERIAL and SOURCE=FILE flags,
// reading the files.
func parseSerials(vs []string) (map[string]uint64, error) {
	out := make(map[string]uint64)
	for _, v := range vs {
		src, n, ok := strings.Cut(v, "=")
		if !ok || src == "" || !validSource(src) || n == "" {
			return nil, usagef("--serial %q: want SOURCE=SERIAL, e.g. RIPE=51234567, or SOURCE=FILE", v)
		}
		serial, err := strconv.ParseUint(n, 10, 64)
		if err != nil {
			if serial, err = readSerialFile(n); err != nil {
				return nil, usagef("--serial %q: neither a serial nor a serial file: %v", v, err)
			}
		}
		out[strings.ToUpper(src)] = serial
	}
	return out, nil
}

func readSerialFile(path string) (uint64, error) {
	in, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	return whois.ReadSerialFile(in, path)
}

// nrtmFlag is one --nrtm SOURCE=HOST:PORT[@SERIAL].
type nrtmFlag struct {
	source, addr string
	serial       uint64
	hasSerial    bool
}

// parseNRTM parses the --nrtm flags.
func parseNRTM(vs []string) ([]*nrtmFlag, error) {
	var out []*nrtmFlag
	for _, v := range vs {
		src, rest, ok := strings.Cut(v, "=")
		if !ok || src == "" || !validSource(src) {
			return nil, usagef("--nrtm %q: want SOURCE=HOST:PORT[@SERIAL], e.g. RADB=whois.radb.net:43", v)
		}
		m := &nrtmFlag{source: strings.ToUpper(src), addr: rest}
		if addr, n, ok := strings.Cut(rest, "@"); ok {
			serial, err := strconv.ParseUint(n, 10, 64)
			if err != nil {
				return nil, usagef("--nrtm %q: %q after @ is not a serial", v, n)
			}
			m.addr, m.serial, m.hasSerial = addr, serial, true
		}
		if _, _, err := net.SplitHostPort(m.addr); err != nil {
			return nil, usagef("--nrtm %q: %v", v, err)
		}
		for _, o := range out {
			if o.source == m.source {
				return nil, usagef("--nrtm %s: given twice", m.source)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// dumpSerial finds the serial a mirrored source starts from: --serial,
// else SOURCE.CURRENTSERIAL beside its dump, else the dump's "% SERIAL"
// comment. It says where it found it.
func dumpSerial(f *irrFlags, source string, serials map[string]uint64) (uint64, string, error) {
	if n, ok := serials[source]; ok {
		return n, "--serial", nil
	}
	for _, v := range f.dumps {
		d, err := parseIRRDump(v)
		if err != nil || !strings.EqualFold(d.source, source) {
			continue
		}
		file := filepath.Join(filepath.Dir(d.path), source+".CURRENTSERIAL")
		if n, err := readSerialFile(file); err == nil {
			return n, file, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return 0, "", fmt.Errorf("--nrtm %s: %w", source, err)
		}
		in, _, err := decompress.Open(d.path)
		if err != nil {
			return 0, "", err
		}
		n, ok := whois.DumpSerial(in)
		in.Close()
		if ok {
			return n, d.path, nil
		}
	}
	return 0, "", usagef("--nrtm %s: no serial to start from: give --nrtm %s=HOST:PORT@SERIAL, --serial %s=SERIAL, a %s.CURRENTSERIAL file beside its dump, or a %% SERIAL comment in it",
		source, source, source, source)
}

// irrObjects is the manrs_whois_irr_objects gauge, counted when scraped:
// NRTM changes the counts.
type irrObjects struct{ db *irr.DB }

var irrObjectsDesc = prometheus.NewDesc("manrs_whois_irr_objects", "IRR objects held, by source and class.", []string{"source", "class"}, nil)

func (c irrObjects) Describe(ch chan<- *prometheus.Desc) { ch <- irrObjectsDesc }

func (c irrObjects) Collect(ch chan<- prometheus.Metric) {
	for src, n := range c.db.Len().Sources {
		for class, v := range map[string]int{"route": n.Route, "route6": n.Route6, "aut-num": n.AutNum,
			"as-set": n.ASSet, "route-set": n.RouteSet, "mntner": n.Mntner} {
			ch <- prometheus.MustNewConstMetric(irrObjectsDesc, prometheus.GaugeValue, float64(v), src, class)
		}
	}
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
