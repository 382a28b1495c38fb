package world

import (
	"fmt"
	"strings"
)

// Scale sets the size of a world.
type Scale struct {
	Name string
	// ASes is the number of ASes. Up to the number of origin ASes of the
	// real tables (about 47,000) they are a random sample of them, with
	// their real prefixes; beyond, the others are synthetic.
	ASes int
	// IPv4 and IPv6 are the numbers of prefixes to reach by carving
	// more-specifics (IPv4) and allocating new blocks (IPv6) when the
	// sampled ASes hold fewer; 0 keeps what the sample holds.
	IPv4, IPv6 int
	// Tier1 is the size of the tier-1 clique.
	Tier1 int
	// Collectors and PeersPerCollector set the route collectors.
	Collectors, PeersPerCollector int
	// IXPs is the number of IXP route servers.
	IXPs int
}

// Scales are the predefined sizes, smallest first.
var Scales = []Scale{
	{Name: "tiny", ASes: 60, Tier1: 3, Collectors: 1, PeersPerCollector: 6, IXPs: 1},
	{Name: "small", ASes: 1500, Tier1: 6, Collectors: 2, PeersPerCollector: 12, IXPs: 2},
	{Name: "medium", ASes: 15000, Tier1: 12, Collectors: 3, PeersPerCollector: 30, IXPs: 4},
	{Name: "internet", ASes: 80000, IPv4: 1_000_000, IPv6: 230_000, Tier1: 17, Collectors: 4, PeersPerCollector: 40, IXPs: 8},
}

// ParseScale returns the predefined scale of that name.
func ParseScale(name string) (Scale, error) {
	var names []string
	for _, s := range Scales {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Scale{}, fmt.Errorf("unknown scale %q (want %s)", name, strings.Join(names, ", "))
}
