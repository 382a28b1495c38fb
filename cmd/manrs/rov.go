package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/mrt"
	"github.com/manrs/manrs/internal/rov"
	"github.com/manrs/manrs/internal/rpki"
)

func newROVCmd() *cobra.Command {
	var vrpFiles, slurmFiles []string
	var asJSON, summary bool
	var only string
	cmd := &cobra.Command{
		Use:   "rov --vrps VRPS [--slurm SLURM]... [--json [--summary] [--only STATE]] FILE...",
		Short: "Validate the routes of MRT files against the RPKI (RFC 6811 route origin validation)",
		Long: `Validate every route of MRT RIB dumps and update files against a set of
Validated ROA Payloads (RFC 6811): a route is valid when a VRP covers its
prefix with its origin AS and a maximum length at least the prefix's length,
invalid when VRPs cover it but none matches, not-found when none covers it.

--vrps takes the JSON or CSV that rpki-client, Routinator and StayRTR write
(repeat it to merge several); --slurm applies local exceptions (RFC 8416).

By default a summary is printed: valid, invalid-origin (reason "as"),
invalid-length and not-found routes by address family and by collector peer.
With --json every route is one JSON object per line, with the field names of
Routinator's validate --json (prefix, origin_asn, state, reason and the VRPs
that decided it: matched, unmatched_as, unmatched_length) plus peer_asn,
peer_ip and timestamp. --json --summary prints the summary as JSON.

A route whose AS_PATH ends in an AS_SET has no origin (NONE): it can only be
invalid or not-found. Withdrawals are not routes and are not counted.`,
		Example: `  manrs rov --vrps testdata/rpki/vrps.json testdata/mrt/pyasn/rib.20140523.0600_firstMB.clean.bz2
  manrs rov --vrps vrps.csv --json --only invalid bview.20250101.0000.gz | jq .prefix`,
		Args: minArgs(1, "MRT file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var onlyState rov.State
			switch only {
			case "":
			case "valid":
				onlyState = rov.Valid
			case "invalid":
				onlyState = rov.Invalid
			case "not-found":
				onlyState = rov.NotFound
			default:
				return usagef("rov: --only must be valid, invalid or not-found, not %q", only)
			}
			if only != "" && (!asJSON || summary) {
				return usagef("rov: --only filters the routes that --json prints")
			}
			set, stats, err := loadRPKI(cmd, vrpFiles, slurmFiles)
			if err != nil {
				return err
			}
			ix := rov.New(set.VRPs)
			out := bufferedOut(cmd)
			var tally rov.Tally
			var vrps []rpki.VRP
			enc := json.NewEncoder(out)
			in, err := forEachRoute(cmd, args, func(rt *mrt.Route) error {
				origin, ok := rt.Origin()
				if !ok {
					origin = 0 // NONE: no VRP matches it
				}
				if !asJSON || summary {
					st, reason := ix.Validate(rt.Prefix, origin)
					tally.Add(rov.Peer{Addr: rt.PeerAddr, ASN: rt.PeerAS}, rt.Prefix, st, reason)
					return nil
				}
				var st rov.State
				var reason rov.Reason
				st, reason, vrps = ix.ValidateVRPs(vrps[:0], rt.Prefix, origin)
				if only != "" && st != onlyState {
					return nil
				}
				return enc.Encode(newROVLine(rt, origin, ok, st, reason, vrps))
			})
			if err != nil {
				return err
			}
			if in.failed < in.files {
				if !asJSON {
					writeROVSummary(out, &tally, ix.Len(), in.files-in.failed)
				} else if summary {
					enc.Encode(newROVSummary(&tally, ix.Len()))
				}
			}
			if err := out.Flush(); err != nil {
				return err
			}
			return inputOutcome("rov", in, stats.SkippedTotal())
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&vrpFiles, "vrps", nil, "VRPs from `FILE` (validator JSON or CSV); repeatable")
	f.StringArrayVar(&slurmFiles, "slurm", nil, "apply the SLURM file `FILE` (RFC 8416); repeatable")
	f.BoolVar(&asJSON, "json", false, "print one JSON object per route")
	f.BoolVar(&summary, "summary", false, "with --json, print the summary as one JSON object instead")
	f.StringVar(&only, "only", "", "with --json, print only routes in `STATE` (valid, invalid, not-found)")
	return cmd
}

// rovVRP is a VRP as Routinator's validate --json writes it.
type rovVRP struct {
	ASN       string `json:"asn"`
	Prefix    string `json:"prefix"`
	MaxLength int    `json:"max_length"`
}

type rovVRPs struct {
	Matched         []rovVRP `json:"matched"`
	UnmatchedAS     []rovVRP `json:"unmatched_as"`
	UnmatchedLength []rovVRP `json:"unmatched_length"`
}

type rovLine struct {
	Prefix    string  `json:"prefix"`
	OriginASN *string `json:"origin_asn"`
	PeerASN   string  `json:"peer_asn"`
	PeerIP    string  `json:"peer_ip"`
	Timestamp uint32  `json:"timestamp"`
	State     string  `json:"state"`
	Reason    string  `json:"reason,omitempty"`
	VRPs      rovVRPs `json:"vrps"`
}

func newROVLine(rt *mrt.Route, origin bgp.ASN, hasOrigin bool, st rov.State, reason rov.Reason, vrps []rpki.VRP) rovLine {
	l := rovLine{
		Prefix:    rt.Prefix.String(),
		PeerASN:   rt.PeerAS.String(),
		PeerIP:    rt.PeerAddr.String(),
		Timestamp: rt.Timestamp,
		State:     st.String(),
		VRPs:      rovVRPs{Matched: []rovVRP{}, UnmatchedAS: []rovVRP{}, UnmatchedLength: []rovVRP{}},
	}
	if hasOrigin {
		s := origin.String()
		l.OriginASN = &s
	}
	if st == rov.Invalid {
		l.Reason = reason.String()
	}
	for _, v := range vrps {
		j := rovVRP{ASN: v.ASN.String(), Prefix: v.Prefix.String(), MaxLength: int(v.MaxLength)}
		switch {
		case st == rov.Valid:
			l.VRPs.Matched = append(l.VRPs.Matched, j)
		case rt.Prefix.Bits() > int(v.MaxLength):
			l.VRPs.UnmatchedLength = append(l.VRPs.UnmatchedLength, j)
		default:
			l.VRPs.UnmatchedAS = append(l.VRPs.UnmatchedAS, j)
		}
	}
	return l
}

type rovPeerSummary struct {
	PeerASN string     `json:"peer_asn"`
	PeerIP  string     `json:"peer_ip"`
	IPv4    rov.Counts `json:"ipv4"`
	IPv6    rov.Counts `json:"ipv6"`
}

type rovSummary struct {
	VRPs  int              `json:"vrps"`
	IPv4  rov.Counts       `json:"ipv4"`
	IPv6  rov.Counts       `json:"ipv6"`
	Peers []rovPeerSummary `json:"peers"`
}

func newROVSummary(t *rov.Tally, nvrps int) rovSummary {
	s := rovSummary{VRPs: nvrps, IPv4: t.IPv4, IPv6: t.IPv6, Peers: []rovPeerSummary{}}
	for _, p := range t.Peers() {
		s.Peers = append(s.Peers, rovPeerSummary{PeerASN: p.Peer.ASN.String(), PeerIP: addrString(p.Peer.Addr), IPv4: p.IPv4, IPv6: p.IPv6})
	}
	return s
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func pct(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

func writeROVSummary(w io.Writer, t *rov.Tally, nvrps, files int) {
	total := t.IPv4.Total() + t.IPv6.Total()
	fmt.Fprintf(w, "%d routes from %s validated against %d VRPs (RFC 6811)\n\n", total, plural(files, "MRT file"), nvrps)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tvalid\tinvalid-origin\tinvalid-length\tnot-found\ttotal\t")
	row := func(name string, c rov.Counts) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t\n", name, c.Valid, c.InvalidAS, c.InvalidLength, c.NotFound, c.Total())
	}
	row("IPv4", t.IPv4)
	row("IPv6", t.IPv6)
	all := rov.Counts{
		Valid: t.IPv4.Valid + t.IPv6.Valid, InvalidAS: t.IPv4.InvalidAS + t.IPv6.InvalidAS,
		InvalidLength: t.IPv4.InvalidLength + t.IPv6.InvalidLength, NotFound: t.IPv4.NotFound + t.IPv6.NotFound,
	}
	row("all", all)
	fmt.Fprintf(tw, "share\t%s\t%s\t%s\t%s\t\t\n", pct(all.Valid, total), pct(all.InvalidAS, total), pct(all.InvalidLength, total), pct(all.NotFound, total))
	tw.Flush()
	peers := t.Peers()
	if len(peers) == 0 {
		return
	}
	fmt.Fprintf(w, "\nby peer (%d)\n", len(peers))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "peer AS\tpeer address\tvalid\tinvalid-origin\tinvalid-length\tnot-found\ttotal\t")
	for _, p := range peers {
		c := rov.Counts{
			Valid: p.IPv4.Valid + p.IPv6.Valid, InvalidAS: p.IPv4.InvalidAS + p.IPv6.InvalidAS,
			InvalidLength: p.IPv4.InvalidLength + p.IPv6.InvalidLength, NotFound: p.IPv4.NotFound + p.IPv6.NotFound,
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t\n", p.Peer.ASN, addrString(p.Peer.Addr), c.Valid, c.InvalidAS, c.InvalidLength, c.NotFound, c.Total())
	}
	tw.Flush()
}
