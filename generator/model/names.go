package model

import (
	"strconv"
	"strings"
	"unicode"
)

// initialisms are written in upper case in Go identifiers, as golint and
// the standard library do: UserID, ParseURL, HTTPClient.
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "CSV": true, "DNS": true,
	"EOF": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true, "IP": true,
	"JSON": true, "JWT": true, "LHS": true, "OS": true, "QPS": true, "RAM": true, "RHS": true,
	"RPC": true, "SDK": true, "SLA": true, "SMTP": true, "SQL": true, "SSE": true, "SSH": true,
	"TCP": true, "TLS": true, "TTL": true, "UDP": true, "UI": true, "UID": true, "URI": true,
	"URL": true, "UTF8": true, "UUID": true, "VM": true, "XML": true, "XMPP": true, "XSRF": true,
	"XSS": true,
}

// words splits s into words at non-alphanumeric characters and at case
// changes: "petId" -> pet Id, "HTTPServer" -> HTTP Server, "x-rate-limit"
// -> x rate limit.
func words(s string) []string {
	var out []string
	rs := []rune(s)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, string(rs[start:end]))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush(i)
			start = i
		case unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]) && !plural(rs, i+1):
			// "HTTPServer": the S starts a new word; but "IDs" is one.
			flush(i)
			start = i
		case unicode.IsLetter(r) && unicode.IsDigit(prev):
			// "v2beta" stays one word, but "2fa" reads better as is; only
			// split digit-to-upper ("Oauth2Token").
			if unicode.IsUpper(r) {
				flush(i)
				start = i
			}
		}
	}
	flush(len(rs))
	return out
}

// plural reports whether rs[i] is an "s" that ends a word: the plural of
// an upper-case run, as in "UUIDs".
func plural(rs []rune, i int) bool {
	return rs[i] == 's' && (i+1 == len(rs) || !unicode.IsLower(rs[i+1]))
}

// GoName turns a name from the spec into an exported Go identifier:
// "pet_id" -> PetID, "x-request-id" -> XRequestID, "2fa" -> N2fa.
func GoName(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		upper := strings.ToUpper(w)
		switch {
		case initialisms[upper]:
			b.WriteString(upper)
		case len(w) > 1 && (w[len(w)-1] == 's') && initialisms[upper[:len(upper)-1]]:
			b.WriteString(upper[:len(upper)-1] + "s") // IDs, URLs
		default:
			r := []rune(w)
			b.WriteString(string(unicode.ToUpper(r[0])) + strings.ToLower(string(r[1:])))
		}
	}
	name := b.String()
	if name == "" {
		return "X"
	}
	if r := []rune(name)[0]; !unicode.IsLetter(r) {
		name = "N" + name
	}
	return name
}

// namespace hands out unique identifiers: the first claimant of a name gets
// it, later ones get a numeric suffix, deterministically in claim order.
type namespace map[string]bool

func (ns namespace) claim(name string) string {
	if !ns[name] {
		ns[name] = true
		return name
	}
	for i := 2; ; i++ {
		n := name + strconv.Itoa(i)
		if !ns[n] {
			ns[n] = true
			return n
		}
	}
}
