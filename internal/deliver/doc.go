// Package deliver pushes the observatory's routing-security events to the
// tenants of the feeds, beside the TAXII 2.1 collections it also fills
// (package taxii): each event (one incident or lapse with its STIX 2.1
// bundle) goes to every output a tenant configured:
//
//   - syslog, as RFC 5424 messages with the routing fields as structured
//     data, or as ArcSight CEF (Common Event Format) messages, over UDP
//     (one datagram per message, RFC 5426), TCP or TLS (octet-counting
//     framing, RFC 6587 section 3.4.1; RFC 5425);
//   - a webhook: a JSON POST signed with HMAC-SHA256 (RFC 2104) in
//     X-Manrs-Signature, with an idempotent X-Manrs-Delivery id;
//   - e-mail over SMTP (RFC 5321, STARTTLS per RFC 3207): a plain-text
//     summary with the STIX bundle attached as application/stix+json
//     (MIME, RFC 2045 and 2046).
//
// A Dispatcher retries a failed delivery with exponential backoff and
// jitter, keeps what still fails in a backlog (the dead-letter list) that
// the next round retries, and delivers each event to each output once:
// every attempt is appended to the delivery log (deliveries.jsonl beside
// the store), which is also how a restarted process knows what was
// delivered.
//
// Untrusted input: the answers of receivers (HTTP status, SMTP replies),
// and the delivery log, which is read back on start.
package deliver
