package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/advise"
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/incident"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/store/sqlite"
)

// adviseFlags are the flags of manrs advise.
type adviseFlags struct {
	irr        irrFlags
	vrpFiles   []string
	slurmFiles []string
	mrtFiles   []string
	storePath  string
	date       string
	days       int
	minPeers   int
	source     string
	mntBy      string
	asJSON     bool
}

func newAdviseCmd() *cobra.Command {
	af := &adviseFlags{}
	cmd := &cobra.Command{
		Use:   "advise AS [--irr FILE]... [--vrps FILE]... (--mrt FILE... | --date D [--store PATH]) [flags]",
		Short: "Tell an AS which ROAs and route objects to create, fix or delete (MANRS action 4)",
		Long: `advise looks at the prefixes an AS announces, as IRR Explorer does, and
says what to change in the RPKI and the IRR so that they are RPKI-valid and
registered:

  roa-missing    ROAs to create for announced prefixes that are RPKI
                 not-found or invalid: one per prefix, as specific as
                 announced, without maxLength, except where every
                 more-specific down to a length is announced (RFC 9319
                 section 5);
  roa-invalid    ROAs that make its announcements invalid: another origin
                 (a previous holder's, AS0), a maxLength too short;
  roa-maxlength  its ROAs whose maxLength admits more-specifics it does not
                 announce, open to forged-origin hijacks (RFC 9319);
  route-missing  route and route6 objects to register, as RPSL text to
                 submit;
  route-conflict route objects naming another origin for an announced
                 prefix, or an RPKI-invalid origin for a more-specific;
  route-stale    its route objects for prefixes not announced in the period.

A line per announced prefix gives its RPKI state, the IRR sources that hold
it with the AS as origin, and the kinds of advice about it.

The announced prefixes are the routes of the MRT files (--mrt) whose origin
is the AS, seen by at least --min-peers collector peers, or those the
observatory stored for the AS on --date (and the --days before it). --vrps
takes the JSON or CSV of rpki-client, Routinator or StayRTR, --irr RPSL
dumps; with --date, the RPKI and IRR states stored for the day stand in for
what is not given. New route objects name --mnt-by and --source, else the
maintainer and source of the AS's aut-num, else a placeholder maintainer
and the source of its other route objects (RADB without any).

Exit status: 0 when the advice was given, whether there is any or not (the
JSON's "clean" field tells); 1 when an input could not be read; 2 on a usage
error; 3 when the advice was given but bad IRR objects, bad VRP records or
faults in MRT files were skipped. See docs/manrs-advise.md.`,
		Example: `  manrs advise --irr RIPE=ripe.db.gz --irr RADB=radb.db.gz --vrps rpki-client.json --mrt bview.20261001.0000.gz AS64500
  manrs advise --irr ripe.db.gz --vrps vrps.csv --date 2026-10-01 --days 7 --store /var/lib/manrs/manrs.db AS64500
  manrs advise --irr radb.db.gz --vrps vrps.json --mrt rib.bz2 --source RADB --mnt-by MAINT-AS64500 --json AS64500 | jq '.advice[] | select(.kind == "route-missing") | .rpsl' -r`,
		Args: exactArgs(1, "AS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAdvise(cmd, af, args[0])
		},
	}
	f := cmd.Flags()
	af.irr.register(cmd)
	f.StringArrayVar(&af.vrpFiles, "vrps", nil, "VRPs from `FILE` (validator JSON or CSV); repeatable")
	f.StringArrayVar(&af.slurmFiles, "slurm", nil, "apply the SLURM file `FILE` (RFC 8416) to the VRPs; repeatable")
	f.StringArrayVar(&af.mrtFiles, "mrt", nil, "the routes of the MRT `FILE` (RIB dump or updates); repeatable")
	f.StringVar(&af.storePath, "store", defaultStorePath(), "with --date, the observatory's store (SQLite file); MANRS_STORE sets the default")
	f.StringVar(&af.date, "date", "", "the prefixes the observatory stored for the AS on `DATE` (YYYY-MM-DD)")
	f.IntVar(&af.days, "days", 1, "with --date, the `N` days ending on it")
	f.IntVar(&af.minPeers, "min-peers", 1, "count a prefix announced when at least `N` collector peers saw it")
	f.StringVar(&af.source, "source", "", "the IRR `SOURCE` of the route objects to register")
	f.StringVar(&af.mntBy, "mnt-by", "", "the maintainer `MNTNER` of the route objects to register")
	f.BoolVar(&af.asJSON, "json", false, "print the advice as JSON")
	return cmd
}

// maxAdviseDays bounds --days: a year of stored days.
const maxAdviseDays = 366

func runAdvise(cmd *cobra.Command, af *adviseFlags, arg string) error {
	asn, err := parseAS(arg)
	if err != nil {
		return err
	}
	changed := cmd.Flags().Changed
	switch {
	case len(af.mrtFiles) > 0 && af.date != "":
		return usagef("advise: --mrt and --date are two ways to say what the AS announces: give one")
	case len(af.mrtFiles) == 0 && af.date == "":
		return usagef("advise: say what the AS announces: --mrt FILE, or --date D for the observatory's store")
	case af.date == "" && (changed("store") || changed("days")):
		return usagef("advise: --store and --days go with --date")
	case af.days < 1 || af.days > maxAdviseDays:
		return usagef("advise: --days %d: want 1 to %d", af.days, maxAdviseDays)
	case af.minPeers < 1:
		return usagef("advise: --min-peers %d: want at least 1", af.minPeers)
	case af.date == "" && len(af.irr.dumps) == 0 && len(af.vrpFiles) == 0:
		return usagef("advise: give --irr or --vrps (or both): there is nothing to check the routes against")
	case len(af.slurmFiles) > 0 && len(af.vrpFiles) == 0:
		return usagef("advise: --slurm applies to the VRPs of --vrps")
	}
	if af.source != "" {
		if _, err := advise.ParseObjectName("--source", af.source); err != nil {
			return usagef("advise: %v", err)
		}
	}
	if af.mntBy != "" {
		if _, err := advise.ParseObjectName("--mnt-by", af.mntBy); err != nil {
			return usagef("advise: %v", err)
		}
	}
	var day time.Time
	if af.date != "" {
		if day, err = parseDate("date", af.date); err != nil {
			return err
		}
	}
	stderr := cmd.ErrOrStderr()
	var trouble []string
	in := advise.Input{ASN: asn, MntBy: af.mntBy, Source: af.source}
	if len(af.irr.dumps) > 0 {
		db, bad, err := af.irr.load(stderr)
		if err != nil {
			return err
		}
		if bad > 0 {
			trouble = append(trouble, plural(bad, "bad IRR object"))
		}
		in.IRR = db
	}
	if len(af.vrpFiles) > 0 {
		set, stats, err := loadRPKI(cmd, af.vrpFiles, af.slurmFiles)
		if err != nil {
			return err
		}
		if n := stats.SkippedTotal(); n > 0 {
			trouble = append(trouble, plural(n, "bad VRP record"))
		}
		in.VRPs = set.VRPs
		if in.VRPs == nil {
			in.VRPs = []rpki.VRP{}
		}
	}
	if len(af.mrtFiles) > 0 {
		announced, inputs, err := announcedInMRT(cmd, asn, af.mrtFiles)
		if err != nil {
			return err
		}
		if err := inputOutcome("advise", inputs, 0); err != nil {
			var pe partialError
			if !errors.As(err, &pe) {
				return err
			}
			trouble = append(trouble, "faults in MRT input")
		}
		in.Announced = announced
		in.Period = "in the " + plural(inputs.files-inputs.failed, "MRT file")
	} else {
		announced, period, err := announcedInStore(cmd.Context(), af.storePath, asn, day, af.days, stderr)
		if err != nil {
			return err
		}
		in.Announced, in.Period = announced, period
	}
	kept := in.Announced[:0]
	for _, a := range in.Announced {
		if a.Peers >= af.minPeers || a.Peers == 0 {
			kept = append(kept, a)
		}
	}
	in.Announced = kept
	r := advise.Advise(in)
	out := bufferedOut(cmd)
	if af.asJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else if err := r.WriteText(out); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if len(trouble) > 0 {
		return partialError{fmt.Errorf("advise: %s; see above", strings.Join(trouble, ", "))}
	}
	return nil
}

// announcedInMRT returns the prefixes that asn originates in the routes of
// the MRT files, each with the number of collector peers that saw it.
func announcedInMRT(cmd *cobra.Command, asn bgp.ASN, files []string) ([]advise.Announcement, routeInputs, error) {
	type peer struct {
		addr netip.Addr
		asn  bgp.ASN
	}
	peers := make(map[netip.Prefix]map[peer]bool)
	in, err := forEachRoute(cmd, files, func(rt *mrt.Route) error {
		if origin, ok := rt.Origin(); !ok || origin != asn {
			return nil
		}
		ps := peers[rt.Prefix]
		if ps == nil {
			ps = make(map[peer]bool)
			peers[rt.Prefix] = ps
		}
		ps[peer{rt.PeerAddr, rt.PeerAS}] = true
		return nil
	})
	if err != nil {
		return nil, in, err
	}
	out := make([]advise.Announcement, 0, len(peers))
	for p, ps := range peers {
		out = append(out, advise.Announcement{Prefix: p, Peers: len(ps)})
	}
	return out, in, nil
}

// announcedInStore returns the prefixes the observatory stored for asn on
// the days ending with day, with the peers and states of the latest day
// that has each, and the period in words. Days not stored are reported
// on stderr; none stored is an error.
func announcedInStore(ctx context.Context, path string, asn bgp.ASN, day time.Time, days int, stderr io.Writer) ([]advise.Announcement, string, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, "", fmt.Errorf("advise: no store at %s (observe days into it first: manrs observe): %w", path, err)
	}
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer st.Close()
	byPrefix := make(map[netip.Prefix]advise.Announcement)
	stored := 0
	first := day.AddDate(0, 0, -(days - 1))
	for d := first; !d.After(day); d = d.AddDate(0, 0, 1) {
		ps, err := st.Prefixes(ctx, asn, d)
		if errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(stderr, "manrs: advise: %s is not in the store\n", d.Format("2006-01-02"))
			continue
		}
		if err != nil {
			return nil, "", err
		}
		stored++
		for _, p := range ps {
			a := byPrefix[p.Prefix]
			a.Prefix = p.Prefix
			a.Peers = max(a.Peers, p.Peers)
			a.Stored = &advise.Stored{RPKI: storedState(p.RPKI), IRR: p.IRR}
			byPrefix[p.Prefix] = a
		}
	}
	if stored == 0 {
		return nil, "", fmt.Errorf("advise: no day from %s to %s is in the store %s", first.Format("2006-01-02"), day.Format("2006-01-02"), path)
	}
	out := make([]advise.Announcement, 0, len(byPrefix))
	for _, a := range byPrefix {
		out = append(out, a)
	}
	period := "on " + day.Format("2006-01-02")
	if days > 1 {
		period = "from " + first.Format("2006-01-02") + " to " + day.Format("2006-01-02")
	}
	return out, period, nil
}

// storedState converts the RPKI state the observatory stores.
func storedState(s incident.RPKIState) rov.State {
	switch s {
	case incident.Valid:
		return rov.Valid
	case incident.Invalid:
		return rov.Invalid
	}
	return rov.NotFound
}
