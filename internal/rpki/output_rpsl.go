package rpki

import (
	"bufio"
	"strings"
	"time"
)

// writeRPSL writes one RPSL route or route6 object per VRP as Routinator's
// rpsl format does (src/output.rs), each framed by blank lines:
//
//	route: 1.0.0.0/24
//	origin: AS13335
//	descr: RPKI attestation
//	mnt-by: NA
//	created: 2024-01-02T03:04:05Z
//	last-modified: 2024-01-02T03:04:05Z
//	source: ROA-APNIC-RPKI-ROOT
//
// The maximum length has no RPSL form and is not written.
func writeRPSL(w *bufio.Writer, s *Set, o WriteOptions) error {
	now := o.time(s).AppendFormat(nil, time.RFC3339)
	b := make([]byte, 0, 256)
	for i := range s.VRPs {
		v := &s.VRPs[i]
		b = append(b[:0], '\n')
		if v.Prefix.Addr().Is4() {
			b = append(b, "route: "...)
		} else {
			b = append(b, "route6: "...)
		}
		b = appendPrefix(b, v)
		b = append(b, "\norigin: AS"...)
		b = appendUint(b, uint64(v.ASN))
		b = append(b, "\ndescr: RPKI attestation\nmnt-by: NA\ncreated: "...)
		b = append(b, now...)
		b = append(b, "\nlast-modified: "...)
		b = append(b, now...)
		b = append(b, "\nsource: ROA-"...)
		ta := strings.ToUpper(v.TA)
		if ta == "" {
			ta = "N/A"
		}
		b = appendRPSLWord(b, ta)
		b = append(b, "-RPKI-ROOT\n\n"...)
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// appendRPSLWord appends s with white space and control characters, which
// would end the attribute or the object, replaced by '-'.
func appendRPSLWord(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || c == '#' {
			c = '-'
		}
		b = append(b, c)
	}
	return b
}
