package rpsl

import (
	"fmt"
	"strings"
)

// Contact is the typed view of a person or role object (RFC 2622
// section 3.2 and 3.3).
type Contact struct {
	// Class is "person" or "role".
	Class string
	// Name is the person's or role's name, the class attribute's value.
	Name string
	// NICHandle is the nic-hdl, upper case: what admin-c, tech-c and
	// abuse-c refer to.
	NICHandle string
	// Emails, Phones and AbuseMailboxes hold the e-mail, phone and
	// abuse-mailbox values.
	Emails, Phones, AbuseMailboxes []string
	MntBy                          []string
	Source                         string
}

// ParseContact returns the view of a person or role object, which must
// have one nic-hdl.
func ParseContact(o *Object) (Contact, error) {
	class := o.Class()
	if class != "person" && class != "role" {
		return Contact{}, o.objError(clauseContact, fmt.Errorf("not a person or role object"))
	}
	key, err := o.Key()
	if err != nil {
		return Contact{}, err
	}
	if _, err := o.single("nic-hdl", clauseContact); err != nil {
		return Contact{}, err
	}
	src, err := o.source(clauseContact)
	if err != nil {
		return Contact{}, err
	}
	return Contact{
		Class:          class,
		Name:           strings.Clone(o.Attrs[0].Value),
		NICHandle:      own(key),
		Emails:         o.values("e-mail"),
		Phones:         o.values("phone"),
		AbuseMailboxes: o.values("abuse-mailbox"),
		MntBy:          o.upperList("mnt-by"),
		Source:         src,
	}, nil
}

// Mntner is the typed view of a mntner object (RFC 2622 section 3.1, RFC
// 2725 section 9).
type Mntner struct {
	// Name is the maintainer's name, upper case.
	Name string
	Auth []Auth
	// UpdTo and MntNfy hold the upd-to and mnt-nfy e-mail addresses.
	UpdTo, MntNfy []string
	AdminC, TechC []string
	MntBy         []string
	Source        string
}

// Auth is one auth attribute of a mntner (RFC 2725): a scheme and its
// value, e.g. {"CRYPT-PW", "LEuuhsBJNFV0Q"}, {"PGPKEY", "80F238C6"},
// {"MAIL-FROM", "ripe-dbm@ripe.net"}, {"NONE", ""}.
type Auth struct {
	// Scheme is upper case: NONE, MAIL-FROM, CRYPT-PW, MD5-PW, BCRYPT-PW,
	// PGPKEY, X509, SSO, or another a registry uses.
	Scheme string
	Value  string
}

// ParseAuth parses an auth value: the scheme, white space and the
// credential, or "PGPKEY-<id>" and "X509-<n>", which carry their key in
// the scheme word.
func ParseAuth(v string) (Auth, error) {
	word, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	if word == "" {
		return Auth{}, fmt.Errorf("empty auth")
	}
	word = strings.ToUpper(word)
	rest = strings.TrimSpace(rest)
	for _, p := range [...]string{"PGPKEY-", "X509-"} {
		if strings.HasPrefix(word, p) && rest == "" {
			return Auth{Scheme: p[:len(p)-1], Value: word[len(p):]}, nil
		}
	}
	return Auth{Scheme: word, Value: rest}, nil
}

// ParseMntner returns the view of a mntner object; each auth value must
// parse.
func ParseMntner(o *Object) (Mntner, error) {
	if o.Class() != "mntner" {
		return Mntner{}, o.objError(clauseContact, fmt.Errorf("not a mntner object"))
	}
	if _, err := o.single("mntner", clauseContact); err != nil {
		return Mntner{}, err
	}
	if v := o.Attrs[0].Value; v == "" || strings.ContainsAny(v, " \t\n") {
		return Mntner{}, o.attrError(&o.Attrs[0], clauseContact, fmt.Errorf("name %q is not one word", v))
	}
	src, err := o.source(clauseContact)
	if err != nil {
		return Mntner{}, err
	}
	m := Mntner{Name: ownUpper(o.Attrs[0].Value), Source: src}
	for i := range o.Attrs {
		a := &o.Attrs[i]
		if !a.Is("auth") {
			continue
		}
		au, err := ParseAuth(a.Value)
		if err != nil {
			return Mntner{}, o.attrError(a, clauseAuth, err)
		}
		au.Scheme = own(au.Scheme)
		au.Value = strings.Clone(au.Value)
		m.Auth = append(m.Auth, au)
	}
	m.UpdTo = o.values("upd-to")
	m.MntNfy = o.values("mnt-nfy")
	m.AdminC = o.upperList("admin-c")
	m.TechC = o.upperList("tech-c")
	m.MntBy = o.upperList("mnt-by")
	return m, nil
}

// RedactedAuth is the credential that Redacted writes in place of a
// password hash, as IRRd does.
const RedactedAuth = "DummyValue"

// hashSchemes are the auth schemes whose value is a password hash.
var hashSchemes = [...]string{"CRYPT-PW", "MD5-PW", "BCRYPT-PW"}

// Redacted returns a copy of o in which the value of each auth attribute
// with a password hash (CRYPT-PW, MD5-PW, BCRYPT-PW) is replaced by
// "<scheme> DummyValue" with the comment "Filtered for security", the
// form IRRd answers queries with. Other attributes are shared with o.
func (o *Object) Redacted() *Object {
	c := *o
	c.Attrs = append([]Attr(nil), o.Attrs...)
	for i := range c.Attrs {
		a := &c.Attrs[i]
		if !a.Is("auth") {
			continue
		}
		word, _, _ := strings.Cut(a.Value, " ")
		for _, h := range hashSchemes {
			if strings.EqualFold(word, h) {
				a.Value = word + " " + RedactedAuth
				a.raw = a.Value + "  # Filtered for security"
			}
		}
	}
	return &c
}
