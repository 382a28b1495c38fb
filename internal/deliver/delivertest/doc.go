// Package delivertest is for tests only. It runs receivers on loopback
// for the outputs of package deliver, so that a test can deliver real
// events and look at what arrived: syslog over UDP, TCP or TLS
// (SyslogReceiver), signed webhooks (WebhookReceiver) and SMTP with
// optional STARTTLS and AUTH PLAIN (SMTPServer). Validator checks STIX
// objects and bundles against the official OASIS STIX 2.1 JSON schemas
// and the schema of the routing-event extension.
//
// It does not import package deliver, so that deliver's own tests can
// use it: what a receiver needs of deliver's webhook signature scheme it
// takes as parameters (Signing).
//
// Untrusted input: none; everything it reads comes from the code under
// test.
package delivertest
