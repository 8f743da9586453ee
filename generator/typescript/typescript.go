// Package typescript writes a typed TypeScript client for an API model by
// rendering the text/template files of the templates package:
// runtime.gen.ts, the event stream reader and HTTP plumbing every client
// shares, and client.gen.ts, the API's types and one Client method per
// operation. The Go emitter and this one read the same model, so both
// sides of a stream agree on every name and type.
package typescript

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/ssegen/ssegen/generator/model"
	"github.com/ssegen/ssegen/templates"
)

// File is one generated TypeScript source file.
type File struct {
	Name    string // base name, e.g. client.gen.ts
	Content []byte
}

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"doc":     doc,
	"literal": literal,
	"hasDefault": func(fs []*failure) bool {
		for _, f := range fs {
			if f.Status == 0 {
				return true
			}
		}
		return false
	},
	"streamDoc": streamDoc,
	"plainDoc":  plainDoc,
}).ParseFS(templates.FS, "*.tmpl"))

// Generate returns the TypeScript files for api, sorted by name. The
// output depends only on api: the same input gives the same bytes.
func Generate(api *model.API) ([]File, error) {
	v, err := newView(api)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, f := range []struct{ name, tmpl string }{
		{"client.gen.ts", "client.ts.tmpl"},
		{"runtime.gen.ts", "runtime.ts.tmpl"},
	} {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, f.tmpl, v); err != nil {
			return nil, fmt.Errorf("render %s: %w", f.name, err)
		}
		files = append(files, File{Name: f.name, Content: buf.Bytes()})
	}
	return files, nil
}

// view is what client.ts.tmpl renders.
type view struct {
	Title string // the API's name in docs
	Types []*typeDecl
	Ops   []*opView
}

// typeDecl is one exported type: an interface of Fields and Index for a
// struct, else an alias of Expr.
type typeDecl struct {
	Doc       string
	Name      string
	Interface bool
	Fields    []*fieldDecl
	Index     string // type of additional properties, "" when closed
	Expr      string
}

type fieldDecl struct {
	Doc      string
	Key      string // property name, quoted when not an identifier
	Type     string
	Optional bool
	ReadOnly bool
}

// opView is one operation: the request type, the function building its
// HTTP call, and the plain call, the stream, or both.
type opView struct {
	Calls         string    // what the methods' doc comments say after their names
	Method        string    // Client method: the stream when there is one
	Plain         string    // Client method resolving to the body; "" for a stream only
	Base          string    // lowerCamel prefix of the module-level helpers
	Request       string    // request type name; "" when the operation takes nothing
	BodyEvent     *typeDecl // the events of a request body that is a stream
	ReqFields     []*fieldDecl
	ReqOpt        bool // every request field is optional
	HTTPMethod    string
	Path          string // string or template literal
	Query         []string
	Headers       []string
	Cookies       []string
	Body          []string // the call's body properties
	Accept        string
	Result        string
	Successes     []*success
	AnySuccess    bool // no success declared: any 2xx resolves
	Failure       string
	ErrorType     string
	Errors        []*failure
	Stream        *streamView
	StreamHeaders *headersView // nil when the stream declares no response headers
}

// headersView is the type of a stream's response headers and the function
// that reads them.
type headersView struct {
	Type   string
	Func   string
	Fields []*fieldDecl
	Reads  []string // one property of the object the function returns
}

type success struct {
	Status int
	Decode string // expression of the resolved value; "" for none
}

type failure struct {
	Status      int // 0: default
	Type        string
	ContentType string // "" for no body
}

type streamView struct {
	Event       string
	Members     []string
	Cases       []*eventCase
	Fallback    *eventCase
	ErrorEvent  *typeDecl // the type of the error event, with which the stream rejects
	Resumable   bool
	End         string // JS string literal, "" when none
	EndOptional bool
	HeartbeatMs int64
}

type eventCase struct {
	Name   string // JS string literal of the event type
	Decode string
	Throw  bool
}

type gen struct {
	types map[string]*model.Type
	names map[string]bool
}

func newView(api *model.API) (*view, error) {
	g := &gen{types: map[string]*model.Type{}, names: map[string]bool{"Client": true}}
	v := &view{Title: api.DocName()}
	for _, t := range api.Types {
		if t.Name == "Client" {
			return nil, fmt.Errorf("schema type Client collides with the generated Client; rename the schema")
		}
		g.types[t.Name] = t
		g.names[t.Name] = true
	}
	for _, t := range api.Types {
		v.Types = append(v.Types, g.typeDecl(t))
	}
	methods := map[string]bool{"constructor": true, "rt": true}
	for _, op := range api.Operations {
		o := g.opView(op)
		names := []string{o.Plain}
		if o.Stream != nil {
			names = append(names, o.Method)
		}
		for _, m := range names {
			if m != "" && methods[m] {
				return nil, fmt.Errorf("operation %s needs the client method %s, which is taken; rename it", op.ID, m)
			}
			methods[m] = true
		}
		v.Ops = append(v.Ops, o)
	}
	return v, nil
}

// declare returns name, or name with a number, unused so far.
func (g *gen) declare(name string) string {
	n := name
	for i := 2; g.names[n]; i++ {
		n = name + strconv.Itoa(i)
	}
	g.names[n] = true
	return n
}

func (g *gen) typeDecl(t *model.Type) *typeDecl {
	d := &typeDecl{Doc: t.Doc, Name: t.Name}
	switch t.Kind {
	case model.Struct:
		d.Interface = true
		index := map[string]bool{}
		for _, f := range t.Fields {
			fd := g.field(f)
			d.Fields = append(d.Fields, fd)
			addUnion(index, fd.Type)
			if fd.Optional {
				index["undefined"] = true
			}
		}
		if t.Additional != nil {
			addUnion(index, g.expr(t.Additional, declared))
			d.Index = strings.Join(slices.Sorted(maps.Keys(index)), " | ")
		}
	case model.Enum:
		var lits []string
		for _, v := range t.Values {
			lits = append(lits, literal(v.Value))
		}
		d.Expr = orNever(lits)
	case model.Union:
		var vs []string
		for _, v := range t.Variants {
			e := g.expr(v.Type, declared)
			if t.Discriminator != "" && len(v.Tags) > 0 {
				var tags []string
				for _, tag := range v.Tags {
					tags = append(tags, literal(tag))
				}
				e = fmt.Sprintf("(%s & { %s: %s })", e, propKey(t.Discriminator), strings.Join(tags, " | "))
			}
			vs = append(vs, e)
		}
		d.Expr = orNever(vs)
	default:
		d.Expr = g.expr(t.Underlying, declared)
	}
	return d
}

// field declares a struct property; a request leaves out read-only ones
// and a response write-only ones, by expr's rt.Without.
func (g *gen) field(f *model.Field) *fieldDecl {
	typ := g.expr(valueType(f.Type), declared)
	if f.Nullable {
		typ += " | null"
	}
	return &fieldDecl{Doc: f.Doc, Key: propKey(f.JSONName), Type: typ, Optional: !f.Required, ReadOnly: f.ReadOnly}
}

// valueType is t without the pointer the model gives an optional value
// for Go's sake: TypeScript marks the property optional instead.
func valueType(t *model.TypeRef) *model.TypeRef {
	if t.Kind == model.Pointer {
		return t.Elem
	}
	return t
}

// use is where a type appears, which decides the properties it has.
type use int

const (
	declared use = iota // in a type declaration: every property
	sent                // in what the client sends: no read-only properties
	received            // in what the server answers: no write-only properties
)

// expr is the TypeScript type of r. An object type sent is written
// without its read-only properties, and one received without its
// write-only ones; only at the top: a nested object has them all.
func (g *gen) expr(r *model.TypeRef, u use) string {
	switch r.Kind {
	case model.Ref:
		if t := g.types[r.Name]; u != declared && t != nil && t.Kind == model.Struct {
			var omit []string
			for _, f := range t.Fields {
				if u == sent && f.ReadOnly || u == received && f.WriteOnly {
					omit = append(omit, literal(f.JSONName))
				}
			}
			if len(omit) > 0 {
				return fmt.Sprintf("rt.Without<%s, %s>", r.Name, strings.Join(omit, " | "))
			}
		}
		return r.Name
	case model.Slice:
		e := g.expr(r.Elem, u)
		if !identifier.MatchString(e) {
			e = "(" + e + ")"
		}
		return e + "[]"
	case model.Map:
		return "{ [key: string]: " + g.expr(r.Elem, u) + " }"
	case model.Pointer:
		return g.expr(r.Elem, u) + " | null"
	}
	switch r.Name {
	case "string", "[]byte", "time.Time":
		return "string"
	case "bool":
		return "boolean"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "number"
	}
	return "unknown"
}

func (g *gen) opView(op *model.Operation) *opView {
	base := model.LowerInitial(op.Name)
	o := &opView{Calls: calls(op), Method: base, Base: base, HTTPMethod: op.Method}
	for _, r := range op.Responses {
		if r.IsError() {
			o.Errors = append(o.Errors, &failure{Status: r.Status, Type: g.bodyType(r), ContentType: r.ContentType})
		}
	}
	ok := op.Successes()
	g.request(op, o)
	if len(o.Errors) > 0 {
		o.Failure = base + "Failure"
		o.ErrorType = g.declare(op.Name + "Error")
	} else {
		o.Failure = "rt.unexpected"
	}
	if suffix, plain := op.PlainSuffix(); plain {
		o.Plain = base + suffix
		g.plain(o, ok)
	}
	if op.Stream != nil {
		o.Stream = g.stream(op)
		o.StreamHeaders = g.streamHeaders(op)
	}
	return o
}

func (g *gen) bodyType(r *model.Response) string {
	if r.Type == nil {
		return "undefined"
	}
	return g.expr(r.Type, received)
}

// request fills in the request type and the call's parts.
func (g *gen) request(op *model.Operation, o *opView) {
	used := map[string]bool{}
	key := func(p *model.Param) string {
		k := p.WireName
		if used[k] {
			k = string(p.In) + p.Name
		}
		used[k] = true
		return k
	}
	// The path is a template literal when it has parameters to put in place.
	plainPath, _, _ := strings.Cut(op.Path, "#")
	escaped := strings.ReplaceAll(plainPath, "`", "\\`")
	escaped = strings.ReplaceAll(escaped, "${", "\\${")
	path := escaped
	o.ReqOpt = true
	for _, p := range op.Params {
		k := key(p)
		o.ReqFields = append(o.ReqFields, &fieldDecl{Doc: p.Doc, Key: propKey(k), Type: g.expr(valueType(p.Type), sent), Optional: !p.Required && p.In != model.InPath})
		if p.Required || p.In == model.InPath {
			o.ReqOpt = false
		}
		style := fmt.Sprintf("{ name: %s, style: %s, explode: %t }", literal(p.WireName), literal(p.Style), p.Explode)
		value := "req" + access(k)
		if p.JSON {
			// Sent as JSON text, escaped like a string; undefined stays so.
			value = "JSON.stringify(" + value + ")"
		}
		switch p.In {
		case model.InPath:
			path = strings.ReplaceAll(path, "{"+p.WireName+"}", "${rt.pathParam("+style+", "+value+")}")
		case model.InQuery:
			o.Query = append(o.Query, "...rt.queryParam("+style+", "+value+")")
		case model.InHeader:
			o.Headers = append(o.Headers, fmt.Sprintf("rt.setHeader(headers, %s, rt.headerParam(%s, %s));", literal(p.WireName), style, value))
		case model.InCookie:
			o.Cookies = append(o.Cookies, fmt.Sprintf("[%s, rt.cookieParam(%s, %s)]", literal(p.WireName), style, value))
		}
	}
	o.Path = "`" + path + "`"
	if path == escaped {
		o.Path = literal(plainPath)
	}
	if b := op.Body; b != nil {
		k := "body"
		if used[k] {
			k = "requestBody"
		}
		if b.Required {
			o.ReqOpt = false
		}
		fd := &fieldDecl{Doc: b.Doc, Key: k, Optional: !b.Required}
		if b.Stream != nil {
			name := g.declare(op.Name + "BodyEvent")
			types := map[string]string{}
			var members []string
			for _, ev := range b.Stream.Events {
				members = append(members, fmt.Sprintf("rt.BodyEvent<%s, %s>", literal(ev.Name), g.expr(ev.Type, sent)))
				types[ev.Name] = ev.ContentType
			}
			fd.Type = "AsyncIterable<" + name + ">"
			o.Body = []string{"events: req." + k, "encodeEvent: rt.eventEncoder(" + literal(types) + ")"}
			o.BodyEvent = &typeDecl{Name: name, Doc: fmt.Sprintf("%s is an event of the request body of %s.", name, model.LowerInitial(op.Name)), Expr: orNever(members)}
		} else {
			fd.Type = g.expr(b.Type, sent)
			o.Body = []string{"contentType: " + literal(b.ContentType), "body: req." + k}
		}
		o.ReqFields = append(o.ReqFields, fd)
	}
	if len(o.ReqFields) > 0 {
		o.Request = g.declare(op.Name + "Request")
	}
}

// plain fills in the call that resolves to the success body.
func (g *gen) plain(o *opView, ok []*model.Response) {
	var accept, results []string
	seen := map[string]bool{}
	for _, r := range ok {
		s := &success{Status: r.Status}
		if r.Type != nil {
			typ := g.expr(r.Type, received)
			s.Decode = fmt.Sprintf("(await rt.decodeBody(res, %s)) as %s", literal(r.ContentType), typ)
			if !slices.Contains(accept, r.ContentType) {
				accept = append(accept, r.ContentType)
			}
			if !seen[typ] {
				seen[typ] = true
				results = append(results, typ)
			}
		} else if !seen["undefined"] {
			seen["undefined"] = true
			results = append(results, "undefined")
		}
		o.Successes = append(o.Successes, s)
	}
	o.AnySuccess = len(ok) == 0
	o.Accept = strings.Join(accept, ", ")
	switch {
	case len(results) == 0 || len(results) == 1 && results[0] == "undefined":
		o.Result = "void"
	default:
		o.Result = strings.Join(results, " | ")
	}
}

// stream describes the events of op's stream and how they are read.
func (g *gen) stream(op *model.Operation) *streamView {
	st := op.Stream
	s := &streamView{
		Event:       g.declare(op.Name + "Event"),
		Resumable:   st.Resume,
		EndOptional: st.EndOptional,
	}
	if !st.AnyName {
		// A stream described without x-event-stream says nothing of
		// heartbeats; its server may well be silent for long.
		s.HeartbeatMs = st.Heartbeat.Milliseconds()
	}
	if st.HasEnd {
		s.End = literal(st.End)
	}
	for _, ev := range st.Events {
		typ := g.expr(ev.Type, received)
		data := "ev.data"
		if model.IsJSON(ev.ContentType) {
			data = "JSON.parse(ev.data) as " + typ
		}
		if ev == st.Error {
			name := g.declare(op.Name + "ErrorEvent")
			s.Cases = append(s.Cases, &eventCase{Name: literal(ev.Name), Throw: true, Decode: fmt.Sprintf("new rt.EventError(%s, %s, ev.id)", literal(ev.Name), data)})
			s.ErrorEvent = &typeDecl{
				Name: name,
				Doc:  fmt.Sprintf("%s is the %q event that ends the %s stream with an error: the stream rejects with it.", name, ev.Name, model.LowerInitial(op.Name)),
				Expr: fmt.Sprintf("rt.EventError<%s, %s>", literal(ev.Name), typ),
			}
			continue
		}
		anyName := st.AnyName && ev.Name == "message"
		typeField := ""
		if anyName {
			typeField = " type: string;"
		}
		s.Members = append(s.Members, fmt.Sprintf("{ event: %s;%s id: string; data: %s }", literal(ev.Name), typeField, typ))
		c := &eventCase{Name: literal(ev.Name), Decode: fmt.Sprintf("{ event: %s, id: ev.id, data: %s }", literal(ev.Name), data)}
		if anyName {
			c.Decode = fmt.Sprintf("{ event: \"message\", type: ev.type, id: ev.id, data: %s }", data)
			s.Fallback = c
			continue
		}
		s.Cases = append(s.Cases, c)
	}
	if !st.AnyName {
		// Undeclared events are "unknown", or a name no declared event has.
		unknown := "unknown"
		for slices.ContainsFunc(st.Events, func(ev *model.Event) bool { return ev.Name == unknown }) {
			unknown += "_"
		}
		s.Members = append(s.Members, fmt.Sprintf("{ event: %s; type: string; id: string; data: string }", literal(unknown)))
		s.Fallback = &eventCase{Decode: fmt.Sprintf("{ event: %s, type: ev.type, id: ev.id, data: ev.data }", literal(unknown))}
	}
	return s
}

// streamHeaders describes the response headers a stream declares.
func (g *gen) streamHeaders(op *model.Operation) *headersView {
	if len(op.Stream.Headers) == 0 {
		return nil
	}
	h := &headersView{Type: g.declare(op.Name + "StreamHeaders"), Func: model.LowerInitial(op.Name) + "StreamHeaders"}
	for _, p := range op.Stream.Headers {
		t := valueType(p.Type)
		typ := g.expr(t, received)
		key := propKey(p.WireName)
		h.Fields = append(h.Fields, &fieldDecl{Doc: p.Doc, Key: key, Type: typ, Optional: !p.Required})
		shape := `"json"`
		if !p.JSON {
			shape = g.shape(t, p.Explode)
		}
		required := ""
		if p.Required {
			required = ", true"
		} else {
			typ += " | undefined"
		}
		h.Reads = append(h.Reads, fmt.Sprintf("%s: rt.responseHeader(h, %s, %s%s) as %s,", key, literal(p.WireName), shape, required, typ))
	}
	return h
}

// shape is the rt.HeaderShape that reads a header of type r.
func (g *gen) shape(r *model.TypeRef, explode bool) string {
	switch r.Kind {
	case model.Pointer:
		return g.shape(r.Elem, explode)
	case model.Slice:
		return "{ items: " + g.shape(r.Elem, explode) + " }"
	case model.Ref:
		t := g.types[r.Name]
		switch {
		case t == nil:
		case t.Kind == model.Named:
			return g.shape(t.Underlying, explode)
		case t.Kind == model.Enum && len(t.Values) > 0:
			// By its values, as an enum need not declare its type.
			switch t.Values[0].Value.(type) {
			case int64, float64:
				return `"number"`
			case bool:
				return `"boolean"`
			}
		case t.Kind == model.Struct:
			var props []string
			for _, f := range t.Fields {
				props = append(props, propKey(f.JSONName)+": "+g.shape(f.Type, explode))
			}
			return fmt.Sprintf("{ props: { %s }, explode: %t }", strings.Join(props, ", "), explode)
		}
		return `"string"`
	}
	switch g.expr(r, declared) {
	case "number":
		return `"number"`
	case "boolean":
		return `"boolean"`
	}
	return `"string"`
}

// streamDoc documents the method of a stream.
func streamDoc(o *opView) string {
	d := o.Method + " " + o.Calls + "\n\nIts events are " + o.Stream.Event + "."
	if o.Stream.Resumable {
		d += " It resumes from the last event id when the connection drops."
	}
	if o.Stream.End != "" {
		d += " It ends after the message " + o.Stream.End + "."
	}
	if o.Stream.ErrorEvent != nil {
		d += " It rejects with " + o.Stream.ErrorEvent.Name + " when the server reports an error."
	}
	if o.Plain != "" {
		d += "\n\n" + o.Method + " asks for the event stream; " + o.Plain + " asks for the answer without a stream."
	}
	return d + rejects(o)
}

// plainDoc documents the method resolving to the success body.
func plainDoc(o *opView) string {
	d := o.Plain + " " + o.Calls
	if o.Stream != nil {
		d += "\n\n" + o.Plain + " asks for the answer without a stream (Accept: " + o.Accept + "); " + o.Method + " asks for the event stream."
	}
	return d + rejects(o)
}

func rejects(o *opView) string {
	if o.ErrorType != "" {
		return "\n\nIt rejects with " + o.ErrorType + " for a declared error answer, and with an rt.ResponseError of the body text for another status."
	}
	return "\n\nIt rejects with an rt.ResponseError of the body text for an undeclared status."
}

// calls is the doc comment of op's methods, after their names.
func calls(op *model.Operation) string {
	d := fmt.Sprintf("calls %s %s", op.Method, op.Path)
	if op.Summary != "" {
		d += ": " + op.Summary
	} else {
		d += "."
	}
	if op.Doc != "" {
		d += "\n\n" + op.Doc
	}
	return d
}

// doc renders text as a JSDoc comment indented by indent; nothing when
// text is empty.
func doc(text, indent string) string {
	text = strings.TrimSpace(strings.ReplaceAll(text, "*/", "*\\/"))
	if text == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	if len(lines) == 1 {
		return indent + "/** " + lines[0] + " */\n"
	}
	var b strings.Builder
	b.WriteString(indent + "/**\n")
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			b.WriteString(indent + " *\n")
		} else {
			b.WriteString(indent + " * " + l + "\n")
		}
	}
	b.WriteString(indent + " */\n")
	return b.String()
}

var identifier = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// propKey is a property name as written in a type or object literal.
func propKey(name string) string {
	if identifier.MatchString(name) {
		return name
	}
	return literal(name)
}

// access is the property access of name: .name or ["name"].
func access(name string) string {
	if identifier.MatchString(name) {
		return "." + name
	}
	return "[" + literal(name) + "]"
}

// literal writes v, a string, number, bool or map of strings, as a
// JavaScript literal: JSON is one. The only value JSON cannot write, an
// infinite number, stands as the type number.
func literal(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // JavaScript has no need of \u0026 for &
	if err := enc.Encode(v); err != nil {
		return "number"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// orNever is the union of members; never, the empty union, when there are none.
func orNever(members []string) string {
	if len(members) == 0 {
		return "never"
	}
	return strings.Join(members, " | ")
}

// addUnion adds the members of the union type expr to set.
func addUnion(set map[string]bool, expr string) {
	for _, m := range strings.Split(expr, " | ") {
		set[m] = true
	}
}
