package rpki

import "bufio"

// writeOpenBGPD writes the roa-set and aspa-set of bgpd.conf(5) as
// rpki-client's output-bgpd.c does:
//
//	roa-set {
//		1.0.0.0/24 maxlen 25 source-as 13335 expires 1700000000
//	}
//
//	aspa-set {
//		customer-as 64496 expires 1700000000 provider-as { 64497, 64498 }
//	}
//
// "maxlen" is written only when it exceeds the prefix length, and "expires"
// only when the expiry is known: bgpd would take 0 as already expired.
func writeOpenBGPD(w *bufio.Writer, s *Set, o WriteOptions) error {
	writeHeader(w, s, o)
	w.WriteString("roa-set {\n")
	b := make([]byte, 0, 128)
	for i := range s.VRPs {
		v := &s.VRPs[i]
		b = append(b[:0], '\t')
		b = appendPrefix(b, v)
		if int(v.MaxLength) > v.Prefix.Bits() {
			b = append(b, " maxlen "...)
			b = appendUint(b, uint64(v.MaxLength))
		}
		b = append(b, " source-as "...)
		b = appendUint(b, uint64(v.ASN))
		if v.Expires > 0 {
			b = append(b, " expires "...)
			b = appendUint(b, uint64(v.Expires))
		}
		b = append(b, '\n')
		w.Write(b)
	}
	w.WriteString("}\n\naspa-set {\n")
	for i := range s.ASPAs {
		a := &s.ASPAs[i]
		b = append(b[:0], "\tcustomer-as "...)
		b = appendUint(b, uint64(a.Customer))
		if a.Expires > 0 {
			b = append(b, " expires "...)
			b = appendUint(b, uint64(a.Expires))
		}
		b = append(b, " provider-as { "...)
		for j, p := range a.Providers {
			if j > 0 {
				b = append(b, ", "...)
			}
			b = appendUint(b, uint64(p))
		}
		b = append(b, " }\n"...)
		w.Write(b)
	}
	_, err := w.WriteString("}\n")
	return err
}
