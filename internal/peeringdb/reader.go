package peeringdb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Limits that bound what a Reader holds for hostile input.
const (
	// MaxObjectSize is the largest JSON value a Reader buffers: one
	// object of a data list, or one value it skips. A net object with
	// depth=2 sets is a few hundred kilobytes at most; dump objects are
	// under a kilobyte.
	MaxObjectSize = 4 << 20
	// MaxErrors is how many errors Stats keeps; further bad objects are
	// only counted.
	MaxErrors = 100
	// maxRead is the most a Reader asks of its input at a time.
	maxRead = 64 << 10
)

// Clauses of the PeeringDB sources that errors cite.
const (
	clauseSerializer = "serializers.py"
	clauseConst      = "const.py"
	clauseLayout     = "api_specs"
)

// ParseError is an object that could not be decoded.
type ParseError struct {
	Name    string // the input's name, e.g. the file name
	Section string // "net", "org", "poc", or "data" in an API response
	Index   int    // index of the object in its list, from 0
	Offset  int64  // byte offset of the object in the input
	Err     error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("peeringdb: %s: %s[%d] at byte %d: %v", e.Name, e.Section, e.Index, e.Offset, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Stats counts what a Reader has read.
type Stats struct {
	Organizations int // org objects handed out
	Networks      int // net objects handed out
	Contacts      int // poc objects handed out, those nested in nets included
	Ignored       int // objects of sections this package does not decode
	Skipped       int // bad objects skipped
	// Errors holds the errors of the first MaxErrors skipped objects.
	Errors []error
}

// Reader decodes PeeringDB objects, one at a time, from an API response or
// a full dump.
type Reader struct {
	// Kind is the type of the objects of an API response ({"data":
	// [...]}), which does not name it. A dump names its sections, and
	// Kind is not needed for one.
	Kind Kind
	// Strict makes the first bad object end the stream with its error,
	// instead of skipping it.
	Strict bool

	name string
	cr   *capReader
	dec  *json.Decoder
	err  error

	level   int // 0 outside any value, 1 in the top object, 2 in a dump section
	inList  bool
	list    string // name of the list being read: "data" or a section
	kind    Kind   // kind of the list being read; 0 to skip its objects
	section Kind   // kind of the dump section being read
	secName string
	index   int

	cur     Kind
	net     Network
	org     Organization
	poc     Contact
	pending []Contact // contacts nested in the net just read
	stats   Stats
}

// NewReader returns a Reader of r; name names the input in errors.
func NewReader(r io.Reader, name string) *Reader {
	cr := &capReader{r: r}
	dec := json.NewDecoder(cr)
	cr.dec = dec
	return &Reader{name: name, cr: cr, dec: dec}
}

// Next decodes up to the next object and reports whether there is one.
// After it returns false, Err tells whether the stream ended cleanly.
func (r *Reader) Next() bool {
	for r.err == nil {
		if len(r.pending) > 0 {
			r.poc = r.pending[0]
			r.pending = r.pending[1:]
			r.cur = KindContact
			r.stats.Contacts++
			return true
		}
		if r.inList {
			if ok, done := r.nextInList(); done {
				return ok
			}
			continue
		}
		if !r.step() {
			return false
		}
	}
	return false
}

// Current returns the type of the object Next read.
func (r *Reader) Current() Kind { return r.cur }

// Network returns the net object Next read, when Current is KindNetwork.
// It is valid until the next call to Next.
func (r *Reader) Network() *Network { return &r.net }

// Organization returns the org object Next read, when Current is
// KindOrganization. It is valid until the next call to Next.
func (r *Reader) Organization() *Organization { return &r.org }

// Contact returns the poc object Next read, when Current is KindContact.
// It is valid until the next call to Next.
func (r *Reader) Contact() *Contact { return &r.poc }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

// Err returns the error that ended the stream: a read or syntax error, or
// in strict mode the first bad object. It is nil at a clean end of input.
func (r *Reader) Err() error { return r.err }

// step reads the structure around the lists: the top-level object, its
// keys and the dump sections. It reports false at the end of the input or
// on a fatal error.
func (r *Reader) step() bool {
	switch r.level {
	case 0:
		tok, err := r.dec.Token()
		if err == io.EOF {
			return false
		}
		if err != nil {
			r.fatal(err)
			return false
		}
		switch tok {
		case json.Delim('{'):
			r.level = 1
		case json.Delim('['):
			// A bare list, as a saved "data" array.
			r.openList("data", r.Kind)
		default:
			r.fatalf("%s: the input is not a JSON object", clauseLayout)
		}
		return r.err == nil
	case 1:
		if !r.dec.More() {
			r.closeDelim('}')
			r.level = 0
			return r.err == nil
		}
		key, ok := r.key()
		if !ok {
			return false
		}
		switch key {
		case "data":
			if r.Kind == 0 {
				r.fatalf("%s: an API response does not name its object type; set Reader.Kind", clauseLayout)
				return false
			}
			r.expectList("data", r.Kind)
		case "meta":
			r.skipValue()
		default:
			k, _ := ParseKind(key)
			r.section, r.secName = k, key
			r.expectSection()
		}
		return r.err == nil
	default: // in a dump section
		if !r.dec.More() {
			r.closeDelim('}')
			r.level = 1
			return r.err == nil
		}
		key, ok := r.key()
		if !ok {
			return false
		}
		if key == "data" {
			r.expectList(r.secName, r.section)
		} else {
			r.skipValue()
		}
		return r.err == nil
	}
}

func (r *Reader) key() (string, bool) {
	tok, err := r.dec.Token()
	if err != nil {
		r.fatal(err)
		return "", false
	}
	s, ok := tok.(string)
	if !ok {
		r.fatalf("object key is %v", tok)
		return "", false
	}
	return s, true
}

// expectSection reads the start of a dump section, which must be an
// object; any other value is skipped.
func (r *Reader) expectSection() {
	tok, err := r.dec.Token()
	if err != nil {
		r.fatal(err)
		return
	}
	if tok == json.Delim('{') {
		r.level = 2
		return
	}
	r.skipRest(tok)
}

// expectList reads the start of a data list; a value that is not a list is
// skipped.
func (r *Reader) expectList(name string, kind Kind) {
	start, _ := r.valueStart()
	tok, err := r.dec.Token()
	if err != nil {
		r.fatal(err)
		return
	}
	if tok == json.Delim('[') {
		r.openList(name, kind)
		return
	}
	r.skipRest(tok)
	r.warn(&ParseError{Name: r.name, Section: name, Index: 0, Offset: start,
		Err: fmt.Errorf("%s: %q is not a list", clauseLayout, name)})
}

func (r *Reader) openList(name string, kind Kind) {
	r.inList, r.list, r.kind, r.index = true, name, kind, 0
}

// nextInList decodes the next object of the list being read. It reports
// done when Next must return ok, and not done to go on.
func (r *Reader) nextInList() (ok, done bool) {
	if !r.dec.More() {
		r.closeDelim(']')
		r.inList = false
		return false, r.err != nil
	}
	if r.kind == 0 {
		r.skipValue()
		if r.err == nil {
			r.stats.Ignored++
		}
		r.index++
		return false, r.err != nil
	}
	start, first := r.valueStart()
	idx := r.index
	r.index++
	var err error
	if first != '{' && first != 0 {
		r.skipValue()
		err = fmt.Errorf("%s: a %s entry must be an object", clauseLayout, r.kind)
		if r.err != nil {
			err = errFatal
		}
	} else {
		err = r.decodeObject()
	}
	if err == errFatal {
		return false, true
	}
	if size := r.dec.InputOffset() - start; err == nil && size > MaxObjectSize {
		err = fmt.Errorf("an object of %d bytes is larger than %d: %w", size, MaxObjectSize, errTooLarge)
	}
	if err != nil {
		r.pending = nil
		r.bad(&ParseError{Name: r.name, Section: r.list, Index: idx, Offset: start, Err: err})
		return false, r.err != nil
	}
	switch r.cur {
	case KindOrganization:
		r.stats.Organizations++
	case KindNetwork:
		r.stats.Networks++
	case KindContact:
		r.stats.Contacts++
	}
	return true, true
}

// valueStart returns the offset of the next value, past the comma or
// colon and white space that Decoder.More and Token leave, and its first
// byte (0 when it is not buffered yet).
func (r *Reader) valueStart() (int64, byte) {
	off := r.dec.InputOffset()
	var peek [64]byte
	n, _ := io.ReadFull(r.dec.Buffered(), peek[:])
	i := 0
	for i < n && (peek[i] == ',' || peek[i] == ':' || peek[i] == ' ' || peek[i] == '\n' || peek[i] == '\r' || peek[i] == '\t') {
		i++
	}
	if i == n {
		return off + int64(i), 0
	}
	return off + int64(i), peek[i]
}

// errFatal tells that decodeObject met an error that ends the stream.
var errFatal = errors.New("fatal")

// decodeObject decodes the next value of the input as an object of
// r.kind. It returns the reason an object is bad, or errFatal after a read
// or syntax error.
func (r *Reader) decodeObject() error {
	switch r.kind {
	case KindNetwork:
		var w wireNet
		if err := r.decode(&w); err != nil {
			return err
		}
		n, pocs, err := w.network()
		if err != nil {
			return err
		}
		r.net, r.pending, r.cur = n, pocs, KindNetwork
	case KindOrganization:
		var w wireOrg
		if err := r.decode(&w); err != nil {
			return err
		}
		o, err := w.organization()
		if err != nil {
			return err
		}
		r.org, r.cur = o, KindOrganization
	case KindContact:
		var w wireContact
		if err := r.decode(&w); err != nil {
			return err
		}
		c, err := w.contact(0)
		if err != nil {
			return err
		}
		r.poc, r.cur = c, KindContact
	}
	return nil
}

// decode decodes the next value into v. A value of the wrong shape leaves
// the stream in step and is reported; anything else is fatal.
func (r *Reader) decode(v any) error {
	err := r.dec.Decode(v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	var oe *objectError
	if errors.As(err, &te) || errors.As(err, &oe) {
		return describe(err)
	}
	r.fatal(err)
	return errFatal
}

// skipValue reads and drops the next value.
func (r *Reader) skipValue() {
	var skip ignore
	if err := r.dec.Decode(&skip); err != nil {
		r.fatal(err)
	}
}

// skipRest drops the rest of a value whose first token was tok: the
// members of an object or list, and its closing delimiter.
func (r *Reader) skipRest(tok json.Token) {
	d, ok := tok.(json.Delim)
	if !ok || d == '}' || d == ']' {
		return
	}
	for r.dec.More() {
		if d == '{' {
			if _, ok := r.key(); !ok {
				return
			}
		}
		r.skipValue()
		if r.err != nil {
			return
		}
	}
	if d == '{' {
		r.closeDelim('}')
	} else {
		r.closeDelim(']')
	}
}

func (r *Reader) closeDelim(want json.Delim) {
	tok, err := r.dec.Token()
	if err != nil {
		r.fatal(err)
		return
	}
	if tok != want {
		r.fatalf("want %q, got %v", want, tok)
	}
}

// bad records a bad object, which is skipped.
func (r *Reader) bad(err error) {
	r.stats.Skipped++
	r.warn(err)
}

func (r *Reader) warn(err error) {
	if len(r.stats.Errors) < MaxErrors {
		r.stats.Errors = append(r.stats.Errors, err)
	}
	if r.Strict {
		r.err = err
	}
}

// fatal ends the stream with a read or syntax error.
func (r *Reader) fatal(err error) {
	if r.err != nil {
		return
	}
	off := r.dec.InputOffset()
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// Token reports an offset behind the fault; Decode one past it.
		off = max(off, se.Offset)
		err = fmt.Errorf("JSON syntax: %w", err)
	case errors.Is(err, errTooLarge):
		err = fmt.Errorf("a value is larger than %d bytes: %w", MaxObjectSize, err)
	case errors.Is(err, io.ErrUnexpectedEOF), err == io.EOF:
		err = fmt.Errorf("truncated input: %w", io.ErrUnexpectedEOF)
	}
	r.err = fmt.Errorf("peeringdb: %s: at byte %d: %w", r.name, off, err)
}

func (r *Reader) fatalf(format string, a ...any) {
	r.fatal(fmt.Errorf(format, a...))
}

// errTooLarge is the read error of a value past MaxObjectSize.
var errTooLarge = errors.New("value too large")

// capReader passes its input to a json.Decoder, and fails when the
// decoder holds more than MaxObjectSize bytes it has not consumed, which
// bounds the decoder's buffer.
type capReader struct {
	r    io.Reader
	dec  *json.Decoder
	read int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.read-c.dec.InputOffset() > MaxObjectSize {
		return 0, errTooLarge
	}
	if len(p) > maxRead {
		p = p[:maxRead]
	}
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

// ignore drops a JSON value.
type ignore struct{}

func (*ignore) UnmarshalJSON([]byte) error { return nil }

// objectError is an error of a nested object, from inside encoding/json.
type objectError struct{ err error }

func (e *objectError) Error() string { return e.err.Error() }
func (e *objectError) Unwrap() error { return e.err }

// describe turns encoding/json's type errors into messages that name the
// JSON field.
func describe(err error) error {
	var oe *objectError
	if errors.As(err, &oe) {
		return oe.err
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := "string"
		switch {
		case te.Type.Kind() == reflect.Slice:
			want = "list"
		case te.Type.Kind() == reflect.Struct:
			want = "object"
		}
		if te.Field == "" {
			return fmt.Errorf("%s: %s where an object was expected", clauseSerializer, article(te.Value))
		}
		return fmt.Errorf("%s: field %q: %s where %s was expected", clauseSerializer, te.Field, article(te.Value), article(want))
	}
	return err
}

// article puts "a" or "an" before a JSON type name.
func article(s string) string {
	if s != "" && strings.IndexByte("aeiou", s[0]) >= 0 {
		return "an " + s
	}
	return "a " + s
}

// The wire forms of the objects, as the serializers write them. Numbers
// are kept as text so that range checks see what was written; null leaves
// a field at its zero value.
type wireNet struct {
	ID            num        `json:"id"`
	OrgID         num        `json:"org_id"`
	Name          string     `json:"name"`
	Website       string     `json:"website"`
	ASN           num        `json:"asn"`
	IRRASSet      string     `json:"irr_as_set"`
	InfoPrefixes4 num        `json:"info_prefixes4"`
	InfoPrefixes6 num        `json:"info_prefixes6"`
	PolicyGeneral string     `json:"policy_general"`
	PocSet        []pocEntry `json:"poc_set"`
	Created       jsonTime   `json:"created"`
	Updated       jsonTime   `json:"updated"`
	Status        string     `json:"status"`
}

type wireOrg struct {
	ID      num      `json:"id"`
	Name    string   `json:"name"`
	Website string   `json:"website"`
	Country string   `json:"country"`
	Created jsonTime `json:"created"`
	Updated jsonTime `json:"updated"`
	Status  string   `json:"status"`
}

type wireContact struct {
	ID      num      `json:"id"`
	NetID   num      `json:"net_id"`
	Role    string   `json:"role"`
	Visible string   `json:"visible"`
	Name    string   `json:"name"`
	Phone   string   `json:"phone"`
	Email   string   `json:"email"`
	URL     string   `json:"url"`
	Created jsonTime `json:"created"`
	Updated jsonTime `json:"updated"`
	Status  string   `json:"status"`
}

// num is a JSON value where a number is expected. Any value is accepted
// here; parseID and parseASN say what is wrong with one that is not a
// number of the right kind.
type num struct {
	v   uint64
	set bool   // a value other than null was given
	bad string // the value as written, when it is not a decimal integer
}

func (n *num) UnmarshalJSON(b []byte) error {
	*n = num{}
	if string(b) == "null" {
		return nil
	}
	n.set = true
	if len(b) == 0 || len(b) > 20 {
		n.bad = quoteShort(b)
		return nil
	}
	for _, c := range b {
		d := uint64(c - '0')
		if c < '0' || c > '9' || n.v > (1<<64-1-d)/10 {
			n.bad = quoteShort(b)
			return nil
		}
		n.v = n.v*10 + d
	}
	return nil
}

func (n num) String() string {
	if n.bad != "" {
		return n.bad
	}
	return strconv.FormatUint(n.v, 10)
}

// quoteShort returns b, cut to 40 bytes, for a message.
func quoteShort(b []byte) string {
	if len(b) > 40 {
		return string(b[:37]) + "..."
	}
	return string(b)
}

// jsonTime is an RFC 3339 timestamp; null and "" are the zero time.
type jsonTime struct {
	t   time.Time
	bad string // the value as written, when it is not a timestamp
}

func (j *jsonTime) UnmarshalJSON(b []byte) error {
	*j = jsonTime{}
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' || bytes.IndexByte(b, '\\') >= 0 {
		j.bad = quoteShort(b)
		return nil
	}
	if len(b) == 2 {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, string(b[1:len(b)-1]))
	if err != nil {
		j.bad = quoteShort(b)
		return nil
	}
	j.t = t.UTC()
	return nil
}

// pocEntry is an entry of a net's poc_set: a contact id (depth 1) or a
// contact object (depth 2).
type pocEntry struct {
	id  num
	obj *wireContact
}

func (e *pocEntry) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		e.obj = new(wireContact)
		if err := json.Unmarshal(b, e.obj); err != nil {
			return &objectError{fmt.Errorf("poc_set: %w", describe(err))}
		}
		return nil
	}
	return e.id.UnmarshalJSON(b)
}

func (w *wireNet) network() (Network, []Contact, error) {
	var n Network
	var err error
	if n.ID, err = parseID("id", w.ID, true); err != nil {
		return n, nil, err
	}
	if n.OrgID, err = parseID("org_id", w.OrgID, false); err != nil {
		return n, nil, err
	}
	if n.ASN, err = parseASN(w.ASN); err != nil {
		return n, nil, err
	}
	if n.InfoPrefixes4, err = parseID("info_prefixes4", w.InfoPrefixes4, false); err != nil {
		return n, nil, err
	}
	if n.InfoPrefixes6, err = parseID("info_prefixes6", w.InfoPrefixes6, false); err != nil {
		return n, nil, err
	}
	if n.Created, err = parseTime("created", w.Created); err != nil {
		return n, nil, err
	}
	if n.Updated, err = parseTime("updated", w.Updated); err != nil {
		return n, nil, err
	}
	var ok bool
	if n.Status, ok = parseStatus(w.Status); !ok {
		return n, nil, fmt.Errorf("%s: unknown status %q", clauseSerializer, w.Status)
	}
	n.Name, n.Website, n.IRRASSet, n.PolicyGeneral = w.Name, w.Website, w.IRRASSet, w.PolicyGeneral
	var pocs []Contact
	if len(w.PocSet) > 0 {
		n.ContactIDs = make([]uint32, 0, len(w.PocSet))
	}
	for i, e := range w.PocSet {
		if e.obj == nil {
			id, err := parseID("poc_set["+strconv.Itoa(i)+"]", e.id, true)
			if err != nil {
				return n, nil, err
			}
			n.ContactIDs = append(n.ContactIDs, id)
			continue
		}
		c, err := e.obj.contact(n.ID)
		if err != nil {
			return n, nil, fmt.Errorf("poc_set[%d]: %w", i, err)
		}
		n.ContactIDs = append(n.ContactIDs, c.ID)
		pocs = append(pocs, c)
	}
	return n, pocs, nil
}

func (w *wireOrg) organization() (Organization, error) {
	var o Organization
	var err error
	if o.ID, err = parseID("id", w.ID, true); err != nil {
		return o, err
	}
	if w.Country != "" && !isCountry(w.Country) {
		return o, fmt.Errorf("%s: country %q is not an ISO 3166-1 alpha-2 code", clauseSerializer, w.Country)
	}
	if o.Created, err = parseTime("created", w.Created); err != nil {
		return o, err
	}
	if o.Updated, err = parseTime("updated", w.Updated); err != nil {
		return o, err
	}
	var ok bool
	if o.Status, ok = parseStatus(w.Status); !ok {
		return o, fmt.Errorf("%s: unknown status %q", clauseSerializer, w.Status)
	}
	o.Name, o.Website, o.Country = w.Name, w.Website, w.Country
	return o, nil
}

// contact decodes a poc; netID is the id of the net it is nested in, 0
// for a poc of a poc list, which must then name its net.
func (w *wireContact) contact(netID uint32) (Contact, error) {
	var c Contact
	var err error
	if c.ID, err = parseID("id", w.ID, true); err != nil {
		return c, err
	}
	if c.NetID, err = parseID("net_id", w.NetID, netID == 0); err != nil {
		return c, err
	}
	if netID != 0 {
		if c.NetID != 0 && c.NetID != netID {
			return c, fmt.Errorf("%s: net_id %d in the poc_set of net %d", clauseSerializer, c.NetID, netID)
		}
		c.NetID = netID
	}
	var ok bool
	if c.Role, ok = ParseRole(w.Role); !ok {
		return c, fmt.Errorf("%s POC_ROLES: unknown role %q", clauseConst, w.Role)
	}
	if c.Visible, ok = ParseVisibility(w.Visible); !ok {
		return c, fmt.Errorf("%s VISIBILITY: unknown visibility %q", clauseConst, w.Visible)
	}
	if c.Created, err = parseTime("created", w.Created); err != nil {
		return c, err
	}
	if c.Updated, err = parseTime("updated", w.Updated); err != nil {
		return c, err
	}
	if c.Status, ok = parseStatus(w.Status); !ok {
		return c, fmt.Errorf("%s: unknown status %q", clauseSerializer, w.Status)
	}
	c.Name, c.Phone, c.Email, c.URL = w.Name, w.Phone, w.Email, w.URL
	return c, nil
}

// parseID parses an id or a count: a decimal integer in 0-4294967295, or
// null (0). A required id must be given and not 0.
func parseID(field string, n num, required bool) (uint32, error) {
	if !n.set {
		if required {
			return 0, fmt.Errorf("%s: %s is missing", clauseSerializer, field)
		}
		return 0, nil
	}
	if n.bad != "" || n.v > 1<<32-1 {
		return 0, fmt.Errorf("%s: %s %s is not an integer in 0-4294967295", clauseSerializer, field, n)
	}
	if n.v == 0 && required {
		return 0, fmt.Errorf("%s: %s is 0", clauseSerializer, field)
	}
	return uint32(n.v), nil
}

// parseASN parses a net's asn: a plain decimal number, not 0 (RFC 7607).
func parseASN(n num) (bgp.ASN, error) {
	if !n.set {
		return 0, fmt.Errorf("%s: asn is missing", clauseSerializer)
	}
	if n.bad != "" || n.v > 1<<32-1 {
		return 0, fmt.Errorf("%s: asn %s is not an integer in 1-4294967295", clauseSerializer, n)
	}
	a := bgp.ASN(n.v)
	if a == 0 {
		return 0, fmt.Errorf("%s: asn 0 is reserved (RFC 7607)", clauseSerializer)
	}
	return a, nil
}

// parseTime returns a timestamp in UTC, or says why it is not one.
func parseTime(field string, j jsonTime) (time.Time, error) {
	if j.bad != "" {
		return time.Time{}, fmt.Errorf("%s: %s %s is not an RFC 3339 time", clauseSerializer, field, j.bad)
	}
	return j.t, nil
}

func isCountry(s string) bool {
	return len(s) == 2 && isUpper(s[0]) && isUpper(s[1])
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
