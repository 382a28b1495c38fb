package deliver

import (
	"context"
	"fmt"
	"time"

	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/stix"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/taxii"
)

// Feed fills the TAXII collections from the store: a public collection
// with every event, and one per tenant with the events that touch it
// (stix.Touches of its ASes, its providers and its prefixes), each with
// a monthly report.
type Feed struct {
	Mem     *taxii.Memory
	tenants []config.Tenant
	policy  string
	ids     map[string]string // alias -> collection ID
	// month holds the objects of each collection's current months,
	// for the reports.
	month map[string]map[string][]stix.Object
}

// CollectionID is the stable ID of a collection alias.
func CollectionID(alias string) string { return stix.UUID("taxii-collection|" + alias) }

// NewFeed returns a Feed with empty collections for the tenants; policy
// is the conformance policy whose lapses are published.
func NewFeed(tenants []config.Tenant, policy string) *Feed {
	f := &Feed{tenants: tenants, policy: policy, ids: map[string]string{}, month: map[string]map[string][]stix.Object{}}
	cols := []taxii.Collection{{ID: CollectionID(config.PublicCollection), Alias: config.PublicCollection,
		Title: "manrs routing-security events", Public: true,
		Description: "Every routing-security event the observatory publishes, for every tenant."}}
	for _, t := range tenants {
		a := t.Collection()
		cols = append(cols, taxii.Collection{ID: CollectionID(a), Alias: a, Title: "Routing-security events for " + t.Name,
			Description: "The events that touch " + t.Name + "'s prefixes and ASes, and its providers' events."})
	}
	for _, c := range cols {
		f.ids[c.Alias] = c.ID
		f.month[c.Alias] = map[string][]stix.Object{}
	}
	f.Mem = taxii.NewMemory(cols...)
	return f
}

// Keep makes the collections outlive the process: it loads the logs that
// st keeps of them (store.FeedEntry), so that each object keeps its
// date_added across restarts and a poller's added_after stays
// meaningful, and records every later addition in st before serving
// it. Call it before AddDay.
func (f *Feed) Keep(ctx context.Context, st store.Store) error {
	for alias, id := range f.ids {
		entries, err := st.Feed(ctx, id)
		if err != nil {
			return fmt.Errorf("taxii feed %s: %w", alias, err)
		}
		restored := make([]taxii.Entry, len(entries))
		for i, e := range entries {
			restored[i] = taxii.Entry{ID: e.ID, Type: e.Type, SpecVersion: e.SpecVersion, Version: e.Version,
				DateAdded: e.DateAdded, Raw: e.Object}
		}
		if err := f.Mem.Restore(id, restored); err != nil {
			return fmt.Errorf("taxii feed %s: %w", alias, err)
		}
	}
	f.Mem.SetJournal(storeJournal{ctx, st})
	return nil
}

// storeJournal records the additions to the collections in a store.
type storeJournal struct {
	ctx context.Context
	st  store.Store
}

func (j storeJournal) Append(id string, entries []taxii.Entry) error {
	out := make([]store.FeedEntry, len(entries))
	for i, e := range entries {
		out[i] = store.FeedEntry{ID: e.ID, Type: e.Type, SpecVersion: e.SpecVersion, Version: e.Version,
			DateAdded: e.DateAdded, Object: e.Raw}
	}
	return j.st.AppendFeed(j.ctx, id, out)
}

// Selector returns the selector of a tenant's events.
func TenantSelector(t *config.Tenant) Selector { return stix.Touches(t.Watched(), t.Prefixes) }

// AddDay adds the objects of a stored day to every collection, and a new
// version of the monthly report.
func (f *Feed) AddDay(ctx context.Context, st store.Store, day time.Time) error {
	if err := f.add(ctx, st, day, config.PublicCollection, config.PublicCollection, nil); err != nil {
		return err
	}
	for i := range f.tenants {
		t := &f.tenants[i]
		if err := f.add(ctx, st, day, t.Collection(), t.Name, TenantSelector(t)); err != nil {
			return err
		}
	}
	return nil
}

func (f *Feed) add(ctx context.Context, st store.Store, day time.Time, alias, owner string, sel Selector) error {
	objs, err := stix.FromDay(ctx, st, day, f.policy, sel)
	if err != nil {
		return fmt.Errorf("taxii feed %s, %s: %w", alias, day.Format("2006-01-02"), err)
	}
	if len(objs) == 0 {
		return nil
	}
	m := day.UTC().Format("2006-01")
	months := f.month[alias]
	months[m] = append(months[m], objs...)
	for k := range months {
		if k < m {
			delete(months, k) // an earlier month is complete
		}
	}
	all := append(stix.Shared(), objs...)
	if r, ok := stix.MonthlyReport(owner, day, months[m]); ok {
		all = append(all, r)
	}
	if _, err := f.Mem.Add(f.ids[alias], all...); err != nil {
		return fmt.Errorf("taxii feed %s: %w", alias, err)
	}
	return nil
}

// TAXIITenants returns the TAXII tenants of the configured ones that
// have a password: each reads its own collection and the public one. A
// password from the environment is hashed here (taxii.HashPassword); an
// unset variable is an error.
func TAXIITenants(ts []config.Tenant, env Env) ([]taxii.Tenant, error) {
	if env == nil {
		env = osEnv
	}
	var out []taxii.Tenant
	for _, t := range ts {
		h := t.PasswordHash
		if t.PasswordEnv != "" {
			pw, ok := env(t.PasswordEnv)
			if !ok || pw == "" {
				return nil, fmt.Errorf("tenant %s: environment variable %s (password_env) is not set", t.Name, t.PasswordEnv)
			}
			var err error
			if h, err = taxii.HashPassword(pw); err != nil {
				return nil, fmt.Errorf("tenant %s: %w", t.Name, err)
			}
		}
		if h == "" {
			continue
		}
		out = append(out, taxii.Tenant{Name: t.Name, PasswordHash: h, Collections: []string{t.Collection()}})
	}
	return out, nil
}
