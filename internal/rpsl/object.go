package rpsl

import (
	"bytes"
	"strings"
)

// Attr is one attribute of an object.
type Attr struct {
	// Name is the attribute name as written, e.g. "mnt-by" or "MNT-BY".
	Name string
	// Value is the value with its end-of-line comments removed: each
	// line trimmed, continuation lines joined with "\n" (a "+" line gives
	// an empty line), and the whole trimmed (RFC 2622 section 2).
	Value string
	// Line is the line of the attribute in its input, from 1; 0 for an
	// attribute built in code.
	Line int

	raw string // the value with its comments, when it had any
}

// Raw returns the value as written, with its "#" comments: each line
// trimmed and continuation lines joined with "\n". It is Value when the
// value had no comment.
func (a Attr) Raw() string {
	if a.raw == "" {
		return a.Value
	}
	return a.raw
}

// Is reports whether the attribute is called name, ASCII letters
// compared without regard to case (RFC 2622 section 2: attribute names
// are case insensitive, and made of ASCII letters, digits, "-" and "_").
func (a Attr) Is(name string) bool { return equalFold(a.Name, name) }

// equalFold reports whether a and b are equal with ASCII letters folded.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Object is an RPSL object: its attributes in the order written. The
// object's class is the name of its first attribute.
type Object struct {
	Attrs []Attr
	// Source is the registry the object belongs to: the value of its
	// first source attribute or, without one, the source the reader was
	// given.
	Source string
	// Input names where the object was read from (a file name, an NRTM
	// stream); errors about the object name it.
	Input string
	// Line is the line of the first attribute, from 1.
	Line int
	// BadLines counts the lines of the object that the reader skipped
	// (not an attribute, too long); an object with bad lines may lack
	// attributes it had.
	BadLines int
}

// Class returns the object's class, the name of its first attribute in
// lower case, e.g. "route"; "" for an object without attributes.
func (o *Object) Class() string {
	if len(o.Attrs) == 0 {
		return ""
	}
	return strings.ToLower(o.Attrs[0].Name)
}

// Lookup returns the value of the first attribute called name, and
// whether there is one.
func (o *Object) Lookup(name string) (string, bool) {
	for i := range o.Attrs {
		if o.Attrs[i].Is(name) {
			return o.Attrs[i].Value, true
		}
	}
	return "", false
}

// Get returns the value of the first attribute called name, or "".
func (o *Object) Get(name string) string {
	v, _ := o.Lookup(name)
	return v
}

// Values returns the values of every attribute called name, in order.
func (o *Object) Values(name string) []string {
	var out []string
	for i := range o.Attrs {
		if o.Attrs[i].Is(name) {
			out = append(out, o.Attrs[i].Value)
		}
	}
	return out
}

// List returns the items of every attribute called name, each value split
// as a list by SplitList: the form of members, mp-members, mnt-by,
// member-of and the other list-valued attributes.
func (o *Object) List(name string) []string {
	var out []string
	for i := range o.Attrs {
		if o.Attrs[i].Is(name) {
			out = AppendList(out, o.Attrs[i].Value)
		}
	}
	return out
}

// Add appends an attribute.
func (o *Object) Add(name, value string) {
	o.Attrs = append(o.Attrs, Attr{Name: name, Value: value})
}

// AddRaw appends an attribute given as written, with "#" comments, as a
// writer of synthetic dumps needs ("source: RIPE # Filtered"): its Value
// is raw with the comments removed, as the reader would give it.
func (o *Object) AddRaw(name, raw string) {
	var v, r []byte
	for i, line := range strings.Split(raw, "\n") {
		if i > 0 {
			v = append(v, '\n')
			r = append(r, '\n')
		}
		b := trim([]byte(line))
		r = append(r, b...)
		if h := bytes.IndexByte(b, '#'); h >= 0 {
			b = trim(b[:h])
		}
		v = append(v, b...)
	}
	v0, v1 := trimSpan(v, 0, int32(len(v)))
	r0, r1 := trimSpan(r, 0, int32(len(r)))
	a := Attr{Name: name, Value: string(v[v0:v1])}
	if rs := string(r[r0:r1]); rs != a.Value {
		a.raw = rs
	}
	o.Attrs = append(o.Attrs, a)
}

// Equal reports whether o and p have the same attributes: the same names,
// compared exactly, the same values and the same raw values, in the same
// order. Lines and the other fields are not compared.
func (o *Object) Equal(p *Object) bool {
	if len(o.Attrs) != len(p.Attrs) {
		return false
	}
	for i := range o.Attrs {
		a, b := &o.Attrs[i], &p.Attrs[i]
		if a.Name != b.Name || a.Value != b.Value || a.Raw() != b.Raw() {
			return false
		}
	}
	return true
}

// Clone returns a deep copy of o.
func (o *Object) Clone() *Object {
	c := *o
	c.Attrs = make([]Attr, len(o.Attrs))
	for i, a := range o.Attrs {
		c.Attrs[i] = Attr{Name: strings.Clone(a.Name), Value: strings.Clone(a.Value), Line: a.Line, raw: strings.Clone(a.raw)}
	}
	c.Source = strings.Clone(o.Source)
	return &c
}

// SplitList splits a list value into its items: RFC 2622 lists are
// separated by commas; registries also publish lists separated by spaces
// or spread over continuation lines, so any run of commas and white space
// separates items, and empty items are dropped.
func SplitList(v string) []string { return AppendList(nil, v) }

// AppendList appends the items of the list value v to dst, as SplitList
// splits them.
func AppendList(dst []string, v string) []string {
	start := -1
	for i := 0; i < len(v); i++ {
		if isListSep(v[i]) {
			if start >= 0 {
				dst = append(dst, v[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		dst = append(dst, v[start:])
	}
	return dst
}

func isListSep(c byte) bool {
	return c == ',' || isSpace(c) || c == '\n'
}

// isSpace reports whether c is white space within a line.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// isNameByte reports whether c may appear in an attribute name: letters,
// digits, "-" and "_" (RFC 2622 section 2).
func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// validAttrName reports whether s can be written as an attribute name
// that reads back.
func validAttrName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}
