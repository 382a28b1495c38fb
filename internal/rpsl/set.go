package rpsl

import (
	"fmt"
	"strings"
)

// ASSet is the typed view of an as-set object (RFC 2622 section 5.1).
type ASSet struct {
	// Name is the set name, upper case.
	Name string
	// Members lists the members in canonical form: AS numbers as
	// "AS64500", as-set names upper case; see ParseASSetMember.
	Members []string
	// Invalid holds an error for each item of members that is neither
	// an AS number nor an as-set name (an AS range "AS1-AS5", a
	// route-set name, garbage); those items are left out of Members.
	Invalid []error
	// MbrsByRef lists the maintainers whose aut-nums may join the set
	// with member-of, upper case; "ANY" for any.
	MbrsByRef []string
	MntBy     []string
	Source    string
}

// ParseASSet returns the view of an as-set object. A bad set name is an
// error; a bad member is left out and reported in Invalid.
func ParseASSet(o *Object) (ASSet, error) {
	if o.Class() != "as-set" {
		return ASSet{}, o.objError(clauseASSet, fmt.Errorf("not an as-set object"))
	}
	name, err := o.setName("as-set")
	if err != nil {
		return ASSet{}, err
	}
	src, err := o.source(clauseASSet)
	if err != nil {
		return ASSet{}, err
	}
	s := ASSet{Name: name, Source: src}
	for i := range o.Attrs {
		a := &o.Attrs[i]
		if !a.Is("members") {
			continue
		}
		for _, v := range SplitList(a.Value) {
			m, err := ParseASSetMember(v)
			if err != nil {
				s.Invalid = append(s.Invalid, o.attrError(a, clauseASSet, err))
				continue
			}
			s.Members = append(s.Members, own(m.String()))
		}
	}
	s.MbrsByRef = o.upperList("mbrs-by-ref")
	s.MntBy = o.upperList("mnt-by")
	return s, nil
}

// RouteSet is the typed view of a route-set object (RFC 2622 section 5.2,
// RFC 4012 section 4.2).
type RouteSet struct {
	// Name is the set name, upper case.
	Name string
	// Members lists the items of members in canonical form: IPv4
	// prefixes, route-set and as-set names and AS numbers, each with its
	// range operator ("192.0.2.0/24^+", "RS-FOO^24-32", "AS64500"); see
	// ParseRouteSetMember.
	Members []string
	// MpMembers lists the items of mp-members the same way, IPv6
	// prefixes allowed.
	MpMembers []string
	// Invalid holds an error for each item left out of Members and
	// MpMembers.
	Invalid   []error
	MbrsByRef []string
	MntBy     []string
	Source    string
}

// ParseRouteSet returns the view of a route-set object. A bad set name is
// an error; a bad member is left out and reported in Invalid.
func ParseRouteSet(o *Object) (RouteSet, error) {
	if o.Class() != "route-set" {
		return RouteSet{}, o.objError(clauseRouteSet, fmt.Errorf("not a route-set object"))
	}
	name, err := o.setName("route-set")
	if err != nil {
		return RouteSet{}, err
	}
	src, err := o.source(clauseRouteSet)
	if err != nil {
		return RouteSet{}, err
	}
	s := RouteSet{Name: name, Source: src}
	for i := range o.Attrs {
		a := &o.Attrs[i]
		mp := a.Is("mp-members")
		if !mp && !a.Is("members") {
			continue
		}
		clause := clauseRouteSet
		if mp {
			clause = clauseMp
		}
		for _, v := range SplitList(a.Value) {
			m, err := ParseRouteSetMember(v, mp)
			if err != nil {
				s.Invalid = append(s.Invalid, o.attrError(a, clause, err))
				continue
			}
			if mp {
				s.MpMembers = append(s.MpMembers, own(m.String()))
			} else {
				s.Members = append(s.Members, own(m.String()))
			}
		}
	}
	s.MbrsByRef = o.upperList("mbrs-by-ref")
	s.MntBy = o.upperList("mnt-by")
	return s, nil
}

// setName checks the name of a set object of the given class and returns
// it upper case.
func (o *Object) setName(class string) (string, error) {
	a := &o.Attrs[0]
	if _, err := o.single(class, clauseNames); err != nil {
		return "", err
	}
	c, err := ParseSetName(a.Value)
	if err == nil && c.String() != class {
		err = fmt.Errorf("%q is %s name", a.Value, c.article())
	}
	if err != nil {
		return "", o.attrError(a, clauseNames, err)
	}
	return own(strings.ToUpper(a.Value)), nil
}
