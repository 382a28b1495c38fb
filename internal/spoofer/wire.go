package spoofer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// Clauses that errors cite: the API's data model, and the meaning of the
// outcomes in the session reports.
const (
	clauseAPI     = "Spoofer API Session"
	clauseOutcome = "Spoofer report outcome"
)

// wireSession is a session as the API writes it. Every field takes any JSON
// value; toSession says what is wrong with one of the wrong kind.
type wireSession struct {
	Session       num      `json:"session"`
	Timestamp     text     `json:"timestamp"`
	ASN4          num      `json:"asn4"`
	ASN6          num      `json:"asn6"`
	Client4       text     `json:"client4"`
	Client6       text     `json:"client6"`
	Country       text     `json:"country"`
	NAT4          boolean  `json:"nat4"`
	NAT6          boolean  `json:"nat6"`
	PrivateSpoof  text     `json:"privatespoof"`
	PrivateSpoof6 text     `json:"privatespoof6"`
	RoutedSpoof   text     `json:"routedspoof"`
	RoutedSpoof6  text     `json:"routedspoof6"`
	Member        presence `json:"hydra:member"`
	Member2       presence `json:"member"`
}

// num is a JSON number, or a string of digits (the API writes ASNs as
// strings), or null.
type num struct {
	v   uint64
	set bool
	bad string // the value as written, when it is not a decimal integer
}

func (n *num) UnmarshalJSON(b []byte) error {
	*n = num{}
	if string(b) == "null" {
		return nil
	}
	n.set = true
	digits := b
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		digits = b[1 : len(b)-1]
	}
	n.parse(digits, b)
	return nil
}

// parse sets n from the digits d; orig is what to quote if d is not a
// decimal integer.
func (n *num) parse(d, orig []byte) {
	if len(d) == 0 || len(d) > 20 {
		n.bad = short(orig)
		return
	}
	for _, c := range d {
		v := uint64(c - '0')
		if c < '0' || c > '9' || n.v > (1<<64-1-v)/10 {
			n.v, n.bad = 0, short(orig)
			return
		}
		n.v = n.v*10 + v
	}
}

func (n num) String() string {
	if n.bad != "" {
		return n.bad
	}
	return strconv.FormatUint(n.v, 10)
}

// text is a JSON string, or null (""). Another value is kept as written, to
// be reported.
type text struct {
	s   string
	bad string
}

func (t *text) UnmarshalJSON(b []byte) error {
	*t = text{}
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' {
		t.bad = short(b)
		return nil
	}
	if bytes.IndexByte(b, '\\') >= 0 {
		return json.Unmarshal(b, &t.s)
	}
	t.s = intern(b[1 : len(b)-1])
	return nil
}

// intern returns b as a string, without allocating for the values that
// repeat from session to session: outcomes and the commonest countries.
func intern(b []byte) string {
	switch string(b) {
	case "":
		return ""
	case "received":
		return "received"
	case "blocked":
		return "blocked"
	case "rewritten":
		return "rewritten"
	case "unknown":
		return "unknown"
	case "usa":
		return "usa"
	case "deu":
		return "deu"
	case "gbr":
		return "gbr"
	case "nld":
		return "nld"
	case "fra":
		return "fra"
	case "bra":
		return "bra"
	case "jpn":
		return "jpn"
	case "can":
		return "can"
	case "aus":
		return "aus"
	case "ind":
		return "ind"
	case "chn":
		return "chn"
	case "rus":
		return "rus"
	}
	return string(b)
}

// boolean is true, false or null.
type boolean struct {
	v   NAT
	bad string
}

func (v *boolean) UnmarshalJSON(b []byte) error {
	*v = boolean{}
	switch string(b) {
	case "null":
	case "true":
		v.v = BehindNAT
	case "false":
		v.v = NoNAT
	default:
		v.bad = short(b)
	}
	return nil
}

// presence notes that a field is there, without keeping its value.
type presence bool

func (p *presence) UnmarshalJSON([]byte) error {
	*p = true
	return nil
}

// short returns b, cut to 40 bytes, for a message.
func short(b []byte) string {
	if len(b) > 40 {
		return string(b[:37]) + "..."
	}
	return string(b)
}

// isCollection reports whether the object was a collection page rather
// than a session.
func (w *wireSession) isCollection() bool { return bool(w.Member) || bool(w.Member2) }

// toSession checks a decoded session.
func (w *wireSession) toSession() (Session, error) {
	var s Session
	if !w.Session.set {
		return s, fmt.Errorf("%s: session is missing", clauseAPI)
	}
	if w.Session.bad != "" || w.Session.v == 0 {
		return s, fmt.Errorf("%s: session %s is not a positive integer", clauseAPI, w.Session)
	}
	s.ID = w.Session.v
	if w.Timestamp.bad != "" {
		return s, fmt.Errorf("%s: timestamp %s is not a string", clauseAPI, w.Timestamp.bad)
	}
	if w.Timestamp.s == "" {
		return s, fmt.Errorf("%s: timestamp is missing", clauseAPI)
	}
	t, err := time.Parse(time.RFC3339Nano, w.Timestamp.s)
	if err != nil {
		return s, fmt.Errorf("%s: timestamp %q is not an RFC 3339 time", clauseAPI, w.Timestamp.s)
	}
	s.Time = t
	if w.Country.bad != "" {
		return s, fmt.Errorf("%s: country %s is not a string", clauseAPI, w.Country.bad)
	}
	if !isCountry(w.Country.s) {
		return s, fmt.Errorf("%s: country %q is not an ISO 3166-1 code", clauseAPI, w.Country.s)
	}
	s.Country = w.Country.s
	if s.IPv4, err = result(4, w.ASN4, w.Client4, w.NAT4, w.PrivateSpoof, w.RoutedSpoof); err != nil {
		return s, err
	}
	if s.IPv6, err = result(6, w.ASN6, w.Client6, w.NAT6, w.PrivateSpoof6, w.RoutedSpoof6); err != nil {
		return s, err
	}
	return s, nil
}

// result checks the fields of one address family.
func result(family int, asn num, client text, nat boolean, private, routed text) (Result, error) {
	var r Result
	sfx := ""
	if family == 6 {
		sfx = "6"
	}
	if asn.set {
		if asn.bad != "" || asn.v > 1<<32-1 {
			return r, fmt.Errorf("%s: asn%d %s is not an AS number", clauseAPI, family, asn)
		}
		a, err := bgp.ParseASN(strconv.FormatUint(asn.v, 10))
		if err != nil {
			return r, fmt.Errorf("%s: asn%d: %w", clauseAPI, family, err)
		}
		if a == 0 {
			return r, fmt.Errorf("%s: asn%d 0 is reserved (RFC 7607)", clauseAPI, family)
		}
		r.ASN = a
	}
	if client.bad != "" {
		return r, fmt.Errorf("%s: client%d %s is not a string", clauseAPI, family, client.bad)
	}
	if client.s != "" {
		p, err := netip.ParsePrefix(client.s)
		if err != nil || p.Addr().Zone() != "" || p.Addr().Is4In6() || (family == 4) != p.Addr().Is4() {
			return r, fmt.Errorf("%s: client%d %q is not an IPv%d prefix", clauseAPI, family, client.s, family)
		}
		if p.Masked() != p {
			return r, fmt.Errorf("%s: client%d %q has host bits set", clauseAPI, family, client.s)
		}
		r.Client = p
	}
	if nat.bad != "" {
		return r, fmt.Errorf("%s: nat%d %s is not true, false or null", clauseAPI, family, nat.bad)
	}
	r.NAT = nat.v
	var err error
	if r.Private, err = outcome("privatespoof"+sfx, private); err != nil {
		return r, err
	}
	if r.Routed, err = outcome("routedspoof"+sfx, routed); err != nil {
		return r, err
	}
	return r, nil
}

func outcome(field string, t text) (Outcome, error) {
	if t.bad != "" {
		return 0, fmt.Errorf("%s: %s %s is not a string", clauseAPI, field, t.bad)
	}
	o, ok := ParseOutcome(t.s)
	if !ok {
		return 0, fmt.Errorf("%s: %s %q is not received, blocked, rewritten or unknown", clauseOutcome, field, t.s)
	}
	return o, nil
}

// isCountry reports whether s is "" or an ISO 3166-1 alpha-2 or alpha-3
// code, in either case.
func isCountry(s string) bool {
	if s == "" {
		return true
	}
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// describe turns encoding/json's type errors into messages that name the
// JSON field.
func describe(err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	want := "a string"
	switch te.Type.Kind() {
	case reflect.Slice:
		want = "a list"
	case reflect.Struct:
		want = "an object"
	}
	if te.Field == "" {
		return fmt.Errorf("%s: %s where %s was expected", clauseAPI, article(te.Value), want)
	}
	return fmt.Errorf("%s: field %q: %s where %s was expected", clauseAPI, te.Field, article(te.Value), want)
}

func article(s string) string {
	if s != "" && strings.IndexByte("aeiou", s[0]) >= 0 {
		return "an " + s
	}
	return "a " + s
}
