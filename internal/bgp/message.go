package bgp

import (
	"fmt"
	"net/netip"
	"strconv"
)

// MessageType is the type of a BGP message (RFC 4271 section 4.1).
type MessageType uint8

// BGP message types.
const (
	MsgOpen         MessageType = 1
	MsgUpdate       MessageType = 2
	MsgNotification MessageType = 3
	MsgKeepalive    MessageType = 4
	MsgRouteRefresh MessageType = 5 // RFC 2918
)

func (t MessageType) String() string {
	switch t {
	case MsgOpen:
		return "OPEN"
	case MsgUpdate:
		return "UPDATE"
	case MsgNotification:
		return "NOTIFICATION"
	case MsgKeepalive:
		return "KEEPALIVE"
	case MsgRouteRefresh:
		return "ROUTE-REFRESH"
	}
	return "MESSAGE_" + strconv.Itoa(int(t))
}

// HeaderLen is the length of the BGP message header (RFC 4271 section 4.1).
const HeaderLen = 19

// MaxMessageLen is the largest BGP message (RFC 8654 extended messages).
const MaxMessageLen = 65535

// Update is a decoded UPDATE message (RFC 4271 section 4.3).
type Update struct {
	Withdrawn []NLRI // IPv4 withdrawn routes
	Attrs     Attrs
	NLRI      []NLRI // IPv4 announced prefixes
}

// Open is a decoded OPEN message (RFC 4271 section 4.2).
type Open struct {
	Version   uint8
	MyAS      uint16
	HoldTime  uint16
	ID        netip.Addr
	OptParams []byte
}

// Notification is a decoded NOTIFICATION message (RFC 4271 section 4.5).
type Notification struct {
	Code, Subcode uint8
	Data          []byte
}

// Message is one decoded BGP message. Only the field of its Type is set.
// A Message is reused by the next Decode.
type Message struct {
	Type         MessageType
	Update       Update
	Open         Open
	Notification Notification
	// Body is the message after its header, aliasing the input.
	Body []byte
}

// Decode decodes one BGP message, header included, from b. It requires
// the whole message: b may not be longer than the length the header gives
// unless trailing bytes are allowed by the caller trimming b first.
func (m *Message) Decode(b []byte, opt DecodeOptions) error {
	m.Body = nil
	if len(b) < HeaderLen {
		return fmt.Errorf("RFC 4271 4.1: message of %d bytes is shorter than the %d-byte header", len(b), HeaderLen)
	}
	for _, c := range b[:16] {
		if c != 0xff {
			return fmt.Errorf("RFC 4271 4.1: marker is not all ones")
		}
	}
	n := int(b[16])<<8 | int(b[17])
	m.Type = MessageType(b[18])
	if n < HeaderLen || n > len(b) {
		return fmt.Errorf("RFC 4271 4.1: header length %d, but %d bytes are present", n, len(b))
	}
	m.Body = b[HeaderLen:n:n]
	switch m.Type {
	case MsgUpdate:
		return m.Update.decode(m.Body, opt)
	case MsgOpen:
		return m.Open.decode(m.Body)
	case MsgNotification:
		if len(m.Body) < 2 {
			return fmt.Errorf("RFC 4271 4.5: notification of %d bytes", len(m.Body))
		}
		m.Notification = Notification{Code: m.Body[0], Subcode: m.Body[1], Data: m.Body[2:]}
	case MsgKeepalive:
		if len(m.Body) != 0 {
			return fmt.Errorf("RFC 4271 4.4: keepalive with %d bytes of body", len(m.Body))
		}
	}
	return nil
}

func (o *Open) decode(b []byte) error {
	if len(b) < 10 {
		return fmt.Errorf("RFC 4271 4.2: open of %d bytes", len(b))
	}
	o.Version = b[0]
	o.MyAS = uint16(b[1])<<8 | uint16(b[2])
	o.HoldTime = uint16(b[3])<<8 | uint16(b[4])
	o.ID = netip.AddrFrom4([4]byte(b[5:9]))
	n, off := int(b[9]), 10
	if n == 255 && len(b) >= 13 && b[10] == 255 {
		// RFC 9072 2: extended optional parameters length.
		n, off = int(b[11])<<8|int(b[12]), 13
	}
	if len(b)-off < n {
		return fmt.Errorf("RFC 4271 4.2: optional parameters of %d bytes, %d left", n, len(b)-off)
	}
	o.OptParams = b[off : off+n]
	return nil
}

// decode decodes an UPDATE body: withdrawn routes, path attributes, NLRI.
// On error u holds what was decoded before the fault.
func (u *Update) decode(b []byte, opt DecodeOptions) error {
	u.Withdrawn = u.Withdrawn[:0]
	u.NLRI = u.NLRI[:0]
	u.Attrs.Reset()
	if len(b) < 2 {
		return fmt.Errorf("RFC 4271 4.3: withdrawn routes length missing")
	}
	wl := int(b[0])<<8 | int(b[1])
	if len(b)-2 < wl {
		return fmt.Errorf("RFC 4271 4.3: withdrawn routes length %d exceeds the %d bytes left", wl, len(b)-2)
	}
	if len(b)-2-wl < 2 {
		return fmt.Errorf("RFC 4271 4.3: total path attribute length missing after %d bytes of withdrawn routes", wl)
	}
	var err error
	u.Withdrawn, err = appendNLRI(u.Withdrawn, b[2:2+wl], AFIIPv4, opt.AddPath)
	if err != nil {
		return fmt.Errorf("withdrawn routes: %w", err)
	}
	off := 2 + wl
	al := int(b[off])<<8 | int(b[off+1])
	off += 2
	if len(b)-off < al {
		return fmt.Errorf("RFC 4271 4.3: total path attribute length %d exceeds the %d bytes left", al, len(b)-off)
	}
	if err := u.Attrs.Decode(b[off:off+al], opt); err != nil {
		return fmt.Errorf("path attributes: %w", err)
	}
	off += al
	u.NLRI, err = appendNLRI(u.NLRI, b[off:], AFIIPv4, opt.AddPath)
	if err != nil {
		return fmt.Errorf("NLRI: %w", err)
	}
	return nil
}

// DecodeUpdateBody decodes an UPDATE message that comes without the BGP
// header, as the deprecated MRT type BGP stores it.
func (m *Message) DecodeUpdateBody(b []byte, opt DecodeOptions) error {
	m.Type = MsgUpdate
	m.Body = b
	return m.Update.decode(b, opt)
}
