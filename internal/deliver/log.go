package deliver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"
)

// LogName is the name of the delivery log, beside the store.
const LogName = "deliveries.jsonl"

// Results of a delivery attempt.
const (
	ResultOK = "ok"
	// ResultError is a failed attempt that will be retried.
	ResultError = "error"
	// ResultDeadLetter is the last failed attempt of a round: the
	// delivery waits in the dead-letter list for the next round.
	ResultDeadLetter = "dead-letter"
)

// Record is one delivery attempt, a line of the delivery log.
type Record struct {
	Time       time.Time `json:"time"`
	Tenant     string    `json:"tenant"`
	Output     string    `json:"output"`
	EventID    string    `json:"event_id"`
	DeliveryID string    `json:"delivery_id"`
	// Date is the observed day of the event, YYYY-MM-DD.
	Date    string `json:"date"`
	Attempt int    `json:"attempt"`
	Result  string `json:"result"`
	Error   string `json:"error,omitempty"`
}

// maxLine caps a line of the delivery log.
const maxLine = 64 << 10

// Log is the append-only delivery log: one JSON line per attempt. Several
// processes may append to the same file (manrs observe and manrs serve);
// each reads what the others appended before it decides whether an
// event was delivered.
type Log struct {
	mu   sync.Mutex
	f    *os.File // nil for a log kept in memory only
	off  int64    // bytes of f read into the index
	recs []Record // in memory only: every record
	// delivered holds the delivery ids with an ok attempt; pending
	// those whose latest attempt is a dead letter, with its record.
	delivered map[string]bool
	pending   map[string]Record
	bad       int
}

// OpenLog opens (creating) the delivery log at path, reading what it
// holds; an empty path keeps the log in memory.
func OpenLog(path string) (*Log, error) {
	l := &Log{delivered: map[string]bool{}, pending: map[string]Record{}}
	if path == "" {
		return l, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open delivery log: %w", err)
	}
	l.f = f
	if err := l.sync(); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// Close closes the file.
func (l *Log) Close() error {
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}

func (l *Log) index(r Record) {
	switch r.Result {
	case ResultOK:
		l.delivered[r.DeliveryID] = true
		delete(l.pending, r.DeliveryID)
	case ResultDeadLetter:
		if !l.delivered[r.DeliveryID] {
			l.pending[r.DeliveryID] = r
		}
	}
}

// sync reads the complete lines appended since the last read.
func (l *Log) sync() error {
	if l.f == nil {
		return nil
	}
	st, err := l.f.Stat()
	if err != nil {
		return fmt.Errorf("delivery log: %w", err)
	}
	if st.Size() <= l.off {
		return nil
	}
	buf := make([]byte, st.Size()-l.off)
	if _, err := l.f.ReadAt(buf, l.off); err != nil && err != io.EOF {
		return fmt.Errorf("delivery log: %w", err)
	}
	end := bytes.LastIndexByte(buf, '\n')
	if end < 0 {
		return nil // a line still being written
	}
	recs, bad := parseLog(bytes.NewReader(buf[:end+1]))
	l.bad += bad
	for _, r := range recs {
		l.index(r)
	}
	l.off += int64(end + 1)
	return nil
}

// parseLog decodes JSON lines, skipping and counting bad ones.
func parseLog(r io.Reader) (recs []Record, bad int) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxLine)
	for sc.Scan() {
		var rec Record
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.DeliveryID == "" {
			bad++
			continue
		}
		recs = append(recs, rec)
	}
	if sc.Err() != nil {
		bad++
	}
	return recs, bad
}

// Append records an attempt.
func (l *Log) Append(r Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		l.recs = append(l.recs, r)
		l.index(r)
		return nil
	}
	if err := l.sync(); err != nil {
		return err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("delivery log: %w", err)
	}
	return l.sync()
}

// Delivered reports whether a delivery succeeded, in this process or
// another writing the same log.
func (l *Log) Delivered(deliveryID string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.sync(); err != nil {
		return false, err
	}
	return l.delivered[deliveryID], nil
}

// Pending returns the dead letters not delivered since, oldest first:
// what a restarted process delivers again.
func (l *Log) Pending() ([]Record, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.sync(); err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(l.pending))
	for _, r := range l.pending {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Record) int { return a.Time.Compare(b.Time) })
	return out, nil
}

// Records returns every record, and how many lines were bad.
func (l *Log) Records() ([]Record, int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return slices.Clone(l.recs), 0, nil
	}
	recs, bad := parseLog(io.NewSectionReader(l.f, 0, 1<<62))
	return recs, bad, nil
}

// ReadLog reads a delivery log file: its records, and how many lines were
// bad and skipped.
func ReadLog(path string) ([]Record, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	recs, bad := parseLog(f)
	return recs, bad, nil
}
