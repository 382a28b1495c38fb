package mrt

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// MaxRecordLen caps the length of one record. The largest records in
// public archives are RIB records of popular prefixes seen by every peer of
// a collector, well under a megabyte; a length beyond the cap means the
// framing is lost.
const MaxRecordLen = 16 << 20

// Error is a fault in an MRT stream, placed by input name, record number
// and byte offset of the record.
type Error struct {
	Name   string
	Num    int
	Offset int64
	Err    error
	// Skipped is set when the record was skipped; otherwise it was
	// handed out with what could be decoded (Record.Err).
	Skipped bool
}

func (e *Error) Error() string {
	return fmt.Sprintf("mrt: %s: record %d at 0x%x: %v", e.Name, e.Num, e.Offset, e.Err)
}

// partial marks a decode error after which the record still holds
// useful data. Decoders return it unwrapped.
type partial struct{ error }

func (p partial) Unwrap() error { return p.error }

func (e *Error) Unwrap() error { return e.Err }

// Stats counts what a Reader has seen.
type Stats struct {
	Records     int // records framed
	Decoded     int // records handed out by Next (a TABLE_DUMP record may hold several)
	Skipped     int // records skipped because their body was corrupt
	Partial     int // records handed out with only part of their content (Record.Err)
	Unsupported int // records of known types or subtypes that are not decoded
	Unknown     int // records of types that no registry knows
	BadEntries  int // RIB entries skipped because their peer or attributes were corrupt
	// LengthFixes counts TABLE_DUMP records whose header declared fewer
	// bytes than the entry they hold, as some early RIPE RIS dumps do; the
	// missing bytes were read from the stream (see Reader.Next).
	LengthFixes int
	// Resyncs counts the times the framing was lost (a record length
	// beyond MaxRecordLen) and found again further on; LostBytes is what
	// was skipped to find it.
	Resyncs   int
	LostBytes int64
}

// Faults is the number of records and entries that were skipped or
// decoded in part, and of framing losses.
func (s Stats) Faults() int { return s.Skipped + s.Partial + s.BadEntries + s.Resyncs }

// Reader reads MRT records from a stream.
type Reader struct {
	r      *bufio.Reader
	name   string
	hdr    [HeaderLen]byte
	buf    []byte
	off    int64
	rec    Record
	peers  PeerIndex
	err    error
	stats  Stats
	tdRest []byte // entries left in the current TABLE_DUMP record

	havePeers  bool      // a PEER_INDEX_TABLE has been read
	sparePeers PeerIndex // where the next PEER_INDEX_TABLE is decoded

	// What the stream looked like so far, to recognise its next record
	// after the framing is lost: the types decoded, the last timestamp.
	seenTypes map[Type]bool
	lastTime  uint32

	// OnError, if not nil, is called for every record that is skipped
	// as corrupt or decoded in part, and for every corrupt RIB entry.
	OnError func(*Error)
}

// NewReader returns a Reader that decodes r; name identifies the input in
// errors. A *bufio.Reader is used as it is; any other reader gets a
// buffer of 1 MiB.
func NewReader(r io.Reader, name string) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<20)
	}
	return &Reader{r: br, name: name}
}

// Record returns the record read by the last call to Next. It is valid
// until the next call to Next.
func (r *Reader) Record() *Record { return &r.rec }

// Err returns the error that ended the stream, or nil at a clean end.
func (r *Reader) Err() error { return r.err }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

func (r *Reader) fail(num int, off int64, err error) *Error {
	return &Error{Name: r.name, Num: num, Offset: off, Err: err}
}

// Next reads and decodes the next record that it can decode, skipping
// corrupt and unsupported ones. It returns false at the end of the stream
// or on a framing fault; Err tells which.
func (r *Reader) Next() bool {
	if len(r.tdRest) > 0 && r.nextTableDump() {
		return true
	}
	for r.err == nil {
		num, off := r.stats.Records+1, r.off
		if _, err := io.ReadFull(r.r, r.hdr[:]); err != nil {
			switch {
			case err == io.EOF:
				// Clean end between records.
			case err == io.ErrUnexpectedEOF:
				r.err = r.fail(num, off, fmt.Errorf("RFC 6396 2: stream ends inside the common header"))
			default:
				r.err = r.fail(num, off, err)
			}
			return false
		}
		r.stats.Records++
		h := Header{
			Timestamp: binary.BigEndian.Uint32(r.hdr[0:]),
			Type:      Type(binary.BigEndian.Uint16(r.hdr[4:])),
			Subtype:   binary.BigEndian.Uint16(r.hdr[6:]),
			Length:    binary.BigEndian.Uint32(r.hdr[8:]),
		}
		if h.Length > MaxRecordLen {
			err := fmt.Errorf("RFC 6396 2: %v record of length %d exceeds the cap of %d", h.Type, h.Length, MaxRecordLen)
			if !r.resync(num, off, err) {
				r.err = r.fail(num, off, err)
				return false
			}
			continue
		}
		n := int(h.Length)
		if cap(r.buf) < n {
			r.buf = make([]byte, n, max(n, 2*cap(r.buf)))
		}
		body := r.buf[:n]
		if _, err := io.ReadFull(r.r, body); err != nil {
			if err == io.ErrUnexpectedEOF || err == io.EOF {
				err = fmt.Errorf("RFC 6396 2: stream ends inside a %v record of length %d", h.Type, h.Length)
			}
			r.err = r.fail(num, off, err)
			return false
		}
		r.off += HeaderLen + int64(n)
		if h.Type == TypeTableDump {
			body = r.fixTableDumpLength(h, body)
		}
		if h.Type.extended() {
			if n < 4 {
				r.skip(num, off, fmt.Errorf("RFC 6396 3: %v record of length %d has no microsecond field", h.Type, n))
				continue
			}
			h.Microseconds = binary.BigEndian.Uint32(body)
			body = body[4:]
		}
		rec := &r.rec
		rec.Header, rec.Num, rec.Offset, rec.Err = h, num, off, nil
		ok, err := r.decode(rec, body)
		p, isPartial := err.(partial)
		switch {
		case isPartial:
			rec.Err = p.error
			r.stats.Partial++
			r.report(&Error{Name: r.name, Num: num, Offset: off, Err: p.error})
		case err != nil:
			r.skip(num, off, err)
			continue
		case !ok:
			if _, known := typeNames[h.Type]; known {
				r.stats.Unsupported++
			} else {
				r.stats.Unknown++
			}
			continue
		}
		r.stats.Decoded++
		if r.seenTypes == nil {
			r.seenTypes = make(map[Type]bool)
		}
		r.seenTypes[h.Type] = true
		r.lastTime = h.Timestamp
		return true
	}
	return false
}

func (r *Reader) skip(num int, off int64, err error) {
	r.stats.Skipped++
	r.report(&Error{Name: r.name, Num: num, Offset: off, Err: err, Skipped: true})
}

func (r *Reader) report(e *Error) {
	if r.OnError != nil {
		r.OnError(e)
	}
}

// decode decodes body into rec. It reports false for record types it does
// not decode.
func (r *Reader) decode(rec *Record, body []byte) (bool, error) {
	h := rec.Header
	if r.havePeers {
		rec.PeerIndex = &r.peers
	}
	switch h.Type {
	case TypeTableDump:
		rec.Kind = KindTableDump
		n, err := decodeTableDump(&rec.TableDump, h.Subtype, body)
		if n > 0 && n < len(body) {
			// Several entries in one record: hand out the others on the
			// next calls to Next.
			r.tdRest = body[n:]
		}
		return true, err
	case TypeTableDumpV2:
		switch h.Subtype {
		case PeerIndexTable:
			rec.Kind = KindPeerIndex
			// Decode into the spare table so that a corrupt one leaves
			// the table in force untouched.
			if err := decodePeerIndex(&r.sparePeers, body); err != nil {
				return true, err
			}
			r.peers, r.sparePeers = r.sparePeers, r.peers
			r.havePeers = true
			rec.PeerIndex = &r.peers
			return true, nil
		case RIBIPv4Unicast, RIBIPv4Multicast, RIBIPv6Unicast, RIBIPv6Multicast, RIBGeneric,
			RIBIPv4UnicastAddPath, RIBIPv4MulticastAddPath, RIBIPv6UnicastAddPath, RIBIPv6MulticastAddPath, RIBGenericAddPath:
			rec.Kind = KindRIB
			return true, r.decodeRIB(rec, body)
		}
		return false, nil
	case TypeBGP4MP, TypeBGP4MPET:
		switch h.Subtype {
		case BGP4MPStateChange, BGP4MPStateChangeAS4:
			rec.Kind = KindStateChange
			return true, decodeStateChange(&rec.State, h.Subtype == BGP4MPStateChangeAS4, body)
		case BGP4MPMessage, BGP4MPMessageAS4, BGP4MPMessageLocal, BGP4MPMessageAS4Local,
			BGP4MPMessageAddPath, BGP4MPMessageAS4AddPath, BGP4MPMessageLocalAddPath, BGP4MPMessageAS4LocalAddPath:
			rec.Kind = KindMessage
			return true, decodeBGP4MPMessage(&rec.Message, h.Subtype, body)
		}
		return false, nil
	case TypeBGP:
		switch h.Subtype {
		case BGPUpdate:
			rec.Kind = KindMessage
			return true, decodeLegacyUpdate(&rec.Message, body)
		case BGPStateChange:
			rec.Kind = KindStateChange
			return true, decodeLegacyStateChange(&rec.State, body)
		case BGPKeepalive:
			rec.Kind = KindMessage
			return true, decodeLegacyKeepalive(&rec.Message, body)
		}
		return false, nil
	}
	return false, nil
}

// nextTableDump hands out the next entry of a TABLE_DUMP record that holds
// several.
func (r *Reader) nextTableDump() bool {
	rec := &r.rec
	rest := r.tdRest
	r.tdRest = nil
	n, err := decodeTableDump(&rec.TableDump, rec.Header.Subtype, rest)
	if n > 0 && n < len(rest) {
		r.tdRest = rest[n:]
	}
	rec.Err = nil
	p, isPartial := err.(partial)
	switch {
	case isPartial:
		rec.Err = p.error
		r.stats.Partial++
		r.report(&Error{Name: r.name, Num: rec.Num, Offset: rec.Offset, Err: p.error})
	case err != nil:
		r.skip(rec.Num, rec.Offset, fmt.Errorf("RFC 6396 4.2: the %d bytes after the record's first entry are not an entry: %w", len(rest), err))
		return false
	}
	r.stats.Decoded++
	return true
}

// maxLengthFix caps the bytes that fixTableDumpLength reads past a
// record's declared end.
const maxLengthFix = 64

// fixTableDumpLength handles TABLE_DUMP records whose header declares fewer
// bytes than their last entry takes, as the RIPE RIS dumps of 1999-2001
// do (4 bytes fewer). When the missing bytes are followed by the header of
// another TABLE_DUMP record of the same subtype, or by the end of the
// stream, they belong to this record: read them, so that this entry
// decodes and the next header is where it really is.
func (r *Reader) fixTableDumpLength(h Header, body []byte) []byte {
	fixed, ok := tableDumpFixedLen(h.Subtype)
	if !ok {
		return body
	}
	off := 0
	for off+fixed <= len(body) {
		e := fixed + (int(body[off+fixed-2])<<8 | int(body[off+fixed-1]))
		if off+e <= len(body) {
			off += e
			continue
		}
		k := off + e - len(body)
		if k > maxLengthFix {
			return body
		}
		peek, err := r.r.Peek(k + HeaderLen)
		switch {
		case len(peek) == k && (err == io.EOF || err == bufio.ErrBufferFull):
		case len(peek) == k+HeaderLen:
			next := peek[k:]
			if Type(binary.BigEndian.Uint16(next[4:])) != TypeTableDump || binary.BigEndian.Uint16(next[6:]) != h.Subtype {
				return body
			}
		default:
			return body
		}
		n := len(body)
		body = append(body, peek[:k]...)
		r.buf = body[:0]
		if _, err := r.r.Discard(k); err != nil {
			return body[:n]
		}
		r.off += int64(k)
		r.stats.LengthFixes++
		return body
	}
	return body
}

// maxResyncScan caps the bytes resync examines before giving up.
const maxResyncScan = 64 << 20

// resyncWindow is how far apart two records can be in time and still be
// taken for neighbours in one file.
const resyncWindow = 7 * 24 * 3600

// plausible reports whether h could be the header of the next record of
// this stream: a type already decoded in it, a timestamp near the last
// one, a subtype and length in range.
func (r *Reader) plausible(h []byte) (int, bool) {
	typ := Type(binary.BigEndian.Uint16(h[4:]))
	ts := binary.BigEndian.Uint32(h[0:])
	sub := binary.BigEndian.Uint16(h[6:])
	n := binary.BigEndian.Uint32(h[8:])
	if !r.seenTypes[typ] || sub > 64 || n > MaxRecordLen || n == 0 {
		return 0, false
	}
	if d := int64(ts) - int64(r.lastTime); d > resyncWindow || d < -resyncWindow {
		return 0, false
	}
	return int(n), true
}

// resync looks for the next record after a header whose length cannot be
// right. A candidate header must be plausible, and so must the header
// that its length points to (when that lies within the read-ahead), or
// the stream must end exactly there. The fault and the bytes skipped are
// reported; it returns false when no record is found.
func (r *Reader) resync(num int, off int64, cause error) bool {
	if len(r.seenTypes) == 0 {
		return false
	}
	r.off += HeaderLen // the bad header is consumed
	scanned := int64(0)
	for scanned < maxResyncScan {
		buf, err := r.r.Peek(r.r.Size())
		if len(buf) < HeaderLen {
			return false
		}
		for i := 0; i+HeaderLen <= len(buf); i++ {
			n, ok := r.plausible(buf[i:])
			if !ok {
				continue
			}
			next := i + HeaderLen + n
			switch {
			case next+HeaderLen <= len(buf):
				if _, ok := r.plausible(buf[next:]); !ok {
					continue
				}
			case next == len(buf) && err != nil:
				// The candidate is the last record of the stream.
			case next > len(buf) && err != nil:
				continue // it would run past the end
			}
			r.r.Discard(i)
			r.off += int64(i)
			r.stats.Resyncs++
			r.stats.LostBytes += scanned + int64(i) + HeaderLen
			r.report(&Error{Name: r.name, Num: num, Offset: off, Skipped: true,
				Err: fmt.Errorf("%w; framing lost: skipped %d bytes to the next plausible record at 0x%x", cause, scanned+int64(i)+HeaderLen, r.off)})
			return true
		}
		if err != nil {
			return false
		}
		k := len(buf) - HeaderLen + 1
		r.r.Discard(k)
		r.off += int64(k)
		scanned += int64(k)
	}
	return false
}
