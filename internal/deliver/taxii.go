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

// Feed fills the TAXII collections, kept in the store: a public
// collection with every event, and one per tenant with the events that
// touch it (stix.Touches of its ASes, its providers and its prefixes)
// and a monthly report of them.
type Feed struct {
	Collections *taxii.Feeds
	// Retention is how long an object stays in a collection after it
	// was added (Prune); 0 keeps everything.
	Retention time.Duration
	st        store.Store
	tenants   []config.Tenant
	policy    string
	ids       map[string]string // alias -> collection ID
	// fed holds the days each collection was fed, read from the store
	// once.
	fed map[string]map[time.Time]bool
	// month holds the objects of each tenant collection's current
	// month, for its report.
	month map[string]map[string][]stix.Object
}

// CollectionID is the stable ID of a collection alias.
func CollectionID(alias string) string { return stix.UUID("taxii-collection|" + alias) }

// NewFeed returns the Feed of the tenants' collections in st; policy is
// the conformance policy whose lapses are published.
func NewFeed(st store.Store, tenants []config.Tenant, policy string) *Feed {
	f := &Feed{st: st, tenants: tenants, policy: policy, ids: map[string]string{},
		fed: map[string]map[time.Time]bool{}, month: map[string]map[string][]stix.Object{}}
	cols := []taxii.Collection{{ID: CollectionID(config.PublicCollection), Alias: config.PublicCollection,
		Title: "manrs routing-security events", Public: true,
		Description: "Every routing-security event the observatory publishes, for every tenant."}}
	for _, t := range tenants {
		a := t.Collection()
		cols = append(cols, taxii.Collection{ID: CollectionID(a), Alias: a, Title: "Routing-security events for " + t.Name,
			Description: "The events that touch " + t.Name + "'s prefixes and ASes, and its providers' events."})
		f.month[a] = map[string][]stix.Object{}
	}
	for _, c := range cols {
		f.ids[c.Alias] = c.ID
	}
	f.Collections = taxii.NewFeeds(st, cols...)
	return f
}

// TenantSelector returns the selector of a tenant's events.
func TenantSelector(t *config.Tenant) Selector { return stix.Touches(t.Watched(), t.Prefixes) }

// AddDay adds the objects of a stored day to every collection not yet
// fed it, and a new version of each tenant's monthly report. A day
// already fed (by this process or an earlier one) adds nothing again;
// a tenant's collection reads it to rebuild its month's report.
func (f *Feed) AddDay(ctx context.Context, day time.Time) error {
	return f.addDay(ctx, day.UTC().Truncate(24*time.Hour), true)
}

// CatchUp feeds the stored days, oldest first, as a start does: a day
// older than the retention (counted back from the last day) is left
// out, as is a day every collection was fed unless a tenant's report of
// the last day's month needs it.
func (f *Feed) CatchUp(ctx context.Context, days []time.Time) error {
	if len(days) == 0 {
		return nil
	}
	last := days[len(days)-1].UTC()
	for _, d := range days {
		d = d.UTC().Truncate(24 * time.Hour)
		if f.Retention > 0 && d.Before(last.Add(-f.Retention)) {
			continue
		}
		sameMonth := d.Year() == last.Year() && d.Month() == last.Month()
		if err := f.addDay(ctx, d, sameMonth); err != nil {
			return err
		}
	}
	return nil
}

// addDay feeds a day to the collections; reports says whether tenants'
// reports must see it even where it was fed.
func (f *Feed) addDay(ctx context.Context, day time.Time, reports bool) error {
	aliases := []string{config.PublicCollection}
	for i := range f.tenants {
		aliases = append(aliases, f.tenants[i].Collection())
	}
	need := false
	for i, a := range aliases {
		fed, err := f.fedDays(ctx, a)
		if err != nil {
			return err
		}
		need = need || !fed[day] || (i > 0 && reports)
	}
	if !need {
		return nil
	}
	evs, err := stix.DayEvents(ctx, f.st, day, f.policy)
	if err != nil {
		return fmt.Errorf("taxii feed, %s: %w", day.Format("2006-01-02"), err)
	}
	if err := f.add(ctx, day, evs, config.PublicCollection, "", nil); err != nil {
		return err
	}
	for i := range f.tenants {
		t := &f.tenants[i]
		if err := f.add(ctx, day, evs, t.Collection(), t.Name, TenantSelector(t)); err != nil {
			return err
		}
	}
	return nil
}

// fedDays returns the days a collection was fed, read from the store
// once.
func (f *Feed) fedDays(ctx context.Context, alias string) (map[time.Time]bool, error) {
	if fed, ok := f.fed[alias]; ok {
		return fed, nil
	}
	days, err := f.Collections.FedDays(ctx, f.ids[alias])
	if err != nil {
		return nil, fmt.Errorf("taxii feed %s: %w", alias, err)
	}
	fed := map[time.Time]bool{}
	for _, d := range days {
		fed[d] = true
	}
	f.fed[alias] = fed
	return fed, nil
}

// add feeds a day's events to one collection; owner is the tenant, ""
// for the public collection, which has no report.
func (f *Feed) add(ctx context.Context, day time.Time, evs []stix.DayEvent, alias, owner string, sel Selector) error {
	fed, err := f.fedDays(ctx, alias)
	if err != nil {
		return err
	}
	if fed[day] && owner == "" {
		return nil
	}
	objs := stix.Select(evs, sel)
	var all []stix.Object
	if len(objs) > 0 {
		all = stix.Shared()
		if !fed[day] {
			// A day fed before may have been pruned since: it is not
			// fed again.
			all = append(all, objs...)
		}
	}
	if owner != "" && len(objs) > 0 {
		m := day.Format("2006-01")
		months := f.month[alias]
		months[m] = append(months[m], objs...)
		for k := range months {
			if k < m {
				delete(months, k) // an earlier month is complete
			}
		}
		if r, ok := stix.MonthlyReport(owner, day, months[m]); ok {
			all = append(all, r)
		}
	}
	if _, err := f.Collections.AddOfDay(ctx, f.ids[alias], day, all...); err != nil {
		return fmt.Errorf("taxii feed %s: %w", alias, err)
	}
	fed[day] = true
	return nil
}

// Prune removes from every collection what was added more than the
// retention before now, and returns how many objects it removed.
func (f *Feed) Prune(ctx context.Context, now time.Time) (int, error) {
	if f.Retention <= 0 {
		return 0, nil
	}
	total := 0
	for alias, id := range f.ids {
		n, err := f.st.PruneFeed(ctx, id, now.Add(-f.Retention))
		if err != nil {
			return total, fmt.Errorf("taxii feed %s: %w", alias, err)
		}
		total += n
	}
	return total, nil
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
