package rtr

// SerialLess reports whether serial a precedes b in RFC 1982 serial number
// arithmetic with SERIAL_BITS 32 (RFC 8210 section 5.1, RFC 1982 section
// 3.2). Two serials 2^31 apart are not comparable: neither precedes.
func SerialLess(a, b uint32) bool {
	d := b - a
	return d != 0 && d < 1<<31
}
