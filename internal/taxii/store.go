package taxii

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/manrs/manrs/internal/stix"
)

// ErrNoCollection is returned for a collection a store does not hold.
var ErrNoCollection = errors.New("no such collection")

// Collection describes a collection (TAXII 2.1 section 5.2).
type Collection struct {
	// ID is a UUID (stix.UUID of a name gives a stable one).
	ID          string
	Alias       string
	Title       string
	Description string
	// Public collections are readable by every authenticated tenant.
	Public bool
}

// Entry is one object version in a collection's log.
type Entry struct {
	ID          string
	Type        string
	SpecVersion string
	// Version is the object's modified time, else its created time,
	// else DateAdded (TAXII 2.1 section 3.5, match[version]).
	Version   time.Time
	DateAdded time.Time
	Raw       json.RawMessage
}

// Log is a consistent view of a collection: its entries in order of
// DateAdded, which strictly increases, and each object's entries.
type Log struct {
	Entries []Entry
	// ByID lists the positions in Entries of each object's versions.
	ByID map[string][]int
}

// Store holds the collections. Implementations are safe for concurrent
// use; a Log, once returned, does not change.
type Store interface {
	Collections(ctx context.Context) ([]Collection, error)
	// Log returns the log of a collection, ErrNoCollection when there
	// is none.
	Log(ctx context.Context, collectionID string) (*Log, error)
}

// Journal keeps the logs of a Memory's collections beyond the process,
// so that an object's date_added never changes (TAXII 2.1 section
// 3.4.1): Memory.Restore loads them back.
type Journal interface {
	// Append records entries just added to a collection; when it fails,
	// the addition fails and readers never see the entries.
	Append(collectionID string, entries []Entry) error
}

// Memory is an in-memory Store: each collection an append-only log.
// Readers get immutable snapshots without locking; Add copies the index
// of a collection once per call, so feed it in batches.
type Memory struct {
	mu      sync.Mutex // serialises writers
	cols    []Collection
	logs    map[string]*atomic.Pointer[Log]
	clock   func() time.Time
	journal Journal
}

// SetJournal makes every later addition go to j first. Restore the
// collections before.
func (m *Memory) SetJournal(j Journal) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.journal = j
}

// Restore appends entries that a journal kept to a collection, with
// their dates added, which must increase strictly and follow the
// collection's last; they are not journaled again.
func (m *Memory) Restore(collectionID string, entries []Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.logs[collectionID]
	if !ok {
		return ErrNoCollection
	}
	old := p.Load()
	next := &Log{Entries: slices.Clip(old.Entries), ByID: make(map[string][]int, len(old.ByID)+len(entries))}
	for k, v := range old.ByID {
		next.ByID[k] = v
	}
	var last time.Time
	if n := len(old.Entries); n > 0 {
		last = old.Entries[n-1].DateAdded
	}
	for _, e := range entries {
		if e.ID == "" || e.Type == "" || len(e.Raw) == 0 {
			return fmt.Errorf("restore %s: entry without id, type or object", collectionID)
		}
		if !e.DateAdded.After(last) {
			return fmt.Errorf("restore %s: %s added %s, not after %s", collectionID, e.ID,
				e.DateAdded.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano))
		}
		last = e.DateAdded
		next.ByID[e.ID] = append(slices.Clip(next.ByID[e.ID]), len(next.Entries))
		next.Entries = append(next.Entries, e)
	}
	p.Store(next)
	return nil
}

// NewMemory returns a Memory holding the given, empty, collections.
func NewMemory(cols ...Collection) *Memory {
	m := &Memory{logs: map[string]*atomic.Pointer[Log]{}, clock: time.Now}
	for _, c := range cols {
		m.cols = append(m.cols, c)
		p := &atomic.Pointer[Log]{}
		p.Store(&Log{ByID: map[string][]int{}})
		m.logs[c.ID] = p
	}
	return m
}

// Collections implements Store.
func (m *Memory) Collections(context.Context) ([]Collection, error) { return slices.Clone(m.cols), nil }

// Log implements Store.
func (m *Memory) Log(_ context.Context, id string) (*Log, error) {
	p, ok := m.logs[id]
	if !ok {
		return nil, ErrNoCollection
	}
	return p.Load(), nil
}

// Add appends objects to a collection, each with its own date added,
// strictly after the previous one's (so that added_after paging never
// splits objects added together). An object version the collection
// already holds (same identifier and version; for objects without a
// version, same identifier) is skipped. It returns how many were added;
// on an error, none is.
func (m *Memory) Add(collectionID string, objs ...stix.Object) (int, error) {
	raws := make([]json.RawMessage, len(objs))
	for i, o := range objs {
		b, err := json.Marshal(o)
		if err != nil {
			return 0, fmt.Errorf("encode %s: %w", o.ObjectID(), err)
		}
		raws[i] = b
	}
	return m.AddRaw(collectionID, raws...)
}

// AddRaw is Add for objects already encoded; each must have type, id
// and, when versioned, modified or created.
func (m *Memory) AddRaw(collectionID string, raws ...json.RawMessage) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.logs[collectionID]
	if !ok {
		return 0, ErrNoCollection
	}
	old := p.Load()
	next := &Log{Entries: old.Entries, ByID: make(map[string][]int, len(old.ByID)+len(raws))}
	for k, v := range old.ByID {
		next.ByID[k] = v
	}
	last := time.Time{}
	if n := len(old.Entries); n > 0 {
		last = old.Entries[n-1].DateAdded
	}
	added := 0
	for _, raw := range raws {
		var head struct {
			Type        string          `json:"type"`
			ID          string          `json:"id"`
			SpecVersion string          `json:"spec_version"`
			Created     *stix.Timestamp `json:"created"`
			Modified    *stix.Timestamp `json:"modified"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return 0, fmt.Errorf("decode object: %w", err)
		}
		if head.ID == "" || head.Type == "" {
			return 0, fmt.Errorf("object without type or id: %.80s", raw)
		}
		var version time.Time
		switch {
		case head.Modified != nil:
			version = head.Modified.Time
		case head.Created != nil:
			version = head.Created.Time
		}
		dup := false
		for _, i := range next.ByID[head.ID] {
			dup = dup || version.IsZero() || next.Entries[i].Version.Equal(version)
		}
		if dup {
			continue
		}
		now := m.clock().UTC().Truncate(time.Microsecond)
		if !now.After(last) {
			now = last.Add(time.Microsecond)
		}
		last = now
		if version.IsZero() {
			version = now
		}
		if head.SpecVersion == "" {
			head.SpecVersion = stix.SpecVersion
		}
		next.ByID[head.ID] = append(slices.Clip(next.ByID[head.ID]), len(next.Entries))
		next.Entries = append(next.Entries, Entry{ID: head.ID, Type: head.Type, SpecVersion: head.SpecVersion,
			Version: version, DateAdded: now, Raw: raw})
		added++
	}
	if m.journal != nil && added > 0 {
		if err := m.journal.Append(collectionID, next.Entries[len(old.Entries):]); err != nil {
			return 0, fmt.Errorf("journal: %w", err)
		}
	}
	p.Store(next)
	return added, nil
}
