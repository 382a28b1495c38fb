package filter

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"strconv"

	"github.com/manrs/manrs/internal/bgp"
)

// Format is a configuration language a filter is written in. Each has a
// file of its own, and an entry in the formats table.
type Format struct {
	// Name names the format, e.g. "ios-xr".
	Name string
	// Flag is bgpq4's option selecting the format, e.g. "-X"; "" for
	// the default (ios).
	Flag string
	// Title says what routers read it, e.g. "Cisco IOS XR".
	Title string
	// Comment starts a comment line in the format, "" when it has none.
	Comment string
	// fieldNotes tells that the format writes notes as a field of the
	// entry (JSON).
	fieldNotes bool

	prefixList, extended, asPath, asSet func(p *printer)
	// asPathWidth is the number of AS numbers on one line of an AS-path
	// list, bgpq4's default for the format.
	asPathWidth int
	// Rules of Options.Check.
	exactPrefixLists bool // prefix lists cannot aggregate
	exactExtended    bool // -E lists cannot aggregate
	sequence         bool // -s numbers prefix lists
	extendedV4Only   bool // -E lists are IPv4 only
	match            bool // -M adds to -E route filters
}

// defaultASWidth is the number of AS numbers on one line of the lists
// that bgpq4 gives no width of their own.
const defaultASWidth = 8

// formats is the table of formats, in the order bgpq4 lists them.
var formats = []*Format{
	formatIOS,
	formatIOSXR,
	formatHuawei,
	formatHuaweiXPL,
	formatJSON,
	formatJunos,
	formatRouterOS6,
	formatRouterOS7,
	formatBIRD,
	formatSROS,
	formatSROSMDCLI,
	formatSRLinux,
	formatOpenBGPD,
	formatEOS,
	formatUser,
}

// Formats returns the formats, in the order bgpq4's help lists them.
func Formats() []*Format { return append([]*Format(nil), formats...) }

// LookupFormat returns the format called name.
func LookupFormat(name string) (*Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// Kinds returns the kinds of lists the format writes.
func (f *Format) Kinds() []Kind {
	var out []Kind
	for k := PrefixList; k <= ASSet; k++ {
		if f.writer(k) != nil {
			out = append(out, k)
		}
	}
	return out
}

// Annotates reports whether the format writes the notes of annotated
// prefixes into the list: as comments, or as a field in JSON.
func (f *Format) Annotates() bool { return f.Comment != "" || f.fieldNotes }

// Aggregates reports whether the format writes aggregate entries (a
// prefix and a range of lengths) in lists of kind k: junos prefix lists
// and the -E lists of sros, sros-mdcli and srlinux hold exact prefixes
// only.
func (f *Format) Aggregates(k Kind) bool {
	switch k {
	case PrefixList:
		return f.prefixList != nil && !f.exactPrefixLists
	case Extended:
		return f.extended != nil && !f.exactExtended
	}
	return false
}

func (f *Format) writer(k Kind) func(*printer) {
	switch k {
	case PrefixList:
		return f.prefixList
	case Extended:
		return f.extended
	case ASPath:
		return f.asPath
	case ASSet:
		return f.asSet
	}
	return nil
}

// Write writes l in the format. The list must be one the format writes
// (Options.Check).
func (f *Format) Write(w io.Writer, l *List) error {
	fn := f.writer(l.Kind)
	if fn == nil {
		return fmt.Errorf("format %s has no %s", f.Name, l.Kind)
	}
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 64<<10)
	}
	p := &printer{w: bw, l: l, comment: f.Comment, width: l.ASWidth}
	if p.width < 0 {
		p.width = defaultASWidth
		if l.Kind == ASPath && f.asPathWidth > 0 {
			p.width = f.asPathWidth
		}
	}
	fn(p)
	return bw.Flush()
}

// printer writes a list: bufio's sticky errors carry a failed write to
// Flush.
type printer struct {
	w       *bufio.Writer
	l       *List
	buf     []byte
	comment string
	width   int // AS numbers per line; 0 no limit
}

func (p *printer) s(ss ...string) {
	for _, s := range ss {
		p.w.WriteString(s)
	}
}

func (p *printer) name() string { return p.l.Name }

// n writes a number in decimal.
func (p *printer) n(v int) {
	p.buf = strconv.AppendInt(p.buf[:0], int64(v), 10)
	p.w.Write(p.buf)
}

// asn writes an AS number in decimal, without "AS".
func (p *printer) asn(a bgp.ASN) {
	p.buf = strconv.AppendUint(p.buf[:0], uint64(a), 10)
	p.w.Write(p.buf)
}

// prefix writes a prefix as bgpq4 does: the address, sep, the length.
func (p *printer) prefix(pf netip.Prefix, sep string) {
	p.buf = appendAddr(p.buf[:0], pf.Addr())
	p.buf = append(p.buf, sep...)
	p.buf = strconv.AppendInt(p.buf, int64(pf.Bits()), 10)
	p.w.Write(p.buf)
}

// addr writes an address as bgpq4 does.
func (p *printer) addr(a netip.Addr) {
	p.buf = appendAddr(p.buf[:0], a)
	p.w.Write(p.buf)
}

// notes writes the notes of e as comment lines, each line starting with
// indent; nothing when the format has no comments.
func (p *printer) notes(indent string, e *Entry) {
	if p.comment == "" {
		return
	}
	for _, n := range e.Notes {
		p.s(indent, p.comment, " ", n.String(), "\n")
	}
}

// notesBlock writes the notes of e as comments that each end a line, for
// formats whose entries start on a new line of their own: "\n" indent
// comment note.
func (p *printer) notesBlock(indent string, e *Entry) {
	if p.comment == "" {
		return
	}
	for _, n := range e.Notes {
		p.s("\n", indent, p.comment, " ", n.String())
	}
}

// headNotes writes the notes no entry holds, one comment line each.
func (p *printer) headNotes() {
	if p.comment == "" {
		return
	}
	for _, n := range p.l.Notes {
		p.s(p.comment, " ", n.String(), "\n")
	}
}

// ipWord returns "ip" for IPv4 lists and "ipv6" for IPv6 ones.
func (p *printer) ipWord() string {
	if p.l.V6 {
		return "ipv6"
	}
	return "ip"
}

// asGroups calls fn for each of asns, in lines of p.width (no limit for
// 0): first tells the first of a line, last the last.
func (p *printer) asGroups(asns []bgp.ASN, fn func(a bgp.ASN, first, last bool)) {
	nc := 0
	for i, a := range asns {
		nc++
		end := p.width > 0 && nc == p.width || i == len(asns)-1
		fn(a, nc == 1, end)
		if end {
			nc = 0
		}
	}
}

// withoutPeer returns the AS numbers of the list without the peer AS,
// and whether the peer was among them: bgpq4 writes the peer's own line
// first.
func (p *printer) withoutPeer() ([]bgp.ASN, bool) {
	asns := p.l.ASNs
	for i, a := range asns {
		if a == p.l.PeerAS {
			out := make([]bgp.ASN, 0, len(asns)-1)
			out = append(out, asns[:i]...)
			return append(out, asns[i+1:]...), true
		}
	}
	return asns, false
}

// appendAddr appends an address as the C library's inet_ntop writes it,
// which bgpq4 uses: as netip does, except that an IPv6 address whose
// first 96 bits are zero and next 16 bits are not is written with its
// last 32 bits as an IPv4 address ("::192.0.2.1"), and so is an
// IPv4-mapped one ("::ffff:192.0.2.1").
func appendAddr(b []byte, a netip.Addr) []byte {
	if a.Is6() && !a.Is4In6() {
		x := a.As16()
		if binary.BigEndian.Uint64(x[:8]) == 0 && binary.BigEndian.Uint32(x[8:12]) == 0 && (x[12] != 0 || x[13] != 0) {
			b = append(b, "::"...)
			return netip.AddrFrom4([4]byte(x[12:16])).AppendTo(b)
		}
	}
	return a.AppendTo(b)
}

// addrString returns an address as appendAddr writes it.
func addrString(a netip.Addr) string { return string(appendAddr(nil, a)) }
