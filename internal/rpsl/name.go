package rpsl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
)

// SetClass is the class of a set object, told by the prefix of its name
// (RFC 2622 section 5).
type SetClass uint8

// Set classes.
const (
	NotSet          SetClass = iota // not a set name
	ASSetClass                      // as-set: "AS-" names
	RouteSetClass                   // route-set: "RS-" names
	RtrSetClass                     // rtr-set: "RTRS-" names
	FilterSetClass                  // filter-set: "FLTR-" names
	PeeringSetClass                 // peering-set: "PRNG-" names
)

var setClasses = [...]struct{ name, prefix string }{
	NotSet:          {"not-set", ""},
	ASSetClass:      {"as-set", "AS-"},
	RouteSetClass:   {"route-set", "RS-"},
	RtrSetClass:     {"rtr-set", "RTRS-"},
	FilterSetClass:  {"filter-set", "FLTR-"},
	PeeringSetClass: {"peering-set", "PRNG-"},
}

// String returns the class name, e.g. "as-set".
func (c SetClass) String() string {
	if int(c) < len(setClasses) {
		return setClasses[c].name
	}
	return "SetClass(" + strconv.Itoa(int(c)) + ")"
}

// Prefix returns the name prefix of the class, e.g. "AS-".
func (c SetClass) Prefix() string {
	if int(c) < len(setClasses) {
		return setClasses[c].prefix
	}
	return ""
}

// setClassOf returns the class whose prefix starts component s.
func setClassOf(s string) SetClass {
	for c := ASSetClass; c <= PeeringSetClass; c++ {
		p := setClasses[c].prefix
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return c
		}
	}
	return NotSet
}

// ParseSetName checks a set name and returns its class. A name is one
// set-name component ("AS-FOO": a class prefix, then letters, digits, "_"
// and "-", ending with a letter or digit), or a hierarchical name of set
// names and AS numbers separated by colons ("AS3333:AS-FOO",
// "AS-FOO:AS-BAR:AS1") in which every set-name component has the same
// class (RFC 2622 section 5). The predefined sets AS-ANY and RS-ANY
// (section 5.3) are not names of objects and are refused. Names are case
// insensitive; callers compare them in upper case.
func ParseSetName(name string) (SetClass, error) {
	if name == "" {
		return NotSet, errors.New("empty set name")
	}
	class := NotSet
	rest := name
	for {
		comp, tail, more := strings.Cut(rest, ":")
		if comp == "" {
			return NotSet, fmt.Errorf("set name %q: empty component", name)
		}
		if _, ok := parseASPlain(comp); !ok {
			c := setClassOf(comp)
			if c == NotSet {
				return NotSet, fmt.Errorf("set name %q: component %q is neither an AS number nor a name starting with AS-, RS-, RTRS-, FLTR- or PRNG-", name, comp)
			}
			if class != NotSet && c != class {
				return NotSet, fmt.Errorf("set name %q: components of classes %s and %s", name, class, c)
			}
			if err := checkObjectName(comp); err != nil {
				return NotSet, fmt.Errorf("set name %q: %w", name, err)
			}
			class = c
		}
		if !more {
			break
		}
		rest = tail
	}
	if class == NotSet {
		return NotSet, fmt.Errorf("set name %q has no set-name component", name)
	}
	if strings.EqualFold(name, "AS-ANY") || strings.EqualFold(name, "RS-ANY") {
		return NotSet, fmt.Errorf("%s is a predefined set (RFC 2622 5.3), not an object", strings.ToUpper(name))
	}
	return class, nil
}

// checkObjectName checks an object name: letters, digits, "_" and "-",
// starting with a letter and ending with a letter or a digit (RFC 2622
// section 2).
func checkObjectName(s string) error {
	if s == "" {
		return errors.New("empty name")
	}
	if !isLetter(s[0]) {
		return fmt.Errorf("%q does not start with a letter", s)
	}
	if c := s[len(s)-1]; !isLetter(c) && !isDigit(c) {
		return fmt.Errorf("%q does not end with a letter or digit", s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '-' && c != '_' {
			return fmt.Errorf("%q holds %q: letters, digits, '-' and '_' only", s, c)
		}
	}
	return nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// parseASPlain parses "AS" followed by a decimal number ("as" too), the
// form of AS numbers in set names.
func parseASPlain(s string) (bgp.ASN, bool) {
	if len(s) < 3 || len(s) > 12 || (s[0] != 'A' && s[0] != 'a') || (s[1] != 'S' && s[1] != 's') {
		return 0, false
	}
	var n uint64
	for i := 2; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + uint64(s[i]-'0')
	}
	if n > 1<<32-1 {
		return 0, false
	}
	return bgp.ASN(n), true
}

// ParseASN parses an RPSL AS number: "AS" and the number, in asplain or
// (as some registries accept) asdot form, with leading zeros allowed, e.g.
// "AS3333", "as065537", "AS1.10" (RFC 2622 section 2: <as-number>).
func ParseASN(s string) (bgp.ASN, error) {
	if n, ok := parseASPlain(s); ok {
		return n, nil
	}
	if len(s) < 3 || (s[0] != 'A' && s[0] != 'a') || (s[1] != 'S' && s[1] != 's') {
		return 0, fmt.Errorf("AS number %q does not start with \"AS\"", s)
	}
	n, err := bgp.ParseASN(s)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// article returns the class name with its indefinite article, "an
// as-set" or "a route-set".
func (c SetClass) article() string {
	if c == ASSetClass {
		return "an as-set"
	}
	return "a " + c.String()
}
