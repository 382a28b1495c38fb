package rpki

import (
	"bufio"
	"time"
	"unicode/utf8"
)

// writeJSON writes rpki-client's JSON: a metadata block (buildtime, counts)
// that StayRTR reads, the "roas" array and the "aspas" array with integer
// ASNs. "expires" is left out when unknown. An ASPA's trust anchor, which rpki-client does not write, is added
// as "ta" when known, so that a round trip keeps it.
func writeJSON(w *bufio.Writer, s *Set, o WriteOptions) error {
	b := make([]byte, 0, 256)
	b = append(b, "{\n\t\"metadata\": {\n\t\t\"generator\": \"manrs\",\n\t\t\"buildtime\": \""...)
	b = o.time(s).AppendFormat(b, time.RFC3339)
	b = append(b, "\",\n\t\t\"vrps\": "...)
	b = appendUint(b, uint64(len(s.VRPs)))
	b = append(b, ",\n\t\t\"uniquevrps\": "...)
	b = appendUint(b, uint64(len(s.VRPs)))
	b = append(b, ",\n\t\t\"aspas\": "...)
	b = appendUint(b, uint64(len(s.ASPAs)))
	b = append(b, "\n\t},\n\n\t\"roas\": ["...)
	w.Write(b)
	for i := range s.VRPs {
		v := &s.VRPs[i]
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n\t\t{ \"asn\": "...)
		b = appendUint(b, uint64(v.ASN))
		b = append(b, ", \"prefix\": \""...)
		b = appendPrefix(b, v)
		b = append(b, "\", \"maxLength\": "...)
		b = appendUint(b, uint64(v.MaxLength))
		b = append(b, ", \"ta\": "...)
		b = appendJSONString(b, v.TA)
		b = appendExpires(b, v.Expires)
		b = append(b, " }"...)
		w.Write(b)
	}
	w.WriteString("\n\t],\n\n\t\"aspas\": [")
	for i := range s.ASPAs {
		a := &s.ASPAs[i]
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n\t\t{ \"customer_asid\": "...)
		b = appendUint(b, uint64(a.Customer))
		b = appendExpires(b, a.Expires)
		if a.TA != "" {
			b = append(b, ", \"ta\": "...)
			b = appendJSONString(b, a.TA)
		}
		b = append(b, ", \"providers\": ["...)
		for j, p := range a.Providers {
			if j > 0 {
				b = append(b, ", "...)
			}
			b = appendUint(b, uint64(p))
		}
		b = append(b, "] }"...)
		w.Write(b)
	}
	_, err := w.WriteString("\n\t]\n}\n")
	return err
}

// appendExpires appends the "expires" member, or nothing when the expiry
// is unknown: StayRTR reads a present expires of 0 as long expired and
// drops the record.
func appendExpires(b []byte, expires int64) []byte {
	if expires <= 0 {
		return b
	}
	b = append(b, ", \"expires\": "...)
	return appendUint(b, uint64(expires))
}

// appendJSONString appends s as a JSON string (RFC 8259 section 7).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
