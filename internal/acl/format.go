package acl

import (
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// Format is a configuration language a filter is written in. Each has a
// file of its own and an entry in the formats table.
type Format struct {
	// Name names the format, e.g. "ios-xr".
	Name string
	// Title says what reads it, e.g. "Cisco IOS XR".
	Title string
	// Comment starts a comment line.
	Comment string
	// interpreter is the first line of a script, before the summary.
	interpreter string
	// write appends the filter to b.
	write func(b *strings.Builder, f *Filter)
	// checkInterface adds the format's rules on interface names to
	// ParseInterface's; nil for none.
	checkInterface func(name string) error
	// needsInterface tells that the filter cannot be written without
	// the interface it applies to.
	needsInterface bool
}

// formats is the table of formats.
var formats = []*Format{
	formatIOS,
	formatIOSXR,
	formatEOS,
	formatJunos,
	formatNftables,
	formatIPTables,
}

// Formats returns the formats, in the order of the table.
func Formats() []*Format { return append([]*Format(nil), formats...) }

// FormatNames returns the names of the formats, for messages.
func FormatNames() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.Name
	}
	return out
}

// LookupFormat returns the format called name.
func LookupFormat(name string) (*Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// ParseFormat returns the format called name, or an error naming the
// formats there are.
func ParseFormat(name string) (*Format, error) {
	if f, ok := LookupFormat(name); ok {
		return f, nil
	}
	return nil, fmt.Errorf("unknown format %.40q: want one of %s", name, strings.Join(FormatNames(), ", "))
}

// CheckInterface checks an interface name for the format: ParseInterface's
// rules and the format's own; "" is refused by the formats that need an
// interface.
func (ft *Format) CheckInterface(name string) error {
	if name == "" {
		if ft.needsInterface {
			return fmt.Errorf("%s: the filter needs the interface it applies to", ft.Name)
		}
		return nil
	}
	if err := ParseInterface(name); err != nil {
		return err
	}
	if ft.checkInterface != nil {
		if err := ft.checkInterface(name); err != nil {
			return fmt.Errorf("%s: %w", ft.Name, err)
		}
	}
	return nil
}

// Write writes the filter in the format.
func (ft *Format) Write(w io.Writer, f *Filter) error {
	if err := ft.CheckInterface(f.Interface); err != nil {
		return err
	}
	if _, err := ParseName(f.Name); err != nil {
		return err
	}
	var b strings.Builder
	if ft.interpreter != "" {
		b.WriteString(ft.interpreter + "\n")
	}
	for _, line := range f.summary() {
		b.WriteString(ft.Comment)
		b.WriteString(" ")
		b.WriteString(line)
		b.WriteString("\n")
	}
	ft.write(&b, f)
	_, err := io.WriteString(w, b.String())
	return err
}

// familyWord returns what a format's family keyword is for each family.
func familyWord(v6 bool, v4word, v6word string) string {
	if v6 {
		return v6word
	}
	return v4word
}

// linkLocal is the IPv6 link-local prefix. Routers do not forward packets
// with a link-local source (RFC 4291 section 2.5.6), so letting them in
// lets no spoofed packet beyond the link, and neighbor discovery and
// routing protocols on the link need them.
var linkLocal = netip.MustParsePrefix("fe80::/10")

// Logging of denied packets by the Linux formats: at most LogRate a
// second, in bursts of LogBurst, so that a flood of spoofed packets does
// not flood the log as well.
const (
	LogRate  = 10
	LogBurst = 20
)
