package whois

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/manrs/manrs/internal/rpsl"
)

// DefaultJournalLength is how many changes a Journal keeps per source
// for NRTM clients; older ones are dropped, and a client that asks for
// them is told the serials do not exist.
const DefaultJournalLength = 100_000

// ErrSerialGap is returned, wrapped, by Journal.Apply for changes that do
// not follow the source's serial: a gap or serials out of order.
var ErrSerialGap = errors.New("serials do not follow the current serial")

// Journal follows the serials of the sources of a DB and keeps the
// changes applied to them (NRTM ADD and DEL), so that the server can
// answer "-g SOURCE:3:FIRST-LAST" queries as IRRd does, and !j can
// report the serial ranges. It is safe for concurrent use.
type Journal struct {
	db  *DB
	max int

	mu      sync.RWMutex
	sources map[string]*journalSource
}

// journalSource is the state of one source.
type journalSource struct {
	serial  uint64 // the serial of the DB's data of the source
	entries []journalEntry
}

// journalEntry is one change applied.
type journalEntry struct {
	serial uint64
	op     rpsl.NRTMOp
	text   string // the object's RPSL text, password hashes redacted
}

// NewJournal returns a journal of db that keeps up to max changes per
// source (DefaultJournalLength when max <= 0).
func NewJournal(db *DB, max int) *Journal {
	if max <= 0 {
		max = DefaultJournalLength
	}
	return &Journal{db: db, max: max, sources: make(map[string]*journalSource)}
}

// SetSerial sets the serial of a source's data, the serial its dump was
// taken at; it drops the changes kept for the source.
func (j *Journal) SetSerial(source string, serial uint64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.sources[strings.ToUpper(source)] = &journalSource{serial: serial}
}

// Serial returns the serial of a source's data, and whether it is known.
func (j *Journal) Serial(source string) (uint64, bool) {
	j.mu.RLock()
	defer j.mu.RUnlock()
	s, ok := j.sources[strings.ToUpper(source)]
	if !ok {
		return 0, false
	}
	return s.serial, true
}

// Range returns the serials of the changes kept for a source, and whether
// there are any.
func (j *Journal) Range(source string) (first, last uint64, ok bool) {
	j.mu.RLock()
	defer j.mu.RUnlock()
	s, found := j.sources[strings.ToUpper(source)]
	if !found || len(s.entries) == 0 {
		return 0, 0, false
	}
	return s.entries[0].serial, s.entries[len(s.entries)-1].serial, true
}

// rangeOf is Range of a journal that may be nil.
func (j *Journal) rangeOf(source string) (first, last uint64, ok bool) {
	if j == nil {
		return 0, 0, false
	}
	return j.Range(source)
}

// ApplyStats counts what Apply did.
type ApplyStats struct {
	Added, Deleted int
	// Refused are changes the DB refused: objects that do not parse,
	// of another source, or deletions of objects the DB does not hold.
	// Their serials count as applied, as IRRd counts them.
	Refused int
	// Errors are the reasons of the first refused changes.
	Errors []error
	// Serial is the source's serial after the changes.
	Serial uint64
}

// maxApplyErrors bounds ApplyStats.Errors.
const maxApplyErrors = 10

// Apply applies changes of source, in order, to the DB and keeps them.
// The serials of the changes must follow the source's serial one by one
// (NRTM v3): when they do not, nothing is applied and the error wraps
// ErrSerialGap. The source's serial must be known (SetSerial).
func (j *Journal) Apply(source string, changes []rpsl.NRTMChange) (ApplyStats, error) {
	source = strings.ToUpper(source)
	j.mu.Lock()
	defer j.mu.Unlock()
	s, ok := j.sources[source]
	if !ok {
		return ApplyStats{}, fmt.Errorf("whois: nrtm: source %s: serial unknown", source)
	}
	next := s.serial + 1
	for _, c := range changes {
		if c.Serial != next {
			return ApplyStats{Serial: s.serial}, fmt.Errorf("whois: nrtm: %s: line %d: %s %d where serial %d was due: %w",
				source, c.Line, c.Op, c.Serial, next, ErrSerialGap)
		}
		next++
	}
	st := ApplyStats{Serial: s.serial}
	for _, c := range changes {
		err := j.apply(source, c)
		if err != nil {
			st.Refused++
			if len(st.Errors) < maxApplyErrors {
				st.Errors = append(st.Errors, err)
			}
		} else if c.Op == rpsl.NRTMAdd {
			st.Added++
		} else {
			st.Deleted++
		}
		o := c.Object
		if o.Class() == "mntner" {
			o = o.Redacted()
		}
		s.entries = append(s.entries, journalEntry{serial: c.Serial, op: c.Op, text: string(o.AppendRawText(nil))})
		s.serial = c.Serial
	}
	if n := len(s.entries) - j.max; n > 0 {
		s.entries = slices.Delete(s.entries, 0, n)
	}
	st.Serial = s.serial
	return st, nil
}

// apply applies one change to the DB.
func (j *Journal) apply(source string, c rpsl.NRTMChange) error {
	o := c.Object
	if !strings.EqualFold(o.Source, source) {
		return fmt.Errorf("whois: nrtm: %s: line %d: %s %d: object of source %q", source, c.Line, c.Op, c.Serial, o.Source)
	}
	var err error
	if c.Op == rpsl.NRTMAdd {
		err = j.db.Add(o)
	} else {
		err = j.db.Delete(o)
	}
	if err != nil {
		return fmt.Errorf("whois: nrtm: %s: %s %d: %w", source, c.Op, c.Serial, err)
	}
	return nil
}

// appendNRTM appends the answer to "-g SOURCE:VERSION:FIRST-LAST" (last 0
// for LAST) as IRRd's NRTM generator writes it, or returns the reason it
// cannot be answered, in IRRd's words.
func (j *Journal) appendNRTM(b []byte, source string, version int, first, last uint64) ([]byte, string) {
	j.mu.RLock()
	defer j.mu.RUnlock()
	s, ok := j.sources[source]
	if !ok {
		return b, "No journal kept for this source, unable to serve NRTM queries"
	}
	if last != 0 && last < first {
		return b, fmt.Sprintf("Start of the serial range (%d) must be lower or equal to end of the serial range (%d)", first, last)
	}
	if len(s.entries) == 0 {
		return append(b, "% Warning: there are no updates available"...), ""
	}
	oldest, newest := s.entries[0].serial, s.entries[len(s.entries)-1].serial
	switch {
	case first < oldest:
		return b, fmt.Sprintf("Serials %d - %d do not exist", first, oldest)
	case last != 0 && last > newest:
		return b, fmt.Sprintf("Serials %d - %d do not exist", newest, last)
	case last == 0 && first == newest+1:
		return append(b, "% Warning: there are no newer updates available"...), ""
	case last == 0 && first > newest:
		return b, fmt.Sprintf("Serials %d - %d do not exist", newest, first)
	}
	if last == 0 {
		last = newest
	}
	b = fmt.Appendf(b, "%%START Version: %d %s %d-%d\n", version, source, first, last)
	i, _ := slices.BinarySearchFunc(s.entries, first, func(e journalEntry, serial uint64) int {
		switch {
		case e.serial < serial:
			return -1
		case e.serial > serial:
			return 1
		}
		return 0
	})
	for _, e := range s.entries[i:] {
		if e.serial > last {
			break
		}
		b = append(b, '\n')
		b = append(b, e.op.String()...)
		if version == 3 {
			b = append(b, ' ')
			b = strconv.AppendUint(b, e.serial, 10)
		}
		b = append(b, "\n\n"...)
		b = append(b, e.text...)
	}
	b = append(b, '\n')
	b = append(b, "%END "...)
	return append(b, source...), ""
}
