package whois

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/irr"
)

const (
	as112DB   = "../../testdata/irr/as112.db"
	bgpq4Dir  = "../../testdata/irr/bgpq4"
	testSets  = "testdata/sets.db"
	ioTimeout = 10 * time.Second
)

// loadDB loads RPSL files into a new DB whose sources are order.
func loadDB(tb testing.TB, order []string, files ...string) *DB {
	tb.Helper()
	db := NewDB(irr.New(order...))
	for _, f := range files {
		in, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		st, err := db.Load(in, f, irr.LoadOptions{})
		in.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if st.Bad() > 0 {
			tb.Fatalf("%s: %d bad objects: %v", f, st.Bad(), st.Errors)
		}
	}
	return db
}

// startServer serves db on a random port of 127.0.0.1 until the test
// ends, and returns its address.
func startServer(tb testing.TB, db *DB, cfg Config) (*Server, string) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := NewServer(db, cfg)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			tb.Errorf("shutdown: %v", err)
		}
		if err := <-errc; !errors.Is(err, ErrServerClosed) {
			tb.Errorf("serve: %v", err)
		}
	})
	return srv, ln.Addr().String()
}

// client is a test connection to a server.
type client struct {
	tb testing.TB
	c  net.Conn
	r  *bufio.Reader
}

func dial(tb testing.TB, addr string) *client {
	tb.Helper()
	c, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(ioTimeout))
	return &client{tb: tb, c: c, r: bufio.NewReader(c)}
}

func (cl *client) send(lines ...string) {
	cl.tb.Helper()
	if _, err := io.WriteString(cl.c, strings.Join(lines, "\n")+"\n"); err != nil {
		cl.tb.Fatal(err)
	}
}

// irrd reads one IRRd-style answer: "A<n>" with its data and "C", or a
// one-line answer. It returns the first line and the data.
func (cl *client) irrd() (string, string) {
	cl.tb.Helper()
	line, err := cl.r.ReadString('\n')
	if err != nil {
		cl.tb.Fatalf("read answer: %v (got %q)", err, line)
	}
	line = strings.TrimSuffix(line, "\n")
	if !strings.HasPrefix(line, "A") {
		return line, ""
	}
	n, err := strconv.Atoi(line[1:])
	if err != nil {
		cl.tb.Fatalf("answer %q: bad length", line)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(cl.r, data); err != nil {
		cl.tb.Fatalf("read %d bytes of data: %v", n, err)
	}
	end, err := cl.r.ReadString('\n')
	if err != nil || end != "C\n" {
		cl.tb.Fatalf("after %d bytes of data: %q, %v", n, end, err)
	}
	if !strings.HasSuffix(string(data), "\n") {
		cl.tb.Fatalf("data %q does not end with a newline", data)
	}
	return "A", strings.TrimSuffix(string(data), "\n")
}

// rest reads until the server closes the connection.
func (cl *client) rest() string {
	cl.tb.Helper()
	b, err := io.ReadAll(cl.r)
	if err != nil {
		cl.tb.Fatalf("read to the end: %v (got %q)", err, b)
	}
	return string(b)
}

// query sends one non-persistent query and returns all the server wrote
// before closing the connection.
func query(tb testing.TB, addr, q string) string {
	tb.Helper()
	cl := dial(tb, addr)
	cl.send(q)
	return cl.rest()
}

// genDump writes a synthetic RPSL dump of source GEN: ases aut-nums
// AS100000 and up, each originating perAS IPv4 /24s; as-sets AS-GROUP-k of
// group ASes each; and AS-ALL, whose members are the groups.
func genDump(ases, perAS, group int) string {
	var b strings.Builder
	b.Grow(ases * perAS * 80)
	n := 0
	for i := range ases {
		asn := 100000 + i
		for range perAS {
			a := 1<<24 + n<<8 // from 1.0.0.0 up, one /24 each
			fmt.Fprintf(&b, "route: %d.%d.%d.0/24\norigin: AS%d\nmnt-by: GEN-MNT\nsource: GEN\n\n", a>>24, a>>16&0xff, a>>8&0xff, asn)
			n++
		}
	}
	var groups []string
	for g := 0; g*group < ases; g++ {
		name := fmt.Sprintf("AS-GROUP-%d", g)
		groups = append(groups, name)
		fmt.Fprintf(&b, "as-set: %s\nmembers:", name)
		for i := g * group; i < min((g+1)*group, ases); i++ {
			if i > g*group {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " AS%d", 100000+i)
		}
		b.WriteString("\nsource: GEN\n\n")
	}
	fmt.Fprintf(&b, "as-set: AS-ALL\nmembers: %s\nsource: GEN\n", strings.Join(groups, ", "))
	return b.String()
}

// genDB loads genDump.
func genDB(tb testing.TB, ases, perAS, group int) *DB {
	tb.Helper()
	db := NewDB(irr.New("GEN"))
	st, err := db.Load(strings.NewReader(genDump(ases, perAS, group)), "gen", irr.LoadOptions{})
	if err != nil || st.Bad() > 0 {
		tb.Fatalf("load: %v, %d bad: %v", err, st.Bad(), st.Errors)
	}
	return db
}
