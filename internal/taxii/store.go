package taxii

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/manrs/manrs/internal/stix"
	"github.com/manrs/manrs/internal/store"
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

// Store holds the collections. Implementations are safe for concurrent
// use.
type Store interface {
	Collections(ctx context.Context) ([]Collection, error)
	// Find returns the entries of a collection that q selects (the
	// filters of TAXII 2.1 section 3.5, and paging by date added), in
	// order of date added, and whether more follow; ErrNoCollection
	// when there is none.
	Find(ctx context.Context, collectionID string, q store.FeedQuery) ([]store.FeedEntry, bool, error)
	// Has reports whether a collection holds a version of an object.
	Has(ctx context.Context, collectionID, objectID string) (bool, error)
}

// Feeds is the Store of collections kept in a manrs store (its feed
// collections): an object version is written there before any client
// can see it, keeps its date added for good (a restart changes nothing
// for a client paging with added_after), and memory does not grow with
// the collections.
type Feeds struct {
	st    store.Store
	cols  []Collection
	clock func() time.Time
}

// NewFeeds returns the collections cols kept in st.
func NewFeeds(st store.Store, cols ...Collection) *Feeds {
	return &Feeds{st: st, cols: slices.Clone(cols), clock: time.Now}
}

// Collections implements Store.
func (f *Feeds) Collections(context.Context) ([]Collection, error) { return slices.Clone(f.cols), nil }

func (f *Feeds) known(id string) bool {
	return slices.ContainsFunc(f.cols, func(c Collection) bool { return c.ID == id })
}

// Find implements Store.
func (f *Feeds) Find(ctx context.Context, id string, q store.FeedQuery) ([]store.FeedEntry, bool, error) {
	if !f.known(id) {
		return nil, false, ErrNoCollection
	}
	return f.st.FindFeed(ctx, id, q)
}

// Has implements Store.
func (f *Feeds) Has(ctx context.Context, id, objectID string) (bool, error) {
	if !f.known(id) {
		return false, ErrNoCollection
	}
	return f.st.HasFeedObject(ctx, id, objectID)
}

// Add adds objects to a collection, each with its own date added,
// strictly after the previous one's (so that added_after paging never
// splits objects added together). An object version the collection
// already holds (same identifier and version; for objects without a
// version, same identifier) is skipped. It returns how many were added;
// on an error, none is.
func (f *Feeds) Add(ctx context.Context, collectionID string, objs ...stix.Object) (int, error) {
	return f.AddOfDay(ctx, collectionID, time.Time{}, objs...)
}

// AddOfDay is Add for the objects of an observed day, which is recorded
// as fed to the collection with them (FedDays).
func (f *Feeds) AddOfDay(ctx context.Context, collectionID string, day time.Time, objs ...stix.Object) (int, error) {
	raws := make([]json.RawMessage, len(objs))
	for i, o := range objs {
		b, err := json.Marshal(o)
		if err != nil {
			return 0, fmt.Errorf("encode %s: %w", o.ObjectID(), err)
		}
		raws[i] = b
	}
	return f.addRaw(ctx, collectionID, day, raws)
}

// AddRaw is Add for objects already encoded; each must have type, id
// and, when versioned, modified or created.
func (f *Feeds) AddRaw(ctx context.Context, collectionID string, raws ...json.RawMessage) (int, error) {
	return f.addRaw(ctx, collectionID, time.Time{}, raws)
}

// FedDays returns the observed days fed to a collection (AddOfDay),
// oldest first.
func (f *Feeds) FedDays(ctx context.Context, collectionID string) ([]time.Time, error) {
	if !f.known(collectionID) {
		return nil, ErrNoCollection
	}
	return f.st.FeedDays(ctx, collectionID)
}

func (f *Feeds) addRaw(ctx context.Context, collectionID string, day time.Time, raws []json.RawMessage) (int, error) {
	if !f.known(collectionID) {
		return 0, ErrNoCollection
	}
	objs := make([]store.FeedObject, len(raws))
	for i, raw := range raws {
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
		o := store.FeedObject{ID: head.ID, Type: head.Type, SpecVersion: head.SpecVersion, Object: raw}
		switch {
		case head.Modified != nil:
			o.Version = head.Modified.Time
		case head.Created != nil:
			o.Version = head.Created.Time
		}
		if o.SpecVersion == "" {
			o.SpecVersion = stix.SpecVersion
		}
		objs[i] = o
	}
	added, err := f.st.AddFeed(ctx, collectionID, day, objs, f.clock())
	return len(added), err
}
