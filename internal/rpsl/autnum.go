package rpsl

import (
	"fmt"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/bgp"
)

// AutNum is the typed view of an aut-num object (RFC 2622 section 6, RFC
// 4012 section 2.5).
type AutNum struct {
	ASN bgp.ASN
	// Name is the as-name.
	Name string
	// Imports, Exports, MpImports and MpExports hold the values of the
	// import, export, mp-import and mp-export attributes, comments
	// removed, unparsed.
	Imports, Exports     []string
	MpImports, MpExports []string
	// MemberOf lists the as-sets the AS asks to join, upper case.
	MemberOf []string
	// AdminC, TechC and AbuseC list contact handles (nic-hdl), upper
	// case; AbuseC and Org are RIPE additions.
	AdminC, TechC, AbuseC []string
	Org                   string
	MntBy                 []string
	Source                string
	// Created and LastModified are zero when the object has none.
	Created, LastModified time.Time
}

// ParseAutNum returns the view of an aut-num object. The AS number must
// be "AS" and a number, as-name at most once, member-of must name as-sets
// and timestamps, when present, must be RFC 3339.
func ParseAutNum(o *Object) (AutNum, error) {
	if o.Class() != "aut-num" {
		return AutNum{}, o.objError(clauseAutNum, fmt.Errorf("not an aut-num object"))
	}
	if _, err := o.single("aut-num", clauseAutNum); err != nil {
		return AutNum{}, err
	}
	n, err := ParseASN(o.Attrs[0].Value)
	if err != nil {
		return AutNum{}, o.attrError(&o.Attrs[0], clauseAutNum, err)
	}
	src, err := o.source(clauseAutNum)
	if err != nil {
		return AutNum{}, err
	}
	v := AutNum{ASN: n, Source: src}
	name, err := o.single("as-name", clauseAutNum)
	if err != nil {
		return AutNum{}, err
	}
	if name != nil {
		v.Name = strings.Clone(name.Value)
	}
	org, err := o.single("org", clauseAutNum)
	if err != nil {
		return AutNum{}, err
	}
	if org != nil {
		v.Org = ownUpper(org.Value)
	}
	v.Imports = o.values("import")
	v.Exports = o.values("export")
	v.MpImports = o.values("mp-import")
	v.MpExports = o.values("mp-export")
	if v.MemberOf, err = o.setList("member-of", ASSetClass, clauseAutNum); err != nil {
		return AutNum{}, err
	}
	v.AdminC = o.upperList("admin-c")
	v.TechC = o.upperList("tech-c")
	v.AbuseC = o.upperList("abuse-c")
	v.MntBy = o.upperList("mnt-by")
	if v.Created, v.LastModified, err = o.timestamps(); err != nil {
		return AutNum{}, err
	}
	return v, nil
}
