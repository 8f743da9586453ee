package runtime

import (
	"errors"
	"net/mail"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// formats are the string formats CheckFormat knows, each with what a
// value must be.
var formats = map[string]struct {
	valid func(s string) bool
	want  string
}{
	"date-time": {func(s string) bool { _, err := time.Parse(time.RFC3339Nano, s); return err == nil }, "a date-time (RFC 3339)"},
	"date":      {func(s string) bool { _, err := time.Parse(time.DateOnly, s); return err == nil }, "a date (RFC 3339 full-date)"},
	"time":      {validTime, "a time (RFC 3339 full-time)"},
	"uuid":      {validUUID, "a UUID"},
	"email":     {validEmail, "an email address"},
	"uri":       {validURI, "an absolute URI (RFC 3986)"},
	"ipv4":      {func(s string) bool { a, err := netip.ParseAddr(s); return err == nil && a.Is4() }, "an IPv4 address"},
	"ipv6":      {func(s string) bool { a, err := netip.ParseAddr(s); return err == nil && a.Is6() }, "an IPv6 address"},
}

// CheckFormat reports an error when s is not of the named string format:
// date-time, date, time, uuid, email, uri, ipv4 or ipv6. A format it does
// not know is not checked, as JSON Schema allows.
func CheckFormat(name, s string) error {
	f, ok := formats[name]
	if !ok || f.valid(s) {
		return nil
	}
	return errors.New("must be " + f.want)
}

// KnownFormat reports whether CheckFormat checks the format name.
func KnownFormat(name string) bool {
	_, ok := formats[name]
	return ok
}

// validTime accepts an RFC 3339 full-time: 15:04:05, fractions of a
// second and a zone offset or Z.
func validTime(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, "2006-01-02T"+s)
	return err == nil && !strings.ContainsAny(s, "T")
}

// validUUID accepts the 8-4-4-4-12 hexadecimal form.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		switch c := s[i]; {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// validEmail accepts an RFC 5322 address, without a display name.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// validURI accepts an absolute URI: a scheme and characters RFC 3986
// allows.
func validURI(s string) bool {
	for i := range len(s) {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`{|}", c) >= 0 {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != ""
}
