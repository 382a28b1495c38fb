package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is a configuration file: where the input data of the
// observatory is (sources.yaml, as a generated world writes it) and,
// optionally, how it measures (the observatory section). Every path is
// a file name, a glob, or an http(s) URL, relative to the directory of
// the file it was read from, and may hold templates for the day observed:
// {date} (YYYYMMDD), {month} (YYYY.MM), {date_} (YYYY_MM_DD), {year}
// (YYYY).
type Config struct {
	// Dir is the directory relative paths start from.
	Dir string `yaml:"-"`
	// name is the file's name, for errors.
	name string
	// World describes a generated world; absent for real data.
	World *World `yaml:"world,omitempty"`
	// Collectors are route collectors, each with RIB dumps and update
	// files.
	Collectors []Collector `yaml:"collectors"`
	RPKI       RPKI        `yaml:"rpki"`
	// IRR lists RPSL dumps in source order: for objects of which only
	// one counts (aut-num), the first source that has one wins.
	IRR []IRR `yaml:"irr"`
	// ASRel and Cones are CAIDA AS relationships (serial-1 or serial-2)
	// and customer cones.
	ASRel string `yaml:"asrel"`
	Cones string `yaml:"cones,omitempty"`
	// Delegated lists RIR delegated(-extended) statistics files, and
	// Fullbogons Team Cymru fullbogons lists: with either, unallocated
	// space and ASNs are bogons too.
	Delegated  List   `yaml:"delegated,omitempty"`
	Fullbogons List   `yaml:"fullbogons,omitempty"`
	PeeringDB  string `yaml:"peeringdb,omitempty"`
	// Spoofer holds CAIDA Spoofer sessions (JSON, JSON lines or CSV),
	// one file per day when templated.
	Spoofer string `yaml:"spoofer,omitempty"`
	// GroundTruth is the ground truth of a generated world.
	GroundTruth string `yaml:"ground_truth,omitempty"`
	// Observatory sets thresholds, bands and policies; absent keys
	// take the defaults of DefaultObservatory.
	Observatory Observatory `yaml:"observatory,omitempty"`
	// Tenants are the clients of the feeds (tenants.go).
	Tenants []Tenant `yaml:"tenants,omitempty"`
	// Feeds sets how the TAXII collections are kept.
	Feeds Feeds `yaml:"feeds,omitempty"`
}

// Feeds sets how the TAXII collections are kept.
type Feeds struct {
	// RetentionDays is how long an object stays in a collection after
	// it was added; 0 keeps everything. An internet-scale day adds
	// about 170 MB to the public collection (docs/BENCHMARKS.md).
	RetentionDays int `yaml:"retention_days"`
}

// DefaultFeedRetentionDays is Feeds.RetentionDays when the file does
// not set it.
const DefaultFeedRetentionDays = 90

// MinFeedRetentionDays is the shortest retention: a month and a day,
// so that a tenant's monthly report never refers to objects already
// gone from its collection in the month it covers.
const MinFeedRetentionDays = 32

// Retention returns the retention as a duration, 0 for none.
func (f Feeds) Retention() time.Duration { return time.Duration(f.RetentionDays) * 24 * time.Hour }

// World is what a generated world says about itself.
type World struct {
	Seed  uint64 `yaml:"seed"`
	Scale string `yaml:"scale"`
	Start string `yaml:"start"`
	Days  int    `yaml:"days"`
}

// Collector is one route collector.
type Collector struct {
	Name string `yaml:"name"`
	// Style is "ris" or "routeviews": how the files are laid out.
	Style   string `yaml:"style,omitempty"`
	RIBs    string `yaml:"ribs"`
	Updates string `yaml:"updates,omitempty"`
}

// RPKI names validated RPKI data.
type RPKI struct {
	// VRPs is validator output: rpki-client or Routinator JSON or CSV.
	VRPs string `yaml:"vrps"`
	// SLURM lists local exceptions files (RFC 8416) applied to it.
	SLURM List `yaml:"slurm,omitempty"`
}

// IRR is one IRR database dump.
type IRR struct {
	Source string `yaml:"source"`
	Dump   string `yaml:"dump"`
}

// List is a list of paths that may be written as one string.
type List []string

// UnmarshalYAML accepts a string or a sequence of strings.
func (l *List) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = List{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

// Load reads a configuration file.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := Parse(b, path)
	if err != nil {
		return nil, err
	}
	s.Dir = filepath.Dir(path)
	return s, nil
}

// Parse decodes a configuration file; name is used in errors.
func Parse(b []byte, name string) (*Config, error) {
	s := Config{Observatory: DefaultObservatory(), Feeds: Feeds{RetentionDays: DefaultFeedRetentionDays}, name: name}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config: %s: %w", name, err)
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("config: %s: %w", name, err)
	}
	return &s, nil
}

// CheckObserve reports whether the configuration names what observing
// a day needs: at least one route collector. Serving and the feeds need
// none (a file with tenants only is a valid configuration).
func (s *Config) CheckObserve() error {
	if len(s.Collectors) == 0 {
		return fmt.Errorf("config: %s: collectors: at least one collector is needed to observe", s.name)
	}
	return nil
}

func (s *Config) check() error {
	names := map[string]bool{}
	for i, c := range s.Collectors {
		switch {
		case c.Name == "":
			return fmt.Errorf("collectors[%d]: name is missing", i)
		case names[c.Name]:
			return fmt.Errorf("collectors[%d]: %q named twice", i, c.Name)
		case c.RIBs == "":
			return fmt.Errorf("collectors[%d] (%s): ribs is missing", i, c.Name)
		}
		names[c.Name] = true
		if c.Style != "" && c.Style != "ris" && c.Style != "routeviews" {
			return fmt.Errorf("collectors[%d] (%s): style %q is neither ris nor routeviews", i, c.Name, c.Style)
		}
	}
	for i, x := range s.IRR {
		if x.Source == "" || x.Dump == "" {
			return fmt.Errorf("irr[%d]: source and dump are both needed", i)
		}
	}
	if err := checkTenants(s.Tenants); err != nil {
		return err
	}
	if r := s.Feeds.RetentionDays; r != 0 && (r < MinFeedRetentionDays || r > 100*366) {
		return fmt.Errorf("feeds: retention_days %d: want 0 (keep everything) or %d to %d", r, MinFeedRetentionDays, 100*366)
	}
	return s.Observatory.check()
}

// Fill returns tmpl with the templates of day filled in.
func Fill(tmpl string, day time.Time) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	day = day.UTC()
	return strings.NewReplacer("{date}", day.Format("20060102"), "{month}", day.Format("2006.01"),
		"{date_}", day.Format("2006_01_02"), "{year}", day.Format("2006")).Replace(tmpl)
}

// IsURL reports whether a path is an http(s) URL.
func IsURL(p string) bool {
	return strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://")
}

// Resolve returns the files a path names for day: a URL as it is, a file
// relative to Dir, or the files a glob matches, sorted. An empty path
// gives none; a path or glob that names no file is an error.
func (s *Config) Resolve(tmpl string, day time.Time) ([]string, error) {
	if tmpl == "" {
		return nil, nil
	}
	p := Fill(tmpl, day)
	if strings.Contains(p, "{time:") {
		return s.resolveTimes(tmpl, p)
	}
	if IsURL(p) {
		return []string{p}, nil
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.Dir, p)
	}
	if !strings.ContainsAny(p, "*?[") {
		if _, err := os.Stat(p); err != nil {
			return nil, err
		}
		return []string{p}, nil
	}
	m, err := filepath.Glob(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tmpl, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%s: no file matches %s", tmpl, p)
	}
	slices.Sort(m)
	return m, nil
}

// timeTemplate matches {time:N}: every N-minute time of the day as HHMM.
var timeTemplate = regexp.MustCompile(`\{time:(\d+)\}`)

// resolveTimes expands the one {time:N} template of p (filled from tmpl)
// into the day's N-minute times, 0000 first: the names of files that a
// collector publishes on a fixed schedule, such as RIS updates every 5
// minutes (updates.{date}.{time:5}.gz) or RouteViews' every 15. URLs are
// kept as they are; files must exist, as for a plain path.
func (s *Config) resolveTimes(tmpl, p string) ([]string, error) {
	m := timeTemplate.FindAllStringSubmatchIndex(p, -1)
	if len(m) != 1 {
		return nil, fmt.Errorf("%s: one {time:N} template is allowed, found %d", tmpl, len(m))
	}
	n, err := strconv.Atoi(p[m[0][2]:m[0][3]])
	if err != nil || n < 1 || 1440%n != 0 {
		return nil, fmt.Errorf("%s: {time:%s} needs a number of minutes that divides a day (1, 5, 15, 60, ...)", tmpl, p[m[0][2]:m[0][3]])
	}
	var out []string
	for t := 0; t < 1440; t += n {
		name := p[:m[0][0]] + fmt.Sprintf("%02d%02d", t/60, t%60) + p[m[0][1]:]
		if !IsURL(name) {
			if !filepath.IsAbs(name) {
				name = filepath.Join(s.Dir, name)
			}
			if _, err := os.Stat(name); err != nil {
				return nil, err
			}
		}
		out = append(out, name)
	}
	return out, nil
}
