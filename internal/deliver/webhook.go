package deliver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/manrs/manrs/internal/stix"
)

// Webhook POSTs each event as JSON (Payload), signed.
type Webhook struct {
	URL string
	// Secret is the HMAC-SHA256 key of X-Manrs-Signature.
	Secret  []byte
	Timeout time.Duration
	// Client sends the requests; http.DefaultClient's transport when nil.
	Client *http.Client
}

// Payload is the body of a webhook delivery (docs/feeds.md, webhook
// schema).
type Payload struct {
	// DeliveryID is the X-Manrs-Delivery header's value.
	DeliveryID string       `json:"delivery_id"`
	Tenant     string       `json:"tenant"`
	Event      *Event       `json:"event"`
	Bundle     *stix.Bundle `json:"bundle"`
}

// Webhook headers.
const (
	SignatureHeader = "X-Manrs-Signature"
	DeliveryHeader  = "X-Manrs-Delivery"
	EventHeader     = "X-Manrs-Event"
)

// Sign returns the X-Manrs-Signature of a body: "sha256=" and the hex
// HMAC-SHA256 (RFC 2104) of the body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether sig is the signature of body under secret, in
// constant time.
func Verify(secret, body []byte, sig string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(sig))
}

// Name implements Output.
func (w *Webhook) Name() string { return "webhook" }

// Send implements Output: any 2xx answer delivers; anything else fails
// the attempt.
func (w *Webhook) Send(ctx context.Context, tenant string, ev *Event, id string) error {
	body, err := json.Marshal(Payload{DeliveryID: id, Tenant: tenant, Event: ev, Bundle: ev.Bundle})
	if err != nil {
		return fmt.Errorf("webhook: encode: %w", err)
	}
	if w.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "manrs-webhook/"+Version)
	req.Header.Set(SignatureHeader, Sign(w.Secret, body))
	req.Header.Set(DeliveryHeader, id)
	req.Header.Set(EventHeader, ev.ID)
	c := w.Client
	if c == nil {
		c = &http.Client{}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook: %s answered %s: %.200s", w.URL, resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}
