package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/bogon"
)

func newBogonCmd() *cobra.Command {
	var (
		delegatedFiles  []string
		fullbogonsFiles []string
		absent          string
		match           string
		strict          bool
		asJSON          bool
		quiet           bool
	)
	cmd := &cobra.Command{
		Use:   "bogon [flags] PREFIX|ADDRESS|ASN...",
		Short: "Say whether prefixes, addresses and ASNs are bogons, and why",
		Long: `bogon says for each argument whether it is a bogon: address space or an AS
number that should never appear in the global routing table. Each answer
names the entry behind it: its registry, its RFC or the file and line it
comes from.

Built in are the IANA IPv4 and IPv6 Special-Purpose Address Registries
(RFC 6890, RFC 8190), IPv4 multicast, the IPv6 space outside 2000::/3, and
the special-purpose and reserved AS numbers (RFC 7607, 6793, 5398, 6996,
7300). Blocks that the registries mark globally reachable (AS112, AMT,
anycast services) are not bogons. RIR delegated statistics (--delegated)
add unallocated space and ASNs; Team Cymru fullbogons lists (--fullbogons)
add theirs. Files may be compressed (gzip, bzip2, zstd).

An argument with a "/" is a prefix, one that parses as an IPv4 or IPv6
address is an address, and anything else is an ASN (64500, AS64500, or
asdot 1.10). A prefix is a bogon when it overlaps bogon space: when a bogon
entry covers it, or it covers one (0.0.0.0/0, an aggregate over an
unallocated block); --match covered keeps only the first sense.

Exit status: 0 when every argument was answered, bogon or not; 1 when a
data file cannot be read; 2 for a usage error; 3 when bad lines of the data
files were skipped (the answers are given). With --quiet nothing is printed
and the status answers the question: 0 no argument is a bogon, 1 at least
one is, 2 the check could not be made.`,
		Example: `  manrs bogon 192.0.2.0/24 10.1.2.3 2001:db8::/48 AS64512 3356
  manrs bogon --json --delegated delegated-apnic-extended-latest 43.224.0.0/22
  manrs bogon --fullbogons fullbogons-ipv4.txt --fullbogons fullbogons-ipv6.txt 23.135.225.0/24
  manrs bogon -q "$prefix" || echo "$prefix is a bogon"`,
		Args: minArgs(1, "PREFIX, ADDRESS or ASN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			trouble := func(err error) error {
				if quiet {
					return usageError{err} // --quiet: 2 when the check could not be made
				}
				return err
			}
			queries, err := parseBogonQueries(args)
			if err != nil {
				return err
			}
			b := bogon.NewBuilder()
			b.Strict = strict
			switch absent {
			case "auto":
				b.Absent = bogon.AbsentAuto
			case "unallocated":
				b.Absent = bogon.AbsentUnallocated
			case "ignored":
				b.Absent = bogon.AbsentIgnored
			default:
				return usagef("bogon: --absent %q: want auto, unallocated or ignored", absent)
			}
			covered := false
			switch match {
			case "overlap":
			case "covered":
				covered = true
			default:
				return usagef("bogon: --match %q: want overlap or covered", match)
			}
			stderr := cmd.ErrOrStderr()
			skipped := 0
			for _, name := range delegatedFiles {
				n, err := loadBogonFile(cmd, name, stderr, func(r io.Reader) (int, []error, error) {
					st, err := b.AddDelegated(r, name)
					return st.Skipped, st.Errors, err
				})
				if err != nil {
					return trouble(err)
				}
				skipped += n
			}
			for _, name := range fullbogonsFiles {
				n, err := loadBogonFile(cmd, name, stderr, func(r io.Reader) (int, []error, error) {
					st, err := b.AddFullbogons(r, name)
					return st.Skipped, st.Errors, err
				})
				if err != nil {
					return trouble(err)
				}
				skipped += n
			}
			set := b.Build()

			out := bufferedOut(cmd)
			enc := json.NewEncoder(out)
			bogons := 0
			for _, q := range queries {
				a := q.answer(set, covered)
				if a.Bogon {
					bogons++
				}
				switch {
				case quiet:
				case asJSON:
					err = enc.Encode(a)
				default:
					_, err = fmt.Fprintln(out, a.text())
				}
				if err != nil {
					return err
				}
			}
			if err := out.Flush(); err != nil {
				return err
			}
			switch {
			case quiet && bogons > 0:
				return fmt.Errorf("bogon: %d of %d arguments are bogons", bogons, len(queries))
			case quiet:
				return nil
			case skipped > 0:
				return partialError{fmt.Errorf("bogon: skipped %d bad lines in the data files", skipped)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&delegatedFiles, "delegated", nil, "load the RIR delegated(-extended) statistics `FILE`; repeatable")
	f.StringArrayVar(&fullbogonsFiles, "fullbogons", nil, "load the Team Cymru fullbogons `FILE`; repeatable")
	f.StringVar(&absent, "absent", "auto", "space no delegated file lists: auto (unallocated when the files cover every RIR), unallocated, ignored")
	f.StringVar(&match, "match", "overlap", "when a prefix is a bogon: overlap (covered by or covering a bogon entry) or covered (within bogon space)")
	f.BoolVar(&strict, "strict", false, "fail on the first bad line of a data file instead of skipping it")
	f.BoolVar(&asJSON, "json", false, "print one JSON object per argument")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing; exit 1 if any argument is a bogon, 0 if none is")
	return cmd
}

// loadBogonFile opens a data file, lets load read it, and reports skipped
// lines on stderr.
func loadBogonFile(cmd *cobra.Command, name string, stderr io.Writer, load func(io.Reader) (int, []error, error)) (int, error) {
	rc, err := openInput(cmd, name)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, errs, err := load(rc)
	if err != nil {
		return n, err
	}
	if n > 0 {
		fmt.Fprintf(stderr, "manrs: bogon: %s: skipped %d bad lines; first: %v\n", name, n, errs[0])
	}
	return n, nil
}

// bogonQuery is one parsed argument.
type bogonQuery struct {
	arg    string
	prefix netip.Prefix
	addr   netip.Addr
	asn    bgp.ASN
	kind   string // "prefix", "address" or "asn"
}

func parseBogonQueries(args []string) ([]bogonQuery, error) {
	qs := make([]bogonQuery, 0, len(args))
	for _, arg := range args {
		q := bogonQuery{arg: arg}
		switch {
		case strings.Contains(arg, "/"):
			p, err := netip.ParsePrefix(arg)
			if err != nil {
				return nil, usagef("bogon: %q is not a prefix: %v", arg, err)
			}
			q.prefix, q.kind = p.Masked(), "prefix"
		default:
			if a, err := netip.ParseAddr(arg); err == nil {
				q.addr, q.kind = a, "address"
				break
			}
			n, err := bgp.ParseASN(arg)
			if err != nil {
				return nil, usagef("bogon: %q is not a prefix, an address or an ASN", arg)
			}
			q.asn, q.kind = n, "asn"
		}
		qs = append(qs, q)
	}
	return qs, nil
}

// bogonAnswer is the answer for one argument, as JSON and as text.
type bogonAnswer struct {
	Query   string  `json:"query"`
	Type    string  `json:"type"`
	Prefix  string  `json:"prefix,omitempty"`
	Address string  `json:"address,omitempty"`
	ASN     *uint32 `json:"asn,omitempty"`
	Bogon   bool    `json:"bogon"`
	// The entry that makes the argument a bogon, or, for an argument
	// that is not one, the globally reachable special-purpose block it
	// lies in.
	Relation          string  `json:"relation,omitempty"`
	Kind              string  `json:"kind,omitempty"`
	Entry             string  `json:"entry,omitempty"`
	First             *uint32 `json:"first,omitempty"`
	Last              *uint32 `json:"last,omitempty"`
	Name              string  `json:"name,omitempty"`
	Source            string  `json:"source,omitempty"`
	Registry          string  `json:"registry,omitempty"`
	Forwardable       string  `json:"forwardable,omitempty"`
	GloballyReachable string  `json:"globally_reachable,omitempty"`
}

func (q bogonQuery) answer(s *bogon.Set, covered bool) bogonAnswer {
	a := bogonAnswer{Query: q.arg, Type: q.kind}
	var m bogon.Match
	var ok bool
	switch q.kind {
	case "prefix":
		a.Prefix = q.prefix.String()
		if covered {
			m, ok = s.Covering(q.prefix)
		} else {
			m, ok = s.CheckPrefix(q.prefix)
		}
		if !ok {
			if e, found := s.Lookup(q.prefix); found && !e.Bogon {
				m, ok = bogon.Match{Entry: e, Relation: bogon.CoveredBy}, true
			}
		}
	case "address":
		a.Address = q.addr.String()
		m, ok = s.CheckAddr(q.addr)
		if !ok {
			if e, found := s.Lookup(netip.PrefixFrom(q.addr.WithZone(""), q.addr.BitLen())); found && !e.Bogon {
				m, ok = bogon.Match{Entry: e, Relation: bogon.CoveredBy}, true
			}
		}
	case "asn":
		n := uint32(q.asn)
		a.ASN = &n
		m, ok = s.CheckASN(q.asn)
	}
	if !ok {
		return a
	}
	a.Bogon = m.Bogon
	a.Relation = m.Relation.String()
	a.Kind = m.Kind.String()
	if m.IsASN() {
		first, last := uint32(m.First), uint32(m.Last)
		a.First, a.Last = &first, &last
		a.Entry = m.First.String()
		if m.First != m.Last {
			a.Entry += "-" + m.Last.String()
		}
	} else {
		a.Entry = m.Prefix.String()
	}
	a.Name, a.Source, a.Registry = m.Name, m.Source, m.Registry
	a.Forwardable, a.GloballyReachable = m.Forwardable.String(), m.GloballyReachable.String()
	return a
}

// text renders the answer as one line: "ARG: bogon: covered by ENTRY, NAME
// [KIND; SOURCE; REGISTRY]", "ARG: not a bogon", or "ARG: not a bogon:
// within ENTRY, NAME, globally reachable [...]".
func (a bogonAnswer) text() string {
	if a.Entry == "" {
		return a.Query + ": not a bogon"
	}
	detail := fmt.Sprintf("%s, %s", a.Entry, a.Name)
	tail := fmt.Sprintf(" [%s; %s; %s]", a.Kind, a.Source, a.Registry)
	if !a.Bogon {
		return a.Query + ": not a bogon: within " + detail + ", globally reachable" + tail
	}
	how := "covered by"
	switch {
	case a.Relation == bogon.Covers.String():
		how = "covers"
	case a.Type != "prefix":
		how = "in"
	}
	return a.Query + ": bogon: " + how + " " + detail + tail
}
