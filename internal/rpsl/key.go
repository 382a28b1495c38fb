package rpsl

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/manrs/manrs/internal/bgp"
)

// Key returns the object's primary key in canonical form, upper case as
// IRRd keeps it:
//   - route, route6: the prefix and the origin, "192.0.2.0/24AS64500"
//     (RFC 2622 section 4, RFC 4012 section 3);
//   - aut-num: "AS64500"; as-block: "AS64496 - AS64511";
//   - as-set, route-set, filter-set, rtr-set, peering-set: the set name;
//   - person, role: the nic-hdl (RFC 2622 section 3);
//   - inetnum: "192.0.2.0 - 192.0.2.255"; inet6num: the prefix;
//   - any other class (mntner, key-cert, organisation, domain, ...): the
//     class attribute's value.
func (o *Object) Key() (string, error) {
	if len(o.Attrs) == 0 {
		return "", &ParseError{Name: o.Input, Line: o.Line, Clause: clauseSyntax, Err: fmt.Errorf("object without attributes")}
	}
	class := o.Class()
	first := &o.Attrs[0]
	switch class {
	case "route", "route6":
		p, err := o.routePrefix(class)
		if err != nil {
			return "", err
		}
		origin, err := o.origin(class)
		if err != nil {
			return "", err
		}
		return p.String() + origin.String(), nil
	case "aut-num":
		n, err := ParseASN(first.Value)
		if err != nil {
			return "", o.attrError(first, clauseAutNum, err)
		}
		return n.String(), nil
	case "as-block":
		lo, hi, err := parseASRange(first.Value)
		if err != nil {
			return "", o.attrError(first, clauseSyntax, err)
		}
		return lo.String() + " - " + hi.String(), nil
	case "as-set", "route-set", "filter-set", "rtr-set", "peering-set":
		name, err := o.setName(class)
		if err != nil {
			return "", err
		}
		return name, nil
	case "person", "role":
		a := o.attr("nic-hdl")
		if a == nil {
			return "", &ParseError{Name: o.Input, Line: o.Line, Clause: clauseContact, Err: fmt.Errorf("%s %q has no nic-hdl", class, first.Value)}
		}
		if a.Value == "" || strings.ContainsAny(a.Value, " \t\n") {
			return "", o.attrError(a, clauseContact, fmt.Errorf("nic-hdl %q is not one word", a.Value))
		}
		return strings.ToUpper(a.Value), nil
	case "inetnum":
		lo, hi, err := parseAddrRange(first.Value)
		if err != nil {
			return "", o.attrError(first, clauseSyntax, err)
		}
		return lo.String() + " - " + hi.String(), nil
	case "inet6num":
		p, err := ParsePrefix(first.Value)
		if err == nil && !p.Addr().Is6() {
			err = fmt.Errorf("inet6num %q is not an IPv6 prefix", first.Value)
		}
		if err != nil {
			return "", o.attrError(first, clauseSyntax, err)
		}
		return p.String(), nil
	}
	if first.Value == "" {
		return "", o.attrError(first, clauseSyntax, fmt.Errorf("%s without a value", class))
	}
	return strings.ToUpper(strings.Join(strings.Fields(first.Value), " ")), nil
}

// attr returns the first attribute called name, or nil.
func (o *Object) attr(name string) *Attr {
	for i := range o.Attrs {
		if o.Attrs[i].Is(name) {
			return &o.Attrs[i]
		}
	}
	return nil
}

// single returns the only attribute called name: nil when there is none,
// an error when there are several.
func (o *Object) single(name, clause string) (*Attr, error) {
	var found *Attr
	for i := range o.Attrs {
		if o.Attrs[i].Is(name) {
			if found != nil {
				return nil, o.attrError(&o.Attrs[i], clause, fmt.Errorf("%s given more than once (it is single-valued)", name))
			}
			found = &o.Attrs[i]
		}
	}
	return found, nil
}

// attrError is a ParseError about attribute a.
func (o *Object) attrError(a *Attr, clause string, err error) error {
	return &ParseError{Name: o.Input, Line: a.Line, Clause: clause, Err: fmt.Errorf("%s %s: %s: %w", o.Class(), o.Attrs[0].Value, a.Name, err)}
}

// objError is a ParseError about the object as a whole.
func (o *Object) objError(clause string, err error) error {
	first := ""
	if len(o.Attrs) > 0 {
		first = o.Attrs[0].Value
	}
	return &ParseError{Name: o.Input, Line: o.Line, Clause: clause, Err: fmt.Errorf("%s %s: %w", o.Class(), first, err)}
}

// routePrefix parses the prefix of a route (IPv4) or route6 (IPv6).
func (o *Object) routePrefix(class string) (netip.Prefix, error) {
	clause := clauseRoute
	if class == "route6" {
		clause = clauseRoute6
	}
	if _, err := o.single(class, clause); err != nil {
		return netip.Prefix{}, err
	}
	a := &o.Attrs[0]
	p, err := ParsePrefix(a.Value)
	if err != nil {
		return netip.Prefix{}, o.attrError(a, clause, err)
	}
	if class == "route" && !p.Addr().Is4() {
		return netip.Prefix{}, o.attrError(a, clause, fmt.Errorf("%s is not an IPv4 prefix (use route6)", p))
	}
	if class == "route6" && !p.Addr().Is6() {
		return netip.Prefix{}, o.attrError(a, clause, fmt.Errorf("%s is not an IPv6 prefix (use route)", p))
	}
	return p, nil
}

// parseAddrRange parses an inetnum range "a - b", a <= b, both IPv4.
func parseAddrRange(v string) (lo, hi netip.Addr, err error) {
	l, h, ok := strings.Cut(v, "-")
	if !ok {
		return lo, hi, fmt.Errorf("range %q: want \"first - last\"", v)
	}
	if lo, err = parseIPv4(strings.TrimSpace(l)); err != nil {
		return lo, hi, fmt.Errorf("range %q: %w", v, err)
	}
	if hi, err = parseIPv4(strings.TrimSpace(h)); err != nil {
		return lo, hi, fmt.Errorf("range %q: %w", v, err)
	}
	if hi.Less(lo) {
		return lo, hi, fmt.Errorf("range %q: last before first", v)
	}
	return lo, hi, nil
}

// parseASRange parses an as-block range "AS64496 - AS64511".
func parseASRange(v string) (lo, hi bgp.ASN, err error) {
	l, h, ok := strings.Cut(v, "-")
	if !ok {
		return 0, 0, fmt.Errorf("AS range %q: want \"ASn - ASm\"", v)
	}
	if lo, err = ParseASN(strings.TrimSpace(l)); err != nil {
		return 0, 0, fmt.Errorf("AS range %q: %w", v, err)
	}
	if hi, err = ParseASN(strings.TrimSpace(h)); err != nil {
		return 0, 0, fmt.Errorf("AS range %q: %w", v, err)
	}
	if hi < lo {
		return 0, 0, fmt.Errorf("AS range %q: last before first", v)
	}
	return lo, hi, nil
}
