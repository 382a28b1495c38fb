package filter

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpki"
)

// DefaultName is the name of a list when none is given (bgpq4 -l).
const DefaultName = "NN"

// MaxRangePrefixes is the most prefixes a prefix range is expanded into,
// one entry each as bgpq4 writes them; a larger range (0.0.0.0/0^+ holds
// 2^33 - 1 prefixes) becomes one aggregate entry, as -A would write it.
const MaxRangePrefixes = 1 << 16

// Kind is what kind of list a filter is.
type Kind uint8

// Kinds of lists.
const (
	PrefixList Kind = iota // prefix list (bgpq4's default)
	Extended               // extended access list or route filter (bgpq4 -E)
	ASPath                 // AS-path list for a peer (bgpq4 -f)
	ASSet                  // list of AS numbers (bgpq4 -t)
)

var kindNames = [...]string{
	PrefixList: "prefix list",
	Extended:   "extended access list (-E)",
	ASPath:     "AS-path list (-f)",
	ASSet:      "AS list (-t)",
}

// String names the kind, e.g. "AS-path list (-f)".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Options say what list to make and how, with bgpq4's option letters.
type Options struct {
	Kind Kind
	// V6 makes IPv6 lists (-6).
	V6 bool
	// Name names the list (-l); "" for DefaultName.
	Name string
	// PeerAS is the peer of an AS-path list (-f).
	PeerAS bgp.ASN
	// DenyAS is the AS an empty OpenBGPD prefix list denies (-a).
	DenyAS bgp.ASN
	// Aggregate joins prefixes into aggregates (-A).
	Aggregate bool
	// Refine lets more specifics through up to this length (-R);
	// RefineLow lets them through from this length (-r). 0 for none.
	Refine, RefineLow int
	// MaxLength is the longest prefix accepted (-m); 0 for the family's
	// length.
	MaxLength int
	// Sequence numbers the entries of IOS prefix lists (-s).
	Sequence bool
	// ASWidth is the number of AS numbers on one line of an AS-path or
	// AS list (-W), 0 for no limit; -1 for the format's default.
	ASWidth int
	// Match is the extra match condition of Junos route filters (-M).
	Match string
	// Template is the user format (-F).
	Template *Template
	// Validate leaves out ASes without route objects (-w); it is
	// checked here, and done by Expand.
	Validate bool
}

// maxBits returns the length of an address of the family.
func (o *Options) maxBits() int {
	if o.V6 {
		return 128
	}
	return 32
}

// Check tells whether f can write the list o asks for, with bgpq4's
// rules; the error says why not.
func (o *Options) Check(f *Format) error {
	if f.writer(o.Kind) == nil {
		return fmt.Errorf("format %s has no %s", f.Name, o.Kind)
	}
	if err := checkName(o.Name); err != nil {
		return err
	}
	if f.Name == userFormat && o.Template == nil {
		return errors.New("the user format needs a template (-F)")
	}
	if f.Name != userFormat && o.Template != nil {
		return fmt.Errorf("a template (-F) is for the user format, not %s", f.Name)
	}
	mb := o.maxBits()
	lists := o.Kind == PrefixList || o.Kind == Extended
	switch {
	case o.Refine < 0 || o.Refine > mb:
		return fmt.Errorf("more specifics up to /%d (-R): want 1-%d for %s", o.Refine, mb, family(o.V6))
	case o.RefineLow < 0 || o.RefineLow > mb:
		return fmt.Errorf("more specifics from /%d (-r): want 1-%d for %s", o.RefineLow, mb, family(o.V6))
	case o.RefineLow > 0 && o.Refine > 0 && o.RefineLow > o.Refine:
		return fmt.Errorf("more specifics from /%d (-r) up to /%d (-R): from is longer than up to", o.RefineLow, o.Refine)
	case o.MaxLength < 0 || o.MaxLength > mb:
		return fmt.Errorf("maximum length /%d (-m): want 1-%d for %s", o.MaxLength, mb, family(o.V6))
	case (o.Aggregate || o.Refine > 0 || o.RefineLow > 0) && !lists:
		return fmt.Errorf("aggregation (-A) and more specifics (-R, -r) are for prefix lists, not for an %s", o.Kind)
	case (o.Aggregate || o.Refine > 0 || o.RefineLow > 0) && o.Kind == PrefixList && f.exactPrefixLists:
		return fmt.Errorf("%s prefix lists hold exact prefixes only: no aggregation (-A) nor more specifics (-R, -r); use route filters (-E)", f.Name)
	case (o.Aggregate || o.Refine > 0 || o.RefineLow > 0) && o.Kind == Extended && f.exactExtended:
		return fmt.Errorf("%s extended lists (-E) hold exact prefixes only: no aggregation (-A) nor more specifics (-R, -r)", f.Name)
	case o.Sequence && (!f.sequence || o.Kind != PrefixList):
		return fmt.Errorf("sequence numbers (-s) are for the prefix lists of ios and eos only (format %s, %s)", f.Name, o.Kind)
	case o.Kind == Extended && o.V6 && f.extendedV4Only:
		return fmt.Errorf("%s extended access lists (-E) are IPv4 only", f.Name)
	case o.Match != "" && (!f.match || o.Kind != Extended):
		return errors.New("extra match conditions (-M) are for junos route filters (-J -E)")
	case o.DenyAS != 0 && (f.Name != "openbgpd" || o.Kind != PrefixList):
		return errors.New("the AS to deny (-a) is for openbgpd prefix lists (-B)")
	case o.Kind == ASPath && o.PeerAS == 0:
		return errors.New("an AS-path list (-f) needs the peer's AS number")
	case o.Kind == ASPath && o.V6 && !o.Validate:
		return errors.New("IPv6 (-6) means nothing for an AS-path list (-f) without -w")
	case o.Validate && o.Kind != ASPath:
		return errors.New("leaving out ASes without route objects (-w) is for AS-path lists (-f)")
	case o.ASWidth < -1:
		return fmt.Errorf("AS numbers per line (-W) %d: want 0 (no limit) or more", o.ASWidth)
	}
	return nil
}

// checkName refuses list names that would break the configuration they
// are written into: control characters, spaces and quotes.
func checkName(name string) error {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == 0x7f || c == '"' || c == '\'' || c == '\\' {
			return fmt.Errorf("list name %q: byte %d is %q: no spaces, quotes, backslashes or control characters", name, i+1, c)
		}
	}
	return nil
}

// List is a filter ready to write: its entries in the order of the radix
// tree, or its AS numbers.
type List struct {
	Name string
	V6   bool
	Kind Kind
	// Entries are the prefix entries of a PrefixList or Extended list.
	Entries []Entry
	// ASNs are the AS numbers of an ASPath or ASSet list, sorted.
	ASNs []bgp.ASN
	// Notes are annotations no entry covers.
	Notes []Note
	// Unexpanded are the prefix ranges holding more than
	// MaxRangePrefixes prefixes, each written as one aggregate entry
	// (formats whose lists hold exact prefixes only leave them out).
	Unexpanded []Range
	PeerAS     bgp.ASN
	DenyAS     bgp.ASN
	ASWidth    int
	Sequence   bool
	Match      string
	Template   *Template
}

// Entry is one entry of a prefix list: a prefix, or an aggregate that
// stands for the prefixes within Prefix of lengths Lo to Hi.
type Entry struct {
	Prefix    netip.Prefix
	Aggregate bool
	Lo, Hi    int
	// Notes annotate the entry: prefixes it holds that failed a check
	// of the Policy whose action is Annotate.
	Notes []Note
}

// Build makes the list o asks for from an expansion, after the checks of
// pol. It returns the list and the notes of the prefixes dropped or
// annotated, those longer than o.MaxLength included. Prefixes not of the
// expansion's family, or with bits set after their length, are skipped.
func Build(x *Expansion, o Options, pol Policy) (*List, []Note) {
	l := &List{
		Name: o.Name, V6: x.V6, Kind: o.Kind, PeerAS: o.PeerAS, DenyAS: o.DenyAS,
		ASWidth: o.ASWidth, Sequence: o.Sequence, Match: o.Match, Template: o.Template,
	}
	if l.Name == "" {
		l.Name = DefaultName
	}
	var notes []Note
	for _, r := range x.TooLong {
		notes = append(notes, Note{Prefix: r.Prefix, Lo: r.Prefix.Bits(), Hi: r.Prefix.Bits(), Reason: ReasonMaxLength,
			Action: Drop, Origins: r.Origins, Detail: fmt.Sprintf("longer than /%d (-m)", o.MaxLength)})
	}
	if o.Kind == ASPath || o.Kind == ASSet {
		l.ASNs = x.ASNs
		return l, notes
	}
	t := newTree(x.V6)
	t.size = len(x.Routes) + len(x.Ranges)
	attached := make(map[*node][]Note)
	var vrps []rpki.VRP
	var mine []Note
	checked := func(p netip.Prefix, lo, hi int, origins []bgp.ASN) bool {
		mine, vrps = pol.check(p, lo, hi, origins, mine[:0], vrps)
		notes = append(notes, mine...)
		for _, n := range mine {
			if n.Action == Drop {
				return false
			}
		}
		return true
	}
	family := func(p netip.Prefix) bool { return p.IsValid() && p.Addr().Is6() == x.V6 && p.Masked() == p }
	for _, r := range x.Routes {
		b := r.Prefix.Bits()
		if !family(r.Prefix) || !checked(r.Prefix, b, b, r.Origins) {
			continue
		}
		n := t.insert(keyOf(r.Prefix))
		if len(mine) > 0 {
			attached[n] = append(attached[n], mine...)
		}
	}
	var large []Range
	var largeNotes [][]Note
	for _, r := range x.Ranges {
		r.Lo, r.Hi = max(r.Lo, r.Prefix.Bits()), min(r.Hi, int(t.maxBits))
		if !family(r.Prefix) || r.Lo > r.Hi || !checked(r.Prefix, r.Lo, r.Hi, r.Origins) {
			continue
		}
		b := uint8(r.Prefix.Bits())
		if rangeSize(b, uint8(r.Lo), uint8(r.Hi), MaxRangePrefixes) > MaxRangePrefixes {
			large = append(large, r)
			l.Unexpanded = append(l.Unexpanded, r)
			largeNotes = append(largeNotes, append([]Note(nil), mine...))
			continue
		}
		n := t.insertRange(keyOf(r.Prefix), uint8(r.Lo), uint8(r.Hi))
		if len(mine) > 0 && n != nil {
			attached[n] = append(attached[n], mine...)
		}
	}
	for i, r := range large {
		n := t.insertAggregate(keyOf(r.Prefix), uint8(r.Lo), uint8(r.Hi))
		if len(largeNotes[i]) > 0 {
			attached[n] = append(attached[n], largeNotes[i]...)
		}
	}
	refine, refineLow := o.Refine, o.RefineLow
	if refineLow > 0 && refine == 0 {
		refine = int(t.maxBits) // bgpq4: -r alone means up to the longest
	}
	if refine > 0 {
		t.refine(uint8(refine))
	}
	if refineLow > 0 {
		t.refineLow(uint8(refineLow))
	}
	if o.Aggregate {
		t.aggregate()
	}
	l.flatten(t, attached)
	return l, notes
}

// flatten lists the entries of t in bgpq4's order, attaching each note to
// the entry of its node or, for a node an aggregate swallowed, to the
// entry of the nearest ancestor written.
func (l *List) flatten(t *tree, notes map[*node][]Note) {
	v6 := l.V6
	var visit func(n *node, owner int)
	visit = func(n *node, owner int) {
		first := len(l.Entries)
		for s := n; s != nil; s = s.son {
			if s.glue {
				continue
			}
			e := Entry{Prefix: s.key.prefix(v6), Lo: int(s.key.bits), Hi: int(s.key.bits)}
			if s.aggregate {
				e.Aggregate, e.Lo, e.Hi = true, int(s.lo), int(s.hi)
			}
			l.Entries = append(l.Entries, e)
		}
		here := owner
		if len(l.Entries) > first {
			here = first
		}
		i := first
		for s := n; s != nil; s = s.son {
			at := here
			if !s.glue {
				at = i
				i++
			}
			switch ns := notes[s]; {
			case len(ns) == 0:
			case at < 0:
				l.Notes = append(l.Notes, ns...)
			default:
				l.Entries[at].Notes = append(l.Entries[at].Notes, ns...)
			}
		}
		if n.l != nil {
			visit(n.l, here)
		}
		if n.r != nil {
			visit(n.r, here)
		}
	}
	if t.head != nil {
		l.Entries = make([]Entry, 0, t.size)
		visit(t.head, -1)
	}
}
