// Package model is ssegen's description of an API in Go terms: the named Go
// types to declare and the operations to serve. It is what the spec loader
// produces and what the Go emitter consumes, so neither needs to know about
// the other: a Build step turns an OpenAPI document into a model, and every
// naming and typing decision is made there, once.
package model

import "time"

// API is everything the emitter writes for one OpenAPI document.
type API struct {
	Title   string
	Version string
	// Types are the named Go types to declare, sorted by Name.
	Types []*Type
	// Operations are sorted by Path, then Method.
	Operations []*Operation
}

// Kind tells which Go declaration a Type becomes.
type Kind int

const (
	// Struct is a Go struct with Fields; Additional, when set, holds
	// additionalProperties next to the declared fields.
	Struct Kind = iota
	// Enum is a named Underlying type (string, int64, ...) with typed
	// constants for Values and a Validate method.
	Enum
	// Union is a sum type over Variants with JSON (un)marshalling; the
	// Discriminator property, when set, selects the variant.
	Union
	// Named is a defined type over Underlying: `type Tags []string`,
	// `type Labels map[string]string`, `type Timestamp time.Time`.
	Named
)

// Type is a named Go type declaration.
type Type struct {
	Name string // Go identifier, unique in the package
	Doc  string // from the schema's title/description; may be empty
	Kind Kind

	Fields     []*Field // Struct: in schema property order
	Additional *TypeRef // Struct: type of additionalProperties values, nil when closed or absent
	// Constraints of a Struct: how many properties its objects may have
	// (MinProperties, MaxProperties); nil when the schema states none.
	Constraints *Constraints

	Underlying *TypeRef     // Enum, Named
	Values     []*EnumValue // Enum

	Variants      []*Variant // Union
	Discriminator string     // Union: JSON property that selects the variant; "" when none
	// AnyOf is set for a Union from anyOf, which a value may match in
	// several variants (the first wins); a oneOf value matches one.
	AnyOf bool
}

// Field is one property of a Struct.
type Field struct {
	Name      string   // Go identifier
	JSONName  string   // property name on the wire
	Doc       string   // description
	Type      *TypeRef // Optional fields that must stay distinguishable from zero are Pointer refs
	Required  bool     // listed in the schema's required
	Nullable  bool     // null is an allowed value
	ReadOnly  bool     // sent in responses only, so required only there
	WriteOnly bool     // sent in requests only, so required only there
}

// EnumValue is one allowed value of an Enum.
type EnumValue struct {
	Name  string // Go constant name, e.g. PetStatusAvailable; unique among types and constants
	Value any    // string, int64, float64 or bool, as written in the spec
}

// Variant is one branch of a Union.
type Variant struct {
	Name string   // Go name of the branch, used for accessors such as AsCat
	Type *TypeRef // branch type
	Tags []string // discriminator values that select this branch
}

// RefKind tells what a TypeRef denotes.
type RefKind int

const (
	// Builtin is a predeclared or standard-library type named by Name:
	// "string", "bool", "int32", "int64", "float32", "float64", "any",
	// "[]byte", "time.Time", "json.RawMessage".
	Builtin RefKind = iota
	// Ref names a Type of the API by its Name.
	Ref
	// Slice is []Elem.
	Slice
	// Map is map[string]Elem.
	Map
	// Pointer is *Elem.
	Pointer
)

// TypeRef is a Go type expression.
type TypeRef struct {
	Kind RefKind
	Name string   // Builtin, Ref
	Elem *TypeRef // Slice, Map, Pointer
	// Constraints are those the schema of a Builtin, Slice or Map states;
	// nil when it states none. A Ref's are its Type's business.
	Constraints *Constraints
}

// Constraints are the validation keywords of a schema that its Go type
// does not enforce by itself. Each applies to values of its JSON type
// only, as in JSON Schema; unset bounds are nil.
type Constraints struct {
	Minimum, Maximum *float64
	// ExclusiveMinimum and ExclusiveMaximum exclude the bound itself,
	// whether the spec writes them as 3.0 booleans or as 3.1 numbers.
	ExclusiveMinimum, ExclusiveMaximum bool
	MultipleOf                         *float64

	MinLength, MaxLength *uint64 // in characters
	// Pattern is a Go regular expression (RE2) equivalent to the
	// schema's ECMA-262 one.
	Pattern string
	Format  string // a string format the runtime checks: date, uuid, email, uri, ...

	MinItems, MaxItems *uint64
	UniqueItems        bool

	MinProperties, MaxProperties *uint64
}

// Operation is one HTTP operation.
type Operation struct {
	ID      string // operationId, or one derived from method and path
	Name    string // Go identifier: the handler method name, e.g. ListPets
	Method  string // upper case: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, QUERY
	Path    string // as in the spec, e.g. /pets/{petId}
	Summary string
	Doc     string // description

	Params    []*Param
	Body      *Body       // nil when the operation takes no body
	Responses []*Response // sorted by Status; Status 0 (default) last

	// Stream is set for operations that answer with an event stream.
	Stream *Stream
}

// ParamIn is where a parameter travels.
type ParamIn string

const (
	InPath   ParamIn = "path"
	InQuery  ParamIn = "query"
	InHeader ParamIn = "header"
	InCookie ParamIn = "cookie"
)

// Param is one parameter, decoded by its Style and Explode rules.
type Param struct {
	Name     string // Go field name in the request type
	WireName string // name in the spec
	In       ParamIn
	Doc      string
	Required bool
	Style    string   // OpenAPI style, defaulted: simple, form, label, matrix, spaceDelimited, pipeDelimited, deepObject
	Explode  bool     // defaulted per OpenAPI rules
	Type     *TypeRef // optional params are Pointer (scalars) or nil-able (slices, maps)
	// JSON is set when the value is JSON text rather than styled: a
	// parameter described by content application/json, or a header whose
	// objects no style can write (an array of objects, an object holding
	// objects or arrays).
	JSON bool
}

// Body is a request body.
type Body struct {
	ContentType string   // application/json, a +json type, text/plain, ..., text/event-stream
	Type        *TypeRef // model of the body; nil for an event stream
	// Stream describes the events of a text/event-stream body, which a
	// client streams to the server; its Status is 0.
	Stream   *Stream
	Required bool
	Doc      string
}

// Response is one declared non-stream response.
type Response struct {
	Status      int // 0 means "default"
	Doc         string
	ContentType string   // "" when there is no body
	Type        *TypeRef // nil when there is no body
	Headers     []*Param // In == InHeader
}

// Stream describes an operation's text/event-stream answer.
type Stream struct {
	Status int      // HTTP status of the stream, 200 unless the spec says otherwise
	Events []*Event // sorted by Name
	// Error is the event that reports a handler error after the stream
	// started; nil when none is declared. It is one of Events.
	Error *Event
	// End is the data of a final message written when the handler returns
	// normally (OpenAI's "[DONE]"); HasEnd tells an empty End from none.
	End    string
	HasEnd bool
	// EndOptional is set when the spec does not declare End but its API
	// may send it (OpenAI's "[DONE]"): servers do not write it, clients
	// accept a stream that ends with it or without.
	EndOptional bool
	// Heartbeat is the comment interval; 0 disables heartbeats.
	Heartbeat time.Duration
	// ReadTimeout is how long the client waits for anything before it
	// counts the connection as dropped: two heartbeat intervals where the
	// document promises heartbeats, 0 (none) where it does not.
	ReadTimeout time.Duration
	// Retry is the reconnection hint sent when the stream opens; 0 sends none.
	Retry time.Duration
	// Resume passes the client's Last-Event-ID to the handler.
	Resume bool
	// AnyName is set when the spec leaves event names open: an event of a
	// name not in Events carries the data of the "message" event, which is
	// then one of Events.
	AnyName bool
	// Headers are the response headers the stream's response declares
	// (In == InHeader), which the handler sets before the first event.
	Headers []*Param
	// Feed is set when the stream's events come from a topic of a bus.
	Feed *Feed
}

// Feed is the topic a stream follows.
type Feed struct {
	// Topic is the spec's topic, in which {name} stands for the value of
	// the path parameter name.
	Topic string
	// Parts is Topic as text and parameters, in order.
	Parts []TopicPart
	// Params are the parameters Topic names, each once, in order.
	Params []*Param
	// Gap is the event sent when a Last-Event-ID cannot be resumed; one of
	// the stream's Events.
	Gap *Event
}

// TopicPart is a piece of a topic: Text, or the value of Param.
type TopicPart struct {
	Text  string
	Param *Param
}

// Event is one event type a stream can carry.
type Event struct {
	Name        string // SSE event type; "message" is written without an event line
	GoName      string // Go identifier for send methods and client types, e.g. Progress
	Doc         string
	ContentType string   // how data is encoded: application/json, a +json type, or text/plain
	Type        *TypeRef // payload model; Builtin "string" for text/plain
}
