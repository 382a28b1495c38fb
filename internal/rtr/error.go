package rtr

import "fmt"

// Error is a PDU that breaks the protocol: where it is, which clause it
// breaks, and the Error Report code a receiver answers it with (RFC 8210
// section 5.11).
type Error struct {
	Index  int   // 1-based number of the PDU in its stream; 0 if unknown
	Off    int64 // byte offset of the PDU in its stream
	Type   Type
	Code   ErrorCode
	Clause string // "RFC 8210 5.6"
	Reason string
	// PDU is a copy of the offending PDU, to return in an Error Report.
	PDU []byte
}

func (e *Error) Error() string {
	where := ""
	if e.Index > 0 {
		where = fmt.Sprintf("PDU %d at %#x: ", e.Index, e.Off)
	}
	return fmt.Sprintf("rtr: %s%s: %s: %s", where, e.Type, e.Clause, e.Reason)
}

// Report returns the Error Report to send for e.
func (e *Error) Report() ErrorReport {
	return ErrorReport{Code: e.Code, PDU: e.PDU, Text: e.Reason}
}

func newError(t Type, code ErrorCode, clause, format string, args ...any) *Error {
	return &Error{Type: t, Code: code, Clause: clause, Reason: fmt.Sprintf(format, args...)}
}

// ReportError is an Error Report received from the peer.
type ReportError struct {
	Report ErrorReport
}

func (e *ReportError) Error() string {
	if e.Report.Text == "" {
		return "rtr: peer reported " + e.Report.Code.String()
	}
	return fmt.Sprintf("rtr: peer reported %s: %q", e.Report.Code, e.Report.Text)
}
