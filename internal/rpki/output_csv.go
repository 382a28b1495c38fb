package rpki

import "bufio"

// writeCSV writes rpki-client's CSV (output-csv.c): a header line, then
// "AS13335,1.0.0.0/24,24,apnic,1700000000" per VRP. ASPAs have no CSV form.
func writeCSV(w *bufio.Writer, s *Set, _ WriteOptions) error {
	w.WriteString("ASN,IP Prefix,Max Length,Trust Anchor,Expires\n")
	b := make([]byte, 0, 128)
	for i := range s.VRPs {
		v := &s.VRPs[i]
		b = append(b[:0], "AS"...)
		b = appendUint(b, uint64(v.ASN))
		b = append(b, ',')
		b = appendPrefix(b, v)
		b = append(b, ',')
		b = appendUint(b, uint64(v.MaxLength))
		b = append(b, ',')
		b = appendCSVField(b, v.TA)
		b = append(b, ',')
		b = appendUint(b, uint64(max(v.Expires, 0)))
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// appendCSVField appends s with the characters that would break the line
// structure (comma, quote, control characters) replaced by '_'.
func appendCSVField(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ',' || c == '"' || c < 0x20 || c == 0x7f {
			c = '_'
		}
		b = append(b, c)
	}
	return b
}
