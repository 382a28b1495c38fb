package whois

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/rpsl"
)

// Defaults of a Mirror.
const (
	// DefaultNRTMTimeout bounds one poll: connecting, sending the query
	// and reading the whole answer.
	DefaultNRTMTimeout = 5 * time.Minute
	// DefaultNRTMMaxBytes bounds the answer to one poll, which is read
	// whole and checked before any change is applied.
	DefaultNRTMMaxBytes = 256 << 20
	// DefaultNRTMInterval is the time between polls.
	DefaultNRTMInterval = 5 * time.Minute
)

// ServerError is an error line an NRTM server answered ("%ERROR:..." as
// RIPE's server writes it, "%% ERROR: ..." as IRRd's does).
type ServerError struct {
	Line string
}

func (e *ServerError) Error() string { return "server error: " + e.Line }

// Mirror keeps one source of a Journal's DB current from an NRTM version 3
// server (the NRTM protocol of the RIPE database and IRRd 4): each Poll
// asks "-g SOURCE:3:NEXT-LAST", NEXT following the source's serial in
// the Journal, reads the whole answer, checks it, then applies its ADD
// and DEL changes through the Journal.
//
// The answer is untrusted. It is refused as a whole, and nothing is
// applied, when it is larger than MaxBytes, breaks the framing of NRTM
// (package rpsl's NRTMReader), names another source, does not start at
// NEXT, or skips or repeats a serial; the error says which. An object the
// DB refuses (one that does not parse, of another source, a deletion of
// an object the DB does not hold) is skipped and counted, its serial
// applied, as IRRd does.
type Mirror struct {
	// Source is the source mirrored; Addr is the server's host:port.
	Source, Addr string
	Journal      *Journal
	// Timeout bounds a poll; MaxBytes bounds its answer. Zero values
	// take DefaultNRTMTimeout and DefaultNRTMMaxBytes.
	Timeout  time.Duration
	MaxBytes int64
	// Logger logs each poll (info when changes were applied, debug when
	// the source was current, warn on errors); nil logs nothing.
	Logger *slog.Logger
	// Metrics records Prometheus metrics; nil records none.
	Metrics *MirrorMetrics
}

// PollResult is what one poll did.
type PollResult struct {
	ApplyStats
	// Current tells that the server had no newer changes.
	Current bool
	// Changes is the number of changes in the answer.
	Changes int
}

// Poll asks the server for the changes after the source's serial and
// applies them.
func (m *Mirror) Poll(ctx context.Context) (PollResult, error) {
	res, err := m.poll(ctx)
	m.Metrics.polled(strings.ToUpper(m.Source), res, err)
	return res, err
}

func (m *Mirror) poll(ctx context.Context) (PollResult, error) {
	source := strings.ToUpper(m.Source)
	serial, ok := m.Journal.Serial(source)
	if !ok {
		return PollResult{}, fmt.Errorf("whois: nrtm: %s: serial unknown", source)
	}
	res := PollResult{ApplyStats: ApplyStats{Serial: serial}}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = DefaultNRTMTimeout
	}
	maxBytes := m.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultNRTMMaxBytes
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return res, fmt.Errorf("whois: nrtm: %s: %w", source, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	next := serial + 1
	if _, err := fmt.Fprintf(c, "-g %s:3:%d-LAST\n", source, next); err != nil {
		return res, fmt.Errorf("whois: nrtm: %s: send query: %w", source, err)
	}
	data, err := io.ReadAll(io.LimitReader(c, maxBytes+1))
	if err != nil {
		return res, fmt.Errorf("whois: nrtm: %s: read answer: %w", source, err)
	}
	if int64(len(data)) > maxBytes {
		return res, fmt.Errorf("whois: nrtm: %s: answer larger than %d bytes", source, maxBytes)
	}
	name := m.Addr + " -g " + source + ":3:" + strconv.FormatUint(next, 10) + "-LAST"
	changes, current, err := parseNRTMAnswer(data, name, source, next)
	if err != nil {
		return res, err
	}
	res.Current, res.Changes = current, len(changes)
	if current || len(changes) == 0 {
		return res, nil
	}
	st, err := m.Journal.Apply(source, changes)
	res.ApplyStats = st
	return res, err
}

// parseNRTMAnswer reads the answer to "-g SOURCE:3:NEXT-LAST": its
// changes, or current when the server has nothing after NEXT-1.
func parseNRTMAnswer(data []byte, name, source string, next uint64) (changes []rpsl.NRTMChange, current bool, err error) {
	// Error lines come before %START: RIPE's "%ERROR:401: invalid range:
	// Not within 1-100", IRRd's "%% ERROR: Serials 1 - 5 do not exist".
	// IRRd's "% Warning: there are no newer updates available" is a
	// comment: an answer of comments has no changes.
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		upper := strings.ToUpper(line)
		if strings.HasPrefix(upper, "%START") {
			break
		}
		if strings.HasPrefix(upper, "%ERROR:401") {
			cur, err := invalidRange(line, next)
			return nil, cur, err
		}
		if strings.HasPrefix(upper, "%ERROR") || strings.HasPrefix(upper, "%% ERROR") {
			return nil, false, fmt.Errorf("whois: nrtm: %s: %w", name, &ServerError{Line: clipLine(line)})
		}
		if line != "" && line[0] != '%' && line[0] != '#' {
			break // the NRTM reader reports it
		}
	}
	r := rpsl.NewNRTMReader(bytes.NewReader(data), name)
	for r.Next() {
		changes = append(changes, r.Change())
	}
	if err := r.Err(); err != nil {
		return nil, false, fmt.Errorf("whois: nrtm: %w", err)
	}
	h := r.Header()
	switch {
	case h == nil:
		return nil, true, nil
	case !strings.EqualFold(h.Source, source):
		return nil, false, fmt.Errorf("whois: nrtm: %s: line %d: %%START of source %s, want %s", name, h.Line, h.Source, source)
	case h.Version != 3:
		return nil, false, fmt.Errorf("whois: nrtm: %s: line %d: NRTM version %d, want 3", name, h.Line, h.Version)
	case h.First != next:
		return nil, false, fmt.Errorf("whois: nrtm: %s: line %d: %%START range %d-%d, want %d-: %w", name, h.Line, h.First, h.Last, next, ErrSerialGap)
	}
	// Serials follow one another from NEXT to the end of the range: a
	// change whose object was dropped as unreadable leaves a gap too.
	for i, c := range changes {
		if want := next + uint64(i); c.Serial != want {
			return nil, false, fmt.Errorf("whois: nrtm: %s: line %d: %s %d where serial %d was due: %w", name, c.Line, c.Op, c.Serial, want, ErrSerialGap)
		}
	}
	if end := next + uint64(len(changes)) - 1; end != h.Last {
		return nil, false, fmt.Errorf("whois: nrtm: %s: changes end at serial %d, %%START range ends at %d: %w", name, end, h.Last, ErrSerialGap)
	}
	return changes, false, nil
}

// invalidRange reads RIPE's "%ERROR:401: invalid range: Not within
// FIRST-LAST": the source is current when NEXT is LAST+1; when NEXT is
// before FIRST, the server no longer has the changes the mirror needs.
// Without a range, the error is taken as "current", as RIPE sends it when
// nothing is newer.
func invalidRange(line string, next uint64) (bool, error) {
	i := strings.LastIndex(asciiLower(line), "not within")
	if i < 0 {
		return true, nil
	}
	lo, hi, ok := strings.Cut(strings.TrimSpace(line[i+len("not within"):]), "-")
	first, err1 := strconv.ParseUint(strings.TrimSpace(lo), 10, 64)
	last, err2 := strconv.ParseUint(strings.TrimSpace(hi), 10, 64)
	switch {
	case !ok || err1 != nil || err2 != nil:
		return true, nil
	case next == last+1:
		return true, nil
	case next < first:
		return false, fmt.Errorf("whois: nrtm: serial %d is no longer served (the server has %d-%d): reload from a dump: %w",
			next, first, last, &ServerError{Line: clipLine(line)})
	}
	return false, fmt.Errorf("whois: nrtm: serial %d: %w", next, &ServerError{Line: clipLine(line)})
}

// asciiLower lower-cases the ASCII letters of s, keeping its length.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func clipLine(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// Run polls at once, then every interval (DefaultNRTMInterval when
// interval <= 0) until ctx ends. A failed poll is logged and counted;
// the next one tries again from the same serial.
func (m *Mirror) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultNRTMInterval
	}
	log := m.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		start := time.Now()
		res, err := m.Poll(ctx)
		took := time.Since(start).Round(time.Millisecond).String()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("nrtm poll failed", "source", m.Source, "server", m.Addr, "serial", res.Serial, "error", err.Error(), "took", took)
		case res.Current || res.Changes == 0:
			log.Debug("nrtm poll", "source", m.Source, "server", m.Addr, "serial", res.Serial, "result", "current", "took", took)
		default:
			log.Info("nrtm poll", "source", m.Source, "server", m.Addr, "serial", res.Serial, "result", "updated",
				"added", res.Added, "deleted", res.Deleted, "refused", res.Refused, "took", took)
			for _, e := range res.Errors {
				log.Warn("nrtm change refused", "source", m.Source, "error", e.Error())
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// nrtmErrorReason is the reason label of a failed poll.
func nrtmErrorReason(err error) string {
	var se *ServerError
	var ne net.Error
	var pe *rpsl.ParseError
	switch {
	case errors.Is(err, ErrSerialGap):
		return "gap"
	case errors.As(err, &se):
		return "server"
	case errors.As(err, &pe):
		return "stream"
	case errors.As(err, &ne), errors.Is(err, io.ErrUnexpectedEOF):
		return "network"
	}
	return "other"
}
