package world

import (
	"slices"
	"testing"
)

// TestRoutesValleyFree checks every best path of several ASes of a small
// world: it exists for every origin (the graph is connected through the
// tier-1 clique), is valley-free, loop-free, and no longer than the
// shortest valley-free path allows.
func TestRoutesValleyFree(t *testing.T) {
	for _, name := range []string{"tiny", "small"} {
		sc, _ := ParseScale(name)
		w, err := Build(7, sc)
		if err != nil {
			t.Fatal(err)
		}
		rt := newRouter(w)
		step := max(1, len(w.ASes)/40)
		for x := int32(0); x < int32(len(w.ASes)); x += int32(step) {
			var path []int32
			for o := int32(0); o < int32(len(w.ASes)); o++ {
				var ok bool
				path, ok = rt.appendPath(path[:0], x, o)
				if !ok {
					t.Fatalf("%s: %v has no route to %v", name, w.ASes[x].ASN, w.ASes[o].ASN)
				}
				if x == o {
					if len(path) != 0 {
						t.Fatalf("own prefix path %v", path)
					}
					continue
				}
				if path[len(path)-1] != o || int(rt.table(x).dist[o]) != len(path) {
					t.Fatalf("%s: path %v from %v to %v (dist %d)", name, path, x, o, rt.table(x).dist[o])
				}
				full := append([]int32{x}, path...)
				seen := map[int32]bool{}
				for _, a := range full {
					if seen[a] {
						t.Fatalf("%s: loop in %v", name, full)
					}
					seen[a] = true
				}
				// Walking from x: provider hops, at most one peer hop,
				// then customer hops.
				phase := 0
				for i := 0; i+1 < len(full); i++ {
					a, b := &w.ASes[full[i]], full[i+1]
					var hop int
					switch {
					case slices.Contains(a.Providers, b):
						hop = 0
					case slices.Contains(a.Peers, b):
						hop = 1
					case slices.Contains(a.Customers, b):
						hop = 2
					default:
						t.Fatalf("%s: %v and %v are not neighbours in %v", name, a.ASN, w.ASes[b].ASN, full)
					}
					if hop < phase || hop == 1 && phase == 1 {
						t.Fatalf("%s: path %v is not valley-free at hop %d", name, full, i)
					}
					phase = max(phase, hop)
					if hop == 1 {
						phase = 2
					}
				}
			}
		}
	}
}
