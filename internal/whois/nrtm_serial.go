package whois

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxSerialHeader bounds how much of a dump DumpSerial reads: its
// comment lines before the first object.
const maxSerialHeader = 64 << 10

// DumpSerial reads the serial a dump was taken at from its comment lines
// before the first object: "% SERIAL 12345", "%SERIAL: 12345" or
// "# SERIAL 12345", in any case. It reads at most 64 KiB, and reports
// whether it found one.
func DumpSerial(r io.Reader) (uint64, bool) {
	sc := bufio.NewScanner(io.LimitReader(r, maxSerialHeader))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if line[0] != '%' && line[0] != '#' {
			return 0, false
		}
		f := strings.Fields(strings.TrimLeft(line, "%#"))
		if len(f) == 0 {
			continue
		}
		word, rest := f[0], f[1:]
		if w, ok := strings.CutSuffix(word, ":"); ok {
			word = w
		}
		if !strings.EqualFold(word, "SERIAL") || len(rest) != 1 {
			continue
		}
		if n, err := strconv.ParseUint(rest[0], 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}

// ReadSerialFile reads a file of one serial, as RIPE publishes
// RIPE.CURRENTSERIAL beside its dumps.
func ReadSerialFile(r io.Reader, name string) (uint64, error) {
	b, err := io.ReadAll(io.LimitReader(r, 64))
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", name, err)
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a serial", name, strings.TrimSpace(string(b)))
	}
	return n, nil
}
