package world

import (
	"fmt"
	"slices"
	"strings"
)

// writeSources writes sources.yaml: where each kind of data of the world
// is, for the observatory (`manrs observe --config`). Paths are relative
// to the file. Templates stand for the day observed: {date} is YYYYMMDD,
// {month} YYYY.MM and {date_} YYYY_MM_DD.
func (g *generation) writeSources() error {
	w := g.w
	var b strings.Builder
	fmt.Fprintf(&b, "# Sources of the world of seed %d, scale %s: the input of `manrs observe --config`.\n", g.opt.Seed, w.Scale.Name)
	b.WriteString("# Paths are relative to this file. In templates, {date} is the day observed as YYYYMMDD,\n")
	b.WriteString("# {month} its month as YYYY.MM and {date_} the day as YYYY_MM_DD.\n")
	fmt.Fprintf(&b, "world:\n  seed: %d\n  scale: %s\n  start: %s\n  days: %d\n", g.opt.Seed, w.Scale.Name, g.opt.Start.Format("2006-01-02"), g.opt.Days)
	b.WriteString("collectors:\n")
	for _, c := range w.Collectors {
		fmt.Fprintf(&b, "  - name: %s\n    style: %s\n", c.Name, c.Style)
		if c.Style == "routeviews" {
			fmt.Fprintf(&b, "    ribs: collectors/%s/bgpdata/{month}/RIBS/rib.{date}.*.bz2\n", c.Name)
			fmt.Fprintf(&b, "    updates: collectors/%s/bgpdata/{month}/UPDATES/updates.{date}.*.bz2\n", c.Name)
		} else {
			fmt.Fprintf(&b, "    ribs: collectors/%s/{month}/bview.{date}.*.gz\n", c.Name)
			fmt.Fprintf(&b, "    updates: collectors/%s/{month}/updates.{date}.*.gz\n", c.Name)
		}
	}
	b.WriteString("rpki:\n  vrps: rpki/{date}/rpki-client.json\n")
	b.WriteString("irr:\n")
	var srcs []string
	for _, f := range g.files {
		if f.Format == "rpsl-dump" {
			srcs = append(srcs, f.Path)
		}
	}
	slices.Sort(srcs)
	// Source order: the registries first, RADB last (IRRd's usual order).
	slices.SortStableFunc(srcs, func(x, y string) int {
		xr, yr := strings.Contains(x, "radb"), strings.Contains(y, "radb")
		switch {
		case xr == yr:
			return 0
		case xr:
			return 1
		}
		return -1
	})
	for _, s := range srcs {
		name := strings.ToUpper(strings.TrimSuffix(strings.TrimPrefix(s, "irr/"), ".db.gz"))
		fmt.Fprintf(&b, "  - source: %s\n    dump: %s\n", name, s)
	}
	first := day(g.opt.Start)
	fmt.Fprintf(&b, "asrel: caida/%s.as-rel2.txt.bz2\n", first)
	fmt.Fprintf(&b, "cones: caida/%s.ppdc-ases.txt.bz2\n", first)
	fmt.Fprintf(&b, "delegated: rir/delegated-nro-extended-%s\n", first)
	b.WriteString("peeringdb: peeringdb/peeringdb_2_dump_{date_}.json\n")
	b.WriteString("spoofer: spoofer/sessions-{date}.jsonl\n")
	b.WriteString("ground_truth: ground-truth/events.jsonl\n")
	out, done, err := g.create("sources.yaml", "sources-yaml")
	if err != nil {
		return err
	}
	if _, err := out.Write([]byte(b.String())); err != nil {
		return err
	}
	return done()
}
