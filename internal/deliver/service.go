package deliver

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/manrs/manrs/internal/config"
	"github.com/manrs/manrs/internal/stix"
	"github.com/manrs/manrs/internal/store"
)

// Service delivers the events of observed days to the tenants: into the
// TAXII collections of Feed (when set) and to their push outputs.
type Service struct {
	Store   store.Store
	Tenants []config.Tenant
	// Policy is the conformance policy whose lapses are events.
	Policy     string
	Feed       *Feed
	Dispatcher *Dispatcher
	Targets    map[string]Target
	Logger     *slog.Logger

	mu     sync.Mutex
	last   time.Time // the latest day handled
	pruned time.Time // when the collections were last pruned
}

// pruneEvery is how often Poll prunes the TAXII collections.
const pruneEvery = time.Hour

// NewService returns a Service for the tenants: their outputs are built
// with Outputs (secrets through env, relative paths from dir), the
// delivery log is log.
func NewService(st store.Store, tenants []config.Tenant, policy, dir string, env Env, log *Log, feed *Feed, logger *slog.Logger) (*Service, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{Store: st, Tenants: tenants, Policy: policy, Feed: feed, Dispatcher: NewDispatcher(log, logger),
		Targets: map[string]Target{}, Logger: logger}
	for i := range tenants {
		t := &tenants[i]
		outs, err := Outputs(t, dir, env)
		if err != nil {
			return nil, err
		}
		s.Targets[t.Name] = Target{Tenant: t.Name, Outputs: outs, Retries: Retries(t)}
	}
	return s, nil
}

// DeliverDay pushes the events of a stored day that touch each tenant
// to its outputs (earlier dead letters first) and returns the results.
func (s *Service) DeliverDay(ctx context.Context, day time.Time) ([]Result, error) {
	var out []Result
	var all []stix.DayEvent // read once, for the first tenant with outputs
	for i := range s.Tenants {
		t := &s.Tenants[i]
		tg := s.Targets[t.Name]
		if len(tg.Outputs) == 0 {
			continue
		}
		if all == nil {
			var err error
			if all, err = stix.DayEvents(ctx, s.Store, day, s.Policy); err != nil {
				return out, fmt.Errorf("deliver %s: %w", day.Format("2006-01-02"), err)
			}
		}
		evs, err := selectEvents(day, all, TenantSelector(t))
		if err != nil {
			return out, fmt.Errorf("deliver %s to %s: %w", day.Format("2006-01-02"), t.Name, err)
		}
		out = append(out, s.Dispatcher.Deliver(ctx, tg, evs)...)
	}
	return out, nil
}

// Retry delivers the dead letters of every tenant again.
func (s *Service) Retry(ctx context.Context) []Result {
	var out []Result
	for _, t := range s.Tenants {
		if tg := s.Targets[t.Name]; len(tg.Outputs) > 0 {
			out = append(out, s.Dispatcher.Deliver(ctx, tg, nil)...)
		}
	}
	return out
}

// Start feeds the TAXII collections with every stored day, and delivers
// again the days that the delivery log lists dead letters of (a receiver
// that was down when an earlier process delivered). New days are
// delivered by Poll.
func (s *Service) Start(ctx context.Context) error {
	days, err := s.Store.Days(ctx, time.Time{}, time.Time{})
	if err != nil {
		return fmt.Errorf("list days: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dates := make([]time.Time, len(days))
	for i, d := range days {
		dates[i] = d.Date
		s.last = d.Date
	}
	if s.Feed != nil {
		if err := s.Feed.CatchUp(ctx, dates); err != nil {
			return err
		}
	}
	if err := s.prune(ctx); err != nil {
		return err
	}
	pending, err := s.Dispatcher.Log.Pending()
	if err != nil {
		return err
	}
	var again []string
	for _, r := range pending {
		if !slices.Contains(again, r.Date) {
			again = append(again, r.Date)
		}
	}
	slices.Sort(again)
	for _, d := range again {
		day, err := time.Parse("2006-01-02", d)
		if err != nil {
			continue
		}
		res, err := s.DeliverDay(ctx, day)
		if err != nil {
			return err
		}
		s.logResults(res)
	}
	return nil
}

// Backfill pushes the events of every stored day to the tenants' push
// outputs, oldest day first, as if each had just been observed: for a
// store filled before any tenant could be delivered to (manrs serve
// --demo). Events already delivered, by the delivery log, are not sent
// again.
func (s *Service) Backfill(ctx context.Context) ([]Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	days, err := s.Store.Days(ctx, time.Time{}, s.last)
	if err != nil {
		return nil, fmt.Errorf("list days: %w", err)
	}
	var out []Result
	for _, d := range days {
		res, err := s.DeliverDay(ctx, d.Date)
		out = append(out, res...)
		if err != nil {
			return out, err
		}
	}
	s.logResults(out)
	return out, nil
}

// Poll handles the days stored since the last Start or Poll (as manrs
// observe adds them): it adds them to the TAXII collections and delivers
// their events; then it retries what is left in the dead-letter list.
func (s *Service) Poll(ctx context.Context) ([]Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := time.Time{}
	if !s.last.IsZero() {
		from = s.last.AddDate(0, 0, 1)
	}
	days, err := s.Store.Days(ctx, from, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("list days: %w", err)
	}
	var out []Result
	for _, d := range days {
		if !d.Date.After(s.last) && !s.last.IsZero() {
			continue
		}
		if s.Feed != nil {
			if err := s.Feed.AddDay(ctx, d.Date); err != nil {
				return out, err
			}
		}
		res, err := s.DeliverDay(ctx, d.Date)
		out = append(out, res...)
		if err != nil {
			return out, err
		}
		s.last = d.Date
	}
	if s.Dispatcher.DeadLetters() > 0 {
		out = append(out, s.Retry(ctx)...)
	}
	s.logResults(out)
	return out, s.prune(ctx)
}

// prune removes from the TAXII collections what their retention no
// longer keeps, at most once every pruneEvery.
func (s *Service) prune(ctx context.Context) error {
	now := time.Now()
	if s.Feed == nil || s.Feed.Retention <= 0 || now.Sub(s.pruned) < pruneEvery {
		return nil
	}
	s.pruned = now
	n, err := s.Feed.Prune(ctx, now)
	if n > 0 {
		s.Logger.Info("pruned the TAXII collections", "objects", n, "retention", s.Feed.Retention.String())
	}
	return err
}

// Run polls every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := s.Poll(ctx); err != nil {
				s.Logger.Error("deliver", "error", err)
			}
		}
	}
}

func (s *Service) logResults(res []Result) {
	ok, failed := 0, 0
	for _, r := range res {
		if r.Attempts == 0 && r.Err == nil {
			continue
		}
		if r.OK() {
			ok++
		} else {
			failed++
		}
	}
	if ok+failed > 0 {
		s.Logger.Info("delivered", "ok", ok, "failed", failed, "dead_letters", s.Dispatcher.DeadLetters())
	}
}
