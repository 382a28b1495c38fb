package observatory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/manrs/manrs/internal/decompress"
)

// openFile opens a local input, decompressing it by content.
func openFile(path string) (io.ReadCloser, error) {
	rc, _, err := decompress.Open(path)
	return rc, err
}

// Fetcher fetches inputs named by URL into a cache directory, so that a
// day observed again reads the same bytes.
type Fetcher struct {
	Dir    string
	Client *http.Client
}

// NewFetcher returns a Fetcher caching in dir.
func NewFetcher(dir string) *Fetcher {
	return &Fetcher{Dir: dir, Client: &http.Client{Timeout: 10 * time.Minute}}
}

// Open returns the content of url, decompressed, from the cache or
// fetched into it.
func (f *Fetcher) Open(ctx context.Context, url string) (io.ReadCloser, error) {
	sum := sha256.Sum256([]byte(url))
	path := filepath.Join(f.Dir, hex.EncodeToString(sum[:12])+"-"+filepath.Base(url))
	if _, err := os.Stat(path); err == nil {
		return openFile(path)
	}
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "manrs")
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	tmp, err := os.CreateTemp(f.Dir, ".fetch-*")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(tmp, resp.Body); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, err
	}
	return openFile(path)
}
