package delivertest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// Signing is how a WebhookReceiver authenticates a delivery: the
// headers that carry the body's signature and the delivery id, and the
// function that checks a signature under Secret. Package deliver
// defines the scheme (deliver.SignatureHeader, deliver.DeliveryHeader,
// deliver.Verify); a receiver takes it as plain values because this
// package cannot import deliver, whose own tests use it.
type Signing struct {
	SignatureHeader string
	DeliveryHeader  string
	Secret          []byte
	// Verify reports whether sig is the signature of body under secret.
	Verify func(secret, body []byte, sig string) bool
}

// Payload is a webhook body as a receiver decodes it: the fields a test
// checks, with the STIX bundle left as JSON for a Validator.
type Payload struct {
	DeliveryID string `json:"delivery_id"`
	Tenant     string `json:"tenant"`
	Event      struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Date string `json:"date"`
	} `json:"event"`
	Bundle json.RawMessage `json:"bundle"`
}

// WebhookReceiver is an HTTP server on loopback that checks the
// signature of each delivery and records it. A request with a bad
// signature is answered 401, noted in Bad and not accepted; anything
// else wrong (the method, the content type, a payload that does not
// decode or whose delivery id differs from the header's) is noted in
// Bad, but the delivery is still accepted with 204, so that one test
// sees every fault at once.
type WebhookReceiver struct {
	// Srv is the server; its URL is the webhook's.
	Srv *httptest.Server
	// Down makes the receiver answer 503 while set, as a receiver under
	// maintenance would, so that a test can make deliveries fail.
	Down atomic.Bool

	sign Signing

	mu         sync.Mutex
	deliveries map[string]int // delivery id -> times accepted
	payloads   []Payload
	raw        [][]byte
	bad        []string
}

// NewWebhookReceiver starts a receiver that authenticates deliveries
// with sign. It closes when the test ends.
func NewWebhookReceiver(t testing.TB, sign Signing) *WebhookReceiver {
	w := &WebhookReceiver{sign: sign, deliveries: map[string]int{}}
	w.Srv = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.Srv.Close)
	return w
}

func (w *WebhookReceiver) serve(rw http.ResponseWriter, r *http.Request) {
	if w.Down.Load() {
		http.Error(rw, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	w.mu.Lock()
	defer w.mu.Unlock()
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		w.bad = append(w.bad, "method or content type")
	}
	if !w.sign.Verify(w.sign.Secret, body, r.Header.Get(w.sign.SignatureHeader)) {
		w.bad = append(w.bad, "signature")
		http.Error(rw, "bad signature", http.StatusUnauthorized)
		return
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil || p.DeliveryID != r.Header.Get(w.sign.DeliveryHeader) || p.Event.ID == "" {
		w.bad = append(w.bad, fmt.Sprintf("payload: %v", err))
	}
	w.deliveries[r.Header.Get(w.sign.DeliveryHeader)]++
	w.payloads = append(w.payloads, p)
	w.raw = append(w.raw, body)
	rw.WriteHeader(http.StatusNoContent)
}

// Deliveries returns how many times each delivery id was accepted; a
// count above one is a duplicate delivery.
func (w *WebhookReceiver) Deliveries() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.deliveries)
}

// Payloads returns the accepted deliveries, decoded, in the order they
// arrived.
func (w *WebhookReceiver) Payloads() []Payload {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Payload(nil), w.payloads...)
}

// Raw returns the bodies of the accepted deliveries as they were sent,
// for a test that decodes more than Payload holds.
func (w *WebhookReceiver) Raw() [][]byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([][]byte(nil), w.raw...)
}

// Bad returns what was wrong with the requests so far, one entry a
// fault ("signature", "method or content type", "payload: ..."); a
// test that expects clean deliveries wants it empty.
func (w *WebhookReceiver) Bad() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.bad...)
}
