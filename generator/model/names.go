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

// longestInitialism is the length of the longest of the initialisms.
var longestInitialism = func() int {
	n := 0
	for w := range initialisms {
		n = max(n, len(w))
	}
	return n
}()

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
// Initialisms are upper case, even run together as in "HTTPURL". A name
// in upper case throughout is SCREAMING_CASE and its other words are
// title-cased ("IN_PROGRESS" -> InProgress); in a name that also has
// lower case, an upper-case word is an acronym the author chose and keeps
// its case ("OCRResponse", "MCPTool").
func GoName(s string) string {
	mixed := strings.ToUpper(s) != s
	var b strings.Builder
	for _, w := range words(s) {
		upper := strings.ToUpper(w)
		stem := strings.TrimSuffix(w, "s")
		switch {
		case initialisms[upper], w == upper && isInitialisms(w):
			b.WriteString(upper)
		case len(w) > 1 && stem != w && initialisms[strings.ToUpper(stem)]:
			b.WriteString(strings.ToUpper(stem) + "s") // IDs, URLs
		case mixed && len(stem) > 1 && stem == strings.ToUpper(stem):
			b.WriteString(w) // OCR, MCPs
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

// isInitialisms reports whether w is one initialism or several run
// together, as in "HTTPURL" or "APIID".
func isInitialisms(w string) bool {
	// ends[i] reports whether w[:i] is made of initialisms.
	ends := make([]bool, len(w)+1)
	ends[0] = true
	for i := range len(w) {
		for j := i + 1; ends[i] && j <= min(len(w), i+longestInitialism); j++ {
			if initialisms[w[i:j]] {
				ends[j] = true
			}
		}
	}
	return ends[len(w)]
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

// LowerInitial returns name with its leading capital, or initialism, in
// lower case, the way names of unexported things start: ListPets gives
// listPets, URLPath urlPath, ID id.
func LowerInitial(name string) string {
	r := []rune(name)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	if n > 1 && n < len(r) && unicode.IsLower(r[n]) {
		n-- // URLPath: keep the P of Path
	}
	for i := 0; i < n; i++ {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}
