package taxii

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

// memJournal records what a Memory journals, failing when told to.
type memJournal struct {
	entries map[string][]Entry
	fail    bool
}

func (j *memJournal) Append(col string, es []Entry) error {
	if j.fail {
		return errors.New("disk full")
	}
	j.entries[col] = append(j.entries[col], es...)
	return nil
}

func rawObj(id string, modified time.Time) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":"indicator--%s","created":%q,"modified":%q}`,
		id, modified.Format(time.RFC3339Nano), modified.Format(time.RFC3339Nano)))
}

// TestJournalRestore: what a Memory journals, restored into a new one,
// gives the same log with the same dates added; later additions come
// after them; a failing journal fails the addition and hides it.
func TestJournalRestore(t *testing.T) {
	col := Collection{ID: "c1", Title: "one"}
	clock := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	m := NewMemory(col)
	m.clock = func() time.Time { return clock }
	j := &memJournal{entries: map[string][]Entry{}}
	m.SetJournal(j)
	v := time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	if n, err := m.AddRaw("c1", rawObj("a", v), rawObj("b", v)); err != nil || n != 2 {
		t.Fatalf("AddRaw: %d, %v", n, err)
	}
	if n, err := m.AddRaw("c1", rawObj("a", v)); err != nil || n != 0 {
		t.Fatalf("AddRaw of a version held: %d, %v", n, err)
	}
	j.fail = true
	if n, err := m.AddRaw("c1", rawObj("c", v)); err == nil || n != 0 {
		t.Fatalf("AddRaw with a failing journal: %d, %v", n, err)
	}
	if l, _ := m.Log(context.Background(), "c1"); len(l.Entries) != 2 || l.ByID["indicator--c"] != nil {
		t.Fatalf("the failed addition is visible: %+v", l.Entries)
	}
	j.fail = false

	// A new process, its clock behind the old one's: the restored
	// entries keep their dates, new ones come after them.
	m2 := NewMemory(col)
	m2.clock = func() time.Time { return clock.Add(-time.Hour) }
	if err := m2.Restore("c1", j.entries["c1"]); err != nil {
		t.Fatal(err)
	}
	l1, _ := m.Log(context.Background(), "c1")
	l2, _ := m2.Log(context.Background(), "c1")
	if len(l2.Entries) != 2 || !l2.Entries[0].DateAdded.Equal(l1.Entries[0].DateAdded) || !l2.Entries[1].DateAdded.Equal(l1.Entries[1].DateAdded) {
		t.Fatalf("restored %+v, want %+v", l2.Entries, l1.Entries)
	}
	if n, err := m2.AddRaw("c1", rawObj("a", v), rawObj("c", v)); err != nil || n != 1 {
		t.Fatalf("AddRaw after restore: %d, %v", n, err)
	}
	l2, _ = m2.Log(context.Background(), "c1")
	if last := l2.Entries[2]; last.ID != "indicator--c" || !last.DateAdded.After(l2.Entries[1].DateAdded) {
		t.Errorf("added after restore: %+v", last)
	}
	// Restore refuses what is out of order, and unknown collections.
	if err := m2.Restore("c1", j.entries["c1"][:1]); err == nil {
		t.Error("Restore took an entry before the collection's last")
	}
	if err := m2.Restore("nope", nil); !errors.Is(err, ErrNoCollection) {
		t.Errorf("Restore of an unknown collection: %v", err)
	}
}
