package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/acl"
	"github.com/manrs/manrs/internal/asrel"
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
	"github.com/manrs/manrs/internal/filter"
	"github.com/manrs/manrs/internal/irr"
	"github.com/manrs/manrs/internal/mrt"
)

// aclFlags are the flags of manrs acl.
type aclFlags struct {
	irr         irrFlags
	format      string
	ipv4, ipv6  bool
	name        string
	iface       string
	mrtFiles    []string
	asrelFile   string
	permit      []string
	allowEmpty  bool
	sources     string
	delegated   []string
	fullbogons  []string
	output      string
	permitted   []netip.Prefix
	chosen      *acl.Format
	query       filter.Query
	objectIsASN bool
}

func newACLCmd() *cobra.Command {
	af := &aclFlags{}
	cmd := &cobra.Command{
		Use:   "acl --irr [SOURCE=]FILE [flags] AS|AS-SET",
		Short: "Write the anti-spoofing filter of a customer's interface (BCP 38, MANRS action 2)",
		Long: `acl writes an ingress filter for the interface towards a customer: it
permits packets whose source address lies in the customer's prefixes and
denies and logs the rest, as BCP 38 (RFC 2827 section 3) and BCP 84 (RFC
3704 section 2.1) describe. The customer is an AS number or an as-set; its
prefixes are those of the route and route6 objects of its ASes in the IRR
dumps (--irr, expanded as manrs filter expands them), and with --mrt also
those that routes in MRT files show its cone originating (the ASes of the
as-set, and with --asrel their customer cones). --permit adds prefixes of
your own, such as the interconnection subnet: without it, the BGP session's
packets from the customer's side of the link are dropped.

Prefixes are aggregated into the fewest entries that hold the same
addresses. Bogon space (the IANA special-purpose registries, and with
--delegated or --fullbogons unallocated space, as manrs bogon) is never
permitted, even when registered: such prefixes are left out, or cut out of
the prefixes that cover them, with a warning (--permit prefixes are not
checked). IPv6 filters let neighbor discovery and link-local sources in.

Formats (--format): ios (Cisco IOS and IOS XE extended and IPv6 access
lists), ios-xr, eos (Arista), junos (firewall filters; the interface as
IFD.UNIT), nftables (a table for nft -f; needs --interface) and iptables (a
shell script of iptables-restore and ip6tables-restore). With --interface
the filter is applied to it inbound. Both address families are written
unless -4 or -6 is given; a family without any source prefix is refused
(the filter would drop all of the customer's traffic of that family)
unless --allow-empty.

Exit status: 0 when the filter was written; 1 when an input could not be
read, the output not written, or a family has no source prefix; 2 on a
usage error; 3 when the filter was written but bad IRR objects, faults in
MRT files or bad bogon data were skipped, or a set expansion was cut short.
See docs/manrs-acl.md.`,
		Example: `  # the IOS access lists of AS64500's interface, its interconnection subnets permitted
  manrs acl --irr ripe.db.gz --interface GigabitEthernet0/1 --permit 100.64.1.0/31 --permit 2001:7f8::1:0/127 AS64500
  # Junos filters for an as-set, IPv4 only, RIPE before RADB
  manrs acl --irr RIPE=ripe.db.gz --irr RADB=radb.db.gz --format junos -4 --name CUST-FOO AS-FOO
  # nftables, adding what the cone announces in a RIB dump
  manrs acl --irr radb.db.gz --format nftables --interface eth1 --mrt bview.20261001.0000.gz AS64500:AS-CUSTOMERS`,
		Args: exactArgs(1, "AS or AS-SET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runACL(cmd, af, args[0])
		},
	}
	f := cmd.Flags()
	af.irr.register(cmd)
	f.StringVar(&af.format, "format", "ios", "write the filter in format `NAME`: "+strings.Join(acl.FormatNames(), ", "))
	f.BoolVarP(&af.ipv4, "ipv4", "4", false, "write the IPv4 filter only")
	f.BoolVarP(&af.ipv6, "ipv6", "6", false, "write the IPv6 filter only")
	f.StringVarP(&af.name, "name", "l", "", "name the filter `NAME` (default ANTISPOOF- and the customer)")
	f.StringVar(&af.iface, "interface", "", "apply the filter inbound to the interface `IF` (junos: IFD.UNIT)")
	f.StringArrayVar(&af.mrtFiles, "mrt", nil, "also permit the prefixes that the routes of the MRT `FILE` show the customer's cone originating; repeatable")
	f.StringVar(&af.asrelFile, "asrel", "", "with --mrt, widen the cone to the customer cones of CAIDA's AS relationships `FILE`")
	f.StringArrayVar(&af.permit, "permit", nil, "also permit sources in `PREFIX` (the interconnection subnet); repeatable")
	f.BoolVar(&af.allowEmpty, "allow-empty", false, "write a family with no source prefix, which drops all its traffic")
	f.StringVarP(&af.sources, "sources", "S", "", "use only the IRR sources `LIST` (comma separated)")
	f.StringArrayVar(&af.delegated, "delegated", nil, "never permit space unallocated in the RIR delegated statistics `FILE`; repeatable")
	f.StringArrayVar(&af.fullbogons, "fullbogons", nil, "never permit the space of the Team Cymru fullbogons `FILE`; repeatable")
	f.StringVar(&af.output, "output", "", "write the filter to `FILE`, atomically, instead of stdout")
	return cmd
}

// setup checks the flags and the object; every error is a usage error.
func (af *aclFlags) setup(object string) error {
	var err error
	if af.chosen, err = acl.ParseFormat(af.format); err != nil {
		return usagef("acl: --format: %v", err)
	}
	if af.ipv4 && af.ipv6 {
		return usagef("acl: -4 and -6 are mutually exclusive; without either both families are written")
	}
	if err := af.chosen.CheckInterface(af.iface); err != nil {
		return usagef("acl: --interface: %v", err)
	}
	if af.name == "" {
		af.name = acl.DefaultName(object)
	}
	if _, err := acl.ParseName(af.name); err != nil {
		return usagef("acl: --name: %v", err)
	}
	if af.asrelFile != "" && len(af.mrtFiles) == 0 {
		return usagef("acl: --asrel widens the cone whose routes --mrt reads: give --mrt too")
	}
	for _, s := range af.permit {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return usagef("acl: --permit %q: %v", s, err)
		}
		if p != p.Masked() {
			return usagef("acl: --permit %q: bits set after the prefix length (%s?)", s, p.Masked())
		}
		af.permitted = append(af.permitted, p)
	}
	q, err := filter.ParseQuery([]string{object})
	if err != nil {
		return usagef("acl: %v", err)
	}
	if len(q.Except) > 0 || len(q.Objects) != 1 || q.Objects[0].Kind != filter.ObjectASN && q.Objects[0].Kind != filter.ObjectASSet {
		return usagef("acl: %q: the customer is an AS number or an as-set", object)
	}
	af.query = q
	af.objectIsASN = q.Objects[0].Kind == filter.ObjectASN
	return nil
}

func runACL(cmd *cobra.Command, af *aclFlags, object string) error {
	if err := af.setup(object); err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	warn := func(format string, a ...any) { fmt.Fprintf(stderr, "manrs: acl: "+format+"\n", a...) }
	var trouble []string

	db, bad, err := af.irr.load(stderr)
	if err != nil {
		return err
	}
	if bad > 0 {
		trouble = append(trouble, plural(bad, "bad IRR object"))
	}
	var srcs []string
	for _, s := range strings.Split(af.sources, ",") {
		if s = strings.TrimSpace(s); s != "" {
			srcs = append(srcs, strings.ToUpper(s))
		}
	}
	v4, v6 := !af.ipv6, !af.ipv4
	var sources []acl.Source
	cone := make(map[bgp.ASN]bool)
	for _, fam6 := range []bool{false, true} {
		if fam6 && !v6 || !fam6 && !v4 {
			continue
		}
		// An AS number given is the customer itself, even a private-use
		// one; the special ASNs of as-sets are left out, as bgpq4 does.
		x, err := filter.Expand(db, af.query, filter.ExpandOptions{V6: fam6, Routes: true, Sources: srcs, Special: af.objectIsASN})
		if err != nil {
			return usagef("acl: %v", err)
		}
		for _, a := range x.ASNs {
			cone[a] = true
		}
		for _, r := range x.Routes {
			sources = append(sources, acl.Source{Prefix: r.Prefix, From: acl.FromIRR, Origins: r.Origins})
		}
		if fam6 && v4 {
			continue // the warnings of the expansion were given for IPv4
		}
		for _, s := range x.MissingSources {
			warn("no object of source %s in the IRR data; it adds nothing", s)
		}
		for _, name := range x.Unknown {
			warn("set %s not found in %s", name, sourceWords(srcs))
		}
		for _, s := range x.Skipped {
			warn("%s of %s left out: %s", s.ASN, object, s.Reason)
		}
		if x.Truncated {
			warn("a limit of set expansion (depth %d, %d members) cut the expansion short", irr.DefaultMaxDepth, irr.DefaultMaxMembers)
			trouble = append(trouble, "an expansion cut short")
		}
	}
	if len(af.mrtFiles) > 0 {
		if af.asrelFile != "" {
			g, skipped, err := loadASRel(cmd, af.asrelFile)
			if err != nil {
				return err
			}
			if skipped > 0 {
				trouble = append(trouble, plural(skipped, "bad AS relationship line"))
			}
			for a := range cone {
				for _, c := range g.CustomerCone(a) {
					cone[c] = true
				}
			}
		}
		seen := make(map[netip.Prefix]bool)
		in, err := forEachRoute(cmd, af.mrtFiles, func(rt *mrt.Route) error {
			origin, ok := rt.Origin()
			if !ok || !cone[origin] || seen[rt.Prefix] {
				return nil
			}
			if rt.Prefix.Addr().Is4() && !v4 || rt.Prefix.Addr().Is6() && !v6 {
				return nil
			}
			seen[rt.Prefix] = true
			sources = append(sources, acl.Source{Prefix: rt.Prefix, From: acl.FromRoutes, Origins: []bgp.ASN{origin}})
			return nil
		})
		if err != nil {
			return err
		}
		if err := inputOutcome("acl", in, 0); err != nil {
			var pe partialError
			if !errors.As(err, &pe) {
				return err
			}
			trouble = append(trouble, "faults in MRT input")
		}
	}
	for _, p := range af.permitted {
		sources = append(sources, acl.Source{Prefix: p, From: acl.FromPermit})
	}
	bogons, skipped, err := loadACLBogons(cmd, af.delegated, af.fullbogons)
	if err != nil {
		return err
	}
	if skipped > 0 {
		trouble = append(trouble, plural(skipped, "bad bogon data line"))
	}
	fl, notes, err := acl.Build(sources, acl.Options{
		Name: af.name, Interface: af.iface, Object: object, IPv4: v4, IPv6: v6, Bogons: bogons, AllowEmpty: af.allowEmpty,
	})
	for _, n := range notes {
		warn("%s", n)
	}
	var ee *acl.EmptyError
	if errors.As(err, &ee) {
		fam := "-4"
		if ee.V6 {
			fam = "-6"
		}
		other := map[string]string{"-4": "-6", "-6": "-4"}[fam]
		return fmt.Errorf("acl: %v; give %s for the other family alone, --permit for the space the customer uses, or --allow-empty", err, other)
	}
	if err != nil {
		return usagef("acl: %v", err)
	}
	if err := writeOutput(cmd, af.output, func(w io.Writer) error { return af.chosen.Write(w, fl) }); err != nil {
		return err
	}
	if len(trouble) > 0 {
		return partialError{fmt.Errorf("acl: written, but %s; see above", strings.Join(trouble, ", "))}
	}
	return nil
}

// loadACLBogons builds the bogon space that is never permitted: the
// built-in registries, and the delegated statistics and fullbogons
// files given.
func loadACLBogons(cmd *cobra.Command, delegated, fullbogons []string) (*bogon.Set, int, error) {
	b := bogon.NewBuilder()
	stderr := cmd.ErrOrStderr()
	skipped := 0
	for _, name := range delegated {
		n, err := loadBogonFile(cmd, name, stderr, func(r io.Reader) (int, []error, error) {
			st, err := b.AddDelegated(r, name)
			return st.Skipped, st.Errors, err
		})
		if err != nil {
			return nil, 0, err
		}
		skipped += n
	}
	for _, name := range fullbogons {
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

// loadASRel reads CAIDA AS relationships (serial-1 or serial-2, plain or
// compressed); bad lines are skipped, reported on stderr and counted.
func loadASRel(cmd *cobra.Command, name string) (*asrel.Graph, int, error) {
	rc, err := openInput(cmd, name)
	if err != nil {
		return nil, 0, err
	}
	defer rc.Close()
	g, _, st, err := asrel.Load(rc, name, false)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	for _, e := range st.Errors {
		fmt.Fprintf(cmd.ErrOrStderr(), "manrs: %v\n", e)
	}
	if n := st.Skipped - len(st.Errors); n > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "manrs: %s: %d more bad lines skipped\n", name, n)
	}
	return g, st.Skipped, nil
}

func newURPFCmd() *cobra.Command {
	var (
		asrelFile string
		mrtFiles  []string
		localAS   string
		asJSON    bool
	)
	cmd := &cobra.Command{
		Use:   "urpf --asrel FILE [--mrt FILE]... [--local-as AS] [--json] AS",
		Short: "Recommend the uRPF mode of the interface towards a customer (RFC 3704, RFC 8704)",
		Long: `urpf recommends the unicast reverse path forwarding mode for the interface of
the local AS towards a customer AS, and says why, after RFC 8704 section
3.7:

  strict (RFC 3704 section 2.2): the customer is a single-homed stub (one
  provider, the local AS, and no customers in the AS relationships) and
  every prefix of it in the routing data was seen announced to the local
  AS (announcing to its lateral peers too does not matter);

  feasible-path (RFC 3704 section 2.3; enhanced, RFC 8704): the customer is
  multihomed, or a transit AS with customers of its own, or some of its
  prefixes were seen announced to other ASes: its traffic may come in where
  its routes do not. Algorithm A (RFC 8704 section 3.1.1) accepts the
  prefixes of every origin AS whose routes come in on the interface;
  algorithm B (section 3.4) is advised when some origin of the cone was not
  seen announcing to the local AS at all;

  loose (RFC 3704 section 2.4): the local AS is the customer's lateral peer
  or its customer (RFC 8704 section 3.7), or the routing data cannot show
  what the customer announces to the local AS: no --mrt, no route of the
  cone, or none through the local AS.

--asrel takes CAIDA's AS relationships (serial-1 or serial-2); --mrt MRT RIB
dumps and update files, whose AS paths show to whom the customer's cone
announces its prefixes. The local AS is --local-as, or the customer's only
provider when it has one.

Exit status: 0 when a recommendation was made; 1 when an input could not be
read; 2 on a usage error; 3 when it was made but bad lines of the AS
relationships or faults in MRT files were skipped. See docs/manrs-acl.md.`,
		Example: `  manrs urpf --asrel 20261001.as-rel2.txt.bz2 --mrt bview.20261001.0000.gz AS64500
  manrs urpf --asrel as-rel2.txt.bz2 --mrt rib.bz2 --mrt updates.bz2 --local-as AS64496 --json AS64501 | jq .mode`,
		Args: exactArgs(1, "AS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			customer, err := parseAS(args[0])
			if err != nil {
				return err
			}
			var local bgp.ASN
			if localAS != "" {
				if local, err = parseAS(localAS); err != nil {
					return err
				}
				if local == customer {
					return usagef("urpf: --local-as %s is the customer itself", local)
				}
			}
			if asrelFile == "" {
				return usagef("urpf: --asrel is required: the customer's providers and customers decide the mode")
			}
			g, skipped, err := loadASRel(cmd, asrelFile)
			if err != nil {
				return err
			}
			var trouble []string
			if skipped > 0 {
				trouble = append(trouble, plural(skipped, "bad AS relationship line"))
			}
			u := acl.NewURPF(g, customer, local)
			if len(mrtFiles) > 0 {
				var path []bgp.ASN
				in, err := forEachRoute(cmd, mrtFiles, func(rt *mrt.Route) error {
					if origin, ok := rt.Origin(); !ok || !u.InCone(origin) {
						return nil
					}
					path = rt.Attrs.Path().AppendSequence(path[:0])
					if len(path) == 0 {
						path = append(path, rt.PeerAS) // originated by the peer itself
					}
					u.AddRoute(rt.Prefix, path)
					return nil
				})
				if err != nil {
					return err
				}
				if in.failed < in.files {
					u.RoutesGiven()
				}
				if err := inputOutcome("urpf", in, 0); err != nil {
					var pe partialError
					if !errors.As(err, &pe) {
						return err
					}
					trouble = append(trouble, "faults in MRT input")
				}
			}
			rec := u.Recommend()
			out := bufferedOut(cmd)
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rec); err != nil {
					return err
				}
			} else if err := rec.WriteText(out); err != nil {
				return err
			}
			if err := out.Flush(); err != nil {
				return err
			}
			if len(trouble) > 0 {
				return partialError{fmt.Errorf("urpf: %s; see above", strings.Join(trouble, ", "))}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&asrelFile, "asrel", "", "CAIDA AS relationships `FILE` (serial-1 or serial-2, may be compressed)")
	f.StringArrayVar(&mrtFiles, "mrt", nil, "routes from the MRT `FILE` (RIB dump or updates); repeatable")
	f.StringVar(&localAS, "local-as", "", "the `AS` whose interface it is (default: the customer's only provider)")
	f.BoolVar(&asJSON, "json", false, "print the recommendation as JSON")
	return cmd
}
