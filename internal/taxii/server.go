package taxii

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/manrs/manrs/internal/stix"
)

// The media types of TAXII 2.1 and of STIX 2.1 content.
const (
	MediaType     = "application/taxii+json;version=2.1"
	STIXMediaType = "application/stix+json;version=2.1"
)

// Prefix is the path the server is mounted at.
const Prefix = "/taxii2/"

// DefaultAPIRoot is the API root's path segment when Config names none.
const DefaultAPIRoot = "manrs"

// maxContentLength is the API root's max_content_length: the collections
// are read-only, so no request body is ever read.
const maxContentLength = 0

// Config configures a Server.
type Config struct {
	Title, Description, Contact string
	// BaseURL is the absolute URL of Prefix as clients reach it (behind
	// a proxy, its public URL), e.g. "https://feeds.example.net/taxii2/";
	// empty, it is taken from each request.
	BaseURL string
	// APIRoot is the API root's path segment (default DefaultAPIRoot).
	APIRoot string
	Tenants []Tenant
	Store   Store
	Logger  *slog.Logger
}

// Server is the TAXII 2.1 server, an http.Handler for Prefix.
type Server struct {
	cfg  Config
	auth *authenticator
	log  *slog.Logger
}

// New returns a server; it is an error when a tenant's password hash
// does not parse, a name repeats, or a tenant names a collection the
// store does not hold.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("taxii: no store")
	}
	if cfg.APIRoot == "" {
		cfg.APIRoot = DefaultAPIRoot
	}
	if cfg.Title == "" {
		cfg.Title = "manrs routing-security feeds"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cols, err := cfg.Store.Collections(context.Background())
	if err != nil {
		return nil, fmt.Errorf("taxii: list collections: %w", err)
	}
	dummy, err := hashPassword("", DefaultIterations)
	if err != nil {
		return nil, err
	}
	a := &authenticator{tenants: map[string]*tenantState{}, cache: map[[32]byte]*tenantState{}}
	a.dummy, _ = parseHash(dummy)
	for _, t := range cfg.Tenants {
		if _, dup := a.tenants[t.Name]; dup || t.Name == "" || strings.Contains(t.Name, ":") {
			return nil, fmt.Errorf("taxii: tenant %q: empty, repeated or with a colon", t.Name)
		}
		h, err := parseHash(t.PasswordHash)
		if err != nil {
			return nil, fmt.Errorf("taxii: tenant %s: %w", t.Name, err)
		}
		st := &tenantState{Tenant: t, hash: h, readable: map[string]bool{}}
		for _, name := range t.Collections {
			i := slices.IndexFunc(cols, func(c Collection) bool { return c.ID == name || c.Alias == name })
			if i < 0 {
				return nil, fmt.Errorf("taxii: tenant %s: no collection %q", t.Name, name)
			}
			st.readable[cols[i].ID] = true
		}
		a.tenants[t.Name] = st
	}
	return &Server{cfg: cfg, auth: a, log: cfg.Logger}, nil
}

// taxiiError is an error message (TAXII 2.1 section 3.6.1).
type taxiiError struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	HTTPStatus  string `json:"http_status"`
}

func (s *Server) fail(w http.ResponseWriter, code int, title, desc string) {
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(taxiiError{Title: title, Description: desc, HTTPStatus: fmt.Sprint(code)})
}

func (s *Server) reply(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "Internal error", "")
		return
	}
	w.Header().Set("Content-Type", MediaType)
	w.Write(b)
}

// acceptable reports whether an Accept header admits the TAXII 2.1 media
// type (application/taxii+json without a
// version means the latest).
func acceptable(accept string) bool {
	if accept == "" {
		return true
	}
	for _, r := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(r))
		if err != nil || params["q"] == "0" || params["q"] == "0.0" || params["q"] == "0.000" {
			continue
		}
		switch mt {
		case "*/*", "application/*":
			return true
		case "application/taxii+json":
			if v, ok := params["version"]; !ok || v == "2.1" {
				return true
			}
		}
	}
	return false
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, password, ok := r.BasicAuth()
	var t *tenantState
	if ok {
		t = s.auth.check(name, password)
	}
	if t == nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="manrs TAXII", charset="UTF-8"`)
		s.fail(w, http.StatusUnauthorized, "Unauthorized", "valid HTTP Basic credentials are required")
		return
	}
	if !acceptable(r.Header.Get("Accept")) {
		s.fail(w, http.StatusNotAcceptable, "Not acceptable", "the server answers with "+MediaType)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok && r.URL.Path+"/" != Prefix {
		s.fail(w, http.StatusNotFound, "Not found", "")
		return
	}
	var seg []string
	if rest = strings.TrimSuffix(rest, "/"); rest != "" {
		seg = strings.Split(rest, "/")
	}
	switch {
	case len(seg) == 0:
		if s.method(w, r, http.MethodGet) {
			s.discovery(w, r)
		}
	case seg[0] != s.cfg.APIRoot:
		s.fail(w, http.StatusNotFound, "Not found", "no such API root")
	case len(seg) == 1:
		if s.method(w, r, http.MethodGet) {
			s.apiRoot(w)
		}
	case len(seg) == 3 && seg[1] == "status":
		if s.method(w, r, http.MethodGet) {
			// Collections are read-only: no request ever has a status.
			s.fail(w, http.StatusNotFound, "Not found", "no such status")
		}
	case seg[1] != "collections":
		s.fail(w, http.StatusNotFound, "Not found", "")
	case len(seg) == 2:
		if s.method(w, r, http.MethodGet) {
			s.collections(w, r, t)
		}
	default:
		s.collection(w, r, t, seg[2:])
	}
}

// method answers 405 unless r's method is one of allowed.
func (s *Server) method(w http.ResponseWriter, r *http.Request, allowed ...string) bool {
	if r.Method == http.MethodHead {
		r.Method = http.MethodGet
	}
	if slices.Contains(allowed, r.Method) {
		return true
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	s.fail(w, http.StatusMethodNotAllowed, "Method not allowed", r.Method+" is not allowed here")
	return false
}

func (s *Server) base(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimSuffix(s.cfg.BaseURL, "/") + "/"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + Prefix
}

// discovery answers TAXII 2.1 section 4.1.
func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	root := s.base(r) + s.cfg.APIRoot + "/"
	s.reply(w, map[string]any{
		"title": s.cfg.Title, "description": s.cfg.Description, "contact": s.cfg.Contact,
		"default": root, "api_roots": []string{root},
	})
}

// apiRoot answers TAXII 2.1 section 4.2.
func (s *Server) apiRoot(w http.ResponseWriter) {
	s.reply(w, map[string]any{
		"title": s.cfg.Title, "description": s.cfg.Description,
		"versions": []string{MediaType}, "max_content_length": maxContentLength,
	})
}

type collectionResource struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Alias       string   `json:"alias,omitempty"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types"`
}

func resource(c Collection) collectionResource {
	return collectionResource{ID: c.ID, Title: c.Title, Description: c.Description, Alias: c.Alias,
		CanRead: true, MediaTypes: []string{STIXMediaType}}
}

// visible returns the collections t may read.
func (s *Server) visible(r *http.Request, t *tenantState) ([]Collection, error) {
	cols, err := s.cfg.Store.Collections(r.Context())
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(cols, func(c Collection) bool { return !c.Public && !t.readable[c.ID] }), nil
}

// collections answers TAXII 2.1 section 5.1.
func (s *Server) collections(w http.ResponseWriter, r *http.Request, t *tenantState) {
	cols, err := s.visible(r, t)
	if err != nil {
		s.internal(w, err)
		return
	}
	out := struct {
		Collections []collectionResource `json:"collections,omitempty"`
	}{}
	for _, c := range cols {
		out.Collections = append(out.Collections, resource(c))
	}
	s.reply(w, out)
}

func (s *Server) internal(w http.ResponseWriter, err error) {
	s.log.Error("taxii", "err", err)
	s.fail(w, http.StatusInternalServerError, "Internal error", "")
}

// collection dispatches the endpoints of one collection (TAXII 2.1
// sections 5.2 to 5.8). A collection the tenant may not read is not
// found, exactly as one that does not exist.
func (s *Server) collection(w http.ResponseWriter, r *http.Request, t *tenantState, seg []string) {
	cols, err := s.visible(r, t)
	if err != nil {
		s.internal(w, err)
		return
	}
	i := slices.IndexFunc(cols, func(c Collection) bool { return c.ID == seg[0] })
	if i < 0 {
		s.fail(w, http.StatusNotFound, "Not found", "no such collection")
		return
	}
	c := cols[i]
	switch {
	case len(seg) == 1:
		if s.method(w, r, http.MethodGet) {
			s.reply(w, resource(c))
		}
	case len(seg) == 2 && seg[1] == "manifest":
		if s.method(w, r, http.MethodGet) {
			s.list(w, r, c, nil, manifestPage)
		}
	case len(seg) == 2 && seg[1] == "objects":
		if !s.method(w, r, http.MethodGet, http.MethodPost) {
			return
		}
		if r.Method == http.MethodPost {
			s.refuseWrite(w, r)
			return
		}
		s.list(w, r, c, nil, objectsPage)
	case len(seg) == 3 && seg[1] == "objects":
		if !s.method(w, r, http.MethodGet, http.MethodDelete) {
			return
		}
		if r.Method == http.MethodDelete {
			s.fail(w, http.StatusForbidden, "Forbidden", "the collection is read-only")
			return
		}
		id := seg[2]
		s.list(w, r, c, &id, objectsPage)
	case len(seg) == 4 && seg[1] == "objects" && seg[3] == "versions":
		if s.method(w, r, http.MethodGet) {
			id := seg[2]
			s.list(w, r, c, &id, versionsPage)
		}
	default:
		s.fail(w, http.StatusNotFound, "Not found", "")
	}
}

// refuseWrite answers Add Objects (TAXII 2.1 section 5.5): 415 for
// content that is not a TAXII envelope, else 403, since every
// collection is read-only (can_write false).
func (s *Server) refuseWrite(w http.ResponseWriter, r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/taxii+json" || (params["version"] != "" && params["version"] != "2.1") {
		s.fail(w, http.StatusUnsupportedMediaType, "Unsupported media type", "send "+MediaType)
		return
	}
	s.fail(w, http.StatusForbidden, "Forbidden", "the collection is read-only")
}

type pageKind int

const (
	objectsPage pageKind = iota
	manifestPage
	versionsPage
)

type manifestRecord struct {
	ID        string `json:"id"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type"`
}

// formatTime writes a timestamp with milliseconds, or microseconds when
// it has them (dates added have).
func formatTime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()%int(time.Millisecond) == 0 {
		return t.Format(stix.TimestampFormat)
	}
	return t.Format("2006-01-02T15:04:05.000000Z")
}

// list answers Get Objects, Get Object Manifests, Get an Object and Get
// Object Versions (TAXII 2.1 sections 5.3, 5.4, 5.6, 5.8), with the
// X-TAXII-Date-Added-First and -Last headers (section 3.2).
func (s *Server) list(w http.ResponseWriter, r *http.Request, c Collection, id *string, kind pageKind) {
	allowed := []string{"id", "type", "version", "spec_version"}
	switch {
	case kind == versionsPage:
		allowed = []string{"spec_version"}
	case id != nil:
		allowed = []string{"version", "spec_version"}
	}
	q, err := parseQuery(r.URL.Query(), allowed...)
	if err != nil {
		s.fail(w, http.StatusBadRequest, "Bad request", err.Error())
		return
	}
	if id != nil {
		held, err := s.cfg.Store.Has(r.Context(), c.ID, *id)
		if err != nil {
			s.internal(w, err)
			return
		}
		if !held {
			s.fail(w, http.StatusNotFound, "Not found", "no such object in the collection")
			return
		}
		q.ids = []string{*id}
		if kind == versionsPage {
			q.all = true
		}
	}
	hits, more, err := s.cfg.Store.Find(r.Context(), c.ID, q.feedQuery(kind == objectsPage))
	if err != nil {
		s.internal(w, err)
		return
	}
	next := ""
	if len(hits) > 0 {
		w.Header().Set("X-TAXII-Date-Added-First", formatTime(hits[0].DateAdded))
		w.Header().Set("X-TAXII-Date-Added-Last", formatTime(hits[len(hits)-1].DateAdded))
		if more {
			next = encodeNext(hits[len(hits)-1].DateAdded, q.fingerprint)
		}
	}
	switch kind {
	case objectsPage:
		// The envelope is written by hand around the objects as the
		// store holds them (compact JSON, checked when read), rather
		// than encoded, which would copy and re-check each one.
		n := 64 + len(next)
		for _, e := range hits {
			n += len(e.Object) + 1
		}
		b := make([]byte, 0, n)
		b = append(b, `{"more":`...)
		b = strconv.AppendBool(b, more)
		if next != "" {
			b = append(b, `,"next":`...)
			b = strconv.AppendQuote(b, next)
		}
		if len(hits) > 0 {
			b = append(b, `,"objects":[`...)
			for i, e := range hits {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, e.Object...)
			}
			b = append(b, ']')
		}
		b = append(b, '}')
		w.Header().Set("Content-Type", MediaType)
		w.Write(b)
	case manifestPage:
		out := struct {
			More    bool             `json:"more"`
			Next    string           `json:"next,omitempty"`
			Objects []manifestRecord `json:"objects,omitempty"`
		}{More: more, Next: next}
		for _, e := range hits {
			out.Objects = append(out.Objects, manifestRecord{ID: e.ID, DateAdded: formatTime(e.DateAdded),
				Version: formatTime(e.Version), MediaType: "application/stix+json;version=" + e.SpecVersion})
		}
		s.reply(w, out)
	case versionsPage:
		out := struct {
			More     bool     `json:"more"`
			Next     string   `json:"next,omitempty"`
			Versions []string `json:"versions,omitempty"`
		}{More: more, Next: next}
		for _, e := range hits {
			out.Versions = append(out.Versions, formatTime(e.Version))
		}
		s.reply(w, out)
	}
}
