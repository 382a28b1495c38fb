package taxii

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Tenant is a client of the server: an enterprise reading its own
// collections (and the public ones) with HTTP Basic credentials.
type Tenant struct {
	Name string
	// PasswordHash is HashPassword's output.
	PasswordHash string
	// Collections lists the IDs or aliases of the collections it may
	// read besides the public ones.
	Collections []string
}

// DefaultIterations is the PBKDF2-SHA256 iteration count of
// HashPassword (OWASP's recommendation for PBKDF2-HMAC-SHA256).
const DefaultIterations = 600_000

const (
	hashScheme = "pbkdf2-sha256"
	saltLen    = 16
	keyLen     = 32
	// maxIterations caps the iteration count a stored hash may ask for.
	maxIterations = 10_000_000
)

// HashPassword returns a salted PBKDF2-SHA256 hash (RFC 8018 section
// 5.2) of password: "pbkdf2-sha256$ITERATIONS$SALT$KEY", salt and key
// in unpadded base64.
func HashPassword(password string) (string, error) { return hashPassword(password, DefaultIterations) }

func hashPassword(password string, iter int) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, iter, keyLen)
	if err != nil {
		return "", fmt.Errorf("derive key: %w", err)
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("%s$%d$%s$%s", hashScheme, iter, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// parsedHash is a decoded PasswordHash.
type parsedHash struct {
	iter      int
	salt, key []byte
}

func parseHash(s string) (parsedHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 4 || parts[0] != hashScheme {
		return parsedHash{}, fmt.Errorf("password hash: want %s$ITERATIONS$SALT$KEY", hashScheme)
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 || iter > maxIterations {
		return parsedHash{}, fmt.Errorf("password hash: bad iteration count %q", parts[1])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil {
		return parsedHash{}, fmt.Errorf("password hash: salt: %w", err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[3])
	if err != nil || len(key) == 0 {
		return parsedHash{}, fmt.Errorf("password hash: bad key")
	}
	return parsedHash{iter, salt, key}, nil
}

func (h parsedHash) matches(password string) bool {
	key, err := pbkdf2.Key(sha256.New, password, h.salt, h.iter, len(h.key))
	return err == nil && subtle.ConstantTimeCompare(key, h.key) == 1
}

// authCacheSize bounds the cache of verified credentials.
const authCacheSize = 4096

// authenticator checks Basic credentials. Deriving a key costs tens of
// milliseconds by design, so credentials once verified are remembered
// (by a SHA-256 of name and password, never the password) for as long
// as the server runs; pollers send the same credentials on every
// request.
type authenticator struct {
	tenants map[string]*tenantState
	dummy   parsedHash

	mu    sync.Mutex
	cache map[[32]byte]*tenantState
}

type tenantState struct {
	Tenant
	hash parsedHash
	// readable holds the IDs of the collections it may read.
	readable map[string]bool
}

func (a *authenticator) check(name, password string) *tenantState {
	k := sha256.Sum256([]byte(name + "\x00" + password))
	a.mu.Lock()
	t := a.cache[k]
	a.mu.Unlock()
	if t != nil {
		return t
	}
	t = a.tenants[name]
	if t == nil {
		a.dummy.matches(password) // the same work for an unknown name
		return nil
	}
	if !t.hash.matches(password) {
		return nil
	}
	a.mu.Lock()
	if len(a.cache) >= authCacheSize {
		clear(a.cache)
	}
	a.cache[k] = t
	a.mu.Unlock()
	return t
}
