package rpki

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/manrs/manrs/internal/bgp"
)

// Caps on untrusted input, checked before anything is allocated for it.
const (
	// MaxStringLen is the longest JSON string or CSV line accepted.
	MaxStringLen = 64 << 10
	// MaxNesting is the deepest JSON nesting accepted in skipped values.
	MaxNesting = 64
	// MaxProviders is the largest ASPA provider set accepted; the ASPA
	// profile puts no bound on it, real objects hold a few dozen.
	MaxProviders = 1 << 14
)

// Format is an input format of the loaders.
type Format uint8

// Input formats.
const (
	FormatAuto Format = iota // detect from the content
	FormatJSON               // rpki-client, Routinator, StayRTR JSON
	FormatCSV                // any supported CSV dialect
)

var formatNames = [...]string{FormatAuto: "auto", FormatJSON: "json", FormatCSV: "csv"}

func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", f)
}

// ParseFormat parses an input format name ("auto", "json", "csv").
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if n == s {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown input format %q (want auto, json or csv)", s)
}

// Reason says why a record was skipped.
type Reason uint8

// Reasons for skipping a record.
const (
	ReasonPrefix    Reason = iota // prefix does not parse
	ReasonHostBits                // prefix has bits set beyond its length
	ReasonMaxLength               // maxLength outside prefix length .. address length
	ReasonASN                     // ASN does not parse or is out of range
	ReasonMissing                 // a required member or column is missing
	ReasonField                   // another member has the wrong type or value
	ReasonProviders               // ASPA provider set empty, too large or holding the customer
	numReasons
)

var reasonNames = [numReasons]string{
	ReasonPrefix:    "prefix",
	ReasonHostBits:  "host-bits",
	ReasonMaxLength: "maxlength",
	ReasonASN:       "asn",
	ReasonMissing:   "missing",
	ReasonField:     "field",
	ReasonProviders: "providers",
}

func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", r)
}

// Stats counts what a load kept and skipped.
type Stats struct {
	VRPs    int // VRP records kept
	ASPAs   int // ASPA records kept
	Skipped [numReasons]int
}

// SkippedTotal is the number of records skipped for any reason.
func (s *Stats) SkippedTotal() int {
	n := 0
	for _, c := range s.Skipped {
		n += c
	}
	return n
}

// Add adds the counts of o to s.
func (s *Stats) Add(o Stats) {
	s.VRPs += o.VRPs
	s.ASPAs += o.ASPAs
	for i, c := range o.Skipped {
		s.Skipped[i] += c
	}
}

// SkipSummary lists the non-zero skip counts, "2 host-bits, 1 asn", or ""
// when nothing was skipped.
func (s *Stats) SkipSummary() string {
	var b strings.Builder
	for r, c := range s.Skipped {
		if c == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %s", c, Reason(r))
	}
	return b.String()
}

// LoadOptions controls a load.
type LoadOptions struct {
	// Format is the input format; FormatAuto detects it.
	Format Format
	// Strict makes the first bad record end the load with an error.
	Strict bool
}

// ErrSyntax marks input that is not well-formed JSON or CSV; the load
// cannot go on after it, strict or not.
var ErrSyntax = errors.New("syntax error")

// RecordError reports a bad record.
type RecordError struct {
	Source string // input name
	Line   int    // 1-based line of the record
	Reason Reason
	Err    error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("rpki: %s: line %d: %v", e.Source, e.Line, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Load reads VRPs and ASPAs from r; name names the input in errors. The
// returned Set is in input order, not deduplicated: call Dedup. Bad records
// are skipped and counted in Stats unless opts.Strict is set. A syntax
// error ends the load; the Set then holds what was read before it.
func Load(r io.Reader, name string, opts LoadOptions) (*Set, Stats, error) {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < readBufferSize {
		br = bufio.NewReaderSize(r, readBufferSize)
	}
	f := opts.Format
	if f == FormatAuto {
		var err error
		if f, err = detect(br); err != nil {
			return &Set{}, Stats{}, fmt.Errorf("rpki: %s: %w", name, err)
		}
	}
	switch f {
	case FormatJSON:
		return loadJSON(br, name, opts)
	case FormatCSV:
		return loadCSV(br, name, opts)
	}
	return &Set{}, Stats{}, fmt.Errorf("rpki: %s: unknown format %v", name, f)
}

const readBufferSize = 256 << 10

// utf8BOM is the UTF-8 byte order mark, which some Windows tools put at
// the start of text files.
const utf8BOM = "\xef\xbb\xbf"

// detect peeks at the first non-space byte after an optional UTF-8 byte
// order mark: '{' is JSON, anything else CSV.
func detect(br *bufio.Reader) (Format, error) {
	start := 1
	if b, _ := br.Peek(len(utf8BOM)); string(b) == utf8BOM {
		start += len(utf8BOM)
	}
	for i := start; ; i++ {
		b, err := br.Peek(i)
		if len(b) < i {
			if err == io.EOF {
				return 0, fmt.Errorf("empty input: %w", ErrSyntax)
			}
			return 0, err
		}
		if i > 4096 {
			return FormatCSV, nil
		}
		c := b[i-1]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		case c == '{':
			return FormatJSON, nil
		default:
			return FormatCSV, nil
		}
	}
}

// checkVRP validates the parts of a VRP record. maxLen < 0 means absent,
// which RFC 6482 section 3.3 reads as the prefix length. On success the
// result holds no reference to prefix, so the JSON loader may pass a string
// that aliases its buffer; errors may hold it.
func checkVRP(prefix string, maxLen int64, asn bgp.ASN, ta string, expires int64) (VRP, Reason, error) {
	p, err := netip.ParsePrefix(prefix)
	if err != nil {
		return VRP{}, ReasonPrefix, fmt.Errorf("bad prefix: %w", err)
	}
	if p.Addr().Is4In6() {
		// Routes carry IPv4 prefixes as IPv4, so such a VRP never matches.
		return VRP{}, ReasonPrefix, fmt.Errorf("IPv4-mapped IPv6 prefix %s (RFC 4291 2.5.5.2) never matches a route", prefix)
	}
	if m := p.Masked(); m != p {
		return VRP{}, ReasonHostBits, fmt.Errorf("prefix %s has host bits set beyond /%d (canonical form %s)", prefix, p.Bits(), m)
	}
	if maxLen < 0 {
		maxLen = int64(p.Bits())
	}
	if maxLen < int64(p.Bits()) || maxLen > int64(p.Addr().BitLen()) {
		return VRP{}, ReasonMaxLength, fmt.Errorf("RFC 6482 3.3: maxLength %d of %s not in %d..%d", maxLen, prefix, p.Bits(), p.Addr().BitLen())
	}
	return VRP{Prefix: p, MaxLength: uint8(maxLen), ASN: asn, TA: ta, Expires: expires}, 0, nil
}

// checkASPA validates and normalises an ASPA's provider set.
func checkASPA(a *ASPA) (Reason, error) {
	if len(a.Providers) == 0 {
		return ReasonProviders, errors.New("ASPA of " + a.Customer.String() + " has no providers")
	}
	a.Providers = normaliseProviders(a.Providers)
	if _, found := slices.BinarySearch(a.Providers, a.Customer); found {
		return ReasonProviders, fmt.Errorf("draft-ietf-sidrops-aspa-profile: customer %v is among its own providers", a.Customer)
	}
	return 0, nil
}

// interner shares the few distinct trust-anchor names among many records.
// A name that is not valid UTF-8 has each invalid run replaced by U+FFFD,
// so that every output, JSON included, writes what was loaded.
type interner map[string]string

func (in interner) get(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	k := string(b)
	s := k
	if !utf8.ValidString(k) {
		s = strings.ToValidUTF8(k, "\uFFFD")
	}
	if len(in) > 1<<12 { // hostile input: stop sharing, keep memory bounded
		return s
	}
	in[k] = s
	return s
}
