package runtime

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// ParamIn is where a request parameter travels.
type ParamIn string

const (
	InPath   ParamIn = "path"
	InQuery  ParamIn = "query"
	InHeader ParamIn = "header"
	InCookie ParamIn = "cookie"
	InBody   ParamIn = "body" // the request body, for errors
)

// Style is an OpenAPI parameter serialization style.
type Style string

const (
	StyleSimple         Style = "simple"
	StyleForm           Style = "form"
	StyleLabel          Style = "label"
	StyleMatrix         Style = "matrix"
	StyleSpaceDelimited Style = "spaceDelimited"
	StylePipeDelimited  Style = "pipeDelimited"
	StyleDeepObject     Style = "deepObject"
)

// Param describes one parameter of an operation: where it travels and how
// it is serialized. Build it with Path, Query, Header or Cookie, which apply
// the OpenAPI defaults for the location, then adjust it with its methods.
type Param struct {
	in       ParamIn
	name     string
	wildcard string
	// prefix and suffix surround a path parameter inside its segment.
	prefix, suffix string
	style          Style
	explode        bool
	required       bool
	rules          []Rule
}

// Path describes the path parameter name (style simple, no explode,
// required).
func Path(name string) Param {
	return Param{in: InPath, name: name, wildcard: name, style: StyleSimple, required: true}
}

// Query describes the query parameter name (style form, explode).
func Query(name string) Param {
	return Param{in: InQuery, name: name, style: StyleForm, explode: true}
}

// Header describes the header parameter name (style simple, no explode).
func Header(name string) Param {
	return Param{in: InHeader, name: name, style: StyleSimple}
}

// Cookie describes the cookie parameter name (style form, explode).
func Cookie(name string) Param {
	return Param{in: InCookie, name: name, style: StyleForm, explode: true}
}

// Styled returns p with another style and explode setting.
func (p Param) Styled(style Style, explode bool) Param {
	p.style, p.explode = style, explode
	return p
}

// Required returns p marked required: a request without it is rejected.
func (p Param) Required() Param {
	p.required = true
	return p
}

// Check returns p whose decoded value must satisfy rules, the
// constraints of its schema.
func (p Param) Check(rules ...Rule) Param {
	p.rules = rules
	return p
}

// Wildcard returns p read from the http.ServeMux wildcard name, for path
// parameters whose name is not a Go identifier.
func (p Param) Wildcard(name string) Param {
	p.wildcard = name
	return p
}

// Within returns p for a path parameter written inside a path segment, as
// {name} in /files/{name}.json: the ServeMux wildcard matches the whole
// segment, and the value is what lies between prefix and suffix. A request
// whose segment lacks them is for another path: Failed answers it 404.
func (p Param) Within(prefix, suffix string) Param {
	p.prefix, p.suffix = prefix, suffix
	return p
}

// ParamError is a parameter or request body that does not decode, or a
// required one that is missing.
type ParamError struct {
	In       ParamIn
	Name     string // parameter name; "" for the body
	Property string // property of an object parameter, when the problem is there
	Err      error  // ErrMissing or the reason the value is invalid
}

// ErrMissing is the Err of a ParamError for a required parameter, property or
// body that is absent.
var ErrMissing = errors.New("is required")

func (e *ParamError) Error() string {
	var b strings.Builder
	if e.In == InBody {
		b.WriteString("request body")
	} else {
		fmt.Fprintf(&b, "%s parameter %q", e.In, e.Name)
	}
	// Leading indexes are an item of an array: item [1] property "name".
	property := e.Property
	if n := indexesIn(property); n > 0 {
		b.WriteString(" item " + property[:n])
		property = strings.TrimPrefix(property[n:], ".")
	}
	if property != "" {
		fmt.Fprintf(&b, " property %q", property)
	}
	if e.Err == ErrMissing {
		b.WriteString(" is required")
	} else {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *ParamError) Unwrap() error { return e.Err }

// indexesIn returns the length of the array indexes, such as [1][0], that
// path starts with (see itemPath).
func indexesIn(path string) int {
	n := 0
	for strings.HasPrefix(path[n:], "[") {
		end := strings.IndexByte(path[n:], ']')
		if end < 2 || strings.Trim(path[n+1:n+end], "0123456789") != "" {
			break
		}
		n += end + 1
	}
	return n
}

// Params decodes the parameters of one request. Decoding functions
// (Scalar, Array, ...) record every problem; Failed answers them all at
// once.
type Params struct {
	r            *http.Request
	query        url.Values
	badQuery     map[string]string // names of query values that do not decode, and those values
	errs         []error
	unsupported  bool // the body has a content type the operation does not take
	bodyTooLarge bool // the body is over the limit of WithMaxBodySize
	notFound     bool // a path segment lacks the text around its parameter
}

// NewParams starts decoding the parameters of r.
func NewParams(r *http.Request) *Params {
	return &Params{r: r}
}

// Err returns the problems recorded so far, joined, or nil.
func (p *Params) Err() error {
	return errors.Join(p.errs...)
}

// Failed reports whether any problem was recorded; if so it answers with an
// application/problem+json document that names every offending parameter:
// 404 for a path that only looks like the operation's (see Within), 413 for
// a body over the size limit (see WithMaxBodySize), 415 for a body of the
// wrong content type, 400 otherwise.
func (p *Params) Failed(w http.ResponseWriter) bool {
	switch {
	case p.notFound:
		WriteProblem(w, http.StatusNotFound, "", "")
	case len(p.errs) == 0:
		return false
	case p.bodyTooLarge:
		WriteProblem(w, http.StatusRequestEntityTooLarge, "", p.Err().Error())
	case p.unsupported:
		WriteProblem(w, http.StatusUnsupportedMediaType, "", p.Err().Error())
	default:
		WriteProblem(w, http.StatusBadRequest, "Invalid request", p.Err().Error())
	}
	return true
}

func (p *Params) fail(spec Param, property string, err error) {
	p.errs = append(p.errs, &ParamError{In: spec.in, Name: spec.name, Property: property, Err: err})
}

// failAt records err at the place it names: a *ParamError of the same
// location as it is (that of the JSON check of a body, which a form codec
// returns too), or the path of a *PathError.
func (p *Params) failAt(spec Param, err error) {
	var pe *PathError
	var located *ParamError
	switch {
	case errors.As(err, &located) && located.In == spec.in:
		p.errs = append(p.errs, located)
	case errors.As(err, &pe):
		p.fail(spec, pe.Path, pe.Err)
	default:
		p.fail(spec, "", err)
	}
}

// checked reports whether v satisfies the rules of spec, recording the
// first it breaks. It is generic so that v becomes an any, which costs an
// allocation, only when there are rules.
func checked[T any](p *Params, spec Param, v T) bool {
	if len(spec.rules) == 0 {
		return true
	}
	if err := Check(v, spec.rules...); err != nil {
		p.failAt(spec, err)
		return false
	}
	return true
}

// missing records a missing required parameter and reports false.
func (p *Params) missing(spec Param) bool {
	if spec.required {
		p.fail(spec, "", ErrMissing)
	}
	return false
}

// Scalar decodes a single-valued parameter into dst with parse. An absent
// parameter leaves dst unchanged (and is an error when required).
func Scalar[T any](p *Params, spec Param, dst *T, parse func(string) (T, error)) {
	s, ok := p.scalar(spec)
	if !ok {
		return
	}
	v, err := parse(s)
	if err != nil {
		p.fail(spec, "", err)
		return
	}
	if checked(p, spec, v) {
		*dst = v
	}
}

// ScalarPtr is Scalar for an optional parameter: dst stays nil when absent.
func ScalarPtr[T any](p *Params, spec Param, dst **T, parse func(string) (T, error)) {
	var v T
	ok := false
	Scalar(p, spec, &v, func(s string) (T, error) { ok = true; return parse(s) })
	if ok {
		*dst = &v
	}
}

// Array decodes an array parameter into dst, each item with parse. An
// absent parameter leaves dst nil (and is an error when required).
func Array[S ~[]T, T any](p *Params, spec Param, dst *S, parse func(string) (T, error)) {
	items, ok := p.array(spec)
	if !ok {
		return
	}
	out := make(S, 0, len(items))
	for _, s := range items {
		v, err := parse(s)
		if err != nil {
			p.fail(spec, "", err)
			return
		}
		out = append(out, v)
	}
	if checked(p, spec, out) {
		*dst = out
	}
}

// Map decodes an object parameter with free-form properties into dst, each
// value with parse. An absent parameter leaves dst nil (and is an error
// when required). With style form and explode, every query parameter is a
// property.
func Map[M ~map[string]T, T any](p *Params, spec Param, dst *M, parse func(string) (T, error)) {
	props, ok := p.Object(spec)
	if !ok {
		return
	}
	out := make(M, len(props))
	for k, s := range props {
		v, err := parse(s)
		if err != nil {
			p.fail(spec, k, err)
			return
		}
		out[k] = v
	}
	if checked(p, spec, out) {
		*dst = out
	}
}

// Object returns the properties of an object parameter, for Field and
// FieldPtr to decode; names, when given, are the properties to look for
// (all others are ignored). ok is false when the parameter is absent (an
// error when required) or malformed.
func (p *Params) Object(spec Param, names ...string) (props map[string]string, ok bool) {
	props, ok, err := p.object(spec, names)
	if err != nil {
		p.failAt(spec, err)
		return nil, false
	}
	if !ok {
		return nil, p.missing(spec)
	}
	return props, true
}

// Field decodes the required property name of an object parameter into
// dst; the rules of spec (see Param.Check) are those of the property.
func Field[T any](p *Params, spec Param, props map[string]string, name string, dst *T, parse func(string) (T, error)) {
	s, ok := props[name]
	if !ok {
		p.fail(spec, name, ErrMissing)
		return
	}
	v, err := parse(s)
	if err == nil && len(spec.rules) > 0 { // v as an any costs an allocation
		err = Check(v, spec.rules...)
	}
	if err != nil {
		p.fail(spec, name, err)
		return
	}
	*dst = v
}

// OptionalField decodes the optional property name of an object parameter
// into dst, leaving dst unchanged when the property is absent.
func OptionalField[T any](p *Params, spec Param, props map[string]string, name string, dst *T, parse func(string) (T, error)) {
	if _, ok := props[name]; ok {
		Field(p, spec, props, name, dst, parse)
	}
}

// FieldPtr decodes the optional property name of an object parameter into
// dst, which stays nil when the property is absent.
func FieldPtr[T any](p *Params, spec Param, props map[string]string, name string, dst **T, parse func(string) (T, error)) {
	if _, ok := props[name]; ok {
		var v T
		Field(p, spec, props, name, &v, parse)
		*dst = &v
	}
}

// scalar returns the raw value of a single-valued parameter; ok is false
// when it is absent (an error when required) or malformed.
func (p *Params) scalar(spec Param) (string, bool) {
	raw, ok := p.raw(spec)
	if !ok {
		return "", false
	}
	if spec.in != InPath {
		v, err := unescape(spec, raw)
		if err != nil {
			p.fail(spec, "", err)
			return "", false
		}
		return v, true
	}
	v, err := stripPrefix(spec, raw)
	if err != nil {
		p.fail(spec, "", err)
		return "", false
	}
	if spec.style == StyleMatrix {
		v, err = matrixValue(spec, v)
		if err != nil {
			p.fail(spec, "", err)
			return "", false
		}
	}
	return v, true
}

// array returns the raw items of an array parameter.
func (p *Params) array(spec Param) ([]string, bool) {
	if spec.in == InQuery && spec.explode && spec.style != StyleDeepObject {
		items, err := p.queryParam(spec.name)
		if err != nil {
			p.fail(spec, "", err)
			return nil, false
		}
		if items == nil {
			return nil, p.missing(spec)
		}
		return items, true
	}
	raw, ok := p.raw(spec)
	if !ok {
		return nil, false
	}
	items, err := splitArray(spec, raw)
	if err != nil {
		p.fail(spec, "", err)
		return nil, false
	}
	return items, true
}

// raw returns the one raw string of a parameter, as sent. ok is false when
// it is absent (an error when required) or cannot be one string.
func (p *Params) raw(spec Param) (string, bool) {
	s, ok, err := p.rawValue(spec)
	if err != nil {
		p.fail(spec, "", err)
		return "", false
	}
	if !ok {
		return "", p.missing(spec)
	}
	return s, true
}

// rawValue is raw without recording problems.
func (p *Params) rawValue(spec Param) (string, bool, error) {
	switch spec.in {
	case InPath:
		v := p.r.PathValue(spec.wildcard)
		if spec.prefix != "" || spec.suffix != "" {
			inner, hasPrefix := strings.CutPrefix(v, spec.prefix)
			inner, hasSuffix := strings.CutSuffix(inner, spec.suffix)
			if !hasPrefix || !hasSuffix {
				p.notFound = true
				return "", false, nil
			}
			v = inner
		}
		return v, v != "" || spec.style == StyleSimple, nil
	case InQuery:
		vs, err := p.queryParam(spec.name)
		if err != nil || len(vs) == 0 {
			return "", false, err
		}
		if len(vs) > 1 {
			return "", false, errRepeated(vs)
		}
		return vs[0], true, nil
	case InHeader:
		// Repeated header lines are one comma-separated list (RFC 9110).
		vs := p.r.Header.Values(spec.name)
		if len(vs) == 0 {
			return "", false, nil
		}
		return strings.Join(vs, ","), true, nil
	case InCookie:
		// A cookie sent twice, set for two paths, comes first for the
		// longer path (RFC 6265, 5.4): the one meant for this request.
		c, err := p.r.Cookie(spec.name)
		if err != nil {
			return "", false, nil
		}
		return c.Value, true, nil
	}
	return "", false, nil
}

// errRepeated is the error of a single-valued parameter sent more than
// once, which would otherwise have to pick one of vs silently.
func errRepeated(vs []string) error {
	return fmt.Errorf("given %d times, but takes one value", len(vs))
}

// unescape decodes the percent-encoding of cookie values, which cannot carry
// spaces, commas or semicolons otherwise; it is applied after splitting, so
// an encoded comma stays inside its item.
func unescape(spec Param, s string) (string, error) {
	if spec.in != InCookie || !strings.Contains(s, "%") {
		return s, nil
	}
	v, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("%q is not percent-encoded correctly", s)
	}
	return v, nil
}

// queryParam returns the values of the query parameter name, nil when it
// is absent, or the error of a value that does not decode.
func (p *Params) queryParam(name string) ([]string, error) {
	q := p.queryValues()
	if raw, bad := p.badQuery[name]; bad {
		return nil, fmt.Errorf("%q is not percent-encoded correctly", raw)
	}
	return q[name], nil
}

// queryValues parses the query once. Where url.ParseQuery drops a pair
// whose value does not decode, and so makes a malformed parameter look
// absent, queryValues records its name in badQuery. A pair whose name does
// not decode names no parameter and is ignored.
func (p *Params) queryValues() url.Values {
	if p.query != nil {
		return p.query
	}
	p.query = url.Values{}
	for pair := range strings.SplitSeq(p.r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || pair == "" {
			continue
		}
		value, err := url.QueryUnescape(v)
		if err != nil || strings.Contains(v, ";") { // net/url refuses ";" as a separator some servers still take
			if p.badQuery == nil {
				p.badQuery = map[string]string{}
			}
			if _, seen := p.badQuery[name]; !seen {
				p.badQuery[name] = v
			}
		}
		p.query[name] = append(p.query[name], value)
	}
	return p.query
}

// object returns the raw properties of an object parameter; of an exploded
// form one in the query, those of names only, when given: such an object
// spreads over the whole query, and is there when one of its properties is.
func (p *Params) object(spec Param, names []string) (map[string]string, bool, error) {
	if spec.in == InQuery && (spec.style == StyleDeepObject || spec.style == StyleForm && spec.explode) {
		props := map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(p.queryValues())) { // the same error first each time
			name := k
			if spec.style == StyleDeepObject {
				inner, ok := strings.CutPrefix(k, spec.name+"[")
				if !ok || !strings.HasSuffix(inner, "]") {
					continue
				}
				name = strings.TrimSuffix(inner, "]")
			} else if len(names) > 0 && !slices.Contains(names, k) {
				continue // another parameter's
			}
			vs, err := p.queryParam(k)
			if err == nil && len(vs) > 1 {
				err = errRepeated(vs)
			}
			if err != nil {
				return nil, false, &PathError{Path: name, Err: err}
			}
			props[name] = vs[0]
		}
		return props, len(props) > 0, nil
	}
	raw, ok, err := p.rawValue(spec)
	if !ok || err != nil {
		return nil, false, err
	}
	if spec.in == InPath {
		if raw, err = stripPrefix(spec, raw); err != nil {
			return nil, false, err
		}
		if spec.style == StyleMatrix && !spec.explode {
			if raw, err = matrixValue(spec, raw); err != nil {
				return nil, false, err
			}
		}
	}
	props := map[string]string{}
	if raw == "" {
		return props, true, nil
	}
	if spec.explode {
		// key=value pairs: simple and form (header, cookie) separate them
		// with ",", label with ".", matrix with ";".
		for _, kv := range strings.Split(raw, separator(spec)) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, false, fmt.Errorf("%q is not a name=value pair", kv)
			}
			if props[trimOWS(spec, k)], err = unescape(spec, trimOWS(spec, v)); err != nil {
				return nil, false, err
			}
		}
		return props, true, nil
	}
	parts := strings.Split(raw, ",")
	if len(parts)%2 != 0 {
		return nil, false, fmt.Errorf("%q is not a list of name,value pairs", raw)
	}
	for i := 0; i < len(parts); i += 2 {
		v, err := unescape(spec, trimOWS(spec, parts[i+1]))
		if err != nil {
			return nil, false, err
		}
		props[trimOWS(spec, parts[i])] = v
	}
	return props, true, nil
}

// stripPrefix removes the "." of label and the ";" of matrix path values.
func stripPrefix(spec Param, raw string) (string, error) {
	var prefix string
	switch spec.style {
	case StyleLabel:
		prefix = "."
	case StyleMatrix:
		prefix = ";"
	default:
		return raw, nil
	}
	v, ok := strings.CutPrefix(raw, prefix)
	if !ok {
		return "", fmt.Errorf("%q does not start with %q (style %s)", raw, prefix, spec.style)
	}
	return v, nil
}

// matrixValue removes the "name=" of a matrix value (the ";" is gone).
func matrixValue(spec Param, v string) (string, error) {
	if v == spec.name {
		return "", nil
	}
	rest, ok := strings.CutPrefix(v, spec.name+"=")
	if !ok {
		return "", fmt.Errorf("%q does not start with %q (style matrix)", ";"+v, ";"+spec.name+"=")
	}
	return rest, nil
}

// splitArray splits the raw value of an array parameter into its items.
func splitArray(spec Param, raw string) ([]string, error) {
	if spec.in == InPath {
		var err error
		if raw, err = stripPrefix(spec, raw); err != nil {
			return nil, err
		}
		if spec.style == StyleMatrix {
			if spec.explode {
				// ;id=3;id=4
				var items []string
				for _, part := range strings.Split(raw, ";") {
					v, err := matrixValue(spec, part)
					if err != nil {
						return nil, err
					}
					items = append(items, v)
				}
				return items, nil
			}
			if raw, err = matrixValue(spec, raw); err != nil {
				return nil, err
			}
		}
	}
	if raw == "" {
		return []string{}, nil
	}
	items := strings.Split(raw, arraySeparator(spec))
	for i, s := range items {
		var err error
		if items[i], err = unescape(spec, trimOWS(spec, s)); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// arraySeparator is what separates the items of an array parameter's value
// (but for exploded matrix arrays, which repeat ";name=").
func arraySeparator(spec Param) string {
	switch {
	case spec.style == StyleSpaceDelimited:
		return " "
	case spec.style == StylePipeDelimited:
		return "|"
	case spec.style == StyleLabel && spec.explode:
		return "."
	}
	return ","
}

// separator is what separates the name=value pairs of exploded objects.
func separator(spec Param) string {
	switch spec.style {
	case StyleLabel:
		return "."
	case StyleMatrix:
		return ";"
	}
	return ","
}

// trimOWS removes the optional white space around header list items.
func trimOWS(spec Param, s string) string {
	if spec.in == InHeader {
		return strings.Trim(s, " \t")
	}
	return s
}
