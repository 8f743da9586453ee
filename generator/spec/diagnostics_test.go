package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// base is a valid document with one streaming operation. Its
// x-event-stream annotation starts on line 9 at column 7; {{stream}} is
// replaced by a case's annotation body, each line indented by 8 spaces.
const base = `openapi: 3.0.3
info:
  title: Test
  version: 1.0.0
paths:
  /events:
    get:
      operationId: watch
      x-event-stream:
{{stream}}
      responses:
        '200':
          description: Events
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
    Note:
      type: string
`

func withStream(annotation string) string {
	lines := strings.Split(strings.TrimSuffix(annotation, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "        " + l
	}
	return strings.Replace(base, "{{stream}}", strings.Join(lines, "\n"), 1)
}

// TestDiagnostics loads broken documents and checks every diagnostic:
// message and file:line:col, all of them in one run.
func TestDiagnostics(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string // file name -> content
		root  string            // the file to load; default api.yaml
		want  []string
	}{
		{
			name: "unknown top-level key",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
heartbeet: 5s`)},
			want: []string{`api.yaml:12:9: x-event-stream: unknown key "heartbeet"; allowed keys: events, error, end, heartbeat, retry, resume, topic, gap`},
		},
		{
			name: "unknown event key and missing schema",
			files: map[string]string{"api.yaml": withStream(`events:
  message:
    scheme: {$ref: '#/components/schemas/Pet'}`)},
			want: []string{
				`api.yaml:11:11: x-event-stream.events.message: missing required key "schema"`,
				`api.yaml:12:13: x-event-stream.events.message: unknown key "scheme"; allowed keys: schema, contentType, description`,
			},
		},
		{
			name: "wrong types",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}, description: 3}
resume: "yes"
heartbeat: 5
end: [DONE]`)},
			want: []string{
				`api.yaml:11:78: x-event-stream.events.message.description: expected a string, got number`,
				`api.yaml:12:17: x-event-stream.resume: expected a boolean, got string`,
				`api.yaml:13:20: x-event-stream.heartbeat: expected a string, got number`,
				`api.yaml:14:14: x-event-stream.end: expected a string, got array`,
			},
		},
		{
			name:  "not an object",
			files: map[string]string{"api.yaml": withStream(`true`)},
			want:  []string{`api.yaml:10:9: x-event-stream: expected an object, got boolean`},
		},
		{
			name:  "missing events",
			files: map[string]string{"api.yaml": withStream(`resume: true`)},
			want:  []string{`api.yaml:9:7: x-event-stream: missing required key "events"`},
		},
		{
			name:  "no events",
			files: map[string]string{"api.yaml": withStream(`events: {}`)},
			want:  []string{`api.yaml:10:9: x-event-stream.events: declare at least one event`},
		},
		{
			name: "error names an undeclared event",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
  done: {schema: {$ref: '#/components/schemas/Pet'}}
error: failed`)},
			want: []string{`api.yaml:13:16: x-event-stream.error: "failed" is not a declared event; declared: "done", "message"`},
		},
		{
			name: "event names an SSE client cannot receive",
			files: map[string]string{"api.yaml": withStream(`events:
  "": {schema: {$ref: '#/components/schemas/Pet'}}
  "two\nlines": {schema: {$ref: '#/components/schemas/Pet'}}
  "carriage\rreturn": {schema: {$ref: '#/components/schemas/Pet'}}`)},
			want: []string{
				`api.yaml:11:11: x-event-stream.events: an event name must not be empty`,
				`api.yaml:12:11: x-event-stream.events: event name "two\nlines" contains a line break, which an SSE event line cannot carry`,
				`api.yaml:13:11: x-event-stream.events: event name "carriage\rreturn" contains a line break, which an SSE event line cannot carry`,
			},
		},
		{
			name: "schema $ref that does not resolve",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Nope'}}`)},
			want: []string{`api.yaml:11:36: $ref "#/components/schemas/Nope" does not resolve: #/components/schemas has no "Nope"`},
		},
		{
			name: "unsupported content type",
			files: map[string]string{"api.yaml": withStream(`events:
  message:
    schema: {$ref: '#/components/schemas/Pet'}
    contentType: text/html`)},
			want: []string{`api.yaml:13:26: x-event-stream.events.message.contentType: "text/html" is not supported; use application/json, a +json media type or text/plain`},
		},
		{
			name: "text/plain needs a string schema",
			files: map[string]string{"api.yaml": withStream(`events:
  message:
    schema: {$ref: '#/components/schemas/Pet'}
    contentType: text/plain
  note:
    schema: {$ref: '#/components/schemas/Note'}
    contentType: text/plain
  patch:
    schema: {type: object}
    contentType: application/merge-patch+json`)},
			want: []string{`api.yaml:13:26: x-event-stream.events.message: text/plain data needs a schema of type string, not type object`},
		},
		{
			name: "bad durations",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
heartbeat: fast
retry: 1500us`)},
			want: []string{
				`api.yaml:12:20: x-event-stream.heartbeat: "fast" is not a Go duration such as "15s", "1m30s" or "0s"`,
				`api.yaml:13:16: x-event-stream.retry: 1500us is not a whole number of milliseconds, the unit SSE sends it in`,
			},
		},
		{
			name: "duration out of range",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
heartbeat: 9999999999h`)},
			want: []string{`api.yaml:12:20: x-event-stream.heartbeat: "9999999999h" is out of range: a duration is at most 2562047h0m0s`},
		},
		{
			name: "method that cannot stream",
			files: map[string]string{"api.yaml": strings.Replace(withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}`), "    get:", "    head:", 1)},
			want: []string{`api.yaml:9:7: x-event-stream is not allowed on a HEAD operation: event streams are served for GET, POST, PUT, PATCH, DELETE`},
		},
		{
			name: "method of additionalOperations that cannot stream",
			files: map[string]string{"api.yaml": `openapi: 3.2.0
info: {title: T, version: '1'}
paths:
  /items:
    additionalOperations:
      SUBSCRIBE:
        x-event-stream:
          events:
            message: {schema: {type: string}}
        responses:
          '200': {description: ok}
`},
			want: []string{`api.yaml:7:9: x-event-stream is not allowed on a SUBSCRIBE operation: event streams are served for GET, POST, PUT, PATCH, DELETE`},
		},
		{
			name: "text/event-stream schema contradicts the events",
			files: map[string]string{"api.yaml": strings.Replace(withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
  note: {schema: {$ref: '#/components/schemas/Note'}}`), "          description: Events\n", `          description: Events
          content:
            text/event-stream:
              schema:
                $ref: '#/components/schemas/Pet'
`, 1)},
			want: []string{`api.yaml:18:15: the text/event-stream schema of the 200 response contradicts x-event-stream at api.yaml:9:7: it must be the schema of the only event, or a oneOf of exactly the events' schemas (or omit it: the stream is implied)`},
		},
		{
			name: "text/event-stream schema of another 2xx response contradicts the events",
			files: map[string]string{"api.yaml": strings.Replace(withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
  note: {schema: {$ref: '#/components/schemas/Note'}}`), "        '200':\n          description: Events\n", `        '201':
          description: Events
          content:
            text/event-stream:
              schema:
                $ref: '#/components/schemas/Pet'
`, 1)},
			want: []string{`api.yaml:18:15: the text/event-stream schema of the 201 response contradicts x-event-stream at api.yaml:9:7: it must be the schema of the only event, or a oneOf of exactly the events' schemas (or omit it: the stream is implied)`},
		},
		{
			name: "topic without gap",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
topic: pets`)},
			want: []string{`api.yaml:9:7: x-event-stream: topic needs a gap event, sent when a client's Last-Event-ID cannot be resumed; add gap: and an event of events`},
		},
		{
			name: "gap naming an undeclared event, and resume: false with a topic",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
topic: pets
gap: reset
resume: false`)},
			want: []string{
				`api.yaml:13:14: x-event-stream.gap: "reset" is not a declared event; declared: "message"`,
				`api.yaml:14:17: x-event-stream.resume: false contradicts topic, whose streams always resume after the client's Last-Event-ID`,
			},
		},
		{
			name: "gap without topic",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
gap: message`)},
			want: []string{`api.yaml:12:14: x-event-stream.gap: only a stream with a topic has gaps; add topic: or remove gap`},
		},
		{
			name: "gap as the error event",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
topic: pets
error: message
gap: message`)},
			want: []string{`api.yaml:14:14: x-event-stream.gap: "message" is also the error event; a gap is not an error, declare an event of its own`},
		},
		{
			name: "malformed topics",
			files: map[string]string{"api.yaml": withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
topic: orders.*
gap: message`)},
			want: []string{`api.yaml:12:16: x-event-stream.topic: "orders.*" is not a topic: dot-separated words of letters, digits, _ and -, in which {param} stands for a path parameter, such as "orders.{orderId}"`},
		},
		{
			name: "topic naming no path parameter",
			files: map[string]string{"api.yaml": strings.Replace(withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
  reset: {schema: {$ref: '#/components/schemas/Note'}}
topic: orders.{order}.{id}.{tags}
gap: reset`), "  /events:\n    get:\n", `  /orders/{id}/{tags}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      parameters:
        - {name: tags, in: path, required: true, schema: {type: array, items: {type: string}}}
        - {name: order, in: query, schema: {type: string}}
`, 1)},
			want: []string{
				`api.yaml:18:16: x-event-stream.topic: {order} is not a path parameter of the operation; path parameters: "id", "tags"`,
				`api.yaml:18:16: x-event-stream.topic: {tags} is a path parameter of type array; a topic takes strings, numbers and booleans`,
			},
		},
		{
			name: "every problem in one run",
			files: map[string]string{"api.yaml": strings.Replace(withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Gone'}}
error: oops
heartbeat: -1s`), "        name: {type: string}", "        name: {$ref: '#/components/schemas/Missing'}", 1)},
			want: []string{
				`api.yaml:11:36: $ref "#/components/schemas/Gone" does not resolve: #/components/schemas has no "Gone"`,
				`api.yaml:12:16: x-event-stream.error: "oops" is not a declared event; declared: "message"`,
				`api.yaml:13:20: x-event-stream.heartbeat: "-1s" must not be negative`,
				`api.yaml:22:22: $ref "#/components/schemas/Missing" does not resolve: #/components/schemas has no "Missing"`,
			},
		},
		{
			// Issue 11: a broken $ref hid every other problem. Each problem
			// here is independent of the others, and all are reported.
			name: "independent problems of every kind in one run",
			files: map[string]string{"api.yaml": `openapi: 3.0.3
info: {title: Every problem, version: '1'}
paths:
  /events:
    get:
      operationId: watch
      x-event-stream:
        events:
          message: {schema: {$ref: '#/components/schemas/Gone'}}
          count: {schema: {type: integer}, contentType: text/plain}
          page: {schema: {type: string}, contentType: text/html}
          "two\nlines": {schema: {type: string}}
        error: oops
        heartbeat: -1s
        retry: 1500us
        resume: "yes"
        colour: red
      responses:
        '200': {description: ok}
        '404':
          $ref: '#/components/responses/NotFound'
  /feed:
    post:
      operationId: feed
      x-event-stream:
        events:
          note: {schema: {$ref: 'notes.yaml#/Note'}}
        heartbeat: fast
        heartbeat: 10s
      parameters:
        - {name: q, in: body, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            text/event-stream:
              schema: {type: integer}
  /things/{a}:
    get:
      operationId: watch
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: integer, example: abc}
  /things/{b}:
    get:
      responses:
        '204': {description: none}
  /envs/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '204': {description: none}
  /envs/{deviceId}:
    delete:
      parameters: [{name: deviceId, in: path, required: true, schema: {type: string}}]
      responses:
        '204': {description: none}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/Missing'}
        tags: {$ref: 'tags.yaml'}
`},
			want: []string{
				`api.yaml:9:36: $ref "#/components/schemas/Gone" does not resolve: #/components/schemas has no "Gone"`,
				`api.yaml:10:57: x-event-stream.events.count: text/plain data needs a schema of type string, not type integer`,
				`api.yaml:11:55: x-event-stream.events.page.contentType: "text/html" is not supported; use application/json, a +json media type or text/plain`,
				`api.yaml:12:11: x-event-stream.events: event name "two\nlines" contains a line break, which an SSE event line cannot carry`,
				`api.yaml:13:16: x-event-stream.error: "oops" is not a declared event; declared: "count", "message", "page"`,
				`api.yaml:14:20: x-event-stream.heartbeat: "-1s" must not be negative`,
				`api.yaml:15:16: x-event-stream.retry: 1500us is not a whole number of milliseconds, the unit SSE sends it in`,
				`api.yaml:16:17: x-event-stream.resume: expected a boolean, got string`,
				`api.yaml:17:9: x-event-stream: unknown key "colour"; allowed keys: events, error, end, heartbeat, retry, resume, topic, gap`,
				`api.yaml:21:17: $ref "#/components/responses/NotFound" does not resolve: #/components has no "responses"`,
				`api.yaml:27:33: cannot read notes.yaml: no such file or directory`,
				`api.yaml:28:20: x-event-stream.heartbeat: "fast" is not a Go duration such as "15s", "1m30s" or "0s"`,
				`api.yaml:29:9: duplicate key "heartbeat" (first at line 28)`,
				`api.yaml:31:21: parameter can't have 'in' value "body"`,
				`api.yaml:38:3: warning: operation GET /things/{a} must define exactly all path parameters (missing: [a])`,
				`api.yaml:39:5: operations "GET /events" and "GET /things/{a}" have the same operation id "watch"`,
				`api.yaml:46:39: warning: invalid example: value must be an integer`,
				`api.yaml:47:3: GET is declared on both "/things/{a}" and "/things/{b}", which differ only in the names of their parameters: no request can tell them apart`,
				`api.yaml:56:3: warning: paths "/envs/{id}" and "/envs/{deviceId}" differ only in the names of their parameters; their operations, of different methods, are served on one route, each with its own parameter names`,
				`api.yaml:66:23: $ref "#/components/schemas/Missing" does not resolve: #/components/schemas has no "Missing"`,
				`api.yaml:67:22: cannot read tags.yaml: no such file or directory`,
			},
		},
		{
			name: "names that are keywords elsewhere",
			files: map[string]string{"api.yaml": strings.Replace(withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}`), "          description: Events\n", `          description: Events
        default:
          $ref: '#/components/responses/Nope'
`, 1) + "    default:\n      $ref: '#/components/schemas/Gone'\n"},
			want: []string{
				`api.yaml:16:17: $ref "#/components/responses/Nope" does not resolve: #/components has no "responses"`,
				`api.yaml:26:13: $ref "#/components/schemas/Gone" does not resolve: #/components/schemas has no "Gone"`,
			},
		},
		{
			name: "annotation and validation errors in one run",
			files: map[string]string{"api.yaml": strings.Replace(withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}, contentType: text/plain}
retry: 2`), "      operationId: watch\n", "      operationId: watch\n      parameters:\n        - {name: q, in: body, schema: {type: string}}\n", 1)},
			want: []string{
				"api.yaml:10:21: parameter can't have 'in' value \"body\"",
				`api.yaml:13:78: x-event-stream.events.message: text/plain data needs a schema of type string, not type object`,
				`api.yaml:14:16: x-event-stream.retry: expected a string, got number`,
			},
		},
		{
			name: "error in a referenced file",
			files: map[string]string{
				"api.yaml": withStream(`events:
  message: {schema: {$ref: 'schemas/pet.yaml#/Pet'}}`),
				"schemas/pet.yaml": `Pet:
  type: object
  properties:
    owner:
      $ref: 'owner.yaml#/Owner'
    tags:
      $ref: 'tags.yaml'
`,
				"schemas/owner.yaml": "Person:\n  type: object\n",
			},
			want: []string{
				`schemas/pet.yaml:5:13: $ref "owner.yaml#/Owner" does not resolve: owner.yaml has no "Owner"`,
				`schemas/pet.yaml:7:13: cannot read schemas/tags.yaml: no such file or directory`,
			},
		},
		{
			name: "annotation in a referenced path item",
			files: map[string]string{
				"api.yaml": "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /events:\n    $ref: 'paths.yaml#/events'\n",
				"paths.yaml": `events:
  post:
    x-event-stream:
      events:
        message:
          schema: {$ref: '#/Pet'}
          contentType: text/plain
    responses:
      '200': {description: ok}
Pet:
  type: object
`,
			},
			want: []string{`paths.yaml:7:24: x-event-stream.events.message: text/plain data needs a schema of type string, not type object`},
		},
		{
			name:  "YAML syntax error",
			files: map[string]string{"api.yaml": "openapi: 3.0.3\ninfo:\n  title: [unclosed\n"},
			want:  []string{`api.yaml:4:1: invalid YAML or JSON: did not find expected ',' or ']' while parsing a flow sequence that starts at 3:10`},
		},
		{
			name: "JSON: a repeated key and a broken $ref do not hide the rest",
			root: "api.json",
			files: map[string]string{"api.json": `{
  "openapi": "3.1.0",
  "info": {"title": "T", "version": "1"},
  "paths": {
    "/events": {
      "get": {
        "x-event-stream": {"events": {"n": {"schema": {"type": "integer"}, "contentType": "text/plain"}}},
        "responses": {"200": {"description": "ok"}, "404": {"$ref": "#/components/responses/Gone"}},
        "responses": {}
      }
    }
  }
}
`},
			want: []string{
				`api.json:7:91: x-event-stream.events.n: text/plain data needs a schema of type string, not type integer`,
				`api.json:8:69: $ref "#/components/responses/Gone" does not resolve: the document has no "components"`,
				`api.json:9:9: duplicate key "responses" (first at line 8)`,
			},
		},
		{
			// As FastAPI writes them: one warning for the document, at the
			// first, none of kin-openapi's "extra sibling fields".
			name: "3.2 media type fields in a 3.1 document",
			files: map[string]string{"api.yaml": `openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /rpc:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object}
            description: A JSON-RPC request.
      responses:
        '200':
          description: ok
          content:
            text/event-stream:
              description: The replies.
              itemSchema: {type: object, properties: {data: {type: string}}}
`},
			want: []string{`api.yaml:10:13: warning: description is a Media Type field of OpenAPI 3.2, not 3.1.0: this and every other 3.2 field of the document's media types is read as 3.2 reads it`},
		},
		{
			name:  "missing file",
			root:  "gone.yaml",
			files: map[string]string{},
			want:  []string{`gone.yaml: cannot read the file: no such file or directory`},
		},
		{
			name:  "Swagger 2.0",
			files: map[string]string{"api.yaml": "swagger: '2.0'\ninfo: {title: T, version: '1'}\n"},
			want:  []string{`api.yaml:1:1: Swagger 2.0 documents are not supported; convert the document to OpenAPI 3.0 or 3.1`},
		},
		{
			name:  "not an OpenAPI document",
			files: map[string]string{"api.yaml": "info: {title: T, version: '1'}\n"},
			want:  []string{`api.yaml:1:1: not an OpenAPI document: missing the "openapi" version field`},
		},
		{
			name:  "remote reference",
			files: map[string]string{"api.yaml": strings.Replace(base, "{{stream}}", "        events: {message: {schema: {$ref: 'https://example.com/pet.yaml'}}}", 1)},
			want:  []string{`api.yaml:10:43: $ref "https://example.com/pet.yaml": remote references are not supported; save the file next to the spec and refer to it by a relative path`},
		},
		{
			name: "kin-openapi validation: errors and warnings",
			files: map[string]string{"api.yaml": `openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /pets:
    get:
      parameters:
        - name: q
          in: body
          schema: {type: string}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: integer
                example: abc
`},
			want: []string{
				`api.yaml:8:11: parameter can't have 'in' value "body"`,
				`api.yaml:17:17: warning: invalid example: value must be an integer`,
			},
		},
		{
			name: "values of the wrong kind",
			files: map[string]string{
				"api.yaml": `openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      parameters: {a: 1}
      responses:
        '200': {description: ok}
    post:
      deprecated: maybe
      responses:
        '200': {description: ok}
`,
			},
			want: []string{
				`api.yaml:6:19: parameters: expected a list, got an object`,
				`api.yaml:10:19: deprecated: expected a boolean, got a string (maybe)`,
			},
		},
		{
			// As in LangGraph's document: a schema declared among the responses.
			name: "component in another section",
			files: map[string]string{"api.yaml": `openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Interrupt'}
components:
  responses:
    Interrupt:
      description: not a schema
  schemas:
    Other: {type: string}
`},
			want: []string{`api.yaml:11:30: $ref "#/components/schemas/Interrupt" does not resolve: #/components/schemas has no "Interrupt" (#/components/responses has one)`},
		},
		{
			// As in Mistral's document: a Pydantic schema pasted in with its
			// $defs, whose "#/$defs/..." then name the document's root.
			name: "$defs of an enclosing schema",
			files: map[string]string{"api.yaml": `openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  role: {$ref: '#/$defs/Role'}
                  scoped: {$ref: '#/$defs/Scoped'}
                  gone: {$ref: '#/$defs/Gone'}
                  other: {$ref: '#/$defs/Other'}
                $defs:
                  Role: {type: string}
                  Inner:
                    $id: https://example.com/inner
                    properties:
                      x: {$ref: '#/$defs/Scoped'}
                    $defs:
                      Scoped: {type: string}
components:
  schemas:
    Other:
      properties:
        y: {$ref: '#/$defs/Role'}
`},
			want: []string{
				`api.yaml:14:32: $ref "#/$defs/Role" does not resolve: the document has no "$defs"; an enclosing schema's $defs (line 18) has it, but "#" is the root of the document: move the definitions to components/schemas`,
				`api.yaml:15:34: $ref "#/$defs/Scoped" does not resolve: the document has no "$defs"`,
				`api.yaml:16:32: $ref "#/$defs/Gone" does not resolve: the document has no "$defs"`,
				`api.yaml:17:33: $ref "#/$defs/Other" does not resolve: the document has no "$defs"`,
				`api.yaml:23:33: $ref "#/$defs/Scoped" does not resolve: the document has no "$defs"; the $defs at line 24 has it, in the scope of $id "https://example.com/inner", which ssegen does not support: move the definitions to components/schemas`,
				`api.yaml:30:19: $ref "#/$defs/Role" does not resolve: the document has no "$defs"`,
			},
		},
		{
			name: "JSON document",
			root: "api.json",
			files: map[string]string{"api.json": `{
  "openapi": "3.1.0",
  "info": {"title": "T", "version": "1"},
  "paths": {
    "/events": {
      "get": {
        "x-event-stream": {"events": {"message": {"schema": {"type": "string"}, "contentType": "text/html"}}},
        "responses": {"200": {"description": "ok"}}
      }
    }
  }
}
`},
			want: []string{`api.json:7:96: x-event-stream.events.message.contentType: "text/html" is not supported; use application/json, a +json media type or text/plain`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			root := tc.root
			if root == "" {
				root = "api.yaml"
			}
			_, diags := Load(filepath.Join(dir, root))
			var got []string
			for _, d := range diags {
				got = append(got, strings.ReplaceAll(d.String(), dir+string(filepath.Separator), ""))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if !diags.HasErrors() && len(tc.want) > 0 && !strings.Contains(tc.want[0], "warning") {
				t.Error("HasErrors() = false")
			}
		})
	}
}
