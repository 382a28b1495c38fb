package deliver

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Defaults of a Dispatcher.
const (
	// DefaultBackoff is the wait before the first retry; each further
	// retry waits twice as long, up to DefaultMaxBackoff, with jitter.
	DefaultBackoff    = time.Second
	DefaultMaxBackoff = time.Minute
)

// Target is a tenant's push outputs.
type Target struct {
	Tenant  string
	Outputs []Output
	// Retries is how many times a failed attempt is retried within a
	// round before the delivery goes to the dead-letter list.
	Retries int
}

// Result is the outcome of delivering one event to one output.
type Result struct {
	Tenant     string `json:"tenant"`
	Output     string `json:"output"`
	EventID    string `json:"event_id"`
	DeliveryID string `json:"delivery_id"`
	// Attempts is 0 when the event had been delivered before.
	Attempts int   `json:"attempts"`
	Err      error `json:"-"`
	// Deferred is set when the output failed on an earlier event of
	// the round, so this one went to the dead-letter list untried.
	Deferred bool `json:"deferred,omitempty"`
}

// OK reports whether the event is delivered (now or before).
func (r Result) OK() bool { return r.Err == nil }

// Dispatcher delivers events to tenants' outputs: each event to each
// output once (the delivery log says which were delivered), with retries
// and exponential backoff with jitter, and a dead-letter list of what
// failed that every later round tries first. It is safe for concurrent
// use; rounds are serialised.
type Dispatcher struct {
	Log *Log
	// Backoff and MaxBackoff shape the waits between retries
	// (DefaultBackoff, DefaultMaxBackoff when zero).
	Backoff, MaxBackoff time.Duration
	Logger              *slog.Logger

	mu   sync.Mutex
	dead map[string][]*Event // tenant \x00 output -> events
	now  func() time.Time
}

// NewDispatcher returns a Dispatcher appending to log.
func NewDispatcher(log *Log, logger *slog.Logger) *Dispatcher {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{Log: log, Logger: logger, dead: map[string][]*Event{}, now: time.Now}
}

// Deliver delivers the events to every output of t, the dead letters of
// earlier rounds first. It returns one Result per event and output.
func (d *Dispatcher) Deliver(ctx context.Context, t Target, evs []*Event) []Result {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Result
	for _, o := range t.Outputs {
		key := t.Tenant + "\x00" + o.Name()
		queue := append(d.dead[key], evs...)
		delete(d.dead, key)
		seen := map[string]bool{}
		down := false
		for _, ev := range queue {
			if seen[ev.ID] {
				continue
			}
			seen[ev.ID] = true
			id := DeliveryID(t.Tenant, o.Name(), ev.ID)
			r := Result{Tenant: t.Tenant, Output: o.Name(), EventID: ev.ID, DeliveryID: id}
			if done, err := d.Log.Delivered(id); err != nil {
				r.Err = err
				out = append(out, r)
				continue
			} else if done {
				out = append(out, r)
				continue
			}
			if down || ctx.Err() != nil {
				r.Deferred, r.Err = true, errDeferred
				d.dead[key] = append(d.dead[key], ev)
				d.record(t.Tenant, o.Name(), ev, id, 0, ResultDeadLetter, r.Err)
				out = append(out, r)
				continue
			}
			r.Attempts, r.Err = d.attempt(ctx, t, o, ev, id)
			if r.Err != nil {
				down = true
				d.dead[key] = append(d.dead[key], ev)
			}
			out = append(out, r)
		}
	}
	return out
}

// errDeferred is the error of a delivery left for the next round.
var errDeferred = deferredError{}

type deferredError struct{}

func (deferredError) Error() string {
	return "output failing: left in the dead-letter list for the next round"
}

// attempt tries one delivery up to 1+Retries times.
func (d *Dispatcher) attempt(ctx context.Context, t Target, o Output, ev *Event, id string) (int, error) {
	var err error
	for n := 1; ; n++ {
		err = o.Send(ctx, t.Tenant, ev, id)
		if err == nil {
			d.record(t.Tenant, o.Name(), ev, id, n, ResultOK, nil)
			return n, nil
		}
		if n > t.Retries || ctx.Err() != nil {
			d.record(t.Tenant, o.Name(), ev, id, n, ResultDeadLetter, err)
			d.Logger.Warn("delivery failed", "tenant", t.Tenant, "output", o.Name(), "event", ev.ID, "attempts", n, "error", err)
			return n, err
		}
		d.record(t.Tenant, o.Name(), ev, id, n, ResultError, err)
		select {
		case <-time.After(d.backoff(n)):
		case <-ctx.Done():
		}
	}
}

// backoff is the wait after the n-th failed attempt: exponential, capped,
// with jitter between half and all of it.
func (d *Dispatcher) backoff(n int) time.Duration {
	base, ceil := d.Backoff, d.MaxBackoff
	if base <= 0 {
		base = DefaultBackoff
	}
	if ceil <= 0 {
		ceil = DefaultMaxBackoff
	}
	w := base
	for i := 1; i < n && w < ceil; i++ {
		w *= 2
	}
	w = min(w, ceil)
	return w/2 + rand.N(w/2+1)
}

func (d *Dispatcher) record(tenant, output string, ev *Event, id string, n int, result string, err error) {
	r := Record{Time: d.now().UTC(), Tenant: tenant, Output: output, EventID: ev.ID, DeliveryID: id, Date: ev.Date,
		Attempt: n, Result: result}
	if err != nil {
		r.Error = err.Error()
	}
	if err := d.Log.Append(r); err != nil {
		d.Logger.Error("delivery log", "error", err)
	}
}

// DeadLetters returns how many deliveries wait for the next round.
func (d *Dispatcher) DeadLetters() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, evs := range d.dead {
		n += len(evs)
	}
	return n
}
