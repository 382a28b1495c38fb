package peeringdb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Writer writes PeeringDB objects in the layout a Reader reads: a full
// dump, with one section per object type, or an API response of one type.
// Objects are written one per line, with the fields this package models,
// in the serializers' order.
type Writer struct {
	w      *bufio.Writer
	api    bool
	kind   Kind // section being written, 0 before the first object
	done   [KindContact + 1]bool
	n      int // objects in the current section
	opened bool
	closed bool
	err    error
	buf    bytes.Buffer
	enc    *json.Encoder
	netOut netOut
	orgOut orgOut
	pocOut pocOut
}

// NewWriter returns a Writer of a full dump: {"org": {"data": [...]},
// "net": {"data": [...]}, "poc": {"data": [...]}}. Objects of one type must
// be written together; the sections appear in the order they are begun.
func NewWriter(w io.Writer) *Writer { return newWriter(w, false) }

// NewAPIWriter returns a Writer of an API response, {"data": [...],
// "meta": {}}, which holds objects of one type.
func NewAPIWriter(w io.Writer) *Writer { return newWriter(w, true) }

func newWriter(w io.Writer, api bool) *Writer {
	wr := &Writer{w: bufio.NewWriterSize(w, 64<<10), api: api}
	wr.enc = json.NewEncoder(&wr.buf)
	wr.enc.SetEscapeHTML(false)
	return wr
}

// The written forms, fields in serializer order.
type netOut struct {
	ID            uint32   `json:"id"`
	OrgID         uint32   `json:"org_id"`
	Name          string   `json:"name"`
	Website       string   `json:"website"`
	ASN           uint32   `json:"asn"`
	IRRASSet      string   `json:"irr_as_set"`
	InfoPrefixes4 uint32   `json:"info_prefixes4"`
	InfoPrefixes6 uint32   `json:"info_prefixes6"`
	PolicyGeneral string   `json:"policy_general"`
	PocSet        []uint32 `json:"poc_set,omitempty"`
	Created       *string  `json:"created"`
	Updated       *string  `json:"updated"`
	Status        string   `json:"status,omitempty"`
}

type orgOut struct {
	ID      uint32  `json:"id"`
	Name    string  `json:"name"`
	Website string  `json:"website"`
	Country string  `json:"country"`
	Created *string `json:"created"`
	Updated *string `json:"updated"`
	Status  string  `json:"status,omitempty"`
}

type pocOut struct {
	ID      uint32  `json:"id"`
	NetID   uint32  `json:"net_id"`
	Role    string  `json:"role"`
	Visible string  `json:"visible"`
	Name    string  `json:"name"`
	Phone   string  `json:"phone"`
	Email   string  `json:"email"`
	URL     string  `json:"url"`
	Created *string `json:"created"`
	Updated *string `json:"updated"`
	Status  string  `json:"status,omitempty"`
}

// WriteNetwork writes a net object.
func (w *Writer) WriteNetwork(n *Network) error {
	if n.ID == 0 || n.ASN == 0 {
		return w.invalid(KindNetwork, "id and asn must not be 0")
	}
	w.netOut = netOut{
		ID: n.ID, OrgID: n.OrgID, Name: n.Name, Website: n.Website, ASN: uint32(n.ASN),
		IRRASSet: n.IRRASSet, InfoPrefixes4: n.InfoPrefixes4, InfoPrefixes6: n.InfoPrefixes6,
		PolicyGeneral: n.PolicyGeneral, PocSet: n.ContactIDs,
		Created: timeOut(n.Created), Updated: timeOut(n.Updated), Status: n.Status.String(),
	}
	return w.write(KindNetwork, &w.netOut)
}

// WriteOrganization writes an org object.
func (w *Writer) WriteOrganization(o *Organization) error {
	if o.ID == 0 {
		return w.invalid(KindOrganization, "id must not be 0")
	}
	if o.Country != "" && !isCountry(o.Country) {
		return w.invalid(KindOrganization, fmt.Sprintf("country %q is not an ISO 3166-1 alpha-2 code", o.Country))
	}
	w.orgOut = orgOut{
		ID: o.ID, Name: o.Name, Website: o.Website, Country: o.Country,
		Created: timeOut(o.Created), Updated: timeOut(o.Updated), Status: o.Status.String(),
	}
	return w.write(KindOrganization, &w.orgOut)
}

// WriteContact writes a poc object.
func (w *Writer) WriteContact(c *Contact) error {
	if c.ID == 0 || c.NetID == 0 {
		return w.invalid(KindContact, "id and net_id must not be 0")
	}
	if _, ok := ParseRole(c.Role.String()); !ok {
		return w.invalid(KindContact, "unknown role "+c.Role.String())
	}
	if _, ok := ParseVisibility(c.Visible.String()); !ok {
		return w.invalid(KindContact, "unknown visibility "+c.Visible.String())
	}
	w.pocOut = pocOut{
		ID: c.ID, NetID: c.NetID, Role: c.Role.String(), Visible: c.Visible.String(),
		Name: c.Name, Phone: c.Phone, Email: c.Email, URL: c.URL,
		Created: timeOut(c.Created), Updated: timeOut(c.Updated), Status: c.Status.String(),
	}
	return w.write(KindContact, &w.pocOut)
}

func (w *Writer) invalid(k Kind, msg string) error {
	return fmt.Errorf("peeringdb: write %s: %s", k, msg)
}

// timeOut formats t as the serializers do (RFC 3339, UTC), nil for the
// zero time.
func timeOut(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

var errClosed = errors.New("peeringdb: write after Close")

func (w *Writer) write(k Kind, v any) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errClosed
	}
	if k != w.kind {
		if err := w.begin(k); err != nil {
			return err
		}
	}
	w.buf.Reset()
	if err := w.enc.Encode(v); err != nil {
		return w.fail(err)
	}
	if w.n > 0 {
		w.w.WriteString(",\n")
	}
	w.w.Write(bytes.TrimSuffix(w.buf.Bytes(), []byte("\n")))
	w.n++
	return nil
}

// begin ends the current section and starts the one of kind k.
func (w *Writer) begin(k Kind) error {
	if w.done[k] {
		return fmt.Errorf("peeringdb: write %s: its section is already written", k)
	}
	if w.api && w.kind != 0 {
		return fmt.Errorf("peeringdb: write %s: an API response holds %s objects only", k, w.kind)
	}
	switch {
	case w.api:
		w.w.WriteString(`{"data": [` + "\n")
	case w.kind == 0:
		w.w.WriteString(`{"` + k.String() + `": {"data": [` + "\n")
	default:
		w.endSection()
		w.w.WriteString(",\n" + `"` + k.String() + `": {"data": [` + "\n")
	}
	if w.kind != 0 {
		w.done[w.kind] = true
	}
	w.kind, w.n, w.opened = k, 0, true
	return nil
}

func (w *Writer) endSection() {
	if w.n > 0 {
		w.w.WriteString("\n")
	}
	w.w.WriteString(`]}`)
}

// Close ends the JSON document and flushes it. It does not close the
// underlying writer. A Writer with no objects writes an empty dump, {}, or
// an empty API response.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	w.closed = true
	switch {
	case w.api && !w.opened:
		w.w.WriteString(`{"data": [], "meta": {}}` + "\n")
	case w.api:
		if w.n > 0 {
			w.w.WriteString("\n")
		}
		w.w.WriteString(`], "meta": {}}` + "\n")
	case !w.opened:
		w.w.WriteString("{}\n")
	default:
		w.endSection()
		w.w.WriteString("}\n")
	}
	if err := w.w.Flush(); err != nil {
		return w.fail(err)
	}
	return nil
}

func (w *Writer) fail(err error) error {
	w.err = fmt.Errorf("peeringdb: write: %w", err)
	return w.err
}

// WriteDataset writes every object of d as a dump: organisations,
// networks, then contacts, each in id order.
func WriteDataset(w io.Writer, d *Dataset) error {
	wr := NewWriter(w)
	for o := range all(d.orgs) {
		if err := wr.WriteOrganization(o); err != nil {
			return err
		}
	}
	for n := range all(d.netByID) {
		if err := wr.WriteNetwork(n); err != nil {
			return err
		}
	}
	for c := range all(d.contacts) {
		if err := wr.WriteContact(c); err != nil {
			return err
		}
	}
	return wr.Close()
}
