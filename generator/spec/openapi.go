package spec

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// checkVersion reports a root that is not an OpenAPI 3 document.
func (s *sources) checkVersion(root *file) bool {
	if root.root.Kind != yaml.MappingNode {
		s.errorf(root.pos(root.root), "not an OpenAPI document: expected a mapping at the top level")
		return false
	}
	if k, _ := entry(root.root, "swagger"); k != nil {
		s.errorf(root.pos(k), "Swagger 2.0 documents are not supported; convert the document to OpenAPI 3.0 or 3.1")
		return false
	}
	v := value(root.root, "openapi")
	switch {
	case v == nil:
		s.errorf(root.pos(root.root), `not an OpenAPI document: missing the "openapi" version field`)
		return false
	case v.Kind != yaml.ScalarNode || !strings.HasPrefix(v.Value, "3."):
		s.errorf(root.pos(v), "unsupported OpenAPI version %q; ssegen reads OpenAPI 3.0 and 3.1", v.Value)
		return false
	}
	return true
}

// kinLine finds a line number in a kin-openapi or YAML decoding error.
var kinLine = regexp.MustCompile(`\bline (\d+)\b`)

// loadOpenAPI loads the document with kin-openapi, which only reads local
// files: checkRefs has already refused remote references. It reads the
// files as patched (see sources.broken).
func (s *sources) loadOpenAPI(root *file) (t *openapi3.T) {
	loader := openapi3.NewLoader()
	s.loader = loader
	loader.IncludeOrigin = true
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		if u.Scheme != "" || u.Host != "" {
			return nil, fmt.Errorf("remote reference %s is not supported", u)
		}
		if f := s.files[filepath.Clean(filepath.FromSlash(u.Path))]; f != nil && f.root != nil {
			return f.patched(), nil
		}
		return os.ReadFile(u.Path)
	}
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("kin-openapi failed to load the document: %v", r)
			}
		}()
		t, err = loader.LoadFromFile(root.path)
		return err
	}()
	if err != nil {
		if !s.constructErrors(root, err) {
			pos := Position{File: root.path}
			if m := kinLine.FindStringSubmatch(err.Error()); m != nil {
				pos.Line, _ = strconv.Atoi(m[1])
			}
			s.errorf(pos, "%s", firstLine(err.Error()))
		}
		return nil
	}
	m32 := mediaTypes32(t)
	s.validate(root, t, m32)
	s.warnMediaType32(t.OpenAPI, m32)
	return t
}

// constructError matches one value of the wrong kind in kin-openapi's
// decoding error: "line 6: cannot construct !!map into openapi3.Parameters
// in /paths/~1a/get/parameters".
var constructError = regexp.MustCompile("line (\\d+): cannot construct (!!\\w+)(?: `([^`]*)`)? into (\\S+) in (/[^\\s;]*)")

// constructErrors reports each value of the wrong kind that kin-openapi
// could not decode, at the value, and reports whether there were any. The
// error names the line and JSON pointer but not the file, so the file is
// the one where the pointer leads to a value on that line, or else the
// root document.
func (s *sources) constructErrors(root *file, err error) bool {
	reported := false
	for _, m := range constructError.FindAllStringSubmatch(err.Error(), -1) {
		line, _ := strconv.Atoi(m[1])
		tag, val, goType, ptr := m[2], m[3], m[4], m[5]
		pos := Position{File: root.path, Line: line} // if no file has it there
		for _, name := range slices.Sorted(maps.Keys(s.files)) {
			f := s.files[name]
			if n, _ := pointer(f.root, ptr); n != nil && n.Line == line {
				pos = f.pos(n)
				break
			}
		}
		got := map[string]string{"!!map": "an object", "!!seq": "a list", "!!str": "a string", "!!int": "a number",
			"!!float": "a number", "!!bool": "a boolean", "!!null": "null"}[tag]
		if got == "" {
			got = tag
		}
		if val != "" && tag != "!!map" && tag != "!!seq" {
			got += fmt.Sprintf(" (%s)", val)
		}
		key := ptr[strings.LastIndex(ptr, "/")+1:]
		key = strings.ReplaceAll(strings.ReplaceAll(key, "~1", "/"), "~0", "~")
		s.errorf(pos, "%s: expected %s, got %s", key, describeGoType(goType), got)
		reported = true
	}
	return reported
}

// describeGoType says in words what kind of value a kin-openapi field of
// Go type t holds.
func describeGoType(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"), slices.Contains([]string{"openapi3.Parameters", "openapi3.SchemaRefs", "openapi3.Servers",
		"openapi3.Tags", "openapi3.SecurityRequirements", "openapi3.Types"}, t):
		return "a list"
	case t == "bool":
		return "a boolean"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "a number"
	}
	return "an object"
}

// breaking lists the validation errors that make a document impossible to
// generate correctly. Anything else kin-openapi's validation finds (a bad
// example, a wrong default, a malformed contact URL) does not change the
// generated code, so it is reported as a warning. A path parameter the
// operation does not declare is one too: model.Build types it as a string.
var breaking = []any{
	new(*openapi3.PathParameterRequiredError),
	new(*openapi3.DuplicateParameterError),
	new(*openapi3.ConflictingPathsError),
	new(*openapi3.PathMustStartWithSlashError),
	new(*openapi3.InvalidParameterInError),
	new(*openapi3.InvalidSerializationMethodError),
	new(*openapi3.SchemaTypeError),
	new(*openapi3.UnresolvedRefError),
	new(*openapi3.DuplicateOperationIDError),
}

// validate reports kin-openapi's validation findings, each at the element
// it concerns.
func (s *sources) validate(root *file, t *openapi3.T, m32 map[*openapi3.Origin]field32) {
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("kin-openapi failed to validate the document: %v", r)
			}
		}()
		return t.Validate(context.Background(), openapi3.EnableMultiError())
	}()
	if err == nil {
		return
	}
	var all openapi3.MultiError
	if !errors.As(err, &all) {
		all = openapi3.MultiError{err}
	}
	for _, e := range all {
		var cpe *openapi3.ConflictingPathsError
		var in *openapi3.InvalidParameterInError
		var extra *openapi3.ExtraSiblingFieldsError
		var version *openapi3.FieldVersionMismatchError
		switch {
		case errors.As(e, &in) && in.Value == "formData":
			continue // a Swagger 2 form field, which model.Build reads and reports
		case errors.As(e, &extra) && extra.Origin != nil && m32[extra.Origin].name != "" &&
			!slices.ContainsFunc(extra.Fields, func(f string) bool { return !slices.Contains(mediaTypeFields32, f) }),
			errors.As(e, &version) && version.Origin != nil && m32[version.Origin].name != "" && slices.Contains(mediaTypeFields32, version.Field):
			continue // 3.2 fields of a media type, which warnMediaType32 reports once
		case errors.As(e, &cpe):
			s.conflictingPaths(root, t, cpe)
			continue
		}
		pos, msg := s.locateError(root, e)
		sev := Warning
		for _, target := range breaking {
			if errors.As(e, target) {
				sev = Error
				break
			}
		}
		var te *openapi3.SchemaTypeError
		if errors.As(e, &te) && te.Type == "null" {
			sev = Warning // a 3.1 habit in a 3.0 document: read as nullable
		}
		s.diags = append(s.diags, Diagnostic{Pos: pos, Severity: sev, Message: msg})
	}
}

// conflictingPaths reports two paths that are the same but for the names
// of their parameters (/envs/{id}, /envs/{deviceId}), at the second one's
// key: an error when both have an operation of the same method, which no
// request could tell apart, and else a warning, since each operation is
// served with its own parameter names on the route they share.
func (s *sources) conflictingPaths(root *file, t *openapi3.T, e *openapi3.ConflictingPathsError) {
	paths := value(root.root, "paths")
	k1, _ := entry(paths, e.Path1)
	k2, _ := entry(paths, e.Path2)
	first, second, at := e.Path1, e.Path2, k2
	if k1 != nil && k2 != nil && k1.Line > k2.Line {
		first, second, at = e.Path2, e.Path1, k1
	}
	if at == nil {
		at = paths
	}
	var both []string
	a, b := t.Paths.Value(first), t.Paths.Value(second)
	if a != nil && b != nil {
		for m := range a.Operations() {
			if b.GetOperation(m) != nil {
				both = append(both, m)
			}
		}
	}
	slices.Sort(both)
	if len(both) > 0 {
		s.errorf(root.pos(at), "%s is declared on both %q and %q, which differ only in the names of their parameters: no request can tell them apart", strings.Join(both, " and "), first, second)
		return
	}
	s.warnf(root.pos(at), "paths %q and %q differ only in the names of their parameters; their operations, of different methods, are served on one route, each with its own parameter names", first, second)
}

// mediaTypeFields32 are the Media Type fields OpenAPI 3.2 added, which
// FastAPI and others already write in 3.0 and 3.1 documents.
var mediaTypeFields32 = []string{"itemSchema", "description", "itemEncoding", "prefixEncoding"}

// mediaTypes32 returns the media types of a 3.0 or 3.1 document that use
// OpenAPI 3.2's fields, by origin, each with the position and name of the
// first such field. They are read as 3.2 reads them: kin-openapi loads
// itemSchema whatever the version, and inferStreams reads the stream from
// it.
func mediaTypes32(t *openapi3.T) map[*openapi3.Origin]field32 {
	if !strings.HasPrefix(t.OpenAPI, "3.0") && !strings.HasPrefix(t.OpenAPI, "3.1") {
		return nil
	}
	found := map[*openapi3.Origin]field32{}
	check := func(c openapi3.Content) {
		for _, mt := range c {
			if mt == nil || mt.Origin == nil {
				continue
			}
			for _, name := range mediaTypeFields32 {
				l, ok := mt.Origin.Fields.Lookup(name)
				if !ok {
					continue
				}
				f := field32{PositionOf(l), name}
				if prev, seen := found[mt.Origin]; !seen || f.pos.compare(prev.pos) < 0 {
					found[mt.Origin] = f
				}
			}
		}
	}
	for _, item := range t.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				check(op.RequestBody.Value.Content)
			}
			if op.Responses != nil {
				for _, r := range op.Responses.Map() {
					if r.Value != nil {
						check(r.Value.Content)
					}
				}
			}
		}
	}
	if t.Components != nil {
		for _, r := range t.Components.Responses {
			if r.Value != nil {
				check(r.Value.Content)
			}
		}
		for _, rb := range t.Components.RequestBodies {
			if rb.Value != nil {
				check(rb.Value.Content)
			}
		}
	}
	return found
}

// field32 is a 3.2 field of a media type.
type field32 struct {
	pos  Position
	name string
}

// warnMediaType32 warns, once for the whole document, at the first 3.2
// field of its media types.
func (s *sources) warnMediaType32(version string, found map[*openapi3.Origin]field32) {
	var first *field32
	for _, f := range found {
		if first == nil || f.pos.compare(first.pos) < 0 {
			first = &f
		}
	}
	if first != nil {
		s.warnf(first.pos, "%s is a Media Type field of OpenAPI 3.2, not %s: this and every other 3.2 field of the document's media types is read as 3.2 reads it", first.name, version)
	}
}

var originType = reflect.TypeFor[*openapi3.Origin]()

// locateError finds where a validation error points: the innermost error
// in its chain that carries an origin, or else the path, operation or
// component its context wrappers name. The message is that error's own,
// without the context prefixes the position makes redundant.
func (s *sources) locateError(root *file, err error) (Position, string) {
	pos, msg := Position{File: root.path}, firstLine(err.Error())
	ptr := ""
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch c := e.(type) {
		case *openapi3.PathValidationError:
			ptr = "/paths/" + escapeToken(c.Path)
		case *openapi3.OperationValidationError:
			ptr += "/" + strings.ToLower(c.Method)
		case *openapi3.WebhookValidationError:
			ptr = "/webhooks/" + escapeToken(c.Name)
		case *openapi3.ComponentValidationError:
			ptr = "/components/" + componentSection(c.Section) + "/" + escapeToken(c.Name)
		}
		if p, ok := originOf(e, field(err)); ok {
			pos, msg = p, firstLine(e.Error())
			continue
		}
		if ptr != "" && pos.Line == 0 {
			if n, _ := pointer(root.root, ptr); n != nil {
				pos = root.pos(n)
			}
		}
	}
	return pos, msg
}

func componentSection(singular string) string {
	switch singular {
	case "request body":
		return "requestBodies"
	case "security scheme":
		return "securitySchemes"
	}
	return singular + "s"
}

// field names the keyword an error is about, to point at it rather than at
// the object that holds it; "" when the object is the better place.
func field(err error) string {
	var (
		sve *openapi3.SchemaValueError
		in  *openapi3.InvalidParameterInError
		typ *openapi3.SchemaTypeError
		pat *openapi3.SchemaPatternRegexError
	)
	switch {
	case errors.As(err, &sve):
		return sve.ValueKind
	case errors.As(err, &in):
		return "in"
	case errors.As(err, &typ):
		return "type"
	case errors.As(err, &pat):
		return "pattern"
	}
	return ""
}

// originOf returns the position an error's Origin field records, if any:
// that of the field named name when the origin has it, else the element's.
func originOf(e error, name string) (Position, bool) {
	v := reflect.ValueOf(e)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return Position{}, false
	}
	f := v.Elem().FieldByName("Origin")
	if !f.IsValid() || f.Type() != originType || f.IsNil() {
		return Position{}, false
	}
	o := f.Interface().(*openapi3.Origin)
	if l, ok := o.Fields.Lookup(name); ok && name != "" {
		return PositionOf(l), true
	}
	return OriginPosition(o)
}

// OriginPosition returns where kin-openapi recorded an element: the key
// that heads it, or else its first field. ok is false when the element has
// no recorded origin, for example one built from an annotation.
func OriginPosition(o *openapi3.Origin) (pos Position, ok bool) {
	switch {
	case o == nil:
		return Position{}, false
	case o.Key != nil && o.Key.Line > 0:
		return PositionOf(*o.Key), true
	case len(o.Fields) > 0:
		return PositionOf(o.Fields[0]), true
	}
	return Position{}, false
}

// PositionOf turns a location kin-openapi recorded into a Position.
func PositionOf(l openapi3.Location) Position {
	return Position{File: l.File, Line: l.Line, Col: l.Column}
}

// firstLine returns the first line of a kin-openapi message, which may go
// on with a dump of the schema and value, without the prefix its nested
// errors repeat.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	const repeated = "validation failed due to: "
	for strings.Contains(s, repeated+repeated) {
		s = strings.ReplaceAll(s, repeated+repeated, repeated)
	}
	return strings.TrimSpace(s)
}
