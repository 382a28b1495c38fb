// Package wire keeps the bounds checks of binary record structures in one
// place.
//
// A Decoder walks a byte slice in network byte order. The first read past
// the end sets a sticky error and every later read returns zero, so a
// decoder reads a whole structure and checks Err once, the way Prometheus'
// tsdb/encoding.Decbuf does. Every byte slice that the codecs (bgp, mrt)
// take in is untrusted; nothing here allocates, and sub-slices alias the
// input.
package wire
