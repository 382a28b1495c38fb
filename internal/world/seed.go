package world

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/manrs/manrs/internal/bgp"
)

// The real tables the generator draws from (see testdata/PROVENANCE.md).
var (
	//go:embed data/ipasn_20140513.dat.gz
	ipasn4 []byte
	//go:embed data/ipasn6_20151101.dat.gz
	ipasn6 []byte
	//go:embed data/asnames.json.gz
	asnamesGz []byte
)

// seedAS is an origin AS of the real tables with its prefixes.
type seedAS struct {
	ASN        bgp.ASN
	IPv4, IPv6 []netip.Prefix
}

// seedData is what the real tables hold, parsed once.
type seedData struct {
	ASes  []seedAS // ordered by ASN
	Names map[bgp.ASN]string
}

var (
	seedOnce sync.Once
	seed     *seedData
	seedErr  error
)

// loadSeed parses the embedded tables.
func loadSeed() (*seedData, error) {
	seedOnce.Do(func() { seed, seedErr = parseSeed() })
	return seed, seedErr
}

func parseSeed() (*seedData, error) {
	by := map[bgp.ASN]*seedAS{}
	add := func(name string, data []byte, want6 bool) error {
		return readIPASN(name, data, func(p netip.Prefix, a bgp.ASN) {
			if p.Addr().Is6() != want6 {
				return
			}
			s := by[a]
			if s == nil {
				s = &seedAS{ASN: a}
				by[a] = s
			}
			if want6 {
				s.IPv6 = append(s.IPv6, p)
			} else {
				s.IPv4 = append(s.IPv4, p)
			}
		})
	}
	if err := add("ipasn_20140513.dat.gz", ipasn4, false); err != nil {
		return nil, err
	}
	if err := add("ipasn6_20151101.dat.gz", ipasn6, true); err != nil {
		return nil, err
	}
	d := &seedData{Names: map[bgp.ASN]string{}}
	for _, s := range by {
		d.ASes = append(d.ASes, *s)
	}
	slices.SortFunc(d.ASes, func(a, b seedAS) int { return int(a.ASN) - int(b.ASN) })
	names, err := readNames(asnamesGz)
	if err != nil {
		return nil, err
	}
	d.Names = names
	return d, nil
}

// readIPASN reads pyasn's IP-ASN32-DAT format: comment lines starting with
// ';', then "prefix<TAB>asn" lines. Entries whose origin is an AS_SET
// ("{1,2}") or otherwise not one ASN are left out.
func readIPASN(name string, gz []byte, fn func(netip.Prefix, bgp.ASN)) error {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return fmt.Errorf("world: %s: %w", name, err)
	}
	sc := bufio.NewScanner(zr)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if t == "" || t[0] == ';' {
			continue
		}
		ps, as, ok := strings.Cut(t, "\t")
		if !ok {
			return fmt.Errorf("world: %s: line %d: no tab", name, line)
		}
		p, err := netip.ParsePrefix(ps)
		if err != nil {
			return fmt.Errorf("world: %s: line %d: %w", name, line, err)
		}
		n, err := strconv.ParseUint(as, 10, 32)
		if err != nil {
			continue // an AS_SET origin
		}
		fn(p.Masked(), bgp.ASN(n))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("world: %s: %w", name, err)
	}
	return nil
}

func readNames(gz []byte) (map[bgp.ASN]string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("world: asnames.json.gz: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("world: asnames.json.gz: %w", err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("world: asnames.json.gz: %w", err)
	}
	out := make(map[bgp.ASN]string, len(m))
	for k, v := range m {
		if n, err := strconv.ParseUint(k, 10, 32); err == nil {
			out[bgp.ASN(n)] = v
		}
	}
	return out, nil
}
