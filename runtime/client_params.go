package runtime

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Args collects the parameters of one request as a generated client
// serializes them, each by the style and explode setting of its Param (the
// same description the generated server decodes it with). The zero value is
// ready to use; Client.NewRequest places the parameters.
type Args struct {
	path    map[string]string // by name, serialized, not yet escaped
	query   url.Values
	header  http.Header
	cookies []*http.Cookie
	err     error // a parameter that cannot be sent, reported by NewRequest
}

// Value sets a single-valued parameter to v, already formatted (see
// FormatInt and friends).
func (a *Args) Value(spec Param, v string) {
	a.value(spec, escapeItem(spec, v))
}

// value sets a parameter to its serialized items, adding the prefix of its
// style.
func (a *Args) value(spec Param, v string) {
	switch {
	case spec.in == InPath && spec.style == StyleLabel:
		v = "." + v
	case spec.in == InPath && spec.style == StyleMatrix:
		v = matrixPair(spec.name, v)
	}
	a.set(spec, v)
}

// List sets an array parameter to items, already formatted (FormatEach).
func (a *Args) List(spec Param, items []string) {
	if spec.in == InQuery && spec.explode && spec.style != StyleDeepObject {
		a.init()
		a.query[spec.name] = append(a.query[spec.name], items...)
		return
	}
	if spec.in == InCookie {
		items = FormatEach(items, func(v string) string { return escapeItem(spec, v) })
	}
	if spec.style == StyleMatrix && spec.explode { // ;id=3;id=4
		pairs := make([]string, len(items))
		for i, v := range items {
			pairs[i] = matrixPair(spec.name, v)
		}
		a.set(spec, strings.Join(pairs, ""))
		return
	}
	a.value(spec, strings.Join(items, arraySeparator(spec)))
}

// Object sets an object parameter to its properties, given as name, value
// pairs (formatted, in the order to send them; see FormatMap).
func (a *Args) Object(spec Param, props ...string) {
	if spec.in == InQuery && (spec.style == StyleDeepObject || spec.style == StyleForm && spec.explode) {
		a.init()
		for i := 0; i+1 < len(props); i += 2 {
			name := props[i]
			if spec.style == StyleDeepObject {
				name = spec.name + "[" + name + "]"
			}
			a.query.Add(name, props[i+1])
		}
		return
	}
	var b strings.Builder
	for i := 0; i+1 < len(props); i += 2 {
		name, v := props[i], escapeItem(spec, props[i+1])
		if spec.in == InCookie && !validCookieValue(name) {
			a.err = fmt.Errorf("runtime: cookie parameter %q: property name %q cannot be sent in a cookie", spec.name, name)
			return
		}
		switch {
		case !spec.explode: // name,value,name,value
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(name + "," + v)
		case spec.style == StyleMatrix: // ;name=value;name=value
			b.WriteString(";" + name + "=" + v)
		default: // name=value pairs separated by "," or, for label, "."
			if i > 0 {
				b.WriteString(separator(spec))
			}
			b.WriteString(name + "=" + v)
		}
	}
	if spec.explode && spec.style == StyleMatrix {
		a.set(spec, b.String())
		return
	}
	a.value(spec, b.String())
}

// escapeItem percent-encodes an item of a cookie parameter, as cookie values
// cannot carry spaces, commas, semicolons or non-ASCII text; Params decodes
// each item after splitting.
func escapeItem(spec Param, v string) string {
	if spec.in == InCookie {
		return url.PathEscape(v)
	}
	return v
}

// matrixPair is ";name=value", or ";name" for an empty value.
func matrixPair(name, value string) string {
	if value == "" {
		return ";" + name
	}
	return ";" + name + "=" + value
}

func (a *Args) init() {
	if a.query == nil {
		a.path, a.query, a.header = map[string]string{}, url.Values{}, http.Header{}
	}
}

// set stores a serialized value where spec travels.
func (a *Args) set(spec Param, v string) {
	a.init()
	switch spec.in {
	case InPath:
		// An empty, "." or ".." segment would be cleaned out of the path,
		// and the request would reach another resource.
		if v == "" || v == "." || v == ".." {
			a.err = fmt.Errorf("runtime: path parameter %q: %q cannot be a path segment", spec.name, v)
			return
		}
		a.path[spec.name] = v
	case InQuery:
		a.query.Add(spec.name, v)
	case InHeader:
		a.header.Set(spec.name, v)
	case InCookie:
		a.cookies = append(a.cookies, &http.Cookie{Name: spec.name, Value: v})
	}
}

// validCookieValue tells whether net/http sends v unchanged in a cookie (it
// quotes values with spaces or commas, and drops other bytes). Escaped
// items always are; property names are sent as they are.
func validCookieValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == '"' || c == ';' || c == '\\' {
			return false
		}
	}
	return true
}

// FormatEach formats every item of an array parameter, for Args.List.
func FormatEach[S ~[]T, T any](items S, format func(T) string) []string {
	out := make([]string, len(items))
	for i, v := range items {
		out[i] = format(v)
	}
	return out
}

// FormatMap formats the properties of a free-form object parameter as
// name, value pairs sorted by name, for Args.Object.
func FormatMap[M ~map[string]T, T any](m M, format func(T) string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	out := make([]string, 0, 2*len(m))
	for _, k := range keys {
		out = append(out, k, format(m[k]))
	}
	return out
}

// expandPath replaces the {name} segments of the path template with the
// escaped path parameters.
func (a *Args) expandPath(template string) string {
	if a == nil || len(a.path) == 0 {
		return template
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(template, '{')
		end := strings.IndexByte(template[open+1:], '}')
		if open < 0 || end < 0 {
			break
		}
		end += open + 1
		b.WriteString(template[:open])
		if v, ok := a.path[template[open+1:end]]; ok {
			b.WriteString(url.PathEscape(v))
		} else {
			b.WriteString(template[open : end+1])
		}
		template = template[end+1:]
	}
	b.WriteString(template)
	return b.String()
}
