package spec

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// inferStreams describes the event stream of every operation that has a
// text/event-stream success response but no annotation, the way APIs that
// never heard of x-event-stream write it:
//
//   - OpenAPI 3.2's itemSchema: the item is the parsed event (data, event,
//     id, retry), one event type per oneOf branch that fixes the event name;
//   - a schema that is such an event envelope (Mistral, Together), read the
//     same way;
//   - any other schema: the payload of "message" events (OpenAI, TGI);
//   - no schema at all: "message" events whose data is a string, with a
//     warning.
//
// A data schema that is the single string "[DONE]" is the end sentinel.
// A request body that is only an event stream is read the same way.
func (s *sources) inferStreams(doc *Document) {
	for _, p := range slices.Sorted(maps.Keys(doc.OpenAPI.Paths.Map())) {
		item := doc.OpenAPI.Paths.Value(p)
		ops := item.Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			op := ops[method]
			if op == nil {
				continue
			}
			if mt := eventStreamBody(op); mt != nil {
				pos, _ := OriginPosition(mt.Origin)
				doc.BodyStreams[op] = s.inferStream(fmt.Sprintf("%s %s: the text/event-stream request body", method, p), pos, mt, declaredEnd(nil, op.RequestBody.Value.Description, mt))
			}
			if doc.Streams[op] != nil {
				continue
			}
			status, mt := streamResponse(op)
			if mt == nil {
				continue
			}
			where := fmt.Sprintf("%s %s: the %d text/event-stream response", method, p, status)
			pos, _ := OriginPosition(mt.Origin)
			if !slices.Contains(streamMethods, method) {
				s.warnf(pos, "%s is generated as a plain response: ssegen streams %s only", where, strings.Join(streamMethods, ", "))
				continue
			}
			var description string
			if d := op.Responses.Status(status).Value.Description; d != nil {
				description = *d
			}
			st := s.inferStream(where, pos, mt, declaredEnd(op, description, mt))
			st.Resume = st.Resume || DeclaresLastEventID(item, op) // a topic resumes already
			if st.Topic != "" {
				s.checkTopic(pos, where, st.Topic, item.Parameters, op)
			}
			doc.Streams[op] = st
		}
	}
}

// eventStreamBody returns the text/event-stream content of op's request
// body when the body offers nothing else.
func eventStreamBody(op *openapi3.Operation) *openapi3.MediaType {
	if op.RequestBody == nil || op.RequestBody.Value == nil || len(op.RequestBody.Value.Content) != 1 {
		return nil
	}
	return EventStreamContent(op.RequestBody.Value.Content)
}

// streamResponse returns the success response of op that is an event
// stream: the 200 response's text/event-stream content, or else that of the
// first other 2xx status that has one; mt is nil when there is none.
func streamResponse(op *openapi3.Operation) (status int, mt *openapi3.MediaType) {
	if op.Responses == nil {
		return 0, nil
	}
	for status := 200; status < 300; status++ {
		if r := op.Responses.Status(status); r != nil && r.Value != nil {
			if mt := EventStreamContent(r.Value.Content); mt != nil {
				return status, mt
			}
		}
	}
	return 0, nil
}

// StreamStatus is the status an operation's event stream is served with:
// 200, unless the operation declares text/event-stream only on another 2xx
// response.
func StreamStatus(op *openapi3.Operation) int {
	if op.Responses == nil || op.Responses.Status(200) != nil {
		return 200
	}
	if status, mt := streamResponse(op); mt != nil {
		return status
	}
	return 200
}

// EventStreamContent returns the text/event-stream entry of a content map,
// nil when it has none. Unlike Content.Get it does not fall back to
// wildcards such as */*: only a declared event stream is one.
func EventStreamContent(c openapi3.Content) *openapi3.MediaType {
	for _, k := range slices.Sorted(maps.Keys(c)) {
		if MediaType(k) == "text/event-stream" {
			return c[k]
		}
	}
	return nil
}

// DeclaresLastEventID reports whether the operation or its Path Item
// declares the Last-Event-ID header: an API that reads it resumes streams.
func DeclaresLastEventID(item *openapi3.PathItem, op *openapi3.Operation) bool {
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range list {
			if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInHeader && strings.EqualFold(p.Value.Name, "Last-Event-ID") {
				return true
			}
		}
	}
	return false
}

// inferStream reads one text/event-stream media type; end is the sentinel
// the document declares outside its schema, nil when none (see
// declaredEnd).
func (s *sources) inferStream(where string, pos Position, mt *openapi3.MediaType, end *string) *EventStream {
	st := &EventStream{Pos: pos, Events: map[string]*EventSpec{}, Heartbeat: DefaultHeartbeat}
	switch {
	case mt.ItemSchema != nil && mt.ItemSchema.Value != nil:
		s.envelope(where, st, mt.ItemSchema)
	case mt.Schema == nil || mt.Schema.Value == nil:
		s.warnf(pos, "%s has no schema: its events are generated as \"message\" events whose data is a string", where)
		st.Events["message"] = &EventSpec{Pos: pos, Schema: openapi3.NewStringSchema().NewRef(), ContentType: "text/plain"}
		st.AnyName = true
	case isEnvelope(mt.Schema):
		s.envelope(where, st, mt.Schema)
	default:
		st.Events["message"] = payload(pos, mt.Schema)
		st.AnyName = true
	}
	if rest, ok := mt.Extensions[extensionKey]; ok {
		s.exported(where, pos, st, rest)
		return st
	}
	if _, ok := st.Events["error"]; ok {
		st.Error = "error"
	}
	if st.End == nil {
		st.End = end
	}
	if msg := st.Events["message"]; msg != nil && st.End == nil && msg.ContentType != "text/plain" {
		done := doneData
		st.End, st.EndOptional = &done, true
	}
	return st
}

// doneData is the data of the message that ends OpenAI's streams.
const doneData = "[DONE]"

// quotesDone matches a description that shows the stream's last message,
// as OpenAI's "terminated by a `data: [DONE]` message".
var quotesDone = regexp.MustCompile(`data:\s*\[DONE\]`)

// declaredEnd returns the end sentinel a document declares for a stream
// outside its schema, nil when it declares none: the extensions SDK
// generators read (Speakeasy's x-speakeasy-sse-sentinel on the media type,
// Fern's x-fern-streaming terminator on the operation), or a description
// that quotes `data: [DONE]`: description (the response's, or the request
// body's for a stream sent to the server), or, when op is not nil, the
// operation's or that of its JSON request body and its properties, where
// APIs say how the stream they ask for ends (OpenAI's stream property:
// "terminated by a `data: [DONE]` message").
func declaredEnd(op *openapi3.Operation, description string, mt *openapi3.MediaType) *string {
	if v, ok := mt.Extensions["x-speakeasy-sse-sentinel"].(string); ok {
		return &v
	}
	texts := []string{description}
	if op != nil {
		if fern, ok := op.Extensions["x-fern-streaming"].(map[string]any); ok {
			if v, ok := fern["terminator"].(string); ok {
				return &v
			}
		}
		texts = append(texts, op.Summary, op.Description)
		texts = append(texts, bodyDescriptions(op)...)
	}
	for _, t := range texts {
		if quotesDone.MatchString(t) {
			done := doneData
			return &done
		}
	}
	return nil
}

// exported reads the x-event-stream object that ssegen export leaves on a
// media type: the keys of the annotation OpenAPI 3.2 cannot express. Its
// presence says that the item schema lists every event and the end
// sentinel, so nothing is guessed: an event named "error" is not the error
// event unless the object names it, and no "[DONE]" is assumed.
func (s *sources) exported(where string, pos Position, st *EventStream, rest any) {
	m, ok := rest.(map[string]any)
	if !ok {
		s.errorf(pos, "%s: %s on the media type must be an object", where, extensionKey)
		return
	}
	st.HeartbeatPromised = true // the annotation's heartbeat, default included
	if v, ok := m["topic"]; ok {
		topic, _ := v.(string)
		gap, _ := m["gap"].(string)
		switch {
		case annotationSchema.Properties["topic"].Validate(topic) != nil:
			s.errorf(pos, "%s: %s.topic: %q is not a topic: %s", where, extensionKey, fmt.Sprint(v), topicSyntax)
		case st.Events[gap] == nil:
			s.errorf(pos, "%s: %s.gap: %q is not an event of the item schema, and a topic needs one; declared: %s", where, extensionKey, gap, quotedKeys(st.Events))
		default:
			st.Topic, st.Gap, st.Resume = topic, gap, true
		}
	}
	if v, ok := m["error"]; ok {
		name, _ := v.(string)
		if st.Events[name] == nil {
			s.errorf(pos, "%s: %s.error: %v is not an event of the item schema; declared: %s", where, extensionKey, v, quotedKeys(st.Events))
		} else {
			st.Error = name
		}
	}
	if st.Gap != "" && st.Gap == st.Error {
		s.errorf(pos, "%s: %s.gap: %q is also the error event; a gap is not an error, declare an event of its own", where, extensionKey, st.Gap)
	}
	for key, d := range map[string]*time.Duration{"heartbeat": &st.Heartbeat, "retry": &st.Retry} {
		v, ok := m[key]
		if !ok {
			continue
		}
		text, _ := v.(string)
		parsed, err := time.ParseDuration(text)
		switch {
		case err != nil:
			s.errorf(pos, "%s: %s.%s: %v is not a Go duration such as \"15s\"", where, extensionKey, key, v)
			continue
		case parsed < 0:
			s.errorf(pos, "%s: %s.%s: %q must not be negative", where, extensionKey, key, text)
			continue
		case key == "retry" && parsed%time.Millisecond != 0:
			s.errorf(pos, "%s: %s.retry: %v is not a whole number of milliseconds, the unit SSE sends it in", where, extensionKey, v)
			continue
		}
		*d = parsed
	}
}

// payload is a "message" event whose data is described by sr: a string
// schema is text, anything else JSON.
func payload(pos Position, sr *openapi3.SchemaRef) *EventSpec {
	ev := &EventSpec{Pos: pos, Schema: sr, ContentType: "application/json", Description: sr.Value.Description}
	if t := sr.Value.Type; t != nil && t.Is("string") && sr.Value.ContentMediaType == "" {
		ev.ContentType = "text/plain"
	}
	return ev
}

// envelopeFields are the fields of a parsed event.
var envelopeFields = []string{"data", "event", "id", "retry"}

// isEnvelope reports whether sr describes the parsed event rather than its
// data: an object whose properties are among data, event, id and retry
// (including data or event), directly or in every oneOf/anyOf branch.
func isEnvelope(sr *openapi3.SchemaRef) bool {
	props, branches := flatten(sr.Value)
	if len(branches) > 0 && len(props) == 0 {
		for _, b := range branches {
			if b.Value == nil || !isEnvelope(b) {
				return false
			}
		}
		return true
	}
	if props["data"] == nil && props["event"] == nil {
		return false
	}
	for name := range props {
		if !slices.Contains(envelopeFields, name) {
			return false
		}
	}
	return true
}

// flatten returns the properties of s and of its allOf members, and the
// first oneOf (or anyOf) among them. That is also how a $ref with sibling
// keywords reads in OpenAPI 3.1: kin-openapi adds the siblings as an allOf
// member of the referenced schema.
func flatten(s *openapi3.Schema) (props openapi3.Schemas, branches openapi3.SchemaRefs) {
	props = openapi3.Schemas{}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if depth > 8 { // allOf cycles
			return
		}
		maps.Copy(props, s.Properties)
		if branches == nil {
			branches = alternatives(s)
		}
		for _, m := range s.AllOf {
			if m != nil && m.Value != nil {
				walk(m.Value, depth+1)
			}
		}
	}
	walk(s, 0)
	return props, branches
}

func alternatives(s *openapi3.Schema) openapi3.SchemaRefs {
	if len(s.OneOf) > 0 {
		return s.OneOf
	}
	return s.AnyOf
}

// envelope adds the events an event envelope describes to st: one per
// branch of a oneOf/anyOf, each contributing the event names its event
// property allows and the data its data property describes.
func (s *sources) envelope(where string, st *EventStream, sr *openapi3.SchemaRef) {
	base, branches := flatten(sr.Value)
	if len(branches) == 0 {
		branches = openapi3.SchemaRefs{{Value: &openapi3.Schema{}}}
	}
	for _, b := range branches {
		if b == nil || b.Value == nil {
			continue
		}
		pos := schemaPos(b, sr)
		props := maps.Clone(base)
		own, _ := flatten(b.Value)
		for name, p := range own {
			props[name] = narrow(base[name], p)
		}
		names, open := eventNames(props["event"])
		data := props["data"]
		tagged := taggedBranches(data)
		if open && len(tagged) > 0 {
			// A plain string event whose data's discriminator names the
			// events (Anthropic): one event per tag, as an enum would say.
			names, open = slices.Sorted(maps.Keys(tagged)), false
		}
		st.AnyName = st.AnyName || open
		if len(names) == 1 && names[0] == "message" {
			if end, ok := sentinel(data); ok {
				st.End = &end
				continue
			}
		}
		for _, name := range names {
			ev := dataEvent(pos, data, tagged[name])
			if prev, dup := st.Events[name]; dup && !sameSchema(prev.Schema, ev.Schema) {
				s.warnf(pos, "%s: event %q is described twice; the first description is used", where, name)
				continue
			}
			st.Events[name] = ev
		}
	}
	if len(st.Events) == 0 && st.End == nil {
		st.Events["message"] = &EventSpec{Pos: schemaPos(sr, nil), Schema: openapi3.NewStringSchema().NewRef(), ContentType: "text/plain"}
	}
}

// narrow returns a branch's property p, which constrains the envelope's
// property of the same name: without a type of its own it keeps the
// envelope's (the OpenAPI 3.2 example's data: {format: int64} is a
// string).
func narrow(base, p *openapi3.SchemaRef) *openapi3.SchemaRef {
	if base == nil || base.Value == nil || p == nil || p.Value == nil || p.Value.Type != nil || base.Value.Type == nil {
		return p
	}
	typed := *p.Value
	typed.Type = base.Value.Type
	return &openapi3.SchemaRef{Value: &typed}
}

// eventNames returns the event names an envelope's event property allows:
// its const or enum values, or "message" when it is absent or open.
func eventNames(sr *openapi3.SchemaRef) (names []string, open bool) {
	if sr == nil || sr.Value == nil {
		return []string{"message"}, false
	}
	if c, ok := sr.Value.Const.(string); ok {
		return []string{c}, false
	}
	for _, v := range sr.Value.Enum {
		if v, ok := v.(string); ok {
			names = append(names, v)
		}
	}
	if len(names) == 0 {
		return []string{"message"}, true
	}
	return names, false
}

// sentinel returns the only value a data property allows, when it is a
// string: "[DONE]" in OpenAI-style streams.
func sentinel(sr *openapi3.SchemaRef) (string, bool) {
	if sr == nil || sr.Value == nil {
		return "", false
	}
	if c, ok := sr.Value.Const.(string); ok {
		return c, true
	}
	if len(sr.Value.Enum) == 1 {
		c, ok := sr.Value.Enum[0].(string)
		return c, ok
	}
	return "", false
}

// dataEvent describes an event whose data property is data. Data that
// names its media type (contentMediaType, contentSchema) is decoded as
// that; a string is text; any other schema is JSON. When the data is a
// oneOf whose discriminator selects tagged for the event's name (see
// taggedBranches), the event carries that branch.
func dataEvent(pos Position, data, tagged *openapi3.SchemaRef) *EventSpec {
	if data == nil || data.Value == nil {
		return &EventSpec{Pos: pos, Schema: openapi3.NewStringSchema().NewRef(), ContentType: "text/plain"}
	}
	d := data.Value
	if d.ContentMediaType != "" {
		ct := MediaType(d.ContentMediaType)
		if ct != "application/json" && !strings.HasSuffix(ct, "+json") {
			return &EventSpec{Pos: pos, Schema: openapi3.NewStringSchema().NewRef(), ContentType: "text/plain", Description: d.Description}
		}
		schema := d.ContentSchema
		if schema == nil {
			schema = openapi3.NewSchema().NewRef()
		}
		return &EventSpec{Pos: pos, Schema: schema, ContentType: ct, Description: d.Description}
	}
	if tagged != nil {
		return payload(pos, tagged)
	}
	return payload(pos, data)
}

// bodyDescriptions returns the descriptions of op's JSON request body, of
// its schema and of its properties, two levels deep (OpenAI's stream,
// TGI's stream_options.include_usage).
func bodyDescriptions(op *openapi3.Operation) []string {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	texts := []string{op.RequestBody.Value.Description}
	seen := map[*openapi3.Schema]bool{}
	var visit func(sr *openapi3.SchemaRef, depth int)
	visit = func(sr *openapi3.SchemaRef, depth int) {
		if sr == nil || sr.Value == nil || seen[sr.Value] {
			return
		}
		seen[sr.Value] = true
		texts = append(texts, sr.Value.Description)
		props, branches := flatten(sr.Value)
		for _, b := range branches {
			visit(b, depth) // a nullable or described wrapper
		}
		if depth < 2 {
			for _, name := range slices.Sorted(maps.Keys(props)) {
				visit(props[name], depth+1)
			}
		}
	}
	for ct, mt := range op.RequestBody.Value.Content {
		if base := MediaType(ct); mt != nil && (base == "application/json" || strings.HasSuffix(base, "+json")) {
			visit(mt.Schema, 0)
		}
	}
	return texts
}

// taggedBranches maps the discriminator values of data, a oneOf (or anyOf)
// with a discriminator, to the branch each selects: the mapping's, else
// the value each branch fixes its discriminator property to. It is nil
// when data has no discriminator.
func taggedBranches(data *openapi3.SchemaRef) map[string]*openapi3.SchemaRef {
	if data == nil || data.Value == nil || data.Value.Discriminator == nil {
		return nil
	}
	d := data.Value.Discriminator
	tagged := map[string]*openapi3.SchemaRef{}
	for _, b := range alternatives(data.Value) {
		if b == nil || b.Value == nil {
			continue
		}
		for tag, ref := range d.Mapping {
			if b.Ref != "" && b.Ref == ref.Ref {
				tagged[tag] = b
			}
		}
		if len(d.Mapping) == 0 {
			props, _ := flatten(b.Value)
			if tag, ok := sentinel(props[d.PropertyName]); ok {
				tagged[tag] = b
			}
		}
	}
	return tagged
}

// MediaType returns a content type without its parameters, trimmed and in
// lower case: "Application/JSON; charset=utf-8" is "application/json".
func MediaType(ct string) string {
	base, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(base))
}

// schemaPos locates a schema, or else its parent.
func schemaPos(sr, parent *openapi3.SchemaRef) Position {
	if p, ok := OriginPosition(sr.Value.Origin); ok {
		return p
	}
	if parent != nil && parent.Value != nil {
		p, _ := OriginPosition(parent.Value.Origin)
		return p
	}
	return Position{}
}
