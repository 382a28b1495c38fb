package rpki

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"

	"github.com/manrs/manrs/internal/bgp"
)

// MaxSLURMSize is the largest SLURM file ParseSLURM reads.
const MaxSLURMSize = 16 << 20

// AssertionTA is the trust-anchor name of payload added by SLURM
// assertions.
const AssertionTA = "slurm"

// SLURM is a parsed, validated SLURM file (RFC 8416) with the ASPA members
// of draft-ietf-sidrops-aspa-slurm-04.
type SLURM struct {
	Source           string // name of the file, for errors
	Version          int    // slurmVersion: 1, or 2 with ASPA members
	PrefixFilters    []PrefixFilter
	BGPsecFilters    []BGPsecFilter
	ASPAFilters      []ASPAFilter
	PrefixAssertions []PrefixAssertion
	BGPsecAssertions []BGPsecAssertion
	ASPAAssertions   []ASPAAssertion
}

// PrefixFilter removes VRPs (RFC 8416 section 3.3.1): those whose prefix is
// equal to or more specific than Prefix, if set, and whose ASN is ASN, if
// HasASN. At least one of them is set.
type PrefixFilter struct {
	Prefix  netip.Prefix // invalid if absent
	ASN     bgp.ASN
	HasASN  bool
	Comment string
}

// Matches reports whether the filter removes v.
func (f *PrefixFilter) Matches(v *VRP) bool {
	if f.HasASN && v.ASN != f.ASN {
		return false
	}
	if f.Prefix.IsValid() {
		return f.Prefix.Addr().Is4() == v.Prefix.Addr().Is4() &&
			v.Prefix.Bits() >= f.Prefix.Bits() && f.Prefix.Contains(v.Prefix.Addr())
	}
	return true
}

// BGPsecFilter removes BGPsec router keys (RFC 8416 section 3.3.2). Router
// keys are not kept in a Set; the filter is checked and then has no effect.
type BGPsecFilter struct {
	ASN     bgp.ASN
	HasASN  bool
	SKI     []byte // 20 octets, nil if absent
	Comment string
}

// ASPAFilter removes the ASPA of Customer (draft-ietf-sidrops-aspa-slurm).
type ASPAFilter struct {
	Customer bgp.ASN
	Comment  string
}

// PrefixAssertion adds a VRP (RFC 8416 section 3.4.1). MaxLength is the
// maxPrefixLength member, or the prefix length when absent.
type PrefixAssertion struct {
	Prefix    netip.Prefix
	ASN       bgp.ASN
	MaxLength uint8
	Comment   string
}

// BGPsecAssertion adds a router key (RFC 8416 section 3.4.2); it is checked
// and then has no effect on a Set.
type BGPsecAssertion struct {
	ASN             bgp.ASN
	SKI             []byte
	RouterPublicKey []byte
	Comment         string
}

// ASPAAssertion adds an ASPA (draft-ietf-sidrops-aspa-slurm).
type ASPAAssertion struct {
	Customer  bgp.ASN
	Providers []bgp.ASN // sorted, no duplicates
	Comment   string
}

// The JSON form. Pointers tell absent members from zero values.
type slurmJSON struct {
	SlurmVersion            *int `json:"slurmVersion"`
	ValidationOutputFilters *struct {
		PrefixFilters []prefixJSON `json:"prefixFilters"`
		BGPsecFilters []bgpsecJSON `json:"bgpsecFilters"`
		ASPAFilters   []aspaJSON   `json:"aspaFilters"`
	} `json:"validationOutputFilters"`
	LocallyAddedAssertions *struct {
		PrefixAssertions []prefixJSON `json:"prefixAssertions"`
		BGPsecAssertions []bgpsecJSON `json:"bgpsecAssertions"`
		ASPAAssertions   []aspaJSON   `json:"aspaAssertions"`
	} `json:"locallyAddedAssertions"`
}

type prefixJSON struct {
	Prefix          *string `json:"prefix"`
	ASN             *uint32 `json:"asn"`
	MaxPrefixLength *uint8  `json:"maxPrefixLength"`
	Comment         *string `json:"comment"`
}

type bgpsecJSON struct {
	ASN             *uint32 `json:"asn"`
	SKI             *string `json:"SKI"`
	RouterPublicKey *string `json:"routerPublicKey"`
	Comment         *string `json:"comment"`
}

// aspaJSON accepts the member names of draft-ietf-sidrops-aspa-slurm
// (customerAsid, providerSet) and the older customerAsn/providerAsns.
type aspaJSON struct {
	CustomerAsid *uint32  `json:"customerAsid"`
	CustomerAsn  *uint32  `json:"customerAsn"`
	ProviderSet  []uint32 `json:"providerSet"`
	ProviderAsns []uint32 `json:"providerAsns"`
	Comment      *string  `json:"comment"`
}

// ParseSLURM reads and validates a SLURM file; name names it in errors,
// which cite the member ("locallyAddedAssertions.prefixAssertions[2]") and
// the clause of RFC 8416 or draft-ietf-sidrops-aspa-slurm.
func ParseSLURM(r io.Reader, name string) (*SLURM, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSLURMSize+1))
	if err != nil {
		return nil, fmt.Errorf("rpki: %s: read SLURM: %w", name, err)
	}
	if len(data) > MaxSLURMSize {
		return nil, fmt.Errorf("rpki: %s: SLURM file larger than %d bytes", name, MaxSLURMSize)
	}
	var j slurmJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("rpki: %s: %s: RFC 8416 3: %w", name, jsonPosition(data, err), err)
	}
	off := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		off += int64(len(data[off:]) - len(bytes.TrimLeft(data[off:], " \t\r\n")))
		return nil, fmt.Errorf("rpki: %s: line %d (byte %d): RFC 8259 2: data after the SLURM object: %w",
			name, 1+bytes.Count(data[:off], []byte{'\n'}), off, ErrSyntax)
	}
	s := &SLURM{Source: name}
	errf := func(path, clause, format string, a ...any) error {
		return fmt.Errorf("rpki: %s: %s: %s: %s", name, path, clause, fmt.Sprintf(format, a...))
	}
	switch {
	case j.SlurmVersion == nil:
		return nil, errf("slurmVersion", "RFC 8416 3.2", "missing")
	case *j.SlurmVersion != 1 && *j.SlurmVersion != 2:
		return nil, errf("slurmVersion", "RFC 8416 3.2", "version %d not supported (want 1, or 2 with ASPA)", *j.SlurmVersion)
	case j.ValidationOutputFilters == nil:
		return nil, errf("validationOutputFilters", "RFC 8416 3.2", "missing")
	case j.LocallyAddedAssertions == nil:
		return nil, errf("locallyAddedAssertions", "RFC 8416 3.2", "missing")
	}
	s.Version = *j.SlurmVersion
	vf, la := j.ValidationOutputFilters, j.LocallyAddedAssertions
	if s.Version == 1 && (vf.ASPAFilters != nil || la.ASPAAssertions != nil) {
		return nil, errf("slurmVersion", "draft-ietf-sidrops-aspa-slurm", "ASPA members need slurmVersion 2")
	}
	if vf.PrefixFilters == nil || vf.BGPsecFilters == nil {
		return nil, errf("validationOutputFilters", "RFC 8416 3.3", "prefixFilters and bgpsecFilters are required")
	}
	if la.PrefixAssertions == nil || la.BGPsecAssertions == nil {
		return nil, errf("locallyAddedAssertions", "RFC 8416 3.4", "prefixAssertions and bgpsecAssertions are required")
	}

	for i, f := range vf.PrefixFilters {
		path := fmt.Sprintf("validationOutputFilters.prefixFilters[%d]", i)
		if f.MaxPrefixLength != nil {
			return nil, errf(path, "RFC 8416 3.3.1", "maxPrefixLength is not a member of a prefix filter")
		}
		if f.Prefix == nil && f.ASN == nil {
			return nil, errf(path, "RFC 8416 3.3.1", "a prefix filter needs a prefix, an asn or both")
		}
		pf := PrefixFilter{Comment: deref(f.Comment)}
		if f.Prefix != nil {
			p, err := parseCanonicalPrefix(*f.Prefix)
			if err != nil {
				return nil, errf(path, "RFC 8416 3.3.1", "%v", err)
			}
			pf.Prefix = p
		}
		if f.ASN != nil {
			pf.ASN, pf.HasASN = bgp.ASN(*f.ASN), true
		}
		s.PrefixFilters = append(s.PrefixFilters, pf)
	}
	for i, f := range vf.BGPsecFilters {
		path := fmt.Sprintf("validationOutputFilters.bgpsecFilters[%d]", i)
		if f.RouterPublicKey != nil {
			return nil, errf(path, "RFC 8416 3.3.2", "routerPublicKey is not a member of a BGPsec filter")
		}
		if f.ASN == nil && f.SKI == nil {
			return nil, errf(path, "RFC 8416 3.3.2", "a BGPsec filter needs an asn, an SKI or both")
		}
		bf := BGPsecFilter{Comment: deref(f.Comment)}
		if f.ASN != nil {
			bf.ASN, bf.HasASN = bgp.ASN(*f.ASN), true
		}
		if f.SKI != nil {
			ski, err := decodeSKI(*f.SKI)
			if err != nil {
				return nil, errf(path, "RFC 8416 3.3.2", "%v", err)
			}
			bf.SKI = ski
		}
		s.BGPsecFilters = append(s.BGPsecFilters, bf)
	}
	for i, f := range vf.ASPAFilters {
		path := fmt.Sprintf("validationOutputFilters.aspaFilters[%d]", i)
		c, err := aspaCustomer(f)
		if err != nil {
			return nil, errf(path, "draft-ietf-sidrops-aspa-slurm 3.1", "%v", err)
		}
		if f.ProviderSet != nil || f.ProviderAsns != nil {
			return nil, errf(path, "draft-ietf-sidrops-aspa-slurm 3.1", "an ASPA filter has no provider set")
		}
		s.ASPAFilters = append(s.ASPAFilters, ASPAFilter{Customer: c, Comment: deref(f.Comment)})
	}
	for i, a := range la.PrefixAssertions {
		path := fmt.Sprintf("locallyAddedAssertions.prefixAssertions[%d]", i)
		if a.Prefix == nil || a.ASN == nil {
			return nil, errf(path, "RFC 8416 3.4.1", "a prefix assertion needs both prefix and asn")
		}
		p, err := parseCanonicalPrefix(*a.Prefix)
		if err != nil {
			return nil, errf(path, "RFC 8416 3.4.1", "%v", err)
		}
		if p.Addr().Is4In6() {
			return nil, errf(path, "RFC 8416 3.4.1", "IPv4-mapped IPv6 prefix %s never matches a route", p)
		}
		pa := PrefixAssertion{Prefix: p, ASN: bgp.ASN(*a.ASN), MaxLength: uint8(p.Bits()), Comment: deref(a.Comment)}
		if m := a.MaxPrefixLength; m != nil {
			if int(*m) < p.Bits() || int(*m) > p.Addr().BitLen() {
				return nil, errf(path, "RFC 8416 3.4.1", "maxPrefixLength %d not in %d..%d", *m, p.Bits(), p.Addr().BitLen())
			}
			pa.MaxLength = *m
		}
		s.PrefixAssertions = append(s.PrefixAssertions, pa)
	}
	for i, a := range la.BGPsecAssertions {
		path := fmt.Sprintf("locallyAddedAssertions.bgpsecAssertions[%d]", i)
		if a.ASN == nil || a.SKI == nil || a.RouterPublicKey == nil {
			return nil, errf(path, "RFC 8416 3.4.2", "a BGPsec assertion needs asn, SKI and routerPublicKey")
		}
		ski, err := decodeSKI(*a.SKI)
		if err != nil {
			return nil, errf(path, "RFC 8416 3.4.2", "%v", err)
		}
		key, err := base64.RawURLEncoding.DecodeString(*a.RouterPublicKey)
		if err != nil || len(key) == 0 {
			return nil, errf(path, "RFC 8416 3.4.2", "routerPublicKey is not unpadded base64url (RFC 4648 5)")
		}
		s.BGPsecAssertions = append(s.BGPsecAssertions, BGPsecAssertion{ASN: bgp.ASN(*a.ASN), SKI: ski, RouterPublicKey: key, Comment: deref(a.Comment)})
	}
	asserted := make(map[bgp.ASN]struct{}, len(la.ASPAAssertions))
	for i, a := range la.ASPAAssertions {
		path := fmt.Sprintf("locallyAddedAssertions.aspaAssertions[%d]", i)
		c, err := aspaCustomer(a)
		if err != nil {
			return nil, errf(path, "draft-ietf-sidrops-aspa-slurm 3.2", "%v", err)
		}
		if a.ProviderSet != nil && a.ProviderAsns != nil {
			return nil, errf(path, "draft-ietf-sidrops-aspa-slurm 3.2", "both providerSet and providerAsns")
		}
		ps := a.ProviderSet
		if ps == nil {
			ps = a.ProviderAsns
		}
		if len(ps) == 0 {
			return nil, errf(path, "draft-ietf-sidrops-aspa-slurm 3.2", "providerSet is missing or empty")
		}
		if len(ps) > MaxProviders {
			return nil, errf(path, "draft-ietf-sidrops-aspa-slurm 3.2", "more than %d providers", MaxProviders)
		}
		aspa := ASPA{Customer: c}
		for _, p := range ps {
			aspa.Providers = append(aspa.Providers, bgp.ASN(p))
		}
		if _, err := checkASPA(&aspa); err != nil {
			return nil, errf(path, "draft-ietf-sidrops-aspa-slurm 3.2", "%v", err)
		}
		if _, dup := asserted[c]; dup {
			return nil, errf(path, "draft-ietf-sidrops-aspa-slurm 3.2", "second assertion for customer %v", c)
		}
		asserted[c] = struct{}{}
		s.ASPAAssertions = append(s.ASPAAssertions, ASPAAssertion{Customer: c, Providers: aspa.Providers, Comment: deref(a.Comment)})
	}
	return s, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func aspaCustomer(a aspaJSON) (bgp.ASN, error) {
	switch {
	case a.CustomerAsid != nil && a.CustomerAsn != nil:
		return 0, errors.New("both customerAsid and customerAsn")
	case a.CustomerAsid != nil:
		return bgp.ASN(*a.CustomerAsid), nil
	case a.CustomerAsn != nil:
		return bgp.ASN(*a.CustomerAsn), nil
	}
	return 0, errors.New("customerAsid is missing")
}

// parseCanonicalPrefix parses a prefix and rejects host bits.
func parseCanonicalPrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("bad prefix: %w", err)
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Errorf("prefix %s has host bits set (canonical form %s)", s, m)
	}
	return p, nil
}

// decodeSKI decodes an SKI: unpadded base64url (RFC 4648 section 5) of 20
// octets (RFC 8416 section 3.3.2).
func decodeSKI(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("SKI %q is not unpadded base64url (RFC 4648 5)", s)
	}
	if len(b) != 20 {
		return nil, fmt.Errorf("SKI %q decodes to %d octets, want 20", s, len(b))
	}
	return b, nil
}

// jsonPosition turns the offset in a json error into "line L".
func jsonPosition(data []byte, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return "JSON"
	}
	return fmt.Sprintf("line %d", 1+bytes.Count(data[:off], []byte{'\n'}))
}

// CheckOverlap checks that SLURM files do not overlap (RFC 8416 section
// 4.2): no prefix of a prefix filter or assertion in one file may equal or
// cover or be covered by such a prefix in another, no BGPsec filter or
// assertion may share an ASN or an SKI with one in another file, and no ASPA
// filter or assertion may share a customer with one in another file
// (draft-ietf-sidrops-aspa-slurm). RFC 8416 requires rejecting all files if
// they overlap.
func CheckOverlap(files []*SLURM) error {
	if err := checkPrefixOverlap(files); err != nil {
		return err
	}
	asns := map[bgp.ASN]int{}
	skis := map[string]int{}
	customers := map[bgp.ASN]int{}
	for fi, f := range files {
		seen := func(m map[bgp.ASN]int, a bgp.ASN, what string) error {
			if o, ok := m[a]; ok && o != fi {
				return fmt.Errorf("rpki: %s: SLURM files %s and %s overlap: both name %s %v", overlapClause(what), files[o].Source, f.Source, what, a)
			}
			m[a] = fi
			return nil
		}
		seenSKI := func(ski []byte) error {
			if o, ok := skis[string(ski)]; ok && o != fi {
				return fmt.Errorf("rpki: RFC 8416 4.2: SLURM files %s and %s overlap: both name SKI %x", files[o].Source, f.Source, ski)
			}
			skis[string(ski)] = fi
			return nil
		}
		for _, bf := range f.BGPsecFilters {
			if bf.HasASN {
				if err := seen(asns, bf.ASN, "BGPsec ASN"); err != nil {
					return err
				}
			}
			if bf.SKI != nil {
				if err := seenSKI(bf.SKI); err != nil {
					return err
				}
			}
		}
		for _, ba := range f.BGPsecAssertions {
			if err := seen(asns, ba.ASN, "BGPsec ASN"); err != nil {
				return err
			}
			if err := seenSKI(ba.SKI); err != nil {
				return err
			}
		}
		for _, af := range f.ASPAFilters {
			if err := seen(customers, af.Customer, "ASPA customer"); err != nil {
				return err
			}
		}
		for _, aa := range f.ASPAAssertions {
			if err := seen(customers, aa.Customer, "ASPA customer"); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkPrefixOverlap finds a prefix of one file that equals, covers or is
// covered by a prefix of another. The prefixes of all files are sorted by
// address and then length, so that a prefix comes after every prefix that
// covers it; a sweep keeps the chain of prefixes that cover the current
// one. Two prefixes in the chain always overlap, so the chain never holds
// two files, and comparing each prefix with the top of the chain finds
// every overlap: O(n log n) for n prefixes in all.
func checkPrefixOverlap(files []*SLURM) error {
	type prefixAt struct {
		p    netip.Prefix
		file int
	}
	n := 0
	for _, f := range files {
		n += len(f.PrefixFilters) + len(f.PrefixAssertions)
	}
	if n < 2 {
		return nil
	}
	all := make([]prefixAt, 0, n)
	for fi, f := range files {
		for _, pf := range f.PrefixFilters {
			if pf.Prefix.IsValid() {
				all = append(all, prefixAt{pf.Prefix.Masked(), fi})
			}
		}
		for _, pa := range f.PrefixAssertions {
			all = append(all, prefixAt{pa.Prefix.Masked(), fi})
		}
	}
	slices.SortFunc(all, func(a, b prefixAt) int {
		if c := a.p.Addr().Compare(b.p.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(a.p.Bits(), b.p.Bits())
	})
	var chain []prefixAt
	for _, x := range all {
		for len(chain) > 0 && !covers(chain[len(chain)-1].p, x.p) {
			chain = chain[:len(chain)-1]
		}
		if len(chain) > 0 {
			if o := chain[len(chain)-1]; o.file != x.file {
				a, b := o, x
				if a.file > b.file {
					a, b = b, a
				}
				return fmt.Errorf("rpki: RFC 8416 4.2: SLURM files %s and %s overlap: %v and %v", files[a.file].Source, files[b.file].Source, a.p, b.p)
			}
		}
		chain = append(chain, x)
	}
	return nil
}

// covers reports whether p equals or covers q; prefixes of different
// address families never cover each other.
func covers(p, q netip.Prefix) bool {
	return p.Addr().Is4() == q.Addr().Is4() && p.Bits() <= q.Bits() && p.Contains(q.Addr())
}

func overlapClause(what string) string {
	if what == "ASPA customer" {
		return "draft-ietf-sidrops-aspa-slurm"
	}
	return "RFC 8416 4.2"
}

// ApplySLURM applies SLURM files to the set as RFC 8416 section 4
// describes: the files are checked for overlap (section 4.2), then every
// filter of every file removes matching payload, then every assertion adds
// payload, so that a filter never removes an assertion. Asserted VRPs and
// ASPAs carry the trust anchor AssertionTA and no expiry. The set is left
// deduplicated.
func (s *Set) ApplySLURM(files ...*SLURM) error {
	if err := CheckOverlap(files); err != nil {
		return err
	}
	var pfs prefixFilterIndex
	custs := map[bgp.ASN]bool{}
	for _, f := range files {
		for i := range f.PrefixFilters {
			pfs.add(&f.PrefixFilters[i])
		}
		for _, af := range f.ASPAFilters {
			custs[af.Customer] = true
		}
	}
	if !pfs.empty() {
		pfs.build()
		s.VRPs = slices.DeleteFunc(s.VRPs, func(v VRP) bool { return pfs.matches(&v) })
	}
	if len(custs) > 0 {
		s.ASPAs = slices.DeleteFunc(s.ASPAs, func(a ASPA) bool { return custs[a.Customer] })
	}
	for _, f := range files {
		for _, a := range f.PrefixAssertions {
			s.VRPs = append(s.VRPs, VRP{Prefix: a.Prefix, MaxLength: a.MaxLength, ASN: a.ASN, TA: AssertionTA})
		}
		for _, a := range f.ASPAAssertions {
			s.ASPAs = append(s.ASPAs, ASPA{Customer: a.Customer, Providers: slices.Clone(a.Providers), TA: AssertionTA})
		}
	}
	s.Dedup()
	return nil
}

// prefixFilterIndex answers whether any of many prefix filters matches a
// VRP without trying each: filters with only an ASN are a set of ASNs,
// filters with a prefix sit in a prefix trie, so that a VRP visits only
// the filter prefixes that cover its own (at most one per prefix length).
type prefixFilterIndex struct {
	asns     map[bgp.ASN]struct{}
	byPrefix map[netip.Prefix]*prefixRule
	trie     bart.Table[*prefixRule]
}

// prefixRule holds the filters of one prefix: any VRP under it matches if
// one of them has no ASN, else a VRP with one of asns (sorted).
type prefixRule struct {
	anyASN bool
	asns   []bgp.ASN
}

func (x *prefixFilterIndex) add(f *PrefixFilter) {
	if !f.Prefix.IsValid() {
		if x.asns == nil {
			x.asns = map[bgp.ASN]struct{}{}
		}
		x.asns[f.ASN] = struct{}{}
		return
	}
	if x.byPrefix == nil {
		x.byPrefix = map[netip.Prefix]*prefixRule{}
	}
	p := f.Prefix.Masked()
	r := x.byPrefix[p]
	if r == nil {
		r = &prefixRule{}
		x.byPrefix[p] = r
	}
	if f.HasASN {
		r.asns = append(r.asns, f.ASN)
	} else {
		r.anyASN = true
	}
}

func (x *prefixFilterIndex) empty() bool { return len(x.asns) == 0 && len(x.byPrefix) == 0 }

// build fills the trie once all filters are added.
func (x *prefixFilterIndex) build() {
	for p, r := range x.byPrefix {
		r.asns = normaliseProviders(r.asns)
		x.trie.Insert(p, r)
	}
}

// matches reports whether a filter removes v (RFC 8416 section 3.3.1):
// one whose prefix equals or covers v's, and whose ASN, if any, is v's.
func (x *prefixFilterIndex) matches(v *VRP) bool {
	if _, ok := x.asns[v.ASN]; ok {
		return true
	}
	if len(x.byPrefix) == 0 {
		return false
	}
	for _, r := range x.trie.Supernets(v.Prefix) {
		if r.anyASN {
			return true
		}
		if _, found := slices.BinarySearch(r.asns, v.ASN); found {
			return true
		}
	}
	return false
}
