package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/aspa"
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/mrt"
)

func newASPACmd() *cobra.Command {
	var vrpFiles, slurmFiles []string
	var asJSON, summary bool
	var only, direction string
	cmd := &cobra.Command{
		Use:   "aspa --vrps VRPS [--direction downstream|upstream] [--json [--summary] [--only STATE]] FILE...",
		Short: "Verify the AS paths of MRT files against ASPA records",
		Long: `Verify the AS_PATH of every route of MRT files against Autonomous System
Provider Authorization records, with the procedures of
draft-ietf-sidrops-aspa-verification: each hop is checked against the
customer's ASPA, and the path is valid, invalid (a route leak or a forged
path) or unknown (not enough ASPAs to tell).

--vrps takes validator JSON with an "aspas" member, as rpki-client and
Routinator write it; --slurm applies local exceptions.

--direction chooses the procedure. A route collector has no business
relationship with its peers and a full-table peer sends it everything, as
a provider sends a customer, so collector data is verified downstream (the
default). Use upstream for routes received from customers or lateral peers.
An AS_PATH holding an AS_SET is invalid. Prepends are collapsed and
confederation segments (AS_CONFED_SEQUENCE, AS_CONFED_SET) left out.

A path whose first AS is not the peer's AS (a route server peer, or a
forged path) is counted and marked "first_not_peer" in JSON; the draft
lets a route server's clients skip that check, so it does not change the
outcome here.`,
		Example: `  manrs aspa --vrps vrps.json rib.20250101.0000.bz2
  manrs aspa --vrps vrps.json --json --only invalid updates.20250101.0000.gz`,
		Args: minArgs(1, "MRT file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := aspa.ParseDirection(direction)
			if err != nil {
				return usageError{err}
			}
			var onlyState aspa.State
			switch only {
			case "":
			case "valid":
				onlyState = aspa.Valid
			case "invalid":
				onlyState = aspa.Invalid
			case "unknown":
				onlyState = aspa.Unknown
			default:
				return usagef("aspa: --only must be valid, invalid or unknown, not %q", only)
			}
			if only != "" && (!asJSON || summary) {
				return usagef("aspa: --only filters the routes that --json prints")
			}
			set, stats, err := loadRPKI(cmd, vrpFiles, slurmFiles)
			if err != nil {
				return err
			}
			if len(set.ASPAs) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "manrs: aspa: the inputs hold no ASPA records: every path will be unknown")
			}
			v := aspa.New(set.ASPAs)
			out := bufferedOut(cmd)
			enc := json.NewEncoder(out)
			var tally aspa.Tally
			notPeer := 0
			var seq []bgp.ASN
			in, err := forEachRoute(cmd, args, func(rt *mrt.Route) error {
				p := rt.Attrs.Path()
				hasSet := p.HasASSet()
				seq = p.AppendSequence(seq[:0])
				st := v.VerifyPath(seq, hasSet, dir)
				first := len(seq) > 0 && seq[0] != rt.PeerAS
				if first {
					notPeer++
				}
				if !asJSON || summary {
					tally.Add(aspa.Peer{Addr: rt.PeerAddr, ASN: rt.PeerAS}, rt.Prefix, st)
					return nil
				}
				if only != "" && st != onlyState {
					return nil
				}
				return enc.Encode(newASPALine(rt, seq, hasSet, first, dir, st))
			})
			if err != nil {
				return err
			}
			if in.failed < in.files {
				switch {
				case !asJSON:
					writeASPASummary(out, &tally, v.Len(), dir, notPeer)
				case summary:
					enc.Encode(newASPASummary(&tally, v.Len(), dir, notPeer))
				}
			}
			if err := out.Flush(); err != nil {
				return err
			}
			return inputOutcome("aspa", in, stats.SkippedTotal())
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&vrpFiles, "vrps", nil, "ASPAs (and VRPs) from `FILE`, validator JSON; repeatable")
	f.StringArrayVar(&slurmFiles, "slurm", nil, "apply the SLURM file `FILE` (RFC 8416 and its ASPA extension); repeatable")
	f.StringVar(&direction, "direction", "downstream", "verification procedure: downstream (routes from providers, and collectors) or upstream (from customers and peers)")
	f.BoolVar(&asJSON, "json", false, "print one JSON object per route")
	f.BoolVar(&summary, "summary", false, "with --json, print the summary as one JSON object instead")
	f.StringVar(&only, "only", "", "with --json, print only routes in `STATE` (valid, invalid, unknown)")
	return cmd
}

type aspaLine struct {
	Prefix       string   `json:"prefix"`
	OriginASN    *string  `json:"origin_asn"`
	PeerASN      string   `json:"peer_asn"`
	PeerIP       string   `json:"peer_ip"`
	Timestamp    uint32   `json:"timestamp"`
	Path         []uint32 `json:"as_path"`
	ASSet        bool     `json:"as_set,omitempty"`
	FirstNotPeer bool     `json:"first_not_peer,omitempty"`
	Direction    string   `json:"direction"`
	State        string   `json:"state"`
}

func newASPALine(rt *mrt.Route, seq []bgp.ASN, hasSet, firstNotPeer bool, dir aspa.Direction, st aspa.State) aspaLine {
	l := aspaLine{
		Prefix: rt.Prefix.String(), PeerASN: rt.PeerAS.String(), PeerIP: addrString(rt.PeerAddr),
		Timestamp: rt.Timestamp, Path: make([]uint32, len(seq)), ASSet: hasSet, FirstNotPeer: firstNotPeer,
		Direction: dir.String(), State: st.String(),
	}
	for i, a := range seq {
		l.Path[i] = uint32(a)
	}
	if o, ok := rt.Origin(); ok {
		s := o.String()
		l.OriginASN = &s
	}
	return l
}

type aspaPeerSummary struct {
	PeerASN string      `json:"peer_asn"`
	PeerIP  string      `json:"peer_ip"`
	IPv4    aspa.Counts `json:"ipv4"`
	IPv6    aspa.Counts `json:"ipv6"`
}

type aspaSummary struct {
	Customers    int               `json:"aspa_customers"`
	Direction    string            `json:"direction"`
	FirstNotPeer int               `json:"first_not_peer"`
	IPv4         aspa.Counts       `json:"ipv4"`
	IPv6         aspa.Counts       `json:"ipv6"`
	Peers        []aspaPeerSummary `json:"peers"`
}

func newASPASummary(t *aspa.Tally, customers int, dir aspa.Direction, notPeer int) aspaSummary {
	s := aspaSummary{Customers: customers, Direction: dir.String(), FirstNotPeer: notPeer, IPv4: t.IPv4, IPv6: t.IPv6, Peers: []aspaPeerSummary{}}
	for _, p := range t.Peers() {
		s.Peers = append(s.Peers, aspaPeerSummary{PeerASN: p.Peer.ASN.String(), PeerIP: addrString(p.Peer.Addr), IPv4: p.IPv4, IPv6: p.IPv6})
	}
	return s
}

func writeASPASummary(w io.Writer, t *aspa.Tally, customers int, dir aspa.Direction, notPeer int) {
	total := t.IPv4.Total() + t.IPv6.Total()
	fmt.Fprintf(w, "%d AS paths verified %s against the ASPAs of %d customer ASes\n", total, dir, customers)
	if notPeer > 0 {
		fmt.Fprintf(w, "%d paths do not start with the peer's AS (route server peers, or forged paths)\n", notPeer)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tvalid\tinvalid\tunknown\ttotal\t")
	row := func(name string, c aspa.Counts) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", name, c.Valid, c.Invalid, c.Unknown, c.Total())
	}
	row("IPv4", t.IPv4)
	row("IPv6", t.IPv6)
	row("all", aspa.Counts{Valid: t.IPv4.Valid + t.IPv6.Valid, Invalid: t.IPv4.Invalid + t.IPv6.Invalid, Unknown: t.IPv4.Unknown + t.IPv6.Unknown})
	tw.Flush()
	peers := t.Peers()
	if len(peers) == 0 {
		return
	}
	fmt.Fprintf(w, "\nby peer (%d)\n", len(peers))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "peer AS\tpeer address\tvalid\tinvalid\tunknown\ttotal\t")
	for _, p := range peers {
		c := aspa.Counts{Valid: p.IPv4.Valid + p.IPv6.Valid, Invalid: p.IPv4.Invalid + p.IPv6.Invalid, Unknown: p.IPv4.Unknown + p.IPv6.Unknown}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t\n", p.Peer.ASN, addrString(p.Peer.Addr), c.Valid, c.Invalid, c.Unknown, c.Total())
	}
	tw.Flush()
}
