package rpsl

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Route is the typed view of a route object (RFC 2622 section 4) or a
// route6 object (RFC 4012 section 3): Prefix is IPv4 for the one, IPv6
// for the other.
type Route struct {
	Prefix netip.Prefix
	Origin bgp.ASN
	// MntBy lists the maintainers, upper case.
	MntBy []string
	// MemberOf lists the route-sets the route asks to join, upper case.
	MemberOf []string
	// Source is the registry, upper case.
	Source string
	// Created and LastModified are the RIPE-style timestamps; zero when
	// the object has none.
	Created, LastModified time.Time
}

// ParseRoute returns the view of a route or route6 object. The prefix
// must have no bits set past its length and be of the class's family,
// the origin must be given once, member-of must name route-sets, and
// timestamps, when present, must be RFC 3339.
func ParseRoute(o *Object) (Route, error) {
	class := o.Class()
	if class != "route" && class != "route6" {
		return Route{}, o.objError(clauseRoute, fmt.Errorf("not a route or route6 object"))
	}
	clause := clauseRoute
	if class == "route6" {
		clause = clauseRoute6
	}
	p, err := o.routePrefix(class)
	if err != nil {
		return Route{}, err
	}
	src, err := o.source(clause)
	if err != nil {
		return Route{}, err
	}
	r := Route{Prefix: p, Source: src}
	// One pass over the attributes: a dump holds millions of routes.
	var origin, created, modified *Attr
	for i := range o.Attrs {
		a := &o.Attrs[i]
		switch {
		case a.Is("origin"):
			if origin != nil {
				return Route{}, o.attrError(a, clause, fmt.Errorf("origin given more than once (it is single-valued)"))
			}
			origin = a
		case a.Is("mnt-by"):
			r.MntBy = appendUpperList(r.MntBy, a.Value)
		case a.Is("member-of"):
			if r.MemberOf, err = o.appendSetList(r.MemberOf, a, RouteSetClass, clause); err != nil {
				return Route{}, err
			}
		case a.Is("created"):
			if created != nil {
				return Route{}, o.attrError(a, clauseSyntax, fmt.Errorf("created given more than once (it is single-valued)"))
			}
			created = a
		case a.Is("last-modified"):
			if modified != nil {
				return Route{}, o.attrError(a, clauseSyntax, fmt.Errorf("last-modified given more than once (it is single-valued)"))
			}
			modified = a
		}
	}
	if origin == nil {
		return Route{}, o.objError(clause, fmt.Errorf("no origin"))
	}
	if r.Origin, err = ParseASN(origin.Value); err != nil {
		return Route{}, o.attrError(origin, clause, err)
	}
	if r.Created, err = o.timestamp(created); err != nil {
		return Route{}, err
	}
	if r.LastModified, err = o.timestamp(modified); err != nil {
		return Route{}, err
	}
	return r, nil
}

// origin parses the single origin attribute of a route or route6.
func (o *Object) origin(class string) (bgp.ASN, error) {
	clause := clauseRoute
	if class == "route6" {
		clause = clauseRoute6
	}
	a, err := o.single("origin", clause)
	if err != nil {
		return 0, err
	}
	if a == nil {
		return 0, o.objError(clause, fmt.Errorf("no origin"))
	}
	n, err := ParseASN(a.Value)
	if err != nil {
		return 0, o.attrError(a, clause, err)
	}
	return n, nil
}

// timestamps parses the created and last-modified attributes.
func (o *Object) timestamps() (created, modified time.Time, err error) {
	c, err := o.single("created", clauseSyntax)
	if err != nil {
		return created, modified, err
	}
	m, err := o.single("last-modified", clauseSyntax)
	if err != nil {
		return created, modified, err
	}
	if created, err = o.timestamp(c); err != nil {
		return created, modified, err
	}
	modified, err = o.timestamp(m)
	return created, modified, err
}

// timestamp parses a RIPE timestamp attribute; a nil attribute gives the
// zero time.
func (o *Object) timestamp(a *Attr) (time.Time, error) {
	if a == nil {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, a.Value)
	if err != nil {
		return time.Time{}, o.attrError(a, "RIPE timestamps", fmt.Errorf("%q is not an RFC 3339 time", a.Value))
	}
	return t, nil
}

// upperList returns the items of the list attributes called name, upper
// case.
func (o *Object) upperList(name string) []string {
	var out []string
	for i := range o.Attrs {
		if o.Attrs[i].Is(name) {
			out = appendUpperList(out, o.Attrs[i].Value)
		}
	}
	return out
}

// appendUpperList appends the items of list value v, upper case.
func appendUpperList(dst []string, v string) []string {
	n := len(dst)
	dst = AppendList(dst, v)
	for i := n; i < len(dst); i++ {
		dst[i] = ownUpper(dst[i])
	}
	return dst
}

// values returns copies of the values of the attributes called name.
func (o *Object) values(name string) []string {
	var out []string
	for i := range o.Attrs {
		if o.Attrs[i].Is(name) {
			out = append(out, strings.Clone(o.Attrs[i].Value))
		}
	}
	return out
}

// setList returns the items of the list attributes called name, each a
// set name of the given class, upper case.
func (o *Object) setList(name string, class SetClass, clause string) ([]string, error) {
	var out []string
	for i := range o.Attrs {
		if !o.Attrs[i].Is(name) {
			continue
		}
		var err error
		if out, err = o.appendSetList(out, &o.Attrs[i], class, clause); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// appendSetList appends the items of list attribute a, each a set name
// of the given class, upper case.
func (o *Object) appendSetList(dst []string, a *Attr, class SetClass, clause string) ([]string, error) {
	n := len(dst)
	dst = AppendList(dst, a.Value)
	for i := n; i < len(dst); i++ {
		v := dst[i]
		c, err := ParseSetName(v)
		if err == nil && c != class {
			err = fmt.Errorf("%q is %s name, not %s name", v, c.article(), class.article())
		}
		if err != nil {
			return nil, o.attrError(a, clause, err)
		}
		dst[i] = ownUpper(v)
	}
	return dst, nil
}

// own returns a copy of s, so that a view does not keep the text of its
// object alive.
func own(s string) string { return strings.Clone(s) }

// ownUpper returns a copy of s in upper case.
func ownUpper(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' || c >= 0x80 {
			return strings.Clone(strings.ToUpper(s))
		}
	}
	return strings.Clone(s)
}

// source checks the object's source, a registry name (RFC 2622 section
// 2: <registry-name>, an object name), and returns it upper case; "" when
// the object has none.
func (o *Object) source(clause string) (string, error) {
	if o.Source == "" {
		return "", nil
	}
	if err := checkObjectName(o.Source); err != nil {
		if a := o.attr("source"); a != nil {
			return "", o.attrError(a, clause, fmt.Errorf("registry name: %w", err))
		}
		return "", o.objError(clause, fmt.Errorf("registry name: %w", err))
	}
	return ownUpper(o.Source), nil
}
