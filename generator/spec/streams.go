package spec

import (
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// resolveStreams resolves the schemas the annotations name, with the
// loader that loaded the document, checks what needs them resolved, and
// records each annotation on its operation.
func (s *sources) resolveStreams(doc *Document, root *file, annotations []*annotation) {
	if len(annotations) == 0 {
		return
	}
	// kin-openapi resolves references inside a document it walks, so the
	// event schemas join a copy of the document as extra components.
	synth := *doc.OpenAPI
	var comps openapi3.Components
	if synth.Components != nil {
		comps = *synth.Components
	}
	comps.Schemas = maps.Clone(comps.Schemas)
	if comps.Schemas == nil {
		comps.Schemas = openapi3.Schemas{}
	}
	synth.Components = &comps
	for i, a := range annotations {
		for _, name := range slices.Sorted(maps.Keys(a.schemas)) {
			node := a.schemas[name]
			data, err := schemaJSON(a.file, root, node)
			sr := new(openapi3.SchemaRef)
			if err == nil {
				err = json.Unmarshal(data, sr)
			}
			if err != nil {
				s.errorf(a.file.pos(node), "%s.events.%s.schema: not a valid schema: %v", extensionKey, name, err)
				delete(a.schemas, name)
				continue
			}
			a.stream.Events[name].Schema = sr
			comps.Schemas[fmt.Sprintf("%s %d %s", extensionKey, i, name)] = sr
		}
	}
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		return s.loader.ResolveRefsIn(&synth, &url.URL{Path: filepath.ToSlash(root.path)})
	}()
	if err != nil {
		// checkRefs has followed every $ref already, so this is a reference
		// kin-openapi reads differently; report it on the first annotation.
		s.errorf(annotations[0].stream.Pos, "%s: cannot resolve the event schemas: %v", extensionKey, firstLine(err.Error()))
		return
	}
	for _, a := range annotations {
		var op *openapi3.Operation
		item := doc.OpenAPI.Paths.Value(a.path)
		if item != nil {
			op = item.GetOperation(a.method)
		}
		if op == nil {
			continue
		}
		s.checkEventTypes(a)
		describeTextEvents(a.stream)
		s.checkStreamResponse(a, op)
		if a.topic != nil {
			s.checkTopic(a.file.pos(a.topic), "", a.stream.Topic, item.Parameters, op)
		}
		doc.Streams[op] = a.stream
	}
}

// checkEventTypes checks that text/plain events have string schemas.
func (s *sources) checkEventTypes(a *annotation) {
	for _, name := range slices.Sorted(maps.Keys(a.stream.Events)) {
		ev := a.stream.Events[name]
		if ev.ContentType != "text/plain" || ev.Schema == nil || ev.Schema.Value == nil || brokenRef(ev.Schema) {
			continue
		}
		if t := ev.Schema.Value.Type; t == nil || !t.Is("string") {
			got := "no type"
			if t != nil && len(*t) > 0 {
				got = "type " + strings.Join(t.Slice(), " or ")
			}
			s.errorf(a.file.pos(a.contentTypes[name]), "%s.events.%s: text/plain data needs a schema of type string, not %s", extensionKey, name, got)
		}
	}
}

// describeTextEvents gives a text/plain event without a description that
// of its schema: its data is a plain string in Go, with no type of its own
// to carry the schema's words. A stream read from an item schema is
// described the same way.
func describeTextEvents(st *EventStream) {
	for _, ev := range st.Events {
		if ev.Description == "" && ev.ContentType == "text/plain" && ev.Schema != nil && ev.Schema.Value != nil {
			ev.Description = ev.Schema.Value.Description
		}
	}
}

// checkTopic checks that each {param} of topic, written at at, is a path
// parameter of the operation (declared on it or on its Path Item) with a
// scalar value. where, when not empty, names the stream, whose topic is
// not in an annotation of the operation.
func (s *sources) checkTopic(at Position, where, topic string, shared openapi3.Parameters, op *openapi3.Operation) {
	if where != "" {
		where += ": "
	}
	pathParams := map[string]*openapi3.Parameter{}
	for _, ps := range []openapi3.Parameters{shared, op.Parameters} {
		for _, p := range ps {
			if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInPath {
				pathParams[p.Value.Name] = p.Value
			}
		}
	}
	for _, name := range topicParams(topic) {
		p := pathParams[name]
		if p == nil {
			s.errorf(at, "%s%s.topic: {%s} is not a path parameter of the operation; path parameters: %s", where, extensionKey, name, quotedKeys(pathParams))
			continue
		}
		if p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Type != nil {
			if t := p.Schema.Value.Type; t.Is("array") || t.Is("object") {
				s.errorf(at, "%s%s.topic: {%s} is a path parameter of type %s; a topic takes strings, numbers and booleans", where, extensionKey, name, t.Slice()[0])
			}
		}
	}
}

// topicParams returns the names of the {param} placeholders of a topic, in
// order.
func topicParams(topic string) []string {
	var names []string
	for piece, param := range TopicParts(topic) {
		if param {
			names = append(names, piece)
		}
	}
	return names
}

// TopicParts yields the pieces of a topic in order: each run of text, with
// param false, and the name of each {param} placeholder, with param true.
func TopicParts(topic string) iter.Seq2[string, bool] {
	return func(yield func(piece string, param bool) bool) {
		for topic != "" {
			text, after, found := strings.Cut(topic, "{")
			if text != "" && !yield(text, false) || !found {
				return
			}
			name, rest, _ := strings.Cut(after, "}")
			if !yield(name, true) {
				return
			}
			topic = rest
		}
	}
}

// checkStreamResponse checks a text/event-stream schema declared on the
// response the stream is served as (StreamStatus) against the events. It
// agrees when it describes the raw stream (a string, or an SSE envelope
// with data/event/id/retry properties), is the only event's schema, or is
// a oneOf/anyOf of exactly the events' schemas.
func (s *sources) checkStreamResponse(a *annotation, op *openapi3.Operation) {
	if op.Responses == nil {
		return
	}
	status := StreamStatus(op)
	resp := op.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return
	}
	mt := EventStreamContent(resp.Value.Content)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return
	}
	if s.streamSchemaAgrees(mt.Schema, a.stream) {
		return
	}
	pos := a.stream.Pos
	if mt.Origin != nil {
		if l, ok := mt.Origin.Fields.Lookup("schema"); ok {
			pos = PositionOf(l)
		}
	}
	s.errorf(pos, "the text/event-stream schema of the %d response contradicts %s at %s: it must be the schema of the only event, or a oneOf of exactly the events' schemas (or omit it: the stream is implied)", status, extensionKey, a.stream.Pos)
}

// brokenRef reports whether sr is an object whose $ref is broken, which
// says nothing about what it was meant to be.
func brokenRef(sr *openapi3.SchemaRef) bool {
	_, ok := sr.Value.Extensions[brokenRefKey]
	return ok
}

func (s *sources) streamSchemaAgrees(sse *openapi3.SchemaRef, st *EventStream) bool {
	if brokenRef(sse) || slices.ContainsFunc(slices.Collect(maps.Values(st.Events)), func(ev *EventSpec) bool { return ev.Schema != nil && ev.Schema.Value != nil && brokenRef(ev.Schema) }) {
		return true // the broken reference is the problem, reported
	}
	v := sse.Value
	if v.Type != nil && v.Type.Is("string") && len(v.Properties) == 0 {
		return true
	}
	if len(v.Properties) > 0 {
		envelope := true
		for p := range v.Properties {
			switch p {
			case "data", "event", "id", "retry":
			default:
				envelope = false
			}
		}
		if envelope {
			return true
		}
	}
	branches := v.OneOf
	if len(branches) == 0 {
		branches = v.AnyOf
	}
	if len(branches) == 0 {
		branches = openapi3.SchemaRefs{sse}
	}
	matched := map[string]bool{}
	for _, b := range branches {
		found := false
		for name, ev := range st.Events {
			if sameSchema(b, ev.Schema) {
				matched[name], found = true, true
			}
		}
		if !found {
			return false
		}
	}
	return len(matched) == len(st.Events)
}

func sameSchema(a, b *openapi3.SchemaRef) bool {
	if a == nil || b == nil || a.Value == nil || b.Value == nil {
		return false
	}
	return a.Value == b.Value || (a.Ref != "" && a.Ref == b.Ref)
}
