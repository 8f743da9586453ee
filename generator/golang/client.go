package golang

// client.go renders client.gen.go: Client, NewClient and one method per
// operation. Plain operations return their success response and their
// declared error responses as errors; streaming operations return a
// runtime.EventStream of a sealed event type with one Go type per declared
// event and a fallback for the events this client does not know.

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/ssegen/ssegen/generator/model"
)

// clientNames are the Go names the client declares for one operation.
type clientNames struct {
	plain  string // method of the plain call; "" for a stream without plain success responses
	errors string // unexported method that decodes error answers; "" when none are declared
	// Streams only.
	event   string                  // sealed event interface
	marker  string                  // its method
	events  map[*model.Event]string // a type per event, the error event included
	unknown string                  // fallback event type
	decode  string                  // unexported method that decodes an event
}

// client renders the typed client into f. It runs after server, so that
// the names it declares never change those of the server code.
func (g *gen) client(f *jen.File) error {
	for _, fixed := range []string{"Client", "NewClient"} {
		if g.names[fixed] {
			return fmt.Errorf("schema type %s collides with the generated %s; rename the schema", fixed, fixed)
		}
		g.names[fixed] = true
	}
	names := map[*model.Operation]*clientNames{}
	methods := map[string]*model.Operation{}
	for _, op := range g.api.Operations {
		cn := g.clientNames(op)
		for _, m := range []string{op.Name, cn.plain} {
			if prev := methods[m]; m != "" && prev != nil && prev != op {
				return fmt.Errorf("operations %s and %s both need the client method %s; rename one", prev.Name, op.Name, m)
			}
			methods[m] = op
		}
		names[op] = cn
	}

	addDoc(f, prose("Client calls the operations of "+g.api.DocName()+" over HTTP: one method per operation. It is safe for concurrent use."))
	f.Type().Id("Client").Struct(jen.Id("rt").Op("*").Add(rt("Client")))
	f.Line()
	addDoc(f, prose(
		"NewClient returns a Client of the API at baseURL, such as \"https://api.example.com/v1\"; the operations' paths are appended to it.",
		"Options set the http.Client, default headers, a request editor that adds credentials, codecs, and how event streams reconnect (see runtime.ClientOption)."))
	f.Func().Id("NewClient").Params(jen.Id("baseURL").String(), jen.Id("opts").Op("...").Add(rt("ClientOption"))).Op("*").Id("Client").Block(
		jen.Return(jen.Op("&").Id("Client").Values(rt("NewClient").Call(jen.Id("baseURL"), jen.Id("opts").Op("...")))),
	)
	f.Line()

	for _, op := range g.api.Operations {
		n, cn := g.ops[op], names[op]
		if op.Stream != nil {
			if err := g.streamCall(f, op, n, cn); err != nil {
				return err
			}
		}
		if cn.plain != "" {
			if err := g.plainCall(f, op, n, cn); err != nil {
				return err
			}
		}
		if cn.errors != "" {
			if err := g.errorDecoder(f, op, n, cn); err != nil {
				return err
			}
		}
		if op.Stream != nil {
			g.eventTypes(f, op, cn)
		}
	}
	return nil
}

// clientNames names the client's declarations for op.
func (g *gen) clientNames(op *model.Operation) *clientNames {
	cn := &clientNames{}
	if suffix, ok := op.PlainSuffix(); ok {
		cn.plain = op.Name + suffix
	}
	for _, r := range op.Responses {
		if r.IsError() {
			cn.errors = unexported(op.Name) + "Error"
		}
	}
	if op.Stream != nil {
		cn.event = g.declare(op.Name + "Event")
		cn.marker = "is" + cn.event
		cn.events = map[*model.Event]string{}
		for _, ev := range op.Stream.Events {
			cn.events[ev] = g.declare(op.Name + ev.GoName)
		}
		if !op.Stream.AnyName {
			cn.unknown = g.declare(op.Name + "Unknown")
		}
		cn.decode = "decode" + op.Name
	}
	return cn
}

// callDoc documents method, which calls op: what it calls, extra
// paragraphs, and the errors it returns for answers.
func callDoc(op *model.Operation, n *opNames, method string, extra ...string) string {
	var errs []string
	fallback := ""
	for _, r := range op.Responses {
		switch {
		case r.Status == 0:
			fallback = "any other status as " + article(n.statuses[r])
		case r.IsError():
			errs = append(errs, fmt.Sprintf("a %d answer as %s", r.Status, article(n.statuses[r])))
		}
	}
	var errDoc string
	switch {
	case fallback != "":
		errDoc = "It returns " + listWords(append(errs, fallback)) + " error."
	case len(errs) > 0:
		errDoc = "It returns " + listWords(errs) + " error, and an undeclared status as a *runtime.ResponseError."
	default:
		errDoc = "It returns an undeclared status as a *runtime.ResponseError."
	}
	first := strings.Replace(opDoc(op, "calls"), op.Name+" calls", method+" calls", 1)
	paragraphs := append([]string{prose(first), op.Doc}, extra...)
	if op.Body != nil && op.Body.Stream != nil {
		paragraphs = append(paragraphs, prose(fmt.Sprintf("It sends the events of req.%s as an event stream, each as the sequence yields it; an error from the sequence ends the request with that error.", n.body)))
	}
	return joinDoc(append(paragraphs, prose(errDoc))...)
}

// newRequest renders the statements that build the request of op into r,
// returning zero with the error when that fails.
func (g *gen) newRequest(op *model.Operation, n *opNames, zero []jen.Code) ([]jen.Code, error) {
	var code []jen.Code
	args := jen.Nil()
	if len(op.Params) > 0 {
		code = append(code, jen.Var().Id("args").Add(rt("Args")))
		for _, p := range op.Params {
			enc, err := g.encodeParam(p)
			if err != nil {
				return nil, fmt.Errorf("operation %s: %w", op.Name, err)
			}
			code = append(code, enc...)
		}
		args = jen.Op("&").Id("args")
	}
	contentType, body := jen.Lit(""), jen.Nil()
	if b := op.Body; b != nil {
		contentType, body = jen.Lit(b.ContentType), jen.Id("req").Dot(n.body)
		if b.Stream != nil {
			body = rt("EventBody").Call(jen.Id("c").Dot("rt"), jen.Id("req").Dot(n.body), jen.Id(n.bodyEvent).Dot(unexported(n.bodyEvent)))
		} else if !b.Required {
			value := jen.Id("req").Dot(n.body)
			if !nilable(b.Type) {
				value = jen.Op("*").Add(value)
			}
			code = append(code,
				jen.Var().Id("contentType").String(),
				jen.Var().Id("body").Any(),
				jen.If(jen.Id("req").Dot(n.body).Op("!=").Nil()).Block(
					jen.List(jen.Id("contentType"), jen.Id("body")).Op("=").List(jen.Lit(b.ContentType), value),
				))
			contentType, body = jen.Id("contentType"), jen.Id("body")
		}
	}
	code = append(code,
		jen.List(jen.Id("r"), jen.Err()).Op(":=").Id("c").Dot("rt").Dot("NewRequest").Call(
			jen.Id("ctx"), methodExpr(op.Method), jen.Lit(op.Path), args, contentType, body),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(append(zero, jen.Err())...)),
	)
	return code, nil
}

// methodExpr names the net/http constant of an HTTP method when there is one.
func methodExpr(method string) jen.Code {
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		if m == method {
			return jen.Qual("net/http", "Method"+strings.ToUpper(m[:1])+strings.ToLower(m[1:]))
		}
	}
	return jen.Lit(method)
}

// encodeParam renders the statements that add parameter p of the request
// to args.
func (g *gen) encodeParam(p *model.Param) ([]jen.Code, error) {
	// The client puts path parameters into the path template by name: it
	// needs none of the router's wildcard names.
	byName := &opNames{wildcards: map[string]string{p.WireName: p.WireName}}
	spec, err := paramSpec(p, byName)
	if err != nil {
		return nil, err
	}
	field := jen.Id("req").Dot(p.Name)
	t := p.Type
	optional := t.Kind == model.Pointer
	if optional {
		t = t.Elem
	}
	args := jen.Id("args")
	if p.JSON {
		value := field.Clone()
		if optional {
			value = jen.Op("*").Add(field.Clone())
		}
		set := args.Dot("Value").Call(spec, rt("FormatJSON").Call(value))
		if optional || nilable(g.underlying(t)) {
			return []jen.Code{jen.If(field.Clone().Op("!=").Nil()).Block(set)}, nil
		}
		return []jen.Code{set}, nil
	}
	u := g.underlying(t)
	var set jen.Code
	switch {
	case (u.Kind == model.Slice || u.Kind == model.Map) && !optional:
		_, format := g.scalarFuncs(u.Elem)
		if u.Kind == model.Slice {
			set = args.Dot("List").Call(spec, rt("FormatEach").Call(field.Clone(), rt(format)))
		} else {
			set = args.Dot("Object").Call(spec, rt("FormatMap").Call(field.Clone(), rt(format)).Op("..."))
		}
		if p.In == model.InPath { // always in the URL, even empty
			return []jen.Code{set}, nil
		}
		return []jen.Code{jen.If(field.Clone().Op("!=").Nil()).Block(set)}, nil
	case u.Kind == model.Ref && g.types[u.Name] != nil && g.types[u.Name].Kind == model.Struct:
		return g.encodeObject(p, spec, optional, g.types[u.Name])
	}
	if !optional {
		return []jen.Code{args.Dot("Value").Call(spec, g.formatted(t, field))}, nil
	}
	set = args.Dot("Value").Call(spec, g.formatted(t, jen.Op("*").Add(field.Clone())))
	return []jen.Code{jen.If(field.Clone().Op("!=").Nil()).Block(set)}, nil
}

// encodeObject renders the encoding of an object parameter held in a
// struct: its properties as name, value pairs.
func (g *gen) encodeObject(p *model.Param, spec *jen.Statement, optional bool, t *model.Type) ([]jen.Code, error) {
	props := unexported(p.Name) + "Props"
	var required []jen.Code
	var rest []jen.Code
	for _, fd := range t.Fields {
		value := jen.Id("req").Dot(p.Name).Dot(fd.Name)
		ft := fd.Type
		if ft.Kind == model.Pointer {
			ft = ft.Elem
		}
		if fd.Type.Kind != model.Pointer {
			required = append(required, jen.Lit(fd.JSONName), g.formatted(ft, value))
			continue
		}
		rest = append(rest, jen.If(value.Clone().Op("!=").Nil()).Block(
			jen.Id(props).Op("=").Append(jen.Id(props), jen.Lit(fd.JSONName), g.formatted(ft, jen.Op("*").Add(value.Clone()))),
		))
	}
	code := append([]jen.Code{jen.Id(props).Op(":=").Index().String().Values(required...)}, rest...)
	code = append(code, jen.Id("args").Dot("Object").Call(spec, jen.Id(props).Op("...")))
	if optional {
		return []jen.Code{jen.If(jen.Id("req").Dot(p.Name).Op("!=").Nil()).Block(code...)}, nil
	}
	return code, nil
}

// decodeResponse renders the statements that decode resp into a new value
// out of response type name, returning zero with the error when that fails.
func (g *gen) decodeResponse(r *model.Response, name, out string, zero []jen.Code) []jen.Code {
	var code []jen.Code
	if r.Status == 0 {
		code = append(code, jen.Id(out).Op(":=").Id(name).Values(jen.Id("StatusCode").Op(":").Id("resp").Dot("StatusCode")))
	} else {
		code = append(code, jen.Var().Id(out).Id(name))
	}
	fail := func(err jen.Code) jen.Code { return jen.Return(append(append([]jen.Code(nil), zero...), err)...) }
	if len(r.Headers) > 0 {
		code = append(code, jen.Id("h").Op(":=").Add(rt("ResponseHeaders")).Call(jen.Id("resp")))
		for _, h := range r.Headers {
			code = append(code, g.decodeHeader(h, jen.Id(out).Dot(h.Name)))
		}
		code = append(code, jen.If(jen.Err().Op(":=").Id("h").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(fail(jen.Err())))
	}
	if r.Type != nil {
		code = append(code, jen.If(
			jen.Err().Op(":=").Id("c").Dot("rt").Dot("Decode").Call(jen.Id("resp"), jen.Lit(r.ContentType), jen.Op("&").Id(out).Dot("Body")),
			jen.Err().Op("!=").Nil(),
		).Block(fail(jen.Err())))
	}
	return code
}

// decodeHeader renders the decoding of response header h into target.
func (g *gen) decodeHeader(h *model.Param, target *jen.Statement) jen.Code {
	spec := rt("Header").Call(jen.Lit(h.WireName))
	if h.Required {
		spec.Dot("Required").Call()
	}
	t, fn := h.Type, "Scalar"
	if t.Kind == model.Pointer {
		t, fn = t.Elem, "ScalarPtr"
	}
	if h.JSON {
		return rt(fn).Call(jen.Id("h"), spec, jen.Op("&").Add(target), rt("ParseJSON"))
	}
	if u := g.underlying(t); u.Kind == model.Slice && fn == "Scalar" {
		t, fn = u.Elem, "Array"
	}
	parse, _ := g.scalarFuncs(t)
	return rt(fn).Call(jen.Id("h"), spec, jen.Op("&").Add(target), rt(parse))
}

// plainCall renders the method that calls op and decodes its answer.
func (g *gen) plainCall(f *jen.File, op *model.Operation, n *opNames, cn *clientNames) error {
	ok := op.Successes()
	// The result: nothing for an operation whose success carries nothing,
	// the one success response, or the sealed response interface.
	var result jen.Code
	var zero []jen.Code
	switch {
	case len(ok) == 0 || len(ok) == 1 && ok[0].Type == nil && len(ok[0].Headers) == 0:
	case len(ok) == 1:
		result = jen.Id(n.statuses[ok[0]])
		zero = []jen.Code{jen.Id(n.statuses[ok[0]]).Values()}
	default:
		result = jen.Id(n.response)
		zero = []jen.Code{jen.Nil()}
	}
	body, err := g.newRequest(op, n, zero)
	if err != nil {
		return err
	}
	var accept []string
	for _, r := range ok {
		if r.Type != nil && !contains(accept, r.ContentType) {
			accept = append(accept, r.ContentType)
		}
	}
	if len(accept) > 0 {
		body = append(body, jen.Id("r").Dot("Header").Dot("Set").Call(jen.Lit("Accept"), jen.Lit(strings.Join(accept, ", "))))
	}
	body = append(body,
		jen.List(jen.Id("resp"), jen.Err()).Op(":=").Id("c").Dot("rt").Dot("Do").Call(jen.Id("r")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(append(append([]jen.Code(nil), zero...), jen.Err())...)),
		jen.Defer().Id("resp").Dot("Body").Dot("Close").Call(),
	)
	if len(ok) == 0 {
		body = append(body, jen.If(jen.Id("resp").Dot("StatusCode").Op(">=").Lit(200).Op("&&").Id("resp").Dot("StatusCode").Op("<").Lit(300)).Block(jen.Return(jen.Nil())))
	} else {
		var cases []statusCase
		for _, r := range ok {
			var stmts []jen.Code
			switch {
			case result == nil:
				stmts = []jen.Code{jen.Return(jen.Nil())}
			case r.Type == nil && len(r.Headers) == 0 && r.Status != 0:
				stmts = []jen.Code{jen.Return(jen.Id(n.statuses[r]).Values(), jen.Nil())}
			default:
				stmts = append(g.decodeResponse(r, n.statuses[r], "out", zero), jen.Return(jen.Id("out"), jen.Nil()))
			}
			cases = append(cases, statusCase{r.Status, stmts})
		}
		body = append(body, statusSwitch(cases...)...)
	}
	failure := rt("UnexpectedResponse").Call(jen.Id("resp"))
	if cn.errors != "" {
		failure = jen.Id("c").Dot(cn.errors).Call(jen.Id("resp"))
	}
	body = append(body, jen.Return(append(append([]jen.Code(nil), zero...), failure)...))

	var extra []string
	if op.Stream != nil {
		extra = append(extra, prose(fmt.Sprintf("%s asks for the answer without a stream (Accept: %s); %s asks for the event stream. When the API chooses from the request body (as OpenAI's stream field does), the body must not ask for the stream: an event stream answered instead is returned, unread, as a *runtime.ResponseError.", cn.plain, strings.Join(accept, ", "), op.Name)))
	}
	addDoc(f, callDoc(op, n, cn.plain, extra...))
	results := []jen.Code{jen.Error()}
	if result != nil {
		results = []jen.Code{result, jen.Error()}
	}
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(cn.plain).Params(
		jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Op("*").Id(n.request),
	).Params(results...).Block(body...)
	f.Line()
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// errorDecoder renders the method that turns an answer of op that is not
// a success into an error: a declared error response, or a
// *runtime.ResponseError.
func (g *gen) errorDecoder(f *jen.File, op *model.Operation, n *opNames, cn *clientNames) error {
	var cases []statusCase
	var fallback []jen.Code
	for _, r := range op.Responses {
		if !r.IsError() {
			continue
		}
		for _, h := range r.Headers {
			if h.Name == "Error" {
				return fmt.Errorf("operation %s: the field of response header %q collides with the Error method of %s; rename the header", op.Name, h.WireName, n.statuses[r])
			}
		}
		stmts := []jen.Code{jen.Return(jen.Id(n.statuses[r]).Values())}
		if r.Type != nil || len(r.Headers) > 0 || r.Status == 0 {
			stmts = append(g.decodeResponse(r, n.statuses[r], "e", nil), jen.Return(jen.Id("e")))
		}
		if r.Status == 0 {
			fallback = stmts
		} else {
			cases = append(cases, statusCase{r.Status, stmts})
		}
	}
	if fallback == nil {
		fallback = []jen.Code{jen.Return(rt("UnexpectedResponse").Call(jen.Id("resp")))}
	}
	addDoc(f, prose(fmt.Sprintf("%s returns the error for an answer of %s that is not a success: a declared error response, or a *runtime.ResponseError.", cn.errors, op.Name)))
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(cn.errors).Params(jen.Id("resp").Op("*").Qual("net/http", "Response")).Error().Block(
		append(statusSwitch(cases...), fallback...)...,
	)
	f.Line()
	for _, r := range op.Responses {
		if !r.IsError() {
			continue
		}
		name := n.statuses[r]
		if r.Status == 0 {
			addDoc(f, prose(fmt.Sprintf("Error makes %s the error the client returns for it.", name)))
			f.Func().Params(jen.Id("r").Id(name)).Id("Error").Params().String().Block(
				jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit(op.Name+": %d %s"), jen.Id("r").Dot("StatusCode"), jen.Qual("net/http", "StatusText").Call(jen.Id("r").Dot("StatusCode")))),
			)
		} else {
			addDoc(f, prose(fmt.Sprintf("Error makes %s the error the client returns for a %d answer.", name, r.Status)))
			f.Func().Params(jen.Id(name)).Id("Error").Params().String().Block(
				jen.Return(jen.Lit(fmt.Sprintf("%s: %d %s", op.Name, r.Status, http.StatusText(r.Status)))),
			)
		}
		f.Line()
	}
	return nil
}

// streamCall renders the method that opens op's event stream.
func (g *gen) streamCall(f *jen.File, op *model.Operation, n *opNames, cn *clientNames) error {
	st := op.Stream
	zero := []jen.Code{jen.Nil()}
	body, err := g.newRequest(op, n, zero)
	if err != nil {
		return err
	}
	var cfg []jen.Code
	if st.Resume {
		cfg = append(cfg, jen.Id("Resumable").Op(":").True())
		if n.lastEventID != "" {
			cfg = append(cfg, jen.Id("LastEventID").Op(":").Id("req").Dot(n.lastEventID))
		}
	}
	if st.HasEnd {
		cfg = append(cfg, jen.Id("End").Op(":").Index().Byte().Parens(jen.Lit(st.End)))
	}
	if st.EndOptional {
		cfg = append(cfg, jen.Id("EndOptional").Op(":").True())
	}
	if st.ReadTimeout > 0 {
		cfg = append(cfg, jen.Id("ReadTimeout").Op(":").Add(durationExpr(st.ReadTimeout)))
	}
	if cn.errors != "" {
		cfg = append(cfg, jen.Id("ErrorResponse").Op(":").Id("c").Dot(cn.errors))
	}
	body = append(body, jen.Return(rt("OpenEventStream").Call(
		jen.Id("c").Dot("rt"), jen.Id("r"), rt("EventStreamConfig").Values(fieldLines(cfg)...), jen.Id("c").Dot(cn.decode))))

	var about []string
	var kinds []string
	for _, ev := range st.Events {
		if ev != st.Error {
			kinds = append(kinds, cn.events[ev])
		}
	}
	about = append(about, fmt.Sprintf("Its events are %s.", eventKinds(kinds, cn)))
	if st.Resume {
		about = append(about, "When the connection drops, the stream reconnects by itself and resumes after the last event received (Last-Event-ID).")
	}
	switch {
	case st.EndOptional:
		about = append(about, fmt.Sprintf("The stream ends after a final message %q, if the server sends one.", st.End))
	case st.HasEnd:
		about = append(about, fmt.Sprintf("The stream ends after the final message %q.", st.End))
	}
	if st.Error != nil {
		ev := anEvent(st.Error.Name)
		about = append(about, fmt.Sprintf("%s ends it with %s error.", strings.ToUpper(ev[:1])+ev[1:], article(cn.events[st.Error])))
	}
	var either string
	if cn.plain != "" {
		either = prose(fmt.Sprintf("%s asks for the event stream (Accept: text/event-stream), as EventSource does; %s asks for the answer without a stream. When the API chooses from the request body (as OpenAI's stream field does), the body must ask for the stream too: an answer that is not an event stream is returned as a *runtime.ResponseError.", op.Name, cn.plain))
	}
	addDoc(f, callDoc(op, n, op.Name, prose(strings.Join(about, " ")), either))
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(op.Name).Params(
		jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Op("*").Id(n.request),
	).Params(jen.Op("*").Add(rt("EventStream")).Types(jen.Id(cn.event)), jen.Error()).Block(body...)
	f.Line()
	if n.streamHeaders != "" {
		g.readStreamHeaders(f, op, n, cn)
	}
	return nil
}

// readStreamHeaders renders the function that reads the response headers
// of op's stream.
func (g *gen) readStreamHeaders(f *jen.File, op *model.Operation, n *opNames, cn *clientNames) {
	code := []jen.Code{
		jen.Var().Id("r").Id(n.streamHeaders),
		jen.Id("h").Op(":=").Add(rt("ResponseHeaders")).Call(jen.Op("&").Qual("net/http", "Response").Values(jen.Id("Header").Op(":").Id("s").Dot("Header").Call())),
	}
	for _, h := range op.Stream.Headers {
		code = append(code, g.decodeHeader(h, jen.Id("r").Dot(h.Name)))
	}
	code = append(code, jen.Return(jen.Id("r"), jen.Id("h").Dot("Err").Call()))
	addDoc(f, prose(fmt.Sprintf("%sOf reads the response headers of s, %s stream: those of the response that opened it, or of its latest reconnection.", n.streamHeaders, article(op.Name))))
	f.Func().Id(n.streamHeaders+"Of").Params(jen.Id("s").Op("*").Add(rt("EventStream")).Types(jen.Id(cn.event))).Params(jen.Id(n.streamHeaders), jen.Error()).Block(code...)
	f.Line()
}

// eventTypes renders the sealed event type of op's stream, a type per
// event, the fallback type, and the method that decodes events.
func (g *gen) eventTypes(f *jen.File, op *model.Operation, cn *clientNames) {
	st := op.Stream
	var kinds []string
	for _, ev := range st.Events {
		if ev != st.Error {
			kinds = append(kinds, cn.events[ev])
		}
	}
	list := listWords(kinds)
	if cn.unknown != "" {
		list += ", or " + cn.unknown
	}
	addDoc(f, prose(fmt.Sprintf("%s is an event of the %s stream: %s.", cn.event, op.Name, list)))
	f.Type().Id(cn.event).Interface(jen.Id(cn.marker).Params())
	f.Line()

	var cases, fallback []jen.Code
	for _, ev := range st.Events {
		name := cn.events[ev]
		doc := fmt.Sprintf("%s is the %q event of %s (%s).", name, ev.Name, op.Name, ev.ContentType)
		if ev == st.Error {
			doc = fmt.Sprintf("%s is the %q event that ends %s stream when the server fails; the stream returns it as its error (%s).", name, ev.Name, article(op.Name), ev.ContentType)
		}
		anyName := st.AnyName && ev.Name == "message"
		if anyName {
			doc = fmt.Sprintf("%s is a message event of %s, or an event of a name the API leaves open (%s).", name, op.Name, ev.ContentType)
		}
		decode, value := eventStruct(f, name, doc, ev, anyName, "ID is the event's ID: the last one the stream set, \"\" when none.", jen.Id("c").Dot("rt"))
		if anyName {
			f.Func().Params(jen.Id(name)).Id(cn.marker).Params().Block()
			fallback = []jen.Code{decode, jen.Return(value, jen.Err())}
		} else if ev == st.Error {
			f.Comment("// Error makes " + name + " the error that ends the stream.")
			f.Func().Params(jen.Id(name)).Id("Error").Params().String().Block(
				jen.Return(jen.Lit(fmt.Sprintf("%s: the server failed (%q event)", op.Name, ev.Name))))
			cases = append(cases, jen.Case(jen.Lit(ev.Name)).Block(
				decode,
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
				jen.Return(jen.Nil(), value),
			))
		} else {
			f.Func().Params(jen.Id(name)).Id(cn.marker).Params().Block()
			cases = append(cases, jen.Case(jen.Lit(ev.Name)).Block(decode, jen.Return(value, jen.Err())))
		}
		f.Line()
	}

	if cn.unknown != "" {
		addDoc(f, prose(fmt.Sprintf("%s is an event that %s does not declare, as received: a server may add events without breaking this client.", cn.unknown, op.Name)))
		f.Type().Id(cn.unknown).Add(rt("Event"))
		f.Line()
		f.Func().Params(jen.Id(cn.unknown)).Id(cn.marker).Params().Block()
		f.Line()
		fallback = []jen.Code{jen.Return(jen.Id(cn.unknown).Call(jen.Id("ev")), jen.Nil())}
	}

	addDoc(f, prose(fmt.Sprintf("%s turns an event of %s into its type.", cn.decode, op.Name)))
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(cn.decode).Params(jen.Id("ev").Add(rt("Event"))).Params(jen.Id(cn.event), jen.Error()).Block(
		switchOnType(cases, fallback)...,
	)
	f.Line()
}

// eventKinds lists the event types of a stream for its docs.
func eventKinds(kinds []string, cn *clientNames) string {
	if cn.unknown == "" {
		return listWords(kinds)
	}
	return listWords(kinds) + ", or " + cn.unknown + " for an event this client does not know"
}

// statusCase is the handling of one status of a response.
type statusCase struct {
	status int
	stmts  []jen.Code
}

// statusSwitch renders a switch on resp.StatusCode: an if for one case,
// nothing for none.
func statusSwitch(cases ...statusCase) []jen.Code {
	switch len(cases) {
	case 0:
		return nil
	case 1:
		return []jen.Code{jen.If(jen.Id("resp").Dot("StatusCode").Op("==").Lit(cases[0].status)).Block(cases[0].stmts...)}
	}
	var out []jen.Code
	for _, c := range cases {
		out = append(out, jen.Case(jen.Lit(c.status)).Block(c.stmts...))
	}
	return []jen.Code{jen.Switch(jen.Id("resp").Dot("StatusCode")).Block(out...)}
}

// article puts "a" or "an" before word.
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

// anEvent names the event called name with its article, for docs: a
// "delta" event, an "error" event.
func anEvent(name string) string {
	a, _, _ := strings.Cut(article(name), " ")
	return fmt.Sprintf("%s %q event", a, name)
}

// eventStruct declares name, the Go type of one event: its ID and data,
// and its type when the API leaves event names open. It returns the
// statement that decodes an event ev with the codecs of u, and the value
// it makes.
func eventStruct(f *jen.File, name, doc string, ev *model.Event, anyName bool, idDoc string, u jen.Code) (decode, value jen.Code) {
	var fields []jen.Code
	values := []jen.Code{jen.Id("ID").Op(":").Id("ev").Dot("ID"), jen.Id("Data").Op(":").Id("data")}
	if anyName {
		fields = append(fields, jen.Comment("// Type is the event's type: \"message\", or a name the API does not declare."), jen.Id("Type").String())
		values = append([]jen.Code{jen.Id("Type").Op(":").Id("ev").Dot("Type")}, values...)
	}
	addDoc(f, joinDoc(prose(doc), ev.Doc))
	f.Type().Id(name).Struct(append(fields,
		jen.Comment("// "+idDoc),
		jen.Id("ID").String(),
		jen.Comment("// Data is the event's data."),
		jen.Id("Data").Add(typeExpr(ev.Type)),
	)...)
	f.Line()
	decode = jen.List(jen.Id("data"), jen.Err()).Op(":=").Add(rt("DecodeEvent")).Types(typeExpr(ev.Type)).Call(u, jen.Id("ev"), jen.Lit(ev.ContentType))
	return decode, jen.Id(name).Values(values...)
}

// switchOnType is the body of a function that decodes an event: the cases
// of the event names it knows, then fallback.
func switchOnType(cases, fallback []jen.Code) []jen.Code {
	if len(cases) == 0 {
		return fallback
	}
	return append([]jen.Code{jen.Switch(jen.Id("ev").Dot("Type")).Block(cases...)}, fallback...)
}
