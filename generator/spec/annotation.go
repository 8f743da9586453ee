package spec

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"go.yaml.in/yaml/v4"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/ssegen/ssegen/generator/internal/yamlnode"
)

// extensionKey is the operation extension ssegen reads.
const extensionKey = "x-event-stream"

// DefaultHeartbeat is the heartbeat interval when the annotation sets none.
const DefaultHeartbeat = 15 * time.Second

// Schema is the JSON Schema of the x-event-stream annotation, the canonical
// copy of docs/x-event-stream.schema.json.
//
//go:embed x-event-stream.schema.json
var Schema []byte

// topicSyntax says what a topic is, for the errors about one that is not.
const topicSyntax = `dot-separated words of letters, digits, _ and -, in which {param} stands for a path parameter, such as "orders.{orderId}"`

// annotationSchema is Schema compiled; every annotation is validated
// against it before its meaning is checked.
var annotationSchema = func() *jsonschema.Schema {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		panic("spec: x-event-stream.schema.json: " + err.Error())
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("x-event-stream.schema.json", doc); err != nil {
		panic("spec: x-event-stream.schema.json: " + err.Error())
	}
	return c.MustCompile("x-event-stream.schema.json")
}()

// streamMethods are the methods an event stream may answer.
var streamMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// annotation is one x-event-stream found in the node trees, before the
// schemas it names are resolved.
type annotation struct {
	path   string // Paths key
	method string // upper case
	file   *file
	key    *yaml.Node // the x-event-stream key
	node   *yaml.Node // its value
	stream *EventStream
	// schemas holds the schema node of each event, by event name.
	schemas map[string]*yaml.Node
	// contentTypes holds the contentType value node of each event that has one.
	contentTypes map[string]*yaml.Node
	// topic is the topic value node, when the annotation has a valid one.
	topic *yaml.Node
}

// findAnnotations walks the Paths of the root document, following Path Item
// $refs, and parses every x-event-stream it finds.
func (s *sources) findAnnotations(root *file) []*annotation {
	paths := value(root.root, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return nil
	}
	var out []*annotation
	for i := 0; i+1 < len(paths.Content); i += 2 {
		pathKey := paths.Content[i].Value
		f, item := root, resolveAlias(paths.Content[i+1])
		for hops := 0; hops < maxDepth; hops++ {
			ref := value(item, "$ref")
			if ref == nil || ref.Kind != yaml.ScalarNode {
				break
			}
			t, ok := s.follow(f, ref, ref.Value)
			if !ok || t.node == nil {
				item = nil // reported by checkRefs
				break
			}
			f, item = t.file, t.node
		}
		if item == nil || item.Kind != yaml.MappingNode {
			continue
		}
		// additionalOperations too: an annotation there is an error
		// (parseAnnotation), not something to ignore.
		for _, op := range yamlnode.Operations(item) {
			k, v := entry(op.Node, extensionKey)
			if k == nil {
				continue
			}
			a := &annotation{path: pathKey, method: strings.ToUpper(op.Method), file: f, key: k, node: v}
			s.parseAnnotation(a)
			out = append(out, a)
		}
	}
	return out
}

// parseAnnotation validates a.node against the schema, then checks what the
// schema cannot say, and fills a.stream.
func (s *sources) parseAnnotation(a *annotation) {
	f := a.file
	if !slices.Contains(streamMethods, a.method) {
		s.errorf(f.pos(a.key), "%s is not allowed on a %s operation: event streams are served for %s",
			extensionKey, a.method, strings.Join(streamMethods, ", "))
	}
	bad := s.validateAnnotation(a)

	st := &EventStream{Pos: f.pos(a.key), Events: map[string]*EventSpec{}, Heartbeat: DefaultHeartbeat, HeartbeatPromised: true}
	a.stream = st
	a.schemas = map[string]*yaml.Node{}
	a.contentTypes = map[string]*yaml.Node{}
	if events := value(a.node, "events"); events != nil && events.Kind == yaml.MappingNode && !bad["/events"] {
		for i := 0; i+1 < len(events.Content); i += 2 {
			name, ev := events.Content[i].Value, resolveAlias(events.Content[i+1])
			loc := "/events/" + escapeToken(name)
			if bad[loc] || ev.Kind != yaml.MappingNode {
				continue
			}
			spec := &EventSpec{Pos: f.pos(events.Content[i]), ContentType: "application/json"}
			if ct := value(ev, "contentType"); ct != nil && !bad[loc+"/contentType"] {
				spec.ContentType = ct.Value
				a.contentTypes[name] = ct
			}
			if d := value(ev, "description"); d != nil && !bad[loc+"/description"] {
				spec.Description = d.Value
			}
			if sch := value(ev, "schema"); sch != nil && !bad[loc+"/schema"] {
				a.schemas[name] = sch
			}
			st.Events[name] = spec
		}
	}
	if v := value(a.node, "error"); v != nil && !bad["/error"] {
		if _, ok := st.Events[v.Value]; ok {
			st.Error = v.Value
		} else if !bad["/events"] {
			s.errorf(f.pos(v), "%s.error: %q is not a declared event; declared: %s", extensionKey, v.Value, quotedKeys(st.Events))
		}
	}
	if v := value(a.node, "end"); v != nil && !bad["/end"] {
		end := v.Value
		st.End = &end
	}
	if v := value(a.node, "heartbeat"); v != nil && !bad["/heartbeat"] {
		if d, ok := s.duration(f, v, "heartbeat"); ok {
			st.Heartbeat = d
		}
	}
	if v := value(a.node, "retry"); v != nil && !bad["/retry"] {
		if d, ok := s.duration(f, v, "retry"); ok {
			if d%time.Millisecond != 0 {
				s.errorf(f.pos(v), "%s.retry: %s is not a whole number of milliseconds, the unit SSE sends it in", extensionKey, v.Value)
			} else {
				st.Retry = d
			}
		}
	}
	if v := value(a.node, "resume"); v != nil && !bad["/resume"] {
		_ = v.Decode(&st.Resume) // a boolean, as validated
	}
	s.parseFeed(a, bad)
}

// parseFeed reads topic and gap: a topic needs a gap event, so that a
// client that cannot resume is always told, and implies resume.
func (s *sources) parseFeed(a *annotation, bad map[string]bool) {
	f, st := a.file, a.stream
	topic, gap := value(a.node, "topic"), value(a.node, "gap")
	if topic != nil && !bad["/topic"] {
		a.topic = topic
		st.Topic = topic.Value
		if v := value(a.node, "resume"); v != nil && !bad["/resume"] && !st.Resume {
			s.errorf(f.pos(v), "%s.resume: false contradicts topic, whose streams always resume after the client's Last-Event-ID", extensionKey)
		}
		st.Resume = true
		if gap == nil {
			s.errorf(f.pos(a.key), "%s: topic needs a gap event, sent when a client's Last-Event-ID cannot be resumed; add gap: and an event of events", extensionKey)
		}
	}
	if gap == nil || bad["/gap"] {
		return
	}
	switch _, declared := st.Events[gap.Value]; {
	case topic == nil:
		s.errorf(f.pos(gap), "%s.gap: only a stream with a topic has gaps; add topic: or remove gap", extensionKey)
	case !declared && !bad["/events"]:
		s.errorf(f.pos(gap), "%s.gap: %q is not a declared event; declared: %s", extensionKey, gap.Value, quotedKeys(st.Events))
	case declared && gap.Value == st.Error:
		s.errorf(f.pos(gap), "%s.gap: %q is also the error event; a gap is not an error, declare an event of its own", extensionKey, gap.Value)
	case declared:
		st.Gap = gap.Value
	}
}

func (s *sources) duration(f *file, v *yaml.Node, field string) (time.Duration, bool) {
	d, err := time.ParseDuration(v.Value)
	if err != nil {
		// The schema's pattern admits only durations: this one overflows.
		s.errorf(f.pos(v), "%s.%s: %q is out of range: a duration is at most %s", extensionKey, field, v.Value, time.Duration(math.MaxInt64).Truncate(time.Hour))
		return 0, false
	}
	return d, true
}

func quotedKeys[V any](m map[string]V) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, fmt.Sprintf("%q", k))
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

var printer = message.NewPrinter(language.English)

// validateAnnotation checks a.node against the annotation's JSON Schema,
// reports each violation at the node it concerns, and returns the instance
// locations (JSON pointers) that violated it, so later checks skip them.
func (s *sources) validateAnnotation(a *annotation) map[string]bool {
	bad := map[string]bool{}
	v, err := nodeValue(a.node, 0)
	if err != nil {
		s.errorf(a.file.pos(a.node), "%s: %v", extensionKey, err)
		bad[""] = true
		return bad
	}
	err = annotationSchema.Validate(v)
	if err == nil {
		return bad
	}
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		s.errorf(a.file.pos(a.node), "%s: %v", extensionKey, err)
		bad[""] = true
		return bad
	}
	for _, leaf := range leaves(verr, nil) {
		loc := instanceLocation(leaf)
		ptr := ""
		for _, tok := range loc {
			ptr += "/" + escapeToken(tok)
		}
		if k, ok := leaf.ErrorKind.(*kind.PropertyNames); ok {
			bad[ptr+"/"+escapeToken(k.Property)] = true
		} else {
			bad[ptr] = true
		}
		s.schemaViolation(a, leaf, loc, ptr)
	}
	return bad
}

// instanceLocation returns the path of the value e is about. jsonschema
// v6.0.3 gives propertyNames errors a location that later validation
// overwrites, so theirs is read from the schema location instead:
// "#/properties/events/propertyNames" is about "events".
func instanceLocation(e *jsonschema.ValidationError) []string {
	if _, ok := e.ErrorKind.(*kind.PropertyNames); !ok {
		return e.InstanceLocation
	}
	_, frag, _ := strings.Cut(e.SchemaURL, "#")
	var loc []string
	toks := strings.Split(strings.TrimSuffix(frag, "/propertyNames"), "/")
	for i := 0; i+1 < len(toks); i++ {
		if toks[i] == "properties" {
			loc = append(loc, toks[i+1])
			i++
		}
	}
	return loc
}

// leaves returns the errors that say what is wrong, not which schema
// branch noticed it. A propertyNames error is kept whole: its causes locate
// the name as an instance of its own, with no path into the annotation.
func leaves(e *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if _, ok := e.ErrorKind.(*kind.PropertyNames); ok || len(e.Causes) == 0 {
		return append(out, e)
	}
	for _, c := range e.Causes {
		out = leaves(c, out)
	}
	return out
}

// allowedKeys lists the keys an object of the annotation may hold, for
// messages about unknown ones.
func allowedKeys(loc []string) string {
	if len(loc) == 0 {
		return "events, error, end, heartbeat, retry, resume, topic, gap"
	}
	return "schema, contentType, description"
}

// schemaViolation reports one leaf error of the annotation's validation in
// words that say what to write instead.
func (s *sources) schemaViolation(a *annotation, e *jsonschema.ValidationError, loc []string, ptr string) {
	f := a.file
	n, _ := pointer(a.node, ptr)
	at := f.pos(n)
	// Errors about an object as a whole point at the key that heads it.
	head := f.pos(a.key)
	if i := strings.LastIndex(ptr, "/"); i >= 0 {
		parent, _ := pointer(a.node, ptr[:i])
		k, _ := entry(parent, strings.ReplaceAll(strings.ReplaceAll(ptr[i+1:], "~1", "/"), "~0", "~"))
		head = f.pos(k)
	}
	name := extensionKey
	for _, tok := range loc {
		name += "." + tok
	}
	field := ""
	if len(loc) > 0 {
		field = loc[len(loc)-1]
	}
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			kn, _ := entry(n, p)
			s.errorf(f.pos(kn), "%s: unknown key %q; allowed keys: %s", name, p, allowedKeys(loc))
		}
	case *kind.Required:
		for _, m := range k.Missing {
			s.errorf(head, "%s: missing required key %q", name, m)
		}
	case *kind.Type:
		s.errorf(at, "%s: expected %s, got %s", name, article(strings.Join(k.Want, " or ")), k.Got)
	case *kind.MinProperties:
		s.errorf(head, "%s: declare at least one event", name)
	case *kind.PropertyNames:
		// The cause says which rule the name broke; the key is the place.
		kn, _ := entry(n, k.Property)
		switch {
		case k.Property == "":
			s.errorf(f.pos(kn), "%s: an event name must not be empty", name)
		default:
			s.errorf(f.pos(kn), "%s: event name %q contains a line break, which an SSE event line cannot carry", name, k.Property)
		}
	case *kind.Pattern:
		switch field {
		case "heartbeat", "retry":
			if _, err := time.ParseDuration(k.Got); err == nil && strings.HasPrefix(k.Got, "-") {
				s.errorf(at, "%s: %q must not be negative", name, k.Got)
				break
			}
			s.errorf(at, "%s: %q is not a Go duration such as \"15s\", \"1m30s\" or \"0s\"", name, k.Got)
		case "contentType":
			s.errorf(at, "%s: %q is not supported; use application/json, a +json media type or text/plain", name, k.Got)
		case "topic":
			s.errorf(at, "%s: %q is not a topic: %s", name, k.Got, topicSyntax)
		default:
			s.errorf(at, "%s: %s", name, k.LocalizedString(printer))
		}
	case *kind.MinLength:
		s.errorf(at, "%s: must not be empty", name)
	default:
		s.errorf(at, "%s: %s", name, e.ErrorKind.LocalizedString(printer))
	}
}

func article(typ string) string {
	switch {
	case typ == "object" || typ == "array":
		return "an " + typ
	case strings.HasPrefix(typ, "boolean"), strings.HasPrefix(typ, "string"):
		return "a " + typ
	}
	return typ
}

// nodeValue converts a YAML node into the value encoding/json would give
// for the same JSON: maps, slices, strings, float64/int, bools and nil.
func nodeValue(n *yaml.Node, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	n = resolveAlias(n)
	if n == nil {
		return nil, nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			if _, dup := m[n.Content[i].Value]; dup {
				continue // reported; the first counts, as for entry
			}
			v, err := nodeValue(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		if v, err := yamlnode.Scalar(n); err == nil {
			return v, nil
		}
		return n.Value, nil
	}
	return nil, nil
}

// schemaJSON returns the event schema written at node in f as JSON, with
// its $refs rewritten relative to the root document, which is where
// kin-openapi resolves them from.
func schemaJSON(f, root *file, node *yaml.Node) ([]byte, error) {
	v, err := nodeValue(node, 0)
	if err != nil {
		return nil, err
	}
	if f != root {
		rebaseRefs(v, f.path, root.path, 0)
	}
	return json.Marshal(v)
}

func rebaseRefs(v any, from, root string, depth int) {
	if depth > maxDepth {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			if ref, ok := c.(string); ok && k == "$ref" {
				filePart, frag, _ := strings.Cut(ref, "#")
				target := from
				if filePart != "" {
					target = filepath.Join(filepath.Dir(from), filepath.FromSlash(filePart))
				}
				if rel, err := filepath.Rel(filepath.Dir(root), target); err == nil {
					v[k] = filepath.ToSlash(rel) + "#" + frag
				}
				continue
			}
			rebaseRefs(c, from, root, depth+1)
		}
	case []any:
		for _, c := range v {
			rebaseRefs(c, from, root, depth+1)
		}
	}
}
