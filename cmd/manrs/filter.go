package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
	"github.com/manrs/manrs/internal/filter"
	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/rov"
)

// filterFormatLetters are bgpq4's options selecting a format: the flag's
// shorthand, its long name, and the format.
var filterFormatLetters = []struct{ short, long, format string }{
	{"b", "bird", "bird"},
	{"B", "openbgpd", "openbgpd"},
	{"e", "eos", "eos"},
	{"j", "json", "json"},
	{"J", "junos", "junos"},
	{"K", "routeros", "routeros6"},
	{"N", "sros", "sros"},
	{"n", "sros-mdcli", "sros-mdcli"},
	{"U", "huawei", "huawei"},
	{"u", "huawei-xpl", "huawei-xpl"},
	{"X", "ios-xr", "ios-xr"},
}

// filterFlags are the flags of manrs filter.
type filterFlags struct {
	irr          irrFlags
	format       string
	letters      map[string]*bool
	seven, two   bool // -K7, -n2
	template     string
	ipv4, ipv6   bool
	extended     bool
	asPath       string
	asSet        bool
	name         string
	aggregate    bool
	refine       int
	refineLow    int
	maxLength    int
	sequence     bool
	asWidth      int
	match        string
	denyAS       string
	sources      string
	depth        int
	special      bool
	validateASNs bool
	asn32        bool
	noPipelining bool
	debug        bool
	vrpFiles     []string
	slurmFiles   []string
	rpki         string
	bogons       string
	delegated    []string
	fullbogons   []string
	report       string
	output       string
}

func newFilterCmd() *cobra.Command {
	ff := &filterFlags{letters: make(map[string]*bool)}
	cmd := &cobra.Command{
		Use:   "filter --irr [SOURCE=]FILE [flags] OBJECT... [EXCEPT OBJECT...]",
		Short: "Generate prefix lists and AS-path filters for routers from IRR data, as bgpq4 does",
		Long: `filter generates route filters from IRR data (RPSL dumps given with --irr):
prefix lists of the route objects of AS numbers, as-sets and route-sets;
extended access lists and route filters (-E); AS-path access lists that
accept the ASes of an as-set behind a peer (-f PEER); and AS lists (-t).
It takes bgpq4's options, so that a bgpq4 command line works with the
program name changed and --irr added, and writes what bgpq4 writes, byte
for byte, for the same data.

OBJECTs are AS numbers (AS64500), as-sets (AS-FOO, AS64500:AS-CUSTOMERS),
route-sets (RS-FOO) and prefixes with an optional RFC 2622 range operator
(192.0.2.0/24^24-32). SOURCE::NAME takes a set from one source
(RIPE::AS-FOO). AS numbers and as-sets after EXCEPT are left out.

Formats (--format NAME, or bgpq4's letter): ios (default), ios-xr (-X),
eos (-e), junos (-J), bird (-b), openbgpd (-B), routeros6 (-K),
routeros7 (-K7), sros (-N), sros-mdcli (-n), srlinux (-n2), huawei (-U),
huawei-xpl (-u), json (-j), and a user template (-F FMT) with the
sequences %n (network), %l (length), %a and %A (the lengths an aggregate
admits), %N (list name), %m (netmask), %i (inverse mask), %%, \n and \t.

Beyond bgpq4: --vrps with --rpki drop|annotate drops the prefixes that are
RPKI invalid for every AS of the query registering them, or keeps them
with a comment (a field in JSON); --bogons drop|annotate does the same
for bogon space (special-purpose blocks, and unallocated space with
--delegated or --fullbogons, as manrs bogon); --report text|json tells
what was expanded, which ASes were left out, which prefixes were dropped
or annotated and why, and which registered prefixes also have route
objects of origins outside the query.

An as-set that no source has gives an empty list and a warning, as with
bgpq4. Exit status: 0 when the filter was written; 1 when an input could
not be read or the output not written; 2 on a usage error; 3 when the
filter was written but bad objects of the IRR dumps, bad VRP records or
bad bogon data lines were skipped, or a limit cut an expansion short.
See docs/manrs-filter.md.`,
		Example: `  # bgpq4 -Jl eltel AS20597
  manrs filter --irr ripe.db.gz -Jl eltel AS20597
  # IPv6 prefix list of an as-set, aggregated, RIPE before RADB
  manrs filter --irr RIPE=ripe.db.gz --irr RADB=radb.db.gz -S RIPE,RADB -6 -A -l AS-FOO-V6 AS-FOO
  # AS-path filter of the customers behind AS64500, for IOS XR
  manrs filter --irr ripe.db.gz -X -f 64500 AS64500:AS-CUSTOMERS
  # BIRD prefix set without RPKI-invalid and bogon prefixes, and why
  manrs filter --irr ripe.db.gz -b --vrps vrps.json --rpki drop --bogons drop --report text AS-FOO
  # the user format
  manrs filter --irr ripe.db.gz -F 'ipfw add pass all from %n/%l to any\n' AS3254`,
		Args: minArgs(1, "OBJECT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFilter(cmd, ff, args)
		},
	}
	f := cmd.Flags()
	ff.irr.register(cmd)
	f.StringVar(&ff.format, "format", "ios", "write the filter in format `NAME` (ios, ios-xr, eos, junos, bird, openbgpd, routeros6, routeros7, sros, sros-mdcli, srlinux, huawei, huawei-xpl, json, user)")
	for _, l := range filterFormatLetters {
		b := new(bool)
		ff.letters[l.long] = b
		usage := "same as --format " + l.format
		switch l.format {
		case "routeros6":
			usage += " (-K7: routeros7)"
		case "sros-mdcli":
			usage += " (-n2: srlinux)"
		}
		f.BoolVarP(b, l.long, l.short, false, usage)
	}
	f.BoolVarP(&ff.seven, "routeros7-suffix", "7", false, "after -K: RouterOS 7 (-K7)")
	f.BoolVarP(&ff.two, "srlinux-suffix", "2", false, "after -n: SR Linux (-n2)")
	for _, name := range []string{"routeros7-suffix", "srlinux-suffix"} {
		if err := f.MarkHidden(name); err != nil {
			panic(err)
		}
	}
	f.StringVarP(&ff.template, "template", "F", "", "write each entry through the template `FMT` (the user format)")
	f.BoolVarP(&ff.ipv4, "ipv4", "4", false, "IPv4 lists, route objects (the default)")
	f.BoolVarP(&ff.ipv6, "ipv6", "6", false, "IPv6 lists, route6 objects")
	f.BoolVarP(&ff.extended, "extended", "E", false, "an extended access list (ios, eos), route filter (junos), prefix set (openbgpd) or IP prefix list (sros, sros-mdcli, srlinux)")
	f.StringVarP(&ff.asPath, "as-path", "f", "", "an AS-path list accepting the ASes of the objects behind the peer `ASN`")
	f.BoolVarP(&ff.asSet, "as-set", "t", false, "a list of the ASes of the objects (bird, json, openbgpd)")
	f.StringVarP(&ff.name, "name", "l", filter.DefaultName, "name the list `NAME` (junos -E: POLICY/TERM)")
	f.BoolVarP(&ff.aggregate, "aggregate", "A", false, "join prefixes into aggregates")
	f.IntVarP(&ff.refine, "more-specifics", "R", 0, "let more specifics through, up to length `LEN`")
	f.IntVarP(&ff.refineLow, "more-specifics-from", "r", 0, "let more specifics through, from length `LEN`")
	f.IntVarP(&ff.maxLength, "max-length", "m", 0, "leave out prefixes longer than `LEN` (default 32 for IPv4, 128 for IPv6)")
	f.BoolVarP(&ff.sequence, "sequence", "s", false, "number the entries of ios prefix lists")
	f.IntVarP(&ff.asWidth, "as-width", "W", 0, "`N` AS numbers per line of -f and -t lists, 0 for no limit (default: the format's, 4 to 10)")
	f.StringVarP(&ff.match, "match", "M", "", "extra match `CONDITION` of junos route filters (-J -E)")
	f.StringVarP(&ff.denyAS, "deny-as", "a", "", "an empty openbgpd prefix list denies `ASN` instead")
	f.StringVarP(&ff.sources, "sources", "S", "", "use only the IRR sources `LIST` (comma separated); default $IRRD_SOURCES, else all")
	f.IntVarP(&ff.depth, "depth", "L", 0, "expand nested sets down to `DEPTH` levels (default 64)")
	f.BoolVarP(&ff.special, "special-asns", "p", false, "keep documentation, private-use and reserved ASNs in expansions")
	f.BoolVarP(&ff.validateASNs, "validate-asns", "w", false, "leave ASes without route objects out of -f lists")
	f.BoolVarP(&ff.asn32, "asn32", "3", false, "32-bit AS numbers; always on, for bgpq4 compatibility")
	f.BoolVarP(&ff.noPipelining, "no-pipelining", "T", false, "no effect: there is no IRRd server to talk to (bgpq4 compatibility)")
	f.BoolVarP(&ff.debug, "debug", "d", false, "tell what was expanded, on stderr (as --report text)")
	f.StringArrayVar(&ff.vrpFiles, "vrps", nil, "VRPs from `FILE` (validator JSON or CSV), for --rpki; repeatable")
	f.StringArrayVar(&ff.slurmFiles, "slurm", nil, "apply the SLURM file `FILE` (RFC 8416) to the VRPs; repeatable")
	f.StringVar(&ff.rpki, "rpki", "", "`ACTION` for prefixes RPKI invalid for every AS registering them: drop or annotate")
	f.StringVar(&ff.bogons, "bogons", "", "`ACTION` for prefixes in bogon space: drop or annotate")
	f.StringArrayVar(&ff.delegated, "delegated", nil, "with --bogons, unallocated space from the RIR delegated statistics `FILE`; repeatable")
	f.StringArrayVar(&ff.fullbogons, "fullbogons", nil, "with --bogons, the Team Cymru fullbogons `FILE`; repeatable")
	f.StringVar(&ff.report, "report", "", "report what went into the filter, in `FORMAT` text (on stderr) or json (on stdout, the filter in it)")
	f.StringVar(&ff.output, "output", "", "write the filter to `FILE`, atomically, instead of stdout")
	return cmd
}

// filterSetup is what the flags ask for.
type filterSetup struct {
	format  *filter.Format
	opt     filter.Options
	expand  filter.ExpandOptions
	query   filter.Query
	sources []string
	// rpki and bogons are the actions of --rpki and --bogons.
	rpki, bogons filter.Action
}

// setup checks the flags, changed telling which were given, and the
// arguments; every error is a usage error.
func (ff *filterFlags) setup(changed func(flag string) bool, args []string) (*filterSetup, error) {
	s := &filterSetup{}
	format, err := ff.chooseFormat(changed)
	if err != nil {
		return nil, err
	}
	var ok bool
	if s.format, ok = filter.LookupFormat(format); !ok {
		return nil, usagef("filter: unknown format %q (see manrs filter --help)", format)
	}
	o := &s.opt
	kinds := 0
	if ff.extended {
		o.Kind, kinds = filter.Extended, kinds+1
	}
	if changed("as-path") {
		o.Kind, kinds = filter.ASPath, kinds+1
		if o.PeerAS, err = parseFilterASN(ff.asPath); err != nil {
			return nil, usagef("filter: -f %q: %v", ff.asPath, err)
		}
	}
	if ff.asSet {
		o.Kind, kinds = filter.ASSet, kinds+1
	}
	if kinds > 1 {
		return nil, usagef("filter: -E, -f and -t are mutually exclusive")
	}
	if ff.ipv4 && ff.ipv6 {
		return nil, usagef("filter: -4 and -6 are mutually exclusive")
	}
	o.V6 = ff.ipv6
	o.Name = ff.name
	o.Aggregate = ff.aggregate
	o.Sequence = ff.sequence
	o.Validate = ff.validateASNs
	for _, n := range []struct {
		flag string
		v    int
		dst  *int
	}{{"more-specifics", ff.refine, &o.Refine}, {"more-specifics-from", ff.refineLow, &o.RefineLow}, {"max-length", ff.maxLength, &o.MaxLength}} {
		if changed(n.flag) && n.v <= 0 {
			return nil, usagef("filter: --%s %d: want a length of at least 1", n.flag, n.v)
		}
		*n.dst = n.v
	}
	o.ASWidth = -1
	if changed("as-width") {
		o.ASWidth = ff.asWidth
	}
	if o.Match, err = unescapeMatch(ff.match); err != nil {
		return nil, usagef("filter: -M %q: %v", ff.match, err)
	}
	if changed("deny-as") {
		if o.DenyAS, err = parseFilterASN(ff.denyAS); err != nil {
			return nil, usagef("filter: -a %q: %v", ff.denyAS, err)
		}
	}
	if changed("template") {
		if o.Template, err = filter.ParseTemplate(ff.template); err != nil {
			return nil, usagef("filter: -F: %v", err)
		}
	}
	if err := o.Check(s.format); err != nil {
		return nil, usagef("filter: %v", err)
	}
	if s.query, err = filter.ParseQuery(args); err != nil {
		return nil, usagef("filter: %v", err)
	}
	src := ff.sources
	if !changed("sources") {
		src = os.Getenv("IRRD_SOURCES")
	}
	for _, name := range strings.Split(src, ",") {
		if name = strings.TrimSpace(name); name != "" {
			s.sources = append(s.sources, strings.ToUpper(name))
		}
	}
	if changed("depth") && ff.depth < 1 {
		return nil, usagef("filter: -L %d: want a depth of at least 1", ff.depth)
	}
	s.expand = filter.ExpandOptions{
		V6: o.V6, Routes: o.Kind == filter.PrefixList || o.Kind == filter.Extended,
		Sources: s.sources, MaxDepth: ff.depth, MaxLength: o.MaxLength,
		Special: ff.special, Validate: ff.validateASNs,
	}
	switch {
	case ff.rpki != "" && len(ff.vrpFiles) == 0:
		return nil, usagef("filter: --rpki %s needs --vrps", ff.rpki)
	case ff.rpki == "" && (len(ff.vrpFiles) > 0 || len(ff.slurmFiles) > 0):
		return nil, usagef("filter: --vrps and --slurm need --rpki drop or --rpki annotate")
	case ff.bogons == "" && (len(ff.delegated) > 0 || len(ff.fullbogons) > 0):
		return nil, usagef("filter: --delegated and --fullbogons need --bogons drop or --bogons annotate")
	case (ff.rpki != "" || ff.bogons != "") && !s.expand.Routes:
		return nil, usagef("filter: --rpki and --bogons check prefixes: they are for prefix lists and -E lists, not %s", o.Kind)
	case ff.report != "" && ff.report != "text" && ff.report != "json":
		return nil, usagef("filter: --report %q: want text or json", ff.report)
	}
	if ff.rpki != "" {
		if s.rpki, err = filter.ParseAction(ff.rpki); err != nil {
			return nil, usagef("filter: --rpki %v", err)
		}
	}
	if ff.bogons != "" {
		if s.bogons, err = filter.ParseAction(ff.bogons); err != nil {
			return nil, usagef("filter: --bogons %v", err)
		}
	}
	return s, nil
}

// chooseFormat returns the format the flags select: --format, one of
// bgpq4's letters, or -F.
func (ff *filterFlags) chooseFormat(changed func(flag string) bool) (string, error) {
	var chosen []string
	format := ff.format
	if changed("format") {
		chosen = append(chosen, "--format "+ff.format)
	}
	for _, l := range filterFormatLetters {
		if *ff.letters[l.long] {
			chosen = append(chosen, "-"+l.short)
			format = l.format
		}
	}
	if changed("template") {
		chosen = append(chosen, "-F")
		format = "user"
	}
	if ff.seven {
		if !*ff.letters["routeros"] {
			return "", usagef("filter: 7 can only be used after -K (-K7)")
		}
		format = "routeros7"
	}
	if ff.two {
		if !*ff.letters["sros-mdcli"] {
			return "", usagef("filter: 2 can only be used after -n (-n2)")
		}
		format = "srlinux"
	}
	if len(chosen) > 1 && !(len(chosen) == 2 && changed("format") && changed("template") && ff.format == "user") {
		return "", usagef("filter: %s: choose one format", strings.Join(chosen, ", "))
	}
	return format, nil
}

// parseFilterASN parses an AS number as bgpq4 does, in asplain or asdot,
// with or without "AS"; 0 is refused.
func parseFilterASN(s string) (bgp.ASN, error) {
	a, err := bgp.ParseASN(s)
	if err != nil {
		return 0, err
	}
	if a == 0 {
		return 0, errors.New("AS 0 cannot be a peer (RFC 7607)")
	}
	return a, nil
}

// unescapeMatch reads the escapes bgpq4 reads in -M: \n, \r, \t and \\.
func unescapeMatch(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", errors.New(`\ at the end`)
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '\\':
			b.WriteByte('\\')
		default:
			return "", fmt.Errorf("unsupported escape \\%c at position %d", s[i], i)
		}
	}
	return b.String(), nil
}

func runFilter(cmd *cobra.Command, ff *filterFlags, args []string) error {
	s, err := ff.setup(cmd.Flags().Changed, args)
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	warn := func(format string, a ...any) { fmt.Fprintf(stderr, "manrs: filter: "+format+"\n", a...) }
	var trouble []string

	db, bad, err := ff.irr.load(stderr)
	if err != nil {
		return err
	}
	if bad > 0 {
		trouble = append(trouble, plural(bad, "bad IRR object"))
	}
	pol := filter.Policy{RPKIAction: s.rpki, BogonAction: s.bogons}
	if s.rpki != filter.Keep {
		set, stats, err := loadRPKI(cmd, ff.vrpFiles, ff.slurmFiles)
		if err != nil {
			return err
		}
		if n := stats.SkippedTotal(); n > 0 {
			trouble = append(trouble, plural(n, "bad VRP record"))
		}
		pol.RPKI = rov.New(set.VRPs)
	}
	if s.bogons != filter.Keep {
		set, skipped, err := ff.loadBogons(cmd)
		if err != nil {
			return err
		}
		if skipped > 0 {
			trouble = append(trouble, plural(skipped, "bad bogon data line"))
		}
		pol.Bogons = set
	}

	if order := db.Order(); !precedes(s.sources, order) {
		warn("-S %s: where sources hold a set of the same name, the one of the earliest --irr source is taken (%s)",
			strings.Join(s.sources, ","), strings.Join(order, ","))
	}
	x, err := filter.Expand(db, s.query, s.expand)
	if err != nil {
		return usagef("filter: %v", err)
	}
	for _, src := range x.MissingSources {
		warn("no object of source %s in the IRR data; it adds nothing", src)
	}
	for _, name := range x.Unknown {
		where := sourceWords(s.sources)
		if strings.Contains(name, "::") {
			where = "its source"
		}
		warn("set %s not found in %s", name, where)
	}
	if x.Truncated && s.expand.MaxDepth == 0 {
		warn("a limit of set expansion (depth %d, %d members) cut the expansion short", irr.DefaultMaxDepth, irr.DefaultMaxMembers)
		trouble = append(trouble, "an expansion cut short")
	}
	l, notes := filter.Build(x, s.opt, pol)
	if (l.Kind == filter.PrefixList || l.Kind == filter.Extended) && len(l.Entries) == 0 ||
		(l.Kind == filter.ASPath || l.Kind == filter.ASSet) && len(l.ASNs) == 0 {
		warn("the list %s is empty", l.Name)
	}
	for _, r := range l.Unexpanded {
		how := "written as one aggregate entry"
		if !s.format.Aggregates(l.Kind) {
			how = "left out: a " + s.format.Name + " " + l.Kind.String() + " holds exact prefixes only"
		}
		warn("%s with lengths %d-%d (from %s) holds more than %d prefixes: %s", r.Prefix, r.Lo, r.Hi, r.From, filter.MaxRangePrefixes, how)
	}
	if !s.format.Annotates() {
		for _, n := range notes {
			if n.Action == filter.Annotate {
				warn("annotated (format %s has no comments): %s", s.format.Name, n)
			}
		}
	}
	var text strings.Builder
	write := func(w io.Writer) error { return s.format.Write(w, l) }
	if ff.report == "json" && ff.output == "" {
		if err := write(&text); err != nil {
			return err
		}
	} else if err := writeOutput(cmd, ff.output, write); err != nil {
		return err
	}
	if ff.report != "" || ff.debug {
		r := filter.NewReport(db, s.format, s.query, x, l, notes, s.sources)
		if ff.report == "json" {
			if ff.output == "" {
				t := text.String()
				r.Filter = &t
			}
			out := bufferedOut(cmd)
			enc := json.NewEncoder(out)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(r); err != nil {
				return err
			}
			if err := out.Flush(); err != nil {
				return err
			}
		} else if err := r.WriteText(stderr, "manrs: filter: "); err != nil {
			return err
		}
	}
	if len(trouble) > 0 {
		return partialError{fmt.Errorf("filter: written, but %s; see above", strings.Join(trouble, ", "))}
	}
	return nil
}

// precedes reports whether the sources of -S that the DB holds come in
// the DB's order of precedence.
func precedes(sources, order []string) bool {
	last := -1
	for _, s := range sources {
		i := slices.Index(order, s)
		if i < 0 {
			continue
		}
		if i < last {
			return false
		}
		last = i
	}
	return true
}

// sourceWords names the sources searched, for messages.
func sourceWords(sources []string) string {
	if len(sources) == 0 {
		return "any source"
	}
	return "sources " + strings.Join(sources, ",")
}

// loadBogons builds the bogon set: the built-in registries, and the
// delegated statistics and fullbogons files given.
func (ff *filterFlags) loadBogons(cmd *cobra.Command) (*bogon.Set, int, error) {
	b := bogon.NewBuilder()
	stderr := cmd.ErrOrStderr()
	skipped := 0
	for _, name := range ff.delegated {
		n, err := loadBogonFile(cmd, name, stderr, func(r io.Reader) (int, []error, error) {
			st, err := b.AddDelegated(r, name)
			return st.Skipped, st.Errors, err
		})
		if err != nil {
			return nil, 0, err
		}
		skipped += n
	}
	for _, name := range ff.fullbogons {
		n, err := loadBogonFile(cmd, name, stderr, func(r io.Reader) (int, []error, error) {
			st, err := b.AddFullbogons(r, name)
			return st.Skipped, st.Errors, err
		})
		if err != nil {
			return nil, 0, err
		}
		skipped += n
	}
	return b.Build(), skipped, nil
}
