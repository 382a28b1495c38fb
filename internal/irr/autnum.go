package irr

import (
	"github.com/manrs/manrs/internal/bgp"
	"github.com/manrs/manrs/internal/rpsl"
)

// autRef names an aut-num with member-of: its AS number and source.
type autRef struct {
	asn bgp.ASN
	src uint8
}

// AutNum returns the aut-num of asn of the earliest source that has one,
// and whether there is one. Its Imports, Exports, MpImports and MpExports
// tell whether the AS publishes a routing policy (metric M6); AdminC,
// TechC and AbuseC name its contacts (M8). The view shares its slices
// with the DB: do not modify them.
func (db *DB) AutNum(asn bgp.ASN) (rpsl.AutNum, bool) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	v, ok := db.autNums.first(asn, ^uint64(0))
	if !ok {
		return rpsl.AutNum{}, false
	}
	return *v, true
}

// joinAutNum indexes the member-of of a, of source src.
func (db *DB) joinAutNum(a *rpsl.AutNum, src uint8) {
	for _, set := range a.MemberOf {
		db.autJoins[set] = append(db.autJoins[set], autRef{asn: a.ASN, src: src})
	}
}

// unjoinAutNum removes what joinAutNum indexed for a.
func (db *DB) unjoinAutNum(a *rpsl.AutNum, src uint8) {
	ref := autRef{asn: a.ASN, src: src}
	for _, set := range a.MemberOf {
		refs := db.autJoins[set]
		out := refs[:0]
		for _, r := range refs {
			if r != ref {
				out = append(out, r)
			}
		}
		if len(out) == 0 {
			delete(db.autJoins, set)
		} else {
			clear(refs[len(out):])
			db.autJoins[set] = out
		}
	}
}
