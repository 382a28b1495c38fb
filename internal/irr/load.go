package irr

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/manrs/manrs/internal/rpsl"
)

// MaxErrors is how many errors Stats keeps; later ones are counted.
const MaxErrors = rpsl.MaxErrors

// maxClasses bounds the classes Stats.Skipped names one by one; hostile
// input could invent any number.
const maxClasses = 64

// LoadOptions tune Load.
type LoadOptions struct {
	// Source is the source the dump belongs to, e.g. "RADB". When set,
	// objects without a source attribute take it, and objects whose
	// source attribute names another source are not indexed (IRRd
	// refuses them too). When empty, each object's source attribute
	// names its source, and an object without one is not indexed.
	Source string
	// Strict makes the first bad line or object end the load with its
	// error; what was indexed before stays.
	Strict bool
	// Limits bound what the reader stores for one line and one object.
	Limits rpsl.Limits
}

// Stats counts what Load read.
type Stats struct {
	// Objects counts the objects read.
	Objects int
	// Indexed counts the objects indexed, new or replacing one of the
	// same key and source.
	Indexed int
	// Skipped counts the objects of classes the DB does not index, per
	// class (lower case; "other" past 64 classes).
	Skipped map[string]int
	// Rejected counts the objects of indexed classes that were not
	// indexed, per reason: "<class>: <clause>" for an object its typed
	// view refused (e.g. "route: RFC 2622 4"), "<class>: bad lines" for
	// one with lines the reader skipped, "<class>: no source",
	// "<class>: source mismatch" or "<class>: too many sources".
	Rejected map[string]int
	// BadLines and Dropped are the reader's counts: lines skipped, and
	// objects skipped whole (too large, or not starting with an
	// attribute).
	BadLines, Dropped int
	// Errors holds the first MaxErrors errors of the reader and of the
	// rejected objects, in input order; each names the input, the line
	// and the reason.
	Errors []error
}

// Bad returns the number of objects not indexed for being bad, including
// those the reader dropped.
func (s Stats) Bad() int {
	n := s.Dropped
	for _, v := range s.Rejected {
		n += v
	}
	return n
}

// Load reads an RPSL dump (or a whois answer) from r, name naming it in
// errors, and indexes its route, route6, aut-num, as-set, route-set and
// mntner objects; objects of other classes are counted and skipped. An
// object whose typed view does not parse is skipped and counted, unless
// opt.Strict is set. The error is a read error, or in strict mode the
// first bad line or object.
func (db *DB) Load(r io.Reader, name string, opt LoadOptions) (Stats, error) {
	rd := rpsl.NewReader(r, name)
	rd.Strict = opt.Strict
	rd.Limits = opt.Limits
	want := strings.ToUpper(opt.Source)
	rd.Source = want
	st := Stats{Skipped: make(map[string]int), Rejected: make(map[string]int)}
	var errs []error
	reject := func(o *rpsl.Object, reason string, err error) {
		st.Rejected[o.Class()+": "+reason]++
		if len(errs) < MaxErrors {
			errs = append(errs, err)
		}
	}
	var err error
	for rd.Next() {
		o := rd.Object()
		st.Objects++
		c := classOf(o)
		if c == classOther {
			k := o.Class()
			if _, ok := st.Skipped[k]; !ok && len(st.Skipped) >= maxClasses {
				k = "other"
			}
			st.Skipped[k]++
			continue
		}
		p, perr := parse(o, c)
		if perr == nil && want != "" && p.source != want {
			perr = objectError(o, fmt.Errorf("source %s, want %s", p.source, want))
			reject(o, "source mismatch", perr)
		} else if perr != nil {
			reject(o, reason(perr), perr)
		} else {
			db.mu.Lock()
			perr = db.add(o, &p)
			db.mu.Unlock()
			if perr != nil {
				reject(o, "too many sources", perr)
			} else {
				st.Indexed++
			}
		}
		if perr != nil && opt.Strict {
			err = perr
			break
		}
	}
	rs := rd.Stats()
	st.BadLines, st.Dropped = rs.BadLines, rs.Dropped
	st.Errors = mergeErrors(rs.Errors, errs)
	if err == nil {
		err = rd.Err()
	}
	return st, err
}

// reason names the reason of a parse error for Stats.Rejected.
func reason(err error) string {
	var pe *rpsl.ParseError
	if errors.As(err, &pe) && pe.Clause != "" {
		return pe.Clause
	}
	if errors.Is(err, errNoSource) {
		return "no source"
	}
	if errors.Is(err, errBadLines) {
		return "bad lines"
	}
	return "invalid"
}

// mergeErrors merges two lists of errors in input order, by line, and
// keeps the first MaxErrors.
func mergeErrors(a, b []error) []error {
	out := append(slices.Clip(a), b...)
	slices.SortStableFunc(out, func(x, y error) int { return cmp.Compare(errorLine(x), errorLine(y)) })
	if len(out) > MaxErrors {
		out = out[:MaxErrors]
	}
	return out
}

func errorLine(err error) int {
	var pe *rpsl.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Line
	}
	return 0
}
