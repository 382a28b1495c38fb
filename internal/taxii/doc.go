// Package taxii serves STIX 2.1 objects over TAXII 2.1 (OASIS TAXII
// Version 2.1, 10 June 2021): an http.Handler, mounted at /taxii2/, with
// server discovery, one API root, read-only collections, objects and
// manifests with the filters and paging of sections 3.4 and 3.5, object
// versions, and status (sections 4 and 5).
//
// Clients authenticate with HTTP Basic (RFC 7617) as tenants; a tenant
// reads its own collections and the public ones, and any other
// collection does not exist as far as it can tell (404). Passwords are
// stored as salted PBKDF2-SHA256 hashes (RFC 8018).
//
// Collections are append-only logs of (date added, object) kept behind
// the Store interface; Memory is the in-memory implementation, fed with
// stix objects.
//
// Untrusted input: every request (paths, query strings, headers,
// credentials, next tokens).
package taxii
