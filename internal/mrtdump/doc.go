// Package mrtdump prints decoded MRT records as text: the one-line-per-route
// format of `bgpdump -m` (RIPE NCC's bgpdump, the de facto text form that
// scripts parse), and JSON lines with every decoded field.
//
// The bgpdump form is reproduced byte for byte, including its conventions
// for absent attributes (LOCAL_PREF and MED print as 0), its address
// formatting, and the field layout of the deprecated MRT type BGP. Where
// bgpdump itself is wrong (it stops after the first record of some
// TABLE_DUMP files), this package prints what the file holds; see
// docs/manrs-mrt.md.
//
// Nothing here parses input: records come decoded from package mrt.
package mrtdump
