package taxii

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/stix"
	"github.com/manrs/manrs/internal/store"
	"github.com/manrs/manrs/internal/store/sqlite"
)

var (
	colPublic = Collection{ID: stix.UUID("collection|public"), Alias: "public", Title: "Public routing-security events", Public: true}
	colA      = Collection{ID: stix.UUID("collection|tenant-a"), Alias: "tenant-a", Title: "Events touching tenant A"}
	colB      = Collection{ID: stix.UUID("collection|tenant-b"), Alias: "tenant-b", Title: "Events touching tenant B"}
)

const nObjects = 3000

// rawObject is a minimal indicator version, or an observable when
// version is zero.
func rawObject(i int, version time.Time) json.RawMessage {
	if version.IsZero() {
		return json.RawMessage(fmt.Sprintf(`{"type":"autonomous-system","spec_version":"2.1","id":"autonomous-system--%s","number":%d}`,
			stix.UUID(fmt.Sprint("as", i)), 64500+i))
	}
	ts := version.Format(stix.TimestampFormat)
	return json.RawMessage(fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":"indicator--%s","created":"2026-10-01T00:00:00.000Z","modified":%q,"pattern":"[autonomous-system:number = %d]","pattern_type":"stix","valid_from":"2026-10-01T00:00:00.000Z"}`,
		stix.UUID(fmt.Sprint("ind", i)), ts, 64500+i))
}

var base = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// memStore opens an empty store in memory, closed when the test ends.
func memStore(t testing.TB) store.Store {
	st, err := sqlite.Open(sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fixture builds a store whose tenant-a collection holds nObjects
// object versions: every tenth indicator in two versions, every
// seventh object an observable, added in batches of 250.
func fixture(t testing.TB, n int) (*Feeds, *Server) {
	m := NewFeeds(memStore(t), colPublic, colA, colB)
	var raws []json.RawMessage
	for i := 0; len(raws) < n; i++ {
		if i%7 == 0 {
			raws = append(raws, rawObject(i, time.Time{}))
			continue
		}
		raws = append(raws, rawObject(i, base.Add(time.Duration(i)*time.Second)))
		if i%10 == 0 && len(raws) < n {
			raws = append(raws, rawObject(i, base.Add(time.Duration(i)*time.Second+time.Hour)))
		}
	}
	for i := 0; i < len(raws); i += 250 {
		if _, err := m.AddRaw(context.Background(), colA.ID, raws[i:min(i+250, len(raws))]...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Add(context.Background(), colPublic.ID, stix.Shared()...); err != nil {
		t.Fatal(err)
	}
	ha, _ := hashPassword("secret-a", 1000)
	hb, _ := hashPassword("secret-b", 1000)
	s, err := New(Config{Store: m, Description: "test", Tenants: []Tenant{
		{Name: "a", PasswordHash: ha, Collections: []string{"tenant-a"}},
		{Name: "b", PasswordHash: hb, Collections: []string{colB.ID}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

type client struct {
	t          testing.TB
	srv        *httptest.Server
	user, pass string
}

type response struct {
	code int
	hdr  http.Header
	body []byte
}

func (c *client) do(method, path, accept, ctype string) response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, strings.NewReader("{}"))
	if err != nil {
		c.t.Fatal(err)
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, b}
}

func (c *client) get(path string, into any) response {
	c.t.Helper()
	r := c.do("GET", path, MediaType, "")
	if r.code != 200 {
		c.t.Fatalf("GET %s: %d %s", path, r.code, r.body)
	}
	if ct := r.hdr.Get("Content-Type"); ct != MediaType {
		c.t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	if into != nil {
		if err := json.Unmarshal(r.body, into); err != nil {
			c.t.Fatalf("GET %s: %v", path, err)
		}
	}
	return r
}

type envelope struct {
	More    bool   `json:"more"`
	Next    string `json:"next"`
	Objects []struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Modified string `json:"modified"`
	} `json:"objects"`
}

func objectsPath(col, query string) string {
	return "/taxii2/manrs/collections/" + col + "/objects/" + query
}

// pageQuery is the query of a page: the filters and the limit.
func pageQuery(filter string, limit int) url.Values {
	q, _ := url.ParseQuery(filter)
	if q == nil {
		q = url.Values{}
	}
	q.Set("limit", fmt.Sprint(limit))
	return q
}

// pollNext pages with next tokens and returns every "id@version" seen.
func pollNext(c *client, col, filter string, limit int) []string {
	var out []string
	next := ""
	for pages := 0; ; pages++ {
		q := pageQuery(filter, limit)
		if next != "" {
			q.Set("next", next)
		}
		var env envelope
		r := c.get(objectsPath(col, "?"+q.Encode()), &env)
		if len(env.Objects) > limit {
			c.t.Fatalf("page of %d over limit %d", len(env.Objects), limit)
		}
		if len(env.Objects) > 0 && (r.hdr.Get("X-TAXII-Date-Added-First") == "" || r.hdr.Get("X-TAXII-Date-Added-Last") == "") {
			c.t.Fatal("no X-TAXII-Date-Added headers")
		}
		for _, o := range env.Objects {
			out = append(out, o.ID+"@"+o.Modified)
		}
		if env.More != (env.Next != "") {
			c.t.Fatalf("more %v with next %q", env.More, env.Next)
		}
		if !env.More {
			return out
		}
		next = env.Next
	}
}

// pollAddedAfter pages with added_after from X-TAXII-Date-Added-Last,
// as clients that ignore next do.
func pollAddedAfter(c *client, col, filter string, limit int) []string {
	var out []string
	after := ""
	for {
		q := pageQuery(filter, limit)
		if after != "" {
			q.Set("added_after", after)
		}
		var env envelope
		r := c.get(objectsPath(col, "?"+q.Encode()), &env)
		for _, o := range env.Objects {
			out = append(out, o.ID+"@"+o.Modified)
		}
		if !env.More {
			return out
		}
		after = r.hdr.Get("X-TAXII-Date-Added-Last")
	}
}

// expected lists what a collection holds under a version filter, worked
// out here from all of its entries rather than by the store's filters.
func expected(m *Feeds, col string, which string) []string {
	es, _, err := m.Find(context.Background(), col, store.FeedQuery{All: true, Limit: 1 << 20, Bodies: true})
	if err != nil {
		panic(err)
	}
	byID := map[string][]int{}
	for i, e := range es {
		byID[e.ID] = append(byID[e.ID], i)
	}
	var out []string
	for i, e := range es {
		vs := byID[e.ID] // in order of date added, which is version order here
		keep := which == "all" || (which == "last" && vs[len(vs)-1] == i) || (which == "first" && vs[0] == i)
		if keep {
			var head struct {
				Modified string `json:"modified"`
			}
			json.Unmarshal(e.Object, &head)
			out = append(out, e.ID+"@"+head.Modified)
		}
	}
	return out
}

func sameList(t *testing.T, what string, got, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, g := range got {
		seen[g]++
		if seen[g] == 2 {
			t.Errorf("%s: %s twice", what, g)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d objects, want %d", what, len(got), len(want))
	}
	for _, w := range want {
		if seen[w] == 0 {
			t.Errorf("%s: %s missing", what, w)
			return
		}
	}
}

func TestConformance(t *testing.T) {
	m, s := fixture(t, nObjects)
	srv := httptest.NewServer(s)
	defer srv.Close()
	a := &client{t: t, srv: srv, user: "a", pass: "secret-a"}
	b := &client{t: t, srv: srv, user: "b", pass: "secret-b"}

	t.Run("discovery", func(t *testing.T) {
		var d struct {
			Title    string   `json:"title"`
			Default  string   `json:"default"`
			APIRoots []string `json:"api_roots"`
		}
		a.get("/taxii2/", &d)
		if len(d.APIRoots) != 1 || d.APIRoots[0] != srv.URL+"/taxii2/manrs/" || d.Default != d.APIRoots[0] {
			t.Errorf("discovery %+v", d)
		}
		var root struct {
			Versions []string `json:"versions"`
		}
		a.get("/taxii2/manrs/", &root)
		if len(root.Versions) != 1 || root.Versions[0] != MediaType {
			t.Errorf("api root versions %v", root.Versions)
		}
		var cols struct {
			Collections []collectionResource `json:"collections"`
		}
		a.get("/taxii2/manrs/collections/", &cols)
		if len(cols.Collections) != 2 || cols.Collections[0].ID != colPublic.ID || cols.Collections[1].ID != colA.ID ||
			!cols.Collections[1].CanRead || cols.Collections[1].CanWrite {
			t.Errorf("collections of a: %+v", cols.Collections)
		}
		var one collectionResource
		a.get("/taxii2/manrs/collections/"+colA.ID+"/", &one)
		if one.Alias != "tenant-a" || len(one.MediaTypes) != 1 {
			t.Errorf("collection %+v", one)
		}
	})

	t.Run("paging", func(t *testing.T) {
		for _, which := range []string{"last", "all", "first"} {
			want := expected(m, colA.ID, which)
			filter := "match[version]=" + which
			sameList(t, which+" by next", pollNext(a, colA.ID, filter, 97), want)
			sameList(t, which+" by added_after", pollAddedAfter(a, colA.ID, filter, 101), want)
		}
		sameList(t, "default by next", pollNext(a, colA.ID, "", 1000), expected(m, colA.ID, "last"))
	})

	t.Run("filters", func(t *testing.T) {
		var env envelope
		env = envelope{}
		a.get(objectsPath(colA.ID, "?match[type]=autonomous-system&limit=1000"), &env)
		if len(env.Objects) == 0 {
			t.Fatal("no observables")
		}
		for _, o := range env.Objects {
			if o.Type != "autonomous-system" {
				t.Fatalf("match[type]: got a %s", o.Type)
			}
		}
		id := "indicator--" + stix.UUID("ind10")
		env = envelope{}
		a.get(objectsPath(colA.ID, "?match[id]="+id), &env)
		if len(env.Objects) != 1 || env.Objects[0].Modified != "2026-10-01T01:00:10.000Z" {
			t.Errorf("match[id] last: %+v", env.Objects)
		}
		env = envelope{}
		a.get(objectsPath(colA.ID, "?match[id]="+id+"&match[version]=first"), &env)
		if len(env.Objects) != 1 || env.Objects[0].Modified != "2026-10-01T00:00:10.000Z" {
			t.Errorf("match[version]=first: %+v", env.Objects)
		}
		env = envelope{}
		a.get(objectsPath(colA.ID, "?match[id]="+id+"&match[version]=all"), &env)
		if len(env.Objects) != 2 {
			t.Errorf("match[version]=all: %+v", env.Objects)
		}
		env = envelope{}
		a.get(objectsPath(colA.ID, "?match[id]="+id+"&match[version]=2026-10-01T00:00:10.000Z"), &env)
		if len(env.Objects) != 1 || env.Objects[0].Modified != "2026-10-01T00:00:10.000Z" {
			t.Errorf("match[version]=timestamp: %+v", env.Objects)
		}
		env = envelope{}
		a.get(objectsPath(colA.ID, "?match[spec_version]=2.0"), &env)
		if len(env.Objects) != 0 || env.More {
			t.Errorf("match[spec_version]=2.0: %d objects", len(env.Objects))
		}
		env = envelope{}
		a.get(objectsPath(colA.ID, "?match[spec_version]=2.1&match[type]=indicator,autonomous-system&limit=5"), &env)
		if len(env.Objects) != 5 || !env.More {
			t.Errorf("match[spec_version]=2.1: %d objects", len(env.Objects))
		}
		// One object, its versions, the manifest.
		a.get(objectsPath(colA.ID, id+"/"), &env)
		if len(env.Objects) != 1 {
			t.Errorf("get an object: %+v", env)
		}
		var vers struct {
			Versions []string `json:"versions"`
		}
		a.get(objectsPath(colA.ID, id+"/versions/"), &vers)
		if len(vers.Versions) != 2 || vers.Versions[0] != "2026-10-01T00:00:10.000Z" {
			t.Errorf("versions %v", vers.Versions)
		}
		if r := a.do("GET", objectsPath(colA.ID, "indicator--"+stix.UUID("none")+"/"), MediaType, ""); r.code != 404 {
			t.Errorf("unknown object: %d", r.code)
		}
		var man struct {
			More    bool             `json:"more"`
			Objects []manifestRecord `json:"objects"`
		}
		a.get("/taxii2/manrs/collections/"+colA.ID+"/manifest/?match[version]=all&limit=1000", &man)
		if len(man.Objects) != 1000 || !man.More || man.Objects[0].MediaType != STIXMediaType {
			t.Errorf("manifest: %d records, more %v", len(man.Objects), man.More)
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			c                   *client
			method, path        string
			accept, contentType string
			code                int
		}{
			{a, "GET", "/taxii2/", "application/json", "", 406},
			{a, "GET", "/taxii2/", "application/taxii+json;version=2.0", "", 406},
			{a, "GET", "/taxii2/", "application/taxii+json", "", 200},
			{a, "POST", objectsPath(colA.ID, ""), MediaType, "application/json", 415},
			{a, "POST", objectsPath(colA.ID, ""), MediaType, MediaType, 403},
			{a, "DELETE", objectsPath(colA.ID, "indicator--"+stix.UUID("ind1")+"/"), MediaType, "", 403},
			{a, "PUT", objectsPath(colA.ID, ""), MediaType, "", 405},
			{a, "GET", objectsPath(colA.ID, "?limit=0"), MediaType, "", 400},
			{a, "GET", objectsPath(colA.ID, "?match[foo]=x"), MediaType, "", 400},
			{a, "GET", objectsPath(colA.ID, "?added_after=yesterday"), MediaType, "", 400},
			{a, "GET", objectsPath(colA.ID, "?next="+encodeNext(base, 1)), MediaType, "", 400},
			{a, "GET", "/taxii2/manrs/status/" + stix.UUID("s") + "/", MediaType, "", 404},
			{a, "GET", "/taxii2/other/", MediaType, "", 404},
			{&client{t: t, srv: srv, user: "a", pass: "wrong"}, "GET", "/taxii2/", MediaType, "", 401},
			{&client{t: t, srv: srv, user: "nobody", pass: "secret-a"}, "GET", "/taxii2/", MediaType, "", 401},
			{&client{t: t, srv: srv}, "GET", objectsPath(colA.ID, ""), MediaType, "", 401},
			// Another tenant's collection is not found, like one that
			// does not exist.
			{b, "GET", objectsPath(colA.ID, ""), MediaType, "", 404},
			{b, "GET", "/taxii2/manrs/collections/" + colA.ID + "/", MediaType, "", 404},
			{b, "POST", objectsPath(colA.ID, ""), MediaType, MediaType, 404},
			{b, "GET", objectsPath(stix.UUID("none"), ""), MediaType, "", 404},
			{b, "GET", objectsPath(colPublic.ID, ""), MediaType, "", 200},
			{b, "GET", objectsPath(colB.ID, ""), MediaType, "", 200},
			{a, "GET", objectsPath(colPublic.ID, ""), MediaType, "", 200},
		} {
			r := tc.c.do(tc.method, tc.path, tc.accept, tc.contentType)
			if r.code != tc.code {
				t.Errorf("%s %s %s as %q: %d, want %d (%s)", tc.method, tc.path, tc.accept, tc.c.user, r.code, tc.code, r.body)
				continue
			}
			if ct := r.hdr.Get("Content-Type"); ct != MediaType {
				t.Errorf("%s %s: Content-Type %q", tc.method, tc.path, ct)
			}
			if tc.code == 401 && !strings.HasPrefix(r.hdr.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("401 without WWW-Authenticate Basic")
			}
			if tc.code >= 400 {
				var e taxiiError
				if err := json.Unmarshal(r.body, &e); err != nil || e.Title == "" || e.HTTPStatus != fmt.Sprint(tc.code) {
					t.Errorf("%s %s: error message %s", tc.method, tc.path, r.body)
				}
			}
		}
		r1 := b.do("GET", objectsPath(colA.ID, ""), MediaType, "")
		r2 := b.do("GET", objectsPath(stix.UUID("none"), ""), MediaType, "")
		if string(r1.body) != string(r2.body) {
			t.Errorf("a hidden collection answers differently from a missing one: %s vs %s", r1.body, r2.body)
		}
		if r := a.do("GET", objectsPath(colA.ID, ""), "", ""); r.code != 200 {
			t.Errorf("no Accept: %d", r.code)
		}
		// A malformed Authorization header is a 401 too.
		req, _ := http.NewRequest("GET", srv.URL+"/taxii2/", nil)
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("no-colon")))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("malformed credentials: %d", resp.StatusCode)
		}
	})
}

// TestStixFeed feeds a collection with stix objects twice: the second
// time adds nothing, since ids and versions are stable.
func TestStixFeed(t *testing.T) {
	ctx := context.Background()
	st := memStore(t)
	m := NewFeeds(st, colPublic)
	objs := stix.NewBundle("x", nil).Objects
	n, err := m.Add(ctx, colPublic.ID, objs...)
	if err != nil || n != len(objs) {
		t.Fatalf("added %d of %d: %v", n, len(objs), err)
	}
	if n, _ := m.Add(ctx, colPublic.ID, objs...); n != 0 {
		t.Errorf("re-publishing added %d", n)
	}
	if _, err := m.Add(ctx, "nope", objs...); err != ErrNoCollection {
		t.Errorf("unknown collection: %v", err)
	}
	// Another Feeds over the same store (a restart) serves the same
	// entries, dates added included, and adds nothing again.
	q := store.FeedQuery{All: true, Limit: 100, Bodies: true}
	before, _, _ := m.Find(ctx, colPublic.ID, q)
	m2 := NewFeeds(st, colPublic)
	if n, _ := m2.Add(ctx, colPublic.ID, objs...); n != 0 {
		t.Errorf("re-publishing after a restart added %d", n)
	}
	after, _, err := m2.Find(ctx, colPublic.ID, q)
	if err != nil || len(after) != len(before) {
		t.Fatalf("after a restart: %d entries (%v), %d before", len(after), err, len(before))
	}
	for i := range before {
		if !after[i].DateAdded.Equal(before[i].DateAdded) || after[i].ID != before[i].ID {
			t.Errorf("entry %d: %s added %s after a restart, %s added %s before", i, after[i].ID, after[i].DateAdded, before[i].ID, before[i].DateAdded)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := hashPassword("pw", 1000)
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseHash(h)
	if err != nil || !p.matches("pw") || p.matches("pW") {
		t.Errorf("hash %s: %v", h, err)
	}
	for _, bad := range []string{"", "pbkdf2-sha256$0$AA$AA", "bcrypt$1$AA$AA", "pbkdf2-sha256$99999999999$AA$AA", "pbkdf2-sha256$10$!$AA"} {
		if _, err := parseHash(bad); err == nil {
			t.Errorf("parseHash(%q) accepted", bad)
		}
	}
	if _, err := New(Config{Store: NewFeeds(memStore(t)), Tenants: []Tenant{{Name: "x", PasswordHash: h, Collections: []string{"missing"}}}}); err == nil {
		t.Error("tenant with an unknown collection accepted")
	}
}
