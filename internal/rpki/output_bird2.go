package rpki

import (
	"bufio"
	"fmt"
	"strings"
)

// writeBird2 writes BIRD 2 configuration as rpki-client's output-bird.c
// does: two ROA tables, NAME4 and NAME6, each filled by a static protocol
// with one "route 1.0.0.0/24 max 24 as 13335;" line per VRP (the line
// Routinator's bird2 format writes too). BIRD 2 has no ASPA tables.
func writeBird2(w *bufio.Writer, s *Set, o WriteOptions) error {
	table := o.BirdTable
	if table == "" {
		table = DefaultBirdTable
	}
	if strings.ContainsAny(table, " \t\n;{}\"#") {
		return fmt.Errorf("bad BIRD table name %q", table)
	}
	writeHeader(w, s, o)
	fmt.Fprintf(w, "\ndefine force_roa_table_update = %d;\n\n", o.time(s).Unix())
	fmt.Fprintf(w, "roa4 table %s4;\nroa6 table %s6;\n\n", table, table)
	fmt.Fprintf(w, "protocol static {\n\troa4 { table %s4; };\n\n", table)
	b := make([]byte, 0, 128)
	route := func(v *VRP) {
		b = append(b[:0], "\troute "...)
		b = appendPrefix(b, v)
		b = append(b, " max "...)
		b = appendUint(b, uint64(v.MaxLength))
		b = append(b, " as "...)
		b = appendUint(b, uint64(v.ASN))
		b = append(b, ";\n"...)
		w.Write(b)
	}
	for i := range s.VRPs {
		if s.VRPs[i].Prefix.Addr().Is4() {
			route(&s.VRPs[i])
		}
	}
	fmt.Fprintf(w, "}\n\nprotocol static {\n\troa6 { table %s6; };\n\n", table)
	for i := range s.VRPs {
		if !s.VRPs[i].Prefix.Addr().Is4() {
			route(&s.VRPs[i])
		}
	}
	_, err := w.WriteString("}\n")
	return err
}
