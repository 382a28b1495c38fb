package filter

import (
	"fmt"
	"net/netip"
	"strings"
)

// The user format (bgpq4 -F): each entry of a prefix list written through
// a template of the user's.

const userFormat = "user"

var formatUser = &Format{
	Name:       userFormat,
	Flag:       "-F",
	Title:      "user-defined template",
	prefixList: userPrefixList,
}

// MaxTemplateLen is the longest template accepted, in bytes.
const MaxTemplateLen = 4096

// Template is a parsed user format: text with bgpq4's sequences, written
// once per entry.
//
//	%n  the network address        %l  the prefix length
//	%a  the shortest length admitted (an aggregate's low end)
//	%A  the longest length admitted (an aggregate's high end)
//	%N  the list name (-l)         %m  the netmask
//	%i  the inverse (wildcard) mask
//	%%  a percent sign             \n  a new line
//	\t  a tab                      \\  a backslash
//
// Any other character after a backslash stands for itself, as in bgpq4.
type Template struct {
	raw   string
	parts []templatePart
}

// templatePart is literal text, or a sequence when verb is not 0.
type templatePart struct {
	verb byte
	text string
}

// ParseTemplate parses a user format. The error names the position
// (from 1) of the sequence it refuses.
func ParseTemplate(s string) (*Template, error) {
	if len(s) > MaxTemplateLen {
		return nil, fmt.Errorf("template of %d bytes: at most %d", len(s), MaxTemplateLen)
	}
	t := &Template{raw: s}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, templatePart{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			if i+1 == len(s) {
				return nil, fmt.Errorf("template %q: position %d: %% at the end; write %%%% for a percent sign", s, i+1)
			}
			i++
			switch v := s[i]; v {
			case 'n', 'l', 'a', 'A', 'N', 'm', 'i':
				flush()
				t.parts = append(t.parts, templatePart{verb: v})
			case '%':
				lit.WriteByte('%')
			default:
				return nil, fmt.Errorf("template %q: position %d: unknown sequence %%%c; known: %%n %%l %%a %%A %%N %%m %%i %%%%", s, i, v)
			}
		case '\\':
			if i+1 == len(s) {
				return nil, fmt.Errorf("template %q: position %d: \\ at the end; write \\\\ for a backslash", s, i+1)
			}
			i++
			switch e := s[i]; e {
			case 'n':
				lit.WriteByte('\n')
			case 't':
				lit.WriteByte('\t')
			default:
				lit.WriteByte(e)
			}
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return t, nil
}

// String returns the template as given.
func (t *Template) String() string { return t.raw }

// write writes e through the template.
func (t *Template) write(p *printer, e *Entry) {
	lo, hi := e.Lo, e.Hi
	if e.Aggregate && lo < e.Prefix.Bits() {
		lo = e.Prefix.Bits()
	}
	for _, part := range t.parts {
		switch part.verb {
		case 0:
			p.s(part.text)
		case 'n':
			p.addr(e.Prefix.Addr())
		case 'l':
			p.n(e.Prefix.Bits())
		case 'a':
			p.n(lo)
		case 'A':
			p.n(hi)
		case 'N':
			p.s(p.name())
		case 'm':
			p.addr(netmask(e.Prefix, false))
		case 'i':
			p.addr(netmask(e.Prefix, true))
		}
	}
}

// netmask returns the mask of p as an address of its family, or its
// inverse (the wildcard mask).
func netmask(p netip.Prefix, inverse bool) netip.Addr {
	n := p.Bits()
	if p.Addr().Is4() {
		var b [4]byte
		for i := range b {
			b[i] = maskByte(n - 8*i)
			if inverse {
				b[i] = ^b[i]
			}
		}
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	for i := range b {
		b[i] = maskByte(n - 8*i)
		if inverse {
			b[i] = ^b[i]
		}
	}
	return netip.AddrFrom16(b)
}

// maskByte returns a byte with its first n bits set (all for n >= 8).
func maskByte(n int) byte {
	switch {
	case n <= 0:
		return 0
	case n >= 8:
		return 0xff
	}
	return ^byte(0xff >> n)
}

func userPrefixList(p *printer) {
	t := p.l.Template
	for i := range p.l.Entries {
		t.write(p, &p.l.Entries[i])
	}
	// bgpq4 ends the output with a new line unless the template ends
	// with one, as written: the two characters \n.
	if !strings.HasSuffix(t.raw, `\n`) {
		p.s("\n")
	}
}
