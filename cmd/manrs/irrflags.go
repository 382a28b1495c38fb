package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manrs/manrs/internal/decompress"
	"github.com/manrs/manrs/internal/irr"
)

// irrFlags is the --irr flag of the commands that read IRR data (filter,
// whois serve, acl, advise): RPSL dump files, each optionally named with
// its source, in order of precedence.
type irrFlags struct {
	dumps []string
}

const irrHelp = `an RPSL dump, as [SOURCE=]FILE (plain, gzip, bzip2 or zstd); repeat for several
sources, in order of precedence. Without SOURCE=, each object's source:
attribute names its source`

func (f *irrFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.dumps, "irr", nil, irrHelp)
}

// irrDump is one --irr value.
type irrDump struct{ source, path string }

// parseIRRDump splits [SOURCE=]FILE. A source is letters, digits, "-" and
// "_" (RIPE-NONAUTH, ALTDB); anything else before "=" is part of a path.
func parseIRRDump(v string) (irrDump, error) {
	if v == "" {
		return irrDump{}, usagef("--irr: empty value")
	}
	if i := strings.IndexByte(v, '='); i > 0 && validSource(v[:i]) {
		if v[i+1:] == "" {
			return irrDump{}, usagef("--irr %s: no file after %s=", v, v[:i])
		}
		return irrDump{source: strings.ToUpper(v[:i]), path: v[i+1:]}, nil
	}
	return irrDump{path: v}, nil
}

func validSource(s string) bool {
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// load reads every dump into a new DB whose source order is the order of
// the flags (named sources first, as given). Bad objects are skipped and
// reported on stderr with their file, line and reason; the returned count
// of bad objects lets the command exit with exitPartial.
func (f *irrFlags) load(stderr io.Writer) (*irr.DB, int, error) {
	if len(f.dumps) == 0 {
		return nil, 0, usagef("--irr: at least one RPSL dump is needed")
	}
	var dumps []irrDump
	var order []string
	for _, v := range f.dumps {
		d, err := parseIRRDump(v)
		if err != nil {
			return nil, 0, err
		}
		dumps = append(dumps, d)
		if d.source != "" {
			order = append(order, d.source)
		}
	}
	if len(order) > irr.MaxSources {
		return nil, 0, usagef("--irr: %d sources; at most %d", len(order), irr.MaxSources)
	}
	db := irr.New(order...)
	bad := 0
	for _, d := range dumps {
		in, _, err := decompress.Open(d.path)
		if err != nil {
			return nil, 0, err
		}
		st, err := db.Load(in, filepath.Base(d.path), irr.LoadOptions{Source: d.source})
		in.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", d.path, err)
		}
		for _, e := range st.Errors {
			fmt.Fprintf(stderr, "manrs: %v\n", e)
		}
		if n := st.Bad() - len(st.Errors); n > 0 {
			fmt.Fprintf(stderr, "manrs: %s: %d more bad objects skipped\n", d.path, n)
		}
		bad += st.Bad()
	}
	return db, bad, nil
}
