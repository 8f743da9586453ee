package golang

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/ssegen/ssegen/generator/model"
)

// server renders the Handler interface, the request, response and stream
// types of every operation, UnimplementedHandler and NewHandler into f.
func (g *gen) server(f *jen.File) error {
	g.handlerInterface(f)
	for _, op := range g.api.Operations {
		n := g.ops[op]
		if err := g.requestType(f, op, n); err != nil {
			return err
		}
		if n.bodyEvent != "" {
			g.bodyEventTypes(f, op, n)
		}
		if err := g.responseTypes(f, op, n); err != nil {
			return err
		}
		if op.Stream != nil {
			g.streamType(f, op, n)
		}
		if n.feed != "" {
			g.feedType(f, op, n)
		}
	}
	g.unimplemented(f)
	g.newHandler(f)
	for _, op := range g.api.Operations {
		if err := g.serveFunc(f, op, g.ops[op]); err != nil {
			return err
		}
	}
	return nil
}

// opDoc is the first line of an operation's documentation.
func opDoc(op *model.Operation, verb string) string {
	s := op.Name + " " + verb + " " + op.Method + " " + op.Path
	if sum := strings.TrimSpace(op.Summary); sum != "" {
		s += ": " + sum
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func (g *gen) handlerInterface(f *jen.File) {
	addDoc(f, prose(
		"Handler is the server of "+g.api.DocName()+": one method per operation. NewHandler decodes each request and answers 400 (application/problem+json) without calling the method when a parameter or the body is invalid. Embed UnimplementedHandler to keep compiling when operations are added.",
		"A plain operation's method returns one of its declared responses; an error is logged and answered with 500 and no detail, runtime.ErrNotImplemented with 501. A streaming operation's method sends events on its stream until it returns; its stream type tells how errors end the stream."))
	var methods []jen.Code
	for i, op := range g.api.Operations {
		n := g.ops[op]
		if i > 0 {
			methods = append(methods, jen.Line())
		}
		doc := []string{prose(opDoc(op, "handles")), op.Doc}
		switch {
		case jsonOrStream(op):
			doc = append(doc, prose(fmt.Sprintf("It answers with the event stream or with %s, as the request asks, by %s: it sends events on stream until it returns (see %s), or answers with stream.Respond before the first event. ctx is done when the client goes away or the server shuts down.",
				listWords(g.successNames(op, n)), chooser(op), n.stream)))
		case op.Stream != nil:
			doc = append(doc, prose("It sends events on stream until it returns (see "+n.stream+"); ctx is done when the client goes away or the server shuts down."))
		case n.response == "":
			doc = append(doc, prose("The spec declares no response: returning nil answers 204 No Content."))
		}
		methods = append(methods, docComment(joinDoc(doc...))...)
		methods = append(methods, jen.Id(op.Name).Add(g.methodSignature(op, n, false)))
	}
	f.Type().Id("Handler").Interface(methods...)
	f.Line()
}

// chooser says what a JSON-or-stream request can choose the stream by: its
// Accept header always, and a field of its body or a query or header
// parameter when it has one (a GET has no body, and a path parameter names
// what to answer with, not how).
func chooser(op *model.Operation) string {
	const accept = "its Accept header (stream.Requested)"
	switch {
	case op.Body != nil:
		return "a field of its body or by " + accept
	case slices.ContainsFunc(op.Params, func(p *model.Param) bool { return p.In == model.InQuery || p.In == model.InHeader }):
		return accept + " or by a parameter"
	}
	return accept
}

// methodSignature renders the parameters and results of op's Handler
// method; blank names the unused parameters "_" for UnimplementedHandler.
func (g *gen) methodSignature(op *model.Operation, n *opNames, blank bool) *jen.Statement {
	name := func(s string) string {
		if blank {
			return "_"
		}
		return s
	}
	params := []jen.Code{
		jen.Id(name("ctx")).Qual("context", "Context"),
		jen.Id(name("req")).Op("*").Id(n.request),
	}
	if op.Stream != nil {
		params = append(params, jen.Id("stream").Op("*").Id(n.stream))
		return jen.Params(params...).Error()
	}
	if n.response == "" {
		return jen.Params(params...).Error()
	}
	return jen.Params(params...).Params(jen.Id(n.response), jen.Error())
}

// requestType renders the struct that holds op's decoded parameters.
func (g *gen) requestType(f *jen.File, op *model.Operation, n *opNames) error {
	var fields []jen.Code
	for _, p := range op.Params {
		fields = append(fields, docComment(joinDoc(fmt.Sprintf("%s is the %s parameter %q.", p.Name, p.In, p.WireName), p.Doc))...)
		fields = append(fields, jen.Id(p.Name).Add(typeExpr(p.Type)))
	}
	if op.Body != nil {
		doc := n.body + " is the request body (" + op.Body.ContentType + ")"
		switch {
		case op.Body.Stream != nil:
			doc += ", one event at a time"
		case !op.Body.Required:
			doc += "; nil when the request has none"
		}
		fields = append(fields, docComment(joinDoc(doc+".", op.Body.Doc))...)
		fields = append(fields, jen.Id(n.body).Add(bodyType(op.Body, n)))
	}
	if n.lastEventID != "" {
		fields = append(fields,
			jen.Comment("// LastEventID is the ID of the last event the client received (the"),
			jen.Comment("// Last-Event-ID header): resume the stream after it; \"\" for a new stream."),
			jen.Id(n.lastEventID).String())
	}
	addDoc(f, fmt.Sprintf("%s holds the decoded parameters of %s (%s %s).", n.request, op.Name, op.Method, op.Path))
	f.Type().Id(n.request).Struct(fields...)
	f.Line()
	return nil
}

// bodyType is the Go type of a request body field: optional bodies are
// pointers unless already nil-able.
func bodyType(b *model.Body, n *opNames) *jen.Statement {
	if b.Stream != nil {
		return jen.Qual("iter", "Seq2").Types(jen.Id(n.bodyEvent), jen.Error())
	}
	if !b.Required && !nilable(b.Type) {
		return jen.Op("*").Add(typeExpr(b.Type))
	}
	return typeExpr(b.Type)
}

func nilable(t *model.TypeRef) bool {
	return t.Kind == model.Pointer || t.Kind == model.Slice || t.Kind == model.Map
}

// successNames are the types of op's success responses.
func (g *gen) successNames(op *model.Operation, n *opNames) []string {
	var names []string
	for _, r := range op.Successes() {
		names = append(names, n.statuses[r])
	}
	return names
}

// responseTypes renders op's sealed response interface and one type per
// declared response.
func (g *gen) responseTypes(f *jen.File, op *model.Operation, n *opNames) error {
	if n.response == "" {
		return nil
	}
	var impls []string
	for _, r := range op.Responses {
		impls = append(impls, n.statuses[r])
	}
	doc := fmt.Sprintf("%s is a response of %s: one of %s.", n.response, op.Name, listWords(impls))
	if op.Stream != nil {
		doc += fmt.Sprintf(" %s.Respond sends it instead of the event stream.", n.stream)
	}
	addDoc(f, prose(doc))
	f.Type().Id(n.response).Interface(
		jen.Comment("// "+n.respond+" sets the response headers on h and returns the status and body."),
		jen.Id(n.respond).Params(jen.Id("h").Qual("net/http", "Header")).Params(jen.Id("status").Int(), jen.Id("contentType").String(), jen.Id("body").Any()),
	)
	f.Line()
	for _, r := range op.Responses {
		name := n.statuses[r]
		var fields []jen.Code
		status := jen.Lit(r.Status)
		what := fmt.Sprintf("the %d response of %s", r.Status, op.Name)
		if r.Status == 0 {
			what = "the default response of " + op.Name + ", for any status not declared otherwise"
			fields = append(fields, jen.Comment("// StatusCode is the HTTP status to answer with."), jen.Id("StatusCode").Int())
			status = jen.Id("r").Dot("StatusCode")
		}
		hfields, sets := g.headerFields(r.Headers)
		fields = append(fields, hfields...)
		body := jen.Nil()
		contentType := ""
		if r.Type != nil {
			doc := "// Body is sent as " + r.ContentType + "."
			if r.ContentType == "text/event-stream" {
				doc = "// Body is sent as the data of one event (text/event-stream)."
			}
			fields = append(fields, jen.Comment(doc), jen.Id("Body").Add(typeExpr(r.Type)))
			body = jen.Id("r").Dot("Body")
			contentType = r.ContentType
		}
		addDoc(f, joinDoc(prose(fmt.Sprintf("%s is %s.", name, what)), r.Doc))
		f.Type().Id(name).Struct(fields...)
		f.Line()
		recv := "r"
		if len(sets) == 0 && r.Type == nil && r.Status != 0 {
			recv = ""
		}
		header := jen.Qual("net/http", "Header")
		if len(sets) > 0 {
			header = jen.Id("h").Add(header)
		}
		sets = append(sets, jen.Return(status, jen.Lit(contentType), body))
		f.Func().Params(jen.Id(recv).Id(name)).Id(n.respond).Params(header).Params(jen.Int(), jen.String(), jen.Any()).Block(sets...)
		f.Line()
	}
	return nil
}

// headerFields renders the struct fields of response headers, and the
// statements that set them on h from r.
func (g *gen) headerFields(headers []*model.Param) (fields, sets []jen.Code) {
	for _, h := range headers {
		fields = append(fields, docComment(joinDoc(fmt.Sprintf("%s is the response header %q.", h.Name, h.WireName), h.Doc))...)
		fields = append(fields, jen.Id(h.Name).Add(typeExpr(h.Type)))
		sets = append(sets, g.setHeader(h))
	}
	return fields, sets
}

// streamHeaders renders the type of the response headers of op's stream
// and the stream's SetHeaders method.
func (g *gen) streamHeaders(f *jen.File, op *model.Operation, n *opNames) {
	fields, sets := g.headerFields(op.Stream.Headers)
	addDoc(f, prose(fmt.Sprintf("%s are the response headers of the %s stream: the handler sets them with %s.SetHeaders, a client reads them with %sOf.", n.streamHeaders, op.Name, n.stream, n.streamHeaders)))
	f.Type().Id(n.streamHeaders).Struct(fields...)
	f.Line()
	addDoc(f, prose("SetHeaders sets the response headers the stream declares. Call it before the first event (or Open), which sends them; after that it returns runtime.ErrCommitted."))
	f.Func().Params(jen.Id("s").Op("*").Id(n.stream)).Id("SetHeaders").Params(jen.Id("r").Id(n.streamHeaders)).Error().Block(
		jen.Return(jen.Id("s").Dot("s").Dot("SetHeaders").Call(jen.Func().Params(jen.Id("h").Qual("net/http", "Header")).Block(sets...))),
	)
	f.Line()
}

// setHeader renders the statement that sets response header h from r.
func (g *gen) setHeader(h *model.Param) jen.Code {
	t := h.Type
	optional := t.Kind == model.Pointer
	value := jen.Id("r").Dot(h.Name)
	if optional {
		t = t.Elem
		value = jen.Op("*").Id("r").Dot(h.Name)
	}
	if h.JSON {
		set := jen.Id("h").Dot("Set").Call(jen.Lit(h.WireName), rt("FormatJSON").Call(value))
		if optional || nilable(g.underlying(t)) {
			return jen.If(jen.Id("r").Dot(h.Name).Op("!=").Nil()).Block(set)
		}
		return set
	}
	if u := g.underlying(t); u.Kind == model.Slice && !optional {
		_, format := g.scalarFuncs(u.Elem)
		set := jen.Id("h").Dot("Set").Call(jen.Lit(h.WireName), rt("FormatList").Call(value, rt(format)))
		return jen.If(jen.Len(value.Clone()).Op(">").Lit(0)).Block(set)
	}
	set := jen.Id("h").Dot("Set").Call(jen.Lit(h.WireName), g.formatted(t, value))
	if optional {
		return jen.If(jen.Id("r").Dot(h.Name).Op("!=").Nil()).Block(set)
	}
	return set
}

// streamType renders op's stream: a send method per event, Open, Batch,
// and Fail / Respond when the spec declares an error event or plain
// responses.
func (g *gen) streamType(f *jen.File, op *model.Operation, n *opNames) {
	st := op.Stream
	doc := []string{fmt.Sprintf("%s sends the events of %s (%s %s). Its methods are safe for concurrent use; they fail once the stream ended: the client went away, the server shuts down, or the handler returned.", n.stream, op.Name, op.Method, op.Path)}
	var end []string
	switch sendsEnd := st.HasEnd && !st.EndOptional; {
	case sendsEnd && st.End == "":
		end = append(end, "When the handler returns nil, a final empty message ends the stream.")
	case sendsEnd:
		end = append(end, fmt.Sprintf("When the handler returns nil, a final message %q ends the stream.", st.End))
	default:
		end = append(end, "When the handler returns nil, the stream ends.")
	}
	if st.Error != nil {
		end = append(end, fmt.Sprintf("Return the error of Fail to end it with %s instead.", anEvent(st.Error.Name)))
	}
	end = append(end, "Any other error, or a panic, is logged: before the first event it is answered with 500 (application/problem+json), after it the stream just ends, so internal details never reach the client.")
	doc = append(doc, strings.Join(end, " "))
	var hints []string
	if st.Heartbeat > 0 {
		hints = append(hints, fmt.Sprintf("A comment is sent after %s without events to keep the connection alive.", st.Heartbeat))
	}
	if st.Retry > 0 {
		hints = append(hints, fmt.Sprintf("Clients are told to wait %s before reconnecting.", st.Retry))
	}
	doc = append(doc, strings.Join(hints, " "))
	if jsonOrStream(op) {
		doc = append(doc, fmt.Sprintf("%s can also answer without a stream: Respond with %s before the first event. Requested tells whether the client's Accept header asks for the stream.", op.Name, article(listWords(g.successNames(op, n)))))
	}
	addDoc(f, prose(doc...))
	fields := []jen.Code{jen.Id("s").Op("*").Add(rt("Stream"))}
	if n.response != "" {
		fields = append(fields, jen.Id("h").Qual("net/http", "Header").Comment("// for Respond"))
	}
	if n.feed != "" {
		fields = append(fields, jen.Id("topic").String().Comment("// of the request's resource, for Follow"))
	}
	f.Type().Id(n.stream).Struct(fields...)
	f.Line()
	recv := jen.Id("s").Op("*").Id(n.stream)
	for _, ev := range st.Events {
		doc := fmt.Sprintf("Send%s sends %s (%s).", ev.GoName, anEvent(ev.Name), ev.ContentType)
		if st.AnyName && ev.Name == "message" {
			doc += " The API leaves event names open: runtime.WithEventType sends it under another name."
		}
		body, with := fillIn(g.fixedFields(ev.Type, "", ""))
		if with != "" {
			doc += " It sends v " + with + "."
		}
		body = append(body, jen.Return(jen.Id("s").Dot("s").Dot("SendData").Call(jen.Lit(wireType(ev)), jen.Lit(ev.ContentType), jen.Id("v"), jen.Id("opts").Op("..."))))
		addDoc(f, joinDoc(prose(doc), ev.Doc))
		f.Func().Params(recv.Clone()).Id("Send"+ev.GoName).Params(
			jen.Id("v").Add(typeExpr(ev.Type)), jen.Id("opts").Op("...").Add(rt("EventOption")),
		).Error().Block(body...)
		f.Line()
	}
	f.Comment("// Open sends the response headers now, before the first event.")
	f.Func().Params(recv.Clone()).Id("Open").Params().Error().Block(jen.Return(jen.Id("s").Dot("s").Dot("Open").Call()))
	f.Line()
	f.Comment("// Batch calls fn and writes the events it sends at once, with one flush.")
	f.Func().Params(recv.Clone()).Id("Batch").Params(jen.Id("fn").Func().Params().Error()).Error().Block(
		jen.Return(jen.Id("s").Dot("s").Dot("Batch").Call(jen.Id("fn"))))
	f.Line()
	if n.streamHeaders != "" {
		g.streamHeaders(f, op, n)
	}
	if n.feed != "" {
		g.followMethod(f, op, n)
	}
	if st.Error != nil {
		ev := st.Error
		body, with := fillIn(g.fixedFields(ev.Type, "", ""))
		doc := fmt.Sprintf("Fail returns the error that ends the stream with %s carrying v", anEvent(ev.Name))
		if with != "" {
			doc += " " + with
		}
		addDoc(f, prose(doc+". Return it from the handler; the event is sent even when nothing else was:", "\treturn stream.Fail(v)"))
		body = append(body,
			jen.Id("s").Dot("s").Dot("Open").Call().Comment("// committed, the error is reported with the event, not a 500"),
			jen.Return(jen.Op("&").Id(n.failure).Values(jen.Id("v"))),
		)
		f.Func().Params(recv.Clone()).Id("Fail").Params(jen.Id("v").Add(typeExpr(ev.Type))).Error().Block(body...)
		f.Line()
	}
	if jsonOrStream(op) {
		addDoc(f, prose("Requested reports whether the client's Accept header asks for the event stream (text/event-stream), as EventSource and the generated client's stream call do; */* does not. An API that chooses from the request body alone can ignore it."))
		f.Func().Params(recv.Clone()).Id("Requested").Params().Bool().Block(jen.Return(jen.Id("s").Dot("s").Dot("Requested").Call()))
		f.Line()
	}
	if n.response != "" {
		what := ", for example 404 before streaming"
		if jsonOrStream(op) {
			what = fmt.Sprintf(": %s when the request does not ask for the stream, or an error response", article(listWords(g.successNames(op, n))))
		}
		addDoc(f, prose("Respond answers with r instead of the event stream"+what+". It returns runtime.ErrCommitted once the stream has started."))
		f.Func().Params(recv.Clone()).Id("Respond").Params(jen.Id("r").Id(n.response)).Error().Block(
			jen.List(jen.Id("status"), jen.Id("contentType"), jen.Id("body")).Op(":=").Id("r").Dot(n.respond).Call(jen.Id("s").Dot("h")),
			jen.Return(jen.Id("s").Dot("s").Dot("Respond").Call(jen.Id("status"), jen.Id("contentType"), jen.Id("body"))),
		)
		f.Line()
	}
	if st.Error != nil {
		f.Comment("// " + n.failure + " is the error of " + n.stream + ".Fail.")
		f.Type().Id(n.failure).Struct(jen.Id("v").Add(typeExpr(st.Error.Type)))
		f.Line()
		f.Func().Params(jen.Op("*").Id(n.failure)).Id("Error").Params().String().Block(
			jen.Return(jen.Lit(fmt.Sprintf("%s failed: %q event sent", op.Name, st.Error.Name))),
		)
		f.Line()
	}
	g.streamConfig(f, op, n)
}

// streamConfig renders the runtime.StreamConfig of op.
func (g *gen) streamConfig(f *jen.File, op *model.Operation, n *opNames) {
	st := op.Stream
	var fields []jen.Code
	if ct := dataContentType(st); ct != "" {
		fields = append(fields, jen.Id("DataContentType").Op(":").Lit(ct))
	}
	if st.Heartbeat > 0 {
		fields = append(fields, jen.Id("Heartbeat").Op(":").Add(durationExpr(st.Heartbeat)))
	}
	if st.Retry > 0 {
		fields = append(fields, jen.Id("Retry").Op(":").Add(durationExpr(st.Retry)))
	}
	if st.HasEnd && !st.EndOptional {
		fields = append(fields, jen.Id("End").Op(":").Index().Byte().Parens(jen.Lit(st.End)))
	}
	if st.Error != nil {
		fields = append(fields,
			jen.Id("ErrorEvent").Op(":").Lit(st.Error.Name),
			jen.Id("ErrorData").Op(":").Func().Params(jen.Err().Error()).Params(jen.String(), jen.Any()).Block(
				jen.Var().Id("f").Op("*").Id(n.failure),
				jen.If(jen.Qual("errors", "As").Call(jen.Err(), jen.Op("&").Id("f"))).Block(
					jen.Return(jen.Lit(st.Error.ContentType), jen.Id("f").Dot("v")),
				),
				jen.Return(jen.Lit(""), jen.Nil()).Comment("// other errors send no event"),
			))
	}
	f.Var().Id(n.config).Op("=").Add(rt("StreamConfig")).Values(fieldLines(fields)...)
	f.Line()
}

// fieldLines puts each keyed field of a composite literal on its own line.
func fieldLines(fields []jen.Code) []jen.Code {
	if len(fields) == 0 {
		return nil
	}
	out := make([]jen.Code, 0, len(fields))
	for _, fd := range fields {
		out = append(out, jen.Line().Add(fd))
	}
	out[len(out)-1] = jen.Add(out[len(out)-1]).Op(",").Line()
	return out
}

// wireType is the event type ev is sent with: "" for a message event,
// which goes without an event line.
func wireType(ev *model.Event) string {
	if ev.Name == "message" {
		return ""
	}
	return ev.Name
}

// dataContentType is the X-Event-Data-Mimetype of a stream: the content
// type of its message events, or the one all its events share.
func dataContentType(st *model.Stream) string {
	shared := ""
	for i, ev := range st.Events {
		if ev.Name == "message" {
			return ev.ContentType
		}
		if i == 0 {
			shared = ev.ContentType
		} else if ev.ContentType != shared {
			shared = ""
		}
	}
	return shared
}

// unimplemented renders UnimplementedHandler.
func (g *gen) unimplemented(f *jen.File) {
	addDoc(f, prose("UnimplementedHandler answers 501 Not Implemented to every operation. Embed it in a Handler implementation so that operations added to the spec later do not break the build."))
	f.Type().Id("UnimplementedHandler").Struct()
	f.Line()
	for _, op := range g.api.Operations {
		n := g.ops[op]
		var body jen.Code
		switch {
		case op.Stream != nil:
			body = jen.Return(rt("NotImplemented").Call(jen.Id("stream").Dot("s")))
		case n.response == "":
			body = jen.Return(rt("ErrNotImplemented"))
		default:
			body = jen.Return(jen.Nil(), rt("ErrNotImplemented"))
		}
		f.Func().Params(jen.Id("UnimplementedHandler")).Id(op.Name).Add(g.methodSignature(op, n, true)).Block(body)
		f.Line()
	}
}

// newHandler renders NewHandler and the handler type.
func (g *gen) newHandler(f *jen.File) {
	addDoc(f, prose(
		"NewHandler returns an http.Handler that routes the API's operations to impl, with http.ServeMux patterns rooted at \"/\". To serve it under a prefix, strip the prefix first:",
		"\tmux.Handle(\"/api/\", http.StripPrefix(\"/api\", NewHandler(impl)))",
		"The same http.StripPrefix handler h mounts in other routers: chi's r.Mount(\"/api\", h), echo's e.Any(\"/api/*\", echo.WrapHandler(h)) and gin's r.Any(\"/api/*path\", gin.WrapH(h)).",
		"A path that no operation has is answered 404, and a method the path does not take 405 with an Allow header, both as application/problem+json.",
		"Options choose codecs, the logger, write timeouts, the request body size limit and shutdown behaviour (see runtime.Option)."))
	var routes []jen.Code
	if len(g.routes) > 0 { // else nothing serves with h, which would not compile unused
		routes = append(routes, jen.Id("h").Op(":=").Op("&").Id("handler").Values(
			jen.Id("impl").Op(":").Id("impl"),
			jen.Id("opts").Op(":").Add(rt("NewOptions").Call(jen.Id("opts").Op("..."))),
		))
	}
	routes = append(routes, jen.Id("mux").Op(":=").Qual("net/http", "NewServeMux").Call())
	methods := map[string]bool{}
	dispatches := false
	for _, ro := range g.routes {
		m, _ := splitPattern(ro.pattern)
		methods[m] = true
		switch {
		case ro.dispatch == "":
			routes = append(routes, jen.Id("mux").Dot("HandleFunc").Call(jen.Lit(ro.pattern), jen.Id("h").Dot(g.ops[ro.ops[0]].serve)))
		case g.merged(ro):
			// The operations' own paths, each shape once.
			args := []jen.Code{jen.Id("h").Dot(ro.dispatch)}
			var patterns []string
			for _, op := range ro.ops {
				pattern := g.ops[op].pattern
				if !slices.ContainsFunc(patterns, func(p string) bool { return comparePatterns(p, pattern) == equivalent }) {
					patterns = append(patterns, pattern)
					_, path, _ := strings.Cut(pattern, " ")
					args = append(args, jen.Lit(path))
				}
			}
			routes = append(routes, jen.Id("mux").Dot("Handle").Call(jen.Lit(ro.pattern), rt("SharedRoute").Call(fieldLines(args)...)))
			dispatches = true
		default: // operations told apart by their query or Accept header
			routes = append(routes, jen.Id("mux").Dot("HandleFunc").Call(jen.Lit(ro.pattern), jen.Id("h").Dot(ro.dispatch)))
			dispatches = true
		}
	}
	args := []jen.Code{jen.Id("mux")}
	for _, m := range slices.Sorted(maps.Keys(methods)) {
		args = append(args, jen.Lit(m))
	}
	noRoute := rt("NoRoute").Call(args...)
	if dispatches { // their operations do not serve every path of their pattern
		routes = append(routes, jen.Id("h").Dot("noRoute").Op("=").Add(noRoute))
		noRoute = jen.Id("h").Dot("noRoute")
	}
	routes = append(routes,
		jen.Id("mux").Dot("Handle").Call(jen.Lit("/"), noRoute),
		jen.Return(jen.Id("mux")))
	f.Func().Id("NewHandler").Params(jen.Id("impl").Id("Handler"), jen.Id("opts").Op("...").Add(rt("Option"))).Qual("net/http", "Handler").Block(routes...)
	f.Line()
	fields := []jen.Code{
		jen.Id("impl").Id("Handler"),
		jen.Id("opts").Op("*").Add(rt("Options")),
	}
	if dispatches {
		fields = append(fields, jen.Id("noRoute").Qual("net/http", "Handler").Comment("// answers the requests no operation serves"))
	}
	f.Type().Id("handler").Struct(fields...)
	f.Line()
	for _, ro := range g.routes {
		if ro.dispatch != "" {
			g.dispatchFunc(f, ro)
		}
	}
}

// dispatchFunc renders the handler method that picks among the operations
// of one route by their paths and the query or Accept conditions of their
// path keys, in the order of ro.ops.
func (g *gen) dispatchFunc(f *jen.File, ro *route) {
	_, segs := splitPattern(ro.pattern)
	var locals, values []jen.Code
	local := func(seg string) *jen.Statement { return jen.Id(strings.Trim(seg, "{}")) }
	for i, seg := range segs {
		for _, op := range ro.ops {
			if _, opSegs := splitPattern(g.ops[op].pattern); opSegs[i] != seg {
				locals = append(locals, local(seg))
				values = append(values, jen.Id("r").Dot("PathValue").Call(jen.Lit(strings.Trim(seg, "{}"))))
				break
			}
		}
	}
	var body []jen.Code
	if len(locals) > 0 {
		body = append(body, jen.List(locals...).Op(":=").List(values...))
	}
	usesQuery := false
	for _, op := range ro.ops {
		usesQuery = usesQuery || g.ops[op].query != nil
	}
	if usesQuery {
		body = append(body, jen.Id("q").Op(":=").Id("r").Dot("URL").Dot("Query").Call())
	}
	var fallback jen.Code = jen.Id("h").Dot("noRoute").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r"))
	for _, op := range ro.ops {
		n := g.ops[op]
		var tests, calls []jen.Code
		_, opSegs := splitPattern(n.pattern)
		for i, seg := range opSegs {
			switch {
			case seg == segs[i]:
			case isWildcard(seg):
				calls = append(calls, jen.Id("r").Dot("SetPathValue").Call(jen.Lit(strings.Trim(seg, "{}")), local(segs[i])))
			default:
				tests = append(tests, local(segs[i]).Op("==").Lit(seg))
			}
		}
		calls = append(calls, jen.Id("h").Dot(n.serve).Call(jen.Id("w"), jen.Id("r")))
		keys := make([]string, 0, len(n.query))
		for k := range n.query {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			tests = append(tests, jen.Id("q").Dot("Get").Call(jen.Lit(k)).Op("==").Lit(n.query.Get(k)))
		}
		if streamOnly(op) {
			tests = append(tests, rt("AcceptsEventStream").Call(jen.Id("r")))
		}
		if len(tests) == 0 { // the most general operation, sorted last
			fallback = jen.Add(calls...)
			break
		}
		cond := jen.Add(tests[0])
		for _, test := range tests[1:] {
			cond = cond.Op("&&").Add(test)
		}
		body = append(body, jen.If(cond).Block(append(calls, jen.Return())...))
	}
	body = append(body, fallback)
	var names, by []string
	conditions := false
	for _, op := range ro.ops {
		names = append(names, op.Name)
		conditions = conditions || condition(op) != ""
	}
	if g.merged(ro) {
		by = append(by, "their paths, literal segments before wildcards from left to right")
	}
	if conditions {
		by = append(by, "their query or Accept header")
	}
	addDoc(f, prose(ro.dispatch+" serves "+listWords(names)+", told apart by "+strings.Join(by, ", then by ")+"."))
	f.Func().Params(jen.Id("h").Op("*").Id("handler")).Id(ro.dispatch).Params(
		jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request"),
	).Block(body...)
	f.Line()
}

// serveFunc renders the handler method that decodes op's request and calls
// the implementation.
func (g *gen) serveFunc(f *jen.File, op *model.Operation, n *opNames) error {
	var decode []jen.Code
	for _, p := range op.Params {
		code, err := g.decodeParam(p, n)
		if err != nil {
			return fmt.Errorf("operation %s: %w", op.Name, err)
		}
		decode = append(decode, code...)
	}
	switch {
	case op.Body != nil && op.Body.Stream != nil:
		decode = append(decode, jen.Id("req").Dot(n.body).Op("=").Add(rt("BodyEvents")).Call(jen.Id("p"), jen.Id("h").Dot("opts"), jen.Id(n.decodeEvent)))
	case op.Body != nil:
		fn := "Body"
		if !op.Body.Required && !nilable(op.Body.Type) {
			fn = "BodyPtr"
		}
		args := []jen.Code{jen.Id("p"), jen.Id("h").Dot("opts"), jen.Lit(op.Body.ContentType), jen.Op("&").Id("req").Dot(n.body)}
		decode = append(decode, rt(fn).Call(append(args, g.rules(op.Body.Type)...)...))
	}
	body := []jen.Code{jen.Var().Id("req").Id(n.request)}
	if len(decode) > 0 { // else nothing can fail
		body = append(body, jen.Id("p").Op(":=").Add(rt("NewParams")).Call(jen.Id("r")))
		body = append(body, decode...)
		body = append(body, jen.If(jen.Id("p").Dot("Failed").Call(jen.Id("w"))).Block(jen.Return()))
	}
	if op.Stream != nil {
		fields := []jen.Code{jen.Id("s")}
		if n.response != "" {
			fields = append(fields, jen.Id("w").Dot("Header").Call())
		}
		if n.feed != "" {
			var args []jen.Code
			for _, p := range op.Stream.Feed.Params {
				args = append(args, jen.Id("req").Dot(p.Name))
			}
			fields = append(fields, topicOf(n, args))
		}
		streamValue := jen.Op("&").Id(n.stream).Values(fields...)
		if n.lastEventID != "" {
			body = append(body, jen.Id("req").Dot(n.lastEventID).Op("=").Id("r").Dot("Header").Dot("Get").Call(jen.Lit("Last-Event-ID")))
		}
		body = append(body, rt("Serve").Call(jen.Id("w"), jen.Id("r"), jen.Id("h").Dot("opts"), jen.Op("&").Id(n.config),
			jen.Func().Params(jen.Id("s").Op("*").Add(rt("Stream"))).Error().Block(
				jen.Return(jen.Id("h").Dot("impl").Dot(op.Name).Call(
					jen.Id("s").Dot("Context").Call(), jen.Op("&").Id("req"),
					streamValue)),
			)))
	} else if n.response == "" {
		body = append(body,
			jen.If(jen.Err().Op(":=").Id("h").Dot("impl").Dot(op.Name).Call(jen.Id("r").Dot("Context").Call(), jen.Op("&").Id("req")), jen.Err().Op("!=").Nil()).Block(
				rt("WriteError").Call(jen.Id("w"), jen.Id("r"), jen.Id("h").Dot("opts"), jen.Err()),
				jen.Return(),
			),
			jen.Id("w").Dot("WriteHeader").Call(jen.Qual("net/http", "StatusNoContent")),
		)
	} else {
		body = append(body,
			jen.List(jen.Id("resp"), jen.Err()).Op(":=").Id("h").Dot("impl").Dot(op.Name).Call(jen.Id("r").Dot("Context").Call(), jen.Op("&").Id("req")),
			jen.If(jen.Err().Op("==").Nil().Op("&&").Id("resp").Op("==").Nil()).Block(
				jen.Err().Op("=").Qual("errors", "New").Call(jen.Lit(op.Name+" returned no response")),
			),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				rt("WriteError").Call(jen.Id("w"), jen.Id("r"), jen.Id("h").Dot("opts"), jen.Err()),
				jen.Return(),
			),
			jen.List(jen.Id("status"), jen.Id("contentType"), jen.Id("body")).Op(":=").Id("resp").Dot(n.respond).Call(jen.Id("w").Dot("Header").Call()),
			rt("WriteResponse").Call(jen.Id("w"), jen.Id("r"), jen.Id("h").Dot("opts"), jen.Id("status"), jen.Id("contentType"), jen.Id("body")),
		)
	}
	f.Func().Params(jen.Id("h").Op("*").Id("handler")).Id(n.serve).Params(
		jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request"),
	).Block(body...)
	f.Line()
	return nil
}

// paramSpec renders the runtime.Param that describes p.
func paramSpec(p *model.Param, n *opNames) (*jen.Statement, error) {
	var ctor, style string
	explode := false
	switch p.In {
	case model.InPath:
		ctor, style = "Path", "simple"
	case model.InQuery:
		ctor, style, explode = "Query", "form", true
	case model.InHeader:
		ctor, style = "Header", "simple"
	case model.InCookie:
		ctor, style, explode = "Cookie", "form", true
	default:
		return nil, fmt.Errorf("parameter %q: unknown location %q", p.WireName, p.In)
	}
	s := rt(ctor).Call(jen.Lit(p.WireName))
	if p.Style != "" && (p.Style != style || p.Explode != explode) {
		c, ok := styleConsts[p.Style]
		if !ok {
			return nil, fmt.Errorf("%s parameter %q: unknown style %q", p.In, p.WireName, p.Style)
		}
		s.Dot("Styled").Call(rt(c), jen.Lit(p.Explode))
	}
	if p.In == model.InPath {
		w, ok := n.wildcards[p.WireName]
		if !ok {
			return nil, fmt.Errorf("path parameter %q is not in the path", p.WireName)
		}
		if w != p.WireName {
			s.Dot("Wildcard").Call(jen.Lit(w))
		}
		if affixes, ok := n.within[p.WireName]; ok {
			s.Dot("Within").Call(jen.Lit(affixes[0]), jen.Lit(affixes[1]))
		}
	} else if p.Required {
		s.Dot("Required").Call()
	}
	return s, nil
}

var styleConsts = map[string]string{
	"simple":         "StyleSimple",
	"form":           "StyleForm",
	"label":          "StyleLabel",
	"matrix":         "StyleMatrix",
	"spaceDelimited": "StyleSpaceDelimited",
	"pipeDelimited":  "StylePipeDelimited",
	"deepObject":     "StyleDeepObject",
}

// decodeParam renders the statements that decode p into the request.
func (g *gen) decodeParam(p *model.Param, n *opNames) ([]jen.Code, error) {
	spec, err := paramSpec(p, n)
	if err != nil {
		return nil, err
	}
	if rules := g.rules(p.Type); len(rules) > 0 {
		spec.Dot("Check").Call(rules...)
	}
	dst := jen.Op("&").Id("req").Dot(p.Name)
	t, pointer := p.Type, p.Type.Kind == model.Pointer
	if pointer {
		t = t.Elem
	}
	if p.JSON {
		fn := "Scalar"
		if pointer {
			fn = "ScalarPtr"
		}
		return []jen.Code{rt(fn).Call(jen.Id("p"), spec, dst, rt("ParseJSON"))}, nil
	}
	u := g.underlying(t)
	if u.Kind == model.Ref && g.types[u.Name] != nil && g.types[u.Name].Kind == model.Struct {
		return g.decodeObject(p, spec, pointer, g.types[u.Name]), nil
	}
	if !pointer && (u.Kind == model.Slice || u.Kind == model.Map) {
		fn := "Array"
		if u.Kind == model.Map {
			fn = "Map"
		}
		parse, _ := g.scalarFuncs(u.Elem)
		return []jen.Code{rt(fn).Call(jen.Id("p"), spec, dst, rt(parse))}, nil
	}
	fn := "Scalar"
	if pointer {
		fn = "ScalarPtr"
	}
	parse, _ := g.scalarFuncs(t)
	return []jen.Code{rt(fn).Call(jen.Id("p"), spec, dst, rt(parse))}, nil
}

// decodeObject renders the decoding of an object parameter into a struct.
func (g *gen) decodeObject(p *model.Param, spec *jen.Statement, optional bool, t *model.Type) []jen.Code {
	local := unexported(p.Name) + "Param"
	var names, fields []jen.Code
	target := jen.Id("req").Dot(p.Name)
	for _, fd := range t.Fields {
		names = append(names, jen.Lit(fd.JSONName))
		ft, fn := fd.Type, "Field"
		switch {
		case ft.Kind == model.Pointer:
			ft, fn = ft.Elem, "FieldPtr"
		case !fd.Required:
			fn = "OptionalField"
		}
		parse, _ := g.scalarFuncs(ft)
		fieldSpec := jen.Id(local)
		if rules := g.rules(ft); len(rules) > 0 {
			fieldSpec = jen.Id(local).Dot("Check").Call(rules...)
		}
		fields = append(fields, rt(fn).Call(jen.Id("p"), fieldSpec, jen.Id("props"), jen.Lit(fd.JSONName), jen.Op("&").Add(target.Clone()).Dot(fd.Name), rt(parse)))
	}
	if optional {
		fields = append([]jen.Code{target.Clone().Op("=").New(jen.Id(t.Name))}, fields...)
	}
	return []jen.Code{
		jen.Id(local).Op(":=").Add(spec),
		jen.If(jen.List(jen.Id("props"), jen.Id("ok")).Op(":=").Id("p").Dot("Object").Call(append([]jen.Code{jen.Id(local)}, names...)...), jen.Id("ok")).Block(fields...),
	}
}

// bodyEventTypes renders the events of a request body that is an event
// stream: a sealed type, a type per event that knows how it is sent, and
// the function that decodes them on the server.
func (g *gen) bodyEventTypes(f *jen.File, op *model.Operation, n *opNames) {
	st := op.Body.Stream
	marker := unexported(n.bodyEvent)
	var kinds []string
	for _, ev := range st.Events {
		kinds = append(kinds, n.bodyEvents[ev])
	}
	addDoc(f, prose(fmt.Sprintf("%s is an event of the %s request body: %s.", n.bodyEvent, op.Name, listWords(kinds))))
	f.Type().Id(n.bodyEvent).Interface(
		jen.Comment("// "+marker+" returns the event's type, ID, data and data content type."),
		jen.Id(marker).Params().Params(jen.List(jen.Id("eventType"), jen.Id("id"), jen.Id("contentType")).String(), jen.Id("data").Any()),
	)
	f.Line()
	var cases, fallback []jen.Code
	for _, ev := range st.Events {
		name := n.bodyEvents[ev]
		anyName := st.AnyName && ev.Name == "message"
		wire := jen.Lit(ev.Name)
		doc := fmt.Sprintf("%s is the %q event of the %s request body (%s).", name, ev.Name, op.Name, ev.ContentType)
		if anyName {
			doc = fmt.Sprintf("%s is a message event of the %s request body, or an event of a name the API leaves open (%s).", name, op.Name, ev.ContentType)
			wire = jen.Id("e").Dot("Type")
		}
		decode, value := eventStruct(f, name, doc, ev, anyName, "ID is the event's ID, \"\" for none.", jen.Id("o"))
		f.Func().Params(jen.Id("e").Id(name)).Id(marker).Params().Params(jen.String(), jen.String(), jen.String(), jen.Any()).Block(
			jen.Return(wire, jen.Id("e").Dot("ID"), jen.Lit(ev.ContentType), jen.Id("e").Dot("Data")),
		)
		f.Line()
		if anyName {
			fallback = []jen.Code{decode, jen.Return(value, jen.Err())}
		} else {
			cases = append(cases, jen.Case(jen.Lit(ev.Name)).Block(decode, jen.Return(value, jen.Err())))
		}
	}
	if fallback == nil {
		fallback = []jen.Code{jen.Return(jen.Nil(), rt("UnknownEvent").Call(jen.Id("ev")))}
	}
	addDoc(f, prose(fmt.Sprintf("%s turns an event of the %s request body into its type.", n.decodeEvent, op.Name)))
	f.Func().Id(n.decodeEvent).Params(jen.Id("o").Op("*").Add(rt("Options")), jen.Id("ev").Add(rt("Event"))).Params(jen.Id(n.bodyEvent), jen.Error()).Block(
		switchOnType(cases, fallback)...,
	)
	f.Line()
}
