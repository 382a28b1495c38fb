package whois

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fuzzQueries seed the fuzz targets: every kind of query, and what bgpq4
// sends.
var fuzzQueries = []string{
	"!!", "!q", "!v", "!nbgpq4 1.9", "!s-lc", "!sRIPE,RADB", "!a", "!a4AS-EXAMPLE", "!a6AS3333", "!gas3333",
	"!6AS3333", "!iAS-EXAMPLE,1", "!iRS-EXAMPLE", "!j-*", "!jRIPE,FOO", "!mroute,193.0.0.0/20AS3333",
	"!maut-num,AS3333", "!oEXAMPLE-MNT", "!r193.0.0.0/24,o", "!r193.0.0.0/16,M", "!r193.0.0.0/24,l", "!t5",
	"AS3333", "-k -K -s RIPE -T route -x 193.0.0.0/24", "-i origin AS3333", "-i member-of RS-EXAMPLE",
	"-i mnt-by OTHER-MNT", "-L 193.0.4.1", "-a -V x AS-DEEP", "!x", "-q", "!g", "!r::/0,M", "!i\xff",
	"-g RIPE:3:1-LAST", "-g RADB:1:5-10 -s RIPE", "-k -g RIPE:3:1-2",
}

// FuzzQuery parses and answers arbitrary query lines and checks: no
// panic; a parse error is a QueryError with a message; a parsed query
// gives back the same query from its canonical form (the encoder's round
// trip); the answer is framed as its Size says, stays within the answer
// limit, and an error message is one line.
func FuzzQuery(f *testing.F) {
	for _, q := range fuzzQueries {
		f.Add(q)
	}
	db := loadDB(f, []string{"RIPE", "RADB"}, testSets)
	const maxAnswer = 4096
	f.Fuzz(func(t *testing.T, line string) {
		q, err := ParseQuery(line)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Msg == "" {
				t.Fatalf("%q: error %#v", line, err)
			}
		} else {
			again, err := ParseQuery(q.String())
			if err != nil || again.String() != q.String() || again.Kind != q.Kind {
				t.Fatalf("%q: canonical %q parses to %q (%v)", line, q.String(), again.String(), err)
			}
		}
		s := NewSession(db, SessionConfig{Limits: Limits{MaxAnswerBytes: maxAnswer, MaxSetMembers: 100}})
		_, a := s.AnswerLine(line)
		out := a.AppendTo(nil)
		if len(out) != a.Size() {
			t.Fatalf("%q: wrote %d bytes, Size %d", line, len(out), a.Size())
		}
		if len(a.Body) > maxAnswer {
			t.Fatalf("%q: body of %d bytes", line, len(a.Body))
		}
		if a.Status == StatusError && bytes.ContainsAny(a.Body, "\r\n") {
			t.Fatalf("%q: error of several lines: %q", line, a.Body)
		}
		if a.Status == StatusData && !a.RIPE {
			head, rest, _ := bytes.Cut(out, []byte("\n"))
			n, err := strconv.Atoi(string(head[1:]))
			if head[0] != 'A' || err != nil || n != len(rest)-2 || !bytes.HasSuffix(rest, []byte("\nC\n")) {
				t.Fatalf("%q: badly framed %q", line, out)
			}
		}
	})
}

// FuzzConn sends arbitrary bytes on a connection and checks that the
// server answers and closes it without panicking or hanging, and writes
// at most an answer's limit per query line.
func FuzzConn(f *testing.F) {
	f.Add([]byte("!!\n" + strings.Join(fuzzQueries, "\n") + "\n!q\n"))
	f.Add([]byte("!gas3333\r\n"))
	f.Add([]byte("!!\n!t1\n!gAS3333"))
	f.Add([]byte("-k\n\n\n-k AS3333\n" + strings.Repeat("x", 300)))
	f.Add([]byte("!!\x00\n!i\xff\xfe,1\n"))
	db := loadDB(f, []string{"RIPE", "RADB"}, testSets)
	const maxAnswer, maxLine = 2048, 256
	_, addr := startServer(f, db, Config{
		MaxQueryLength: maxLine, IdleTimeout: time.Second, WriteTimeout: time.Second,
		Limits: Limits{MaxAnswerBytes: maxAnswer, MaxSetMembers: 100},
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		go func() {
			c.Write(data)
			c.(*net.TCPConn).CloseWrite()
		}()
		out, err := io.ReadAll(c)
		if err != nil && !errors.Is(err, net.ErrClosed) && !isReset(err) {
			t.Fatalf("reading the answers: %v", err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if len(out) > lines*(maxAnswer+64) {
			t.Fatalf("%d bytes answered to %d lines", len(out), lines)
		}
	})
}

// isReset reports whether err is a connection reset, which a client
// sending more after the server's last answer may see.
func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}
