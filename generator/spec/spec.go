// Package spec loads an OpenAPI document and its x-event-stream annotations,
// reporting every problem with the file, line and column it comes from.
package spec

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// Position locates a problem in a spec file. Line and Col are 1-based; 0
// means unknown.
type Position struct {
	File      string
	Line, Col int
}

func (p Position) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// compare orders positions by file, line and column.
func (p Position) compare(q Position) int {
	return cmp.Or(cmp.Compare(p.File, q.File), cmp.Compare(p.Line, q.Line), cmp.Compare(p.Col, q.Col))
}

// Severity tells whether a Diagnostic stops generation.
type Severity int

const (
	Error Severity = iota
	Warning
)

// Diagnostic is one located problem.
type Diagnostic struct {
	Pos      Position
	Severity Severity
	Message  string
}

// String formats d as "file:line:col: message", with "warning: " before
// the message of warnings.
func (d Diagnostic) String() string {
	if d.Severity == Warning {
		return d.Pos.String() + ": warning: " + d.Message
	}
	return d.Pos.String() + ": " + d.Message
}

// Diagnostics is every problem found in one run.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an Error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sorted orders ds by position and drops repeats: kin-openapi reports a
// problem in a shared schema once per place that uses it.
func (ds Diagnostics) Sorted() Diagnostics {
	slices.SortFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			a.Pos.compare(b.Pos),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Severity, b.Severity),
		)
	})
	return slices.Compact(ds)
}

// Document is a loaded OpenAPI document with its parsed annotations.
type Document struct {
	Path    string
	OpenAPI *openapi3.T
	// Streams holds the event stream of every operation that answers with
	// one: its x-event-stream annotation, or what its responses describe.
	Streams map[*openapi3.Operation]*EventStream
	// BodyStreams holds the event stream of every operation whose request
	// body is one: a client streaming events to the server.
	BodyStreams map[*openapi3.Operation]*EventStream
}

// EventStream is a parsed, validated x-event-stream annotation.
type EventStream struct {
	Pos       Position
	Events    map[string]*EventSpec // key: SSE event name
	Error     string                // name of the event reporting handler errors; "" when none
	End       *string               // terminal sentinel data; nil when none
	Heartbeat time.Duration         // defaulted to 15s; 0 disables
	// HeartbeatPromised is set when clients may count on Heartbeat: an
	// x-event-stream annotation states it, by default too, while a stream
	// described without one promises nothing of the server's silences.
	HeartbeatPromised bool
	Retry             time.Duration // 0 when none
	Resume            bool
	// Topic names the feed the stream's events come from, "" when none:
	// dot-separated words in which {name} stands for the value of the
	// operation's path parameter name. A topic implies Resume.
	Topic string
	// Gap is the declared event sent first when a client's Last-Event-ID
	// cannot be resumed; set when Topic is.
	Gap string
	// AnyName is set when the document leaves event names open (a stream
	// described without x-event-stream): an event of a name not in Events
	// carries the data of "message" events.
	AnyName bool
	// EndOptional is set when End is not declared but assumed: a stream
	// of JSON messages described without x-event-stream may end with
	// OpenAI's "[DONE]", which no JSON value can be mistaken for. Clients
	// accept it; servers, which only send what the document declares, do
	// not send it.
	EndOptional bool
}

// EventSpec is one entry of x-event-stream.events.
type EventSpec struct {
	Pos         Position
	Schema      *openapi3.SchemaRef
	ContentType string // defaulted to application/json
	Description string
}

// Load reads the OpenAPI document at path, resolves its references and
// parses its annotations. It returns every problem it finds; the document
// is nil when an error prevents loading it at all.
//
// The checks run in an order that lets each report everything it can: the
// files are parsed and every $ref is followed first, so that all broken
// references and repeated keys are reported (kin-openapi stops at the
// first); annotations are checked on the parsed files; then kin-openapi
// loads the document with each broken $ref and repeated key patched out,
// so that its validation and the checks of the event streams still report
// every problem that does not depend on them, as located diagnostics. A
// document with errors in its annotations or its validation is still
// returned, with the errors, unless a $ref is broken.
func Load(path string) (*Document, Diagnostics) {
	s := newSources()
	doc := s.load(path)
	return doc, s.diags.Sorted()
}

func (s *sources) load(path string) *Document {
	root := s.read(path, Position{})
	if root == nil {
		return nil
	}
	if !s.checkVersion(root) {
		return nil
	}
	s.checkRefs(root)
	annotations := s.findAnnotations(root)
	if s.unpatchable {
		return nil
	}
	loaded := len(s.diags)
	t := s.loadOpenAPI(root)
	if t == nil {
		return nil
	}
	doc := &Document{Path: path, OpenAPI: t, Streams: map[*openapi3.Operation]*EventStream{}, BodyStreams: map[*openapi3.Operation]*EventStream{}}
	s.resolveStreams(doc, root, annotations)
	s.inferStreams(doc)
	if len(s.broken) > 0 {
		// What kin-openapi and the stream checks found in the objects whose
		// $ref is broken is the broken reference, already reported.
		s.diags = append(s.diags[:loaded], slices.DeleteFunc(s.diags[loaded:], s.dependsOnBroken)...)
		return nil
	}
	return doc
}
