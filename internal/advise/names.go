package advise

import "fmt"

// MaxNameLen is the longest maintainer or source name accepted.
const MaxNameLen = 80

// ParseObjectName checks a maintainer or source name given for the route
// objects to register (what names the attribute "mnt-by" or "source"):
// an RPSL object name, letters, digits, "_" and "-", starting with a
// letter and ending with a letter or a digit (RFC 2622 section 2), at
// most MaxNameLen characters. what names the attribute in errors.
func ParseObjectName(what, s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("%s: empty", what)
	}
	if len(s) > MaxNameLen {
		return "", fmt.Errorf("%s %.40q: longer than %d characters", what, s, MaxNameLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		digit := c >= '0' && c <= '9'
		switch {
		case i == 0 && !letter:
			return "", fmt.Errorf("%s %q: RFC 2622 section 2: a name starts with a letter", what, s)
		case i == len(s)-1 && !letter && !digit:
			return "", fmt.Errorf("%s %q: RFC 2622 section 2: a name ends with a letter or a digit", what, s)
		case !letter && !digit && c != '_' && c != '-':
			return "", fmt.Errorf("%s %q: character %d is %q: RFC 2622 section 2: a name holds letters, digits, '_' and '-'", what, s, i+1, c)
		}
	}
	return s, nil
}
