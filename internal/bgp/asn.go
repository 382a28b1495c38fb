package bgp

import (
	"fmt"
	"strconv"
	"strings"
)

// ASN is an autonomous system number (RFC 6793: four octets).
type ASN uint32

// Well-known ASNs that the codecs and the bogon checks refer to.
const (
	// ASTrans is AS_TRANS, the placeholder that 2-octet speakers see in
	// place of a 4-octet ASN (RFC 6793 section 9).
	ASTrans ASN = 23456
)

// String formats the ASN as "AS64500".
func (a ASN) String() string { return "AS" + strconv.FormatUint(uint64(a), 10) }

// ParseASN parses "AS64500", "as64500", "64500" or the asdot form "1.10"
// (RFC 5396) into an ASN.
func ParseASN(s string) (ASN, error) {
	t := s
	if len(t) >= 2 && (t[0] == 'A' || t[0] == 'a') && (t[1] == 'S' || t[1] == 's') {
		t = t[2:]
	}
	if hi, lo, ok := strings.Cut(t, "."); ok {
		h, err1 := strconv.ParseUint(hi, 10, 16)
		l, err2 := strconv.ParseUint(lo, 10, 16)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("parse ASN %q: RFC 5396: asdot parts must be 0-65535", s)
		}
		return ASN(h<<16 | l), nil
	}
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("parse ASN %q: not a number in 0-4294967295", s)
	}
	return ASN(n), nil
}
