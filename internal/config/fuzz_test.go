package config

import "testing"

// FuzzParse: any bytes give a Config that passes its checks, or an error
// naming the file; never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte("collectors:\n  - {name: a, ribs: x.gz, updates: u.{date}.*.gz}\nrpki: {vrps: v.json}\nirr:\n  - {source: RIPE, dump: r.db}\ndelegated: [d1, d2]\n"))
	f.Add([]byte("collectors:\n  - {name: a, ribs: x}\nobservatory:\n  min_peers: 3\n  policies: {p: {actions: [filtering], bands: [ready]}}\n"))
	f.Add([]byte("world: {seed: 1, scale: tiny, start: 2026-10-01, days: 2}\n"))
	f.Add([]byte("- [a, b\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b, "fuzz.yaml")
		if err != nil {
			if len(err.Error()) == 0 {
				t.Fatal("empty error")
			}
			return
		}
		if err := c.check(); err != nil {
			t.Fatalf("a parsed config fails its checks: %v", err)
		}
		if (len(c.Collectors) == 0) != (c.CheckObserve() != nil) || c.Observatory.MinPeers < 1 {
			t.Fatalf("%+v", c)
		}
	})
}
