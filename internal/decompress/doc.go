// Package decompress opens compressed inputs by their content, not their
// name: gzip (RFC 1952, multi-member), bzip2, zstd (RFC 8878) and plain
// bytes.
//
// Routing archives are large and compressed, and decompression is the
// bottleneck of a single-threaded reader. bzip2 is therefore decoded block
// by block on all cores (github.com/cosnicolaou/pbzip2), and gzip and zstd
// are decoded in a goroutine of their own that reads ahead, so that the
// consumer decodes records on one core while the stream is inflated on
// another.
//
// All input is untrusted: a corrupt stream yields an error from Read that
// names the format; nothing panics.
package decompress
