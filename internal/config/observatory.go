package config

import (
	"fmt"
	"slices"
)

// Defaults of the observatory section.
const (
	// DefaultMinPeers is the visibility threshold: an incident counts
	// when this many collector peers saw it.
	DefaultMinPeers = 2
	// DefaultSpooferWindowDays is the window of Spoofer sessions that
	// M5 is judged on, ending with the day observed.
	DefaultSpooferWindowDays = 30
	// DefaultReady and DefaultAspiring are the lower bounds of the
	// readiness bands of a score in [0, 1]; below Aspiring is Lagging.
	DefaultReady    = 0.9
	DefaultAspiring = 0.5
	// DefaultPolicy names the conformance policy used when none is
	// asked for.
	DefaultPolicy = "minimum"
)

// Action names, as policies list them.
var ActionNames = []string{"filtering", "anti-spoofing", "coordination", "global-validation"}

// Band names.
const (
	Ready    = "ready"
	Aspiring = "aspiring"
	Lagging  = "lagging"
	NoData   = "no-data"
)

// Observatory sets how the observatory measures and judges.
type Observatory struct {
	MinPeers          int `yaml:"min_peers,omitempty"`
	SpooferWindowDays int `yaml:"spoofer_window_days,omitempty"`
	Bands             struct {
		Ready    float64 `yaml:"ready,omitempty"`
		Aspiring float64 `yaml:"aspiring,omitempty"`
	} `yaml:"bands,omitempty"`
	// Policies are named conformance policies; DefaultObservatory
	// holds "minimum" and "strict", and a file may add or replace.
	Policies      map[string]Policy `yaml:"policies,omitempty"`
	DefaultPolicy string            `yaml:"default_policy,omitempty"`
}

// Policy says when an AS is conformant on a day: every action it lists
// must score in one of its bands.
type Policy struct {
	Description string   `yaml:"description,omitempty"`
	Actions     []string `yaml:"actions"`
	Bands       []string `yaml:"bands"`
	// NoDataPasses makes an action without data (no prefix originated,
	// no Spoofer session) count as conformant; by default it does not.
	NoDataPasses bool `yaml:"no_data_passes,omitempty"`
}

// DefaultObservatory returns the defaults: "minimum" asks MANRS's
// mandatory actions for network operators (filtering, coordination,
// global validation) to be ready or aspiring; "strict" asks all four to
// be ready.
func DefaultObservatory() Observatory {
	o := Observatory{MinPeers: DefaultMinPeers, SpooferWindowDays: DefaultSpooferWindowDays, DefaultPolicy: DefaultPolicy}
	o.Bands.Ready, o.Bands.Aspiring = DefaultReady, DefaultAspiring
	o.Policies = map[string]Policy{
		"minimum": {
			Description: "the mandatory MANRS actions for network operators (1, 3 and 4) ready or aspiring",
			Actions:     []string{"filtering", "coordination", "global-validation"},
			Bands:       []string{Ready, Aspiring},
		},
		"strict": {
			Description: "all four MANRS actions ready",
			Actions:     ActionNames,
			Bands:       []string{Ready},
		},
	}
	return o
}

// PolicyNames returns the names of the policies, sorted.
func (o *Observatory) PolicyNames() []string {
	var names []string
	for n := range o.Policies {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (o *Observatory) check() error {
	switch {
	case o.MinPeers < 1:
		return fmt.Errorf("observatory: min_peers must be at least 1")
	case o.SpooferWindowDays < 1:
		return fmt.Errorf("observatory: spoofer_window_days must be at least 1")
	case !(0 < o.Bands.Aspiring && o.Bands.Aspiring <= o.Bands.Ready && o.Bands.Ready <= 1):
		return fmt.Errorf("observatory: bands must satisfy 0 < aspiring <= ready <= 1")
	}
	if _, ok := o.Policies[o.DefaultPolicy]; !ok {
		return fmt.Errorf("observatory: default_policy %q is not a policy", o.DefaultPolicy)
	}
	for name, p := range o.Policies {
		if len(p.Actions) == 0 || len(p.Bands) == 0 {
			return fmt.Errorf("observatory: policy %q: actions and bands are both needed", name)
		}
		for _, a := range p.Actions {
			if !slices.Contains(ActionNames, a) {
				return fmt.Errorf("observatory: policy %q: %q is not an action (%v)", name, a, ActionNames)
			}
		}
		for _, b := range p.Bands {
			if b != Ready && b != Aspiring && b != Lagging {
				return fmt.Errorf("observatory: policy %q: %q is not a band (ready, aspiring, lagging)", name, b)
			}
		}
	}
	return nil
}
