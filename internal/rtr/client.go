package rtr

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/manrs/manrs/internal/rpki"
)

// DumpResult is what a cache sent in answer to a Reset Query.
type DumpResult struct {
	Set        *rpki.Set
	Version    Version
	SessionID  uint16
	Serial     uint32
	Timers     Timers // zero for version 0
	RouterKeys int    // Router Key PDUs received (not kept)
}

// UnsupportedVersionError is the answer of a cache that does not speak the
// version asked for; Version is the one it offered (RFC 8210 section 7).
type UnsupportedVersionError struct {
	Asked, Version Version
	Report         ErrorReport
}

func (e *UnsupportedVersionError) Error() string {
	return fmt.Sprintf("rtr: cache does not speak version %d, offers %d: %q", e.Asked, e.Version, e.Report.Text)
}

// Dial connects to addr and dumps its data with DumpConn, starting at
// version v and going down to the version the cache offers if it refuses
// v (RFC 8210 section 7).
func Dial(ctx context.Context, addr string, v Version, timeout time.Duration) (*DumpResult, error) {
	for {
		d := net.Dialer{Timeout: timeout}
		nc, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		res, err := DumpConn(nc, v, timeout)
		nc.Close()
		var ue *UnsupportedVersionError
		if errors.As(err, &ue) && ue.Version < v {
			v = ue.Version
			continue
		}
		return res, err
	}
}

// DumpConn sends a Reset Query in version v over nc and reads the answer
// up to End of Data. Each read must complete within timeout. A PDU that
// breaks the protocol gets an Error Report, and an *Error is returned.
func DumpConn(nc net.Conn, v Version, timeout time.Duration) (*DumpResult, error) {
	if _, err := nc.Write(ResetQuery{}.AppendPDU(nil, v)); err != nil {
		return nil, err
	}
	r := NewReader(bufio.NewReaderSize(nc, 64<<10))
	res := &DumpResult{Set: &rpki.Set{}, Version: v}
	fail := func(e *Error) (*DumpResult, error) {
		_, _ = nc.Write(e.Report().AppendPDU(nil, v))
		return nil, e
	}
	started := false
	for {
		_ = nc.SetReadDeadline(time.Now().Add(timeout))
		p, pv, err := r.Next()
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e.Type != TypeErrorReport {
				return fail(e)
			}
			return nil, err
		}
		if er, ok := p.(ErrorReport); ok {
			if er.Code == UnsupportedProtocolVersion && !started {
				return nil, &UnsupportedVersionError{Asked: v, Version: pv, Report: er}
			}
			return nil, &ReportError{Report: er}
		}
		if pv != v {
			return fail(&Error{Type: p.Type(), Code: UnexpectedProtocolVersion, Clause: "RFC 8210 7",
				Reason: fmt.Sprintf("version %d PDU in a version %d session", pv, v), PDU: p.AppendPDU(nil, pv)})
		}
		if !started {
			cr, ok := p.(CacheResponse)
			if !ok {
				if _, reset := p.(CacheReset); reset {
					return nil, fmt.Errorf("rtr: cache answered a Reset Query with Cache Reset")
				}
				if _, notify := p.(SerialNotify); notify {
					continue
				}
				return fail(&Error{Type: p.Type(), Code: CorruptData, Clause: "RFC 8210 8.1",
					Reason: "expected Cache Response, got " + p.Type().String(), PDU: p.AppendPDU(nil, v)})
			}
			res.SessionID = cr.SessionID
			started = true
			continue
		}
		switch p := p.(type) {
		case Prefix:
			if !p.Announce {
				return fail(&Error{Type: p.Type(), Code: WithdrawalOfUnknownRecord, Clause: "RFC 8210 8.1",
					Reason: fmt.Sprintf("withdrawal of %s-%d %s in a reset answer", p.Prefix, p.MaxLength, p.ASN), PDU: p.AppendPDU(nil, v)})
			}
			res.Set.VRPs = append(res.Set.VRPs, rpki.VRP{Prefix: p.Prefix, MaxLength: p.MaxLength, ASN: p.ASN})
		case ASPA:
			if !p.Announce {
				return fail(&Error{Type: p.Type(), Code: WithdrawalOfUnknownRecord, Clause: "draft-ietf-sidrops-8210bis-25 5.12",
					Reason: fmt.Sprintf("withdrawal of the ASPA of %s in a reset answer", p.Customer), PDU: p.AppendPDU(nil, v)})
			}
			provs := slices.Clone(p.Providers)
			slices.Sort(provs)
			res.Set.ASPAs = append(res.Set.ASPAs, rpki.ASPA{Customer: p.Customer, Providers: slices.Compact(provs)})
		case RouterKey:
			res.RouterKeys++
		case SerialNotify:
			// RFC 8210 section 5.2: may arrive at any time; ignored here.
		case EndOfData:
			if p.SessionID != res.SessionID {
				return fail(&Error{Type: p.Type(), Code: CorruptData, Clause: "RFC 8210 5.1",
					Reason: fmt.Sprintf("session ID %d, Cache Response had %d", p.SessionID, res.SessionID), PDU: p.AppendPDU(nil, v)})
			}
			res.Serial = p.Serial
			res.Timers = Timers{Refresh: p.Refresh, Retry: p.Retry, Expire: p.Expire}
			n := len(res.Set.VRPs)
			res.Set.Dedup()
			if len(res.Set.VRPs) != n {
				return fail(&Error{Type: TypeIPv4Prefix, Code: DuplicateAnnouncementReceived, Clause: "RFC 8210 12",
					Reason: fmt.Sprintf("%d duplicate announcements", n-len(res.Set.VRPs))})
			}
			return res, nil
		default:
			return fail(&Error{Type: p.Type(), Code: InvalidRequest, Clause: clause(p.Type(), v),
				Reason: p.Type().String() + " PDU in a cache's answer", PDU: p.AppendPDU(nil, v)})
		}
	}
}
