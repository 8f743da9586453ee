package spec

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestInferStreams checks how streams described without x-event-stream are
// read: which operations stream, their events (name=content type), end
// sentinel, resumption, open names, and the warnings.
func TestInferStreams(t *testing.T) {
	cases := []struct {
		name      string
		responses string // the operation's responses, indented by 8
		extra     string // more of the operation (parameters, x-event-stream)
		method    string // default get
		want      string // "events | end | resume anyName", "" for no stream
		warnings  []string
	}{
		{
			name:      "payload schema",
			responses: "'200':\n  description: ok\n  content:\n    text/event-stream:\n      schema: {$ref: '#/components/schemas/Pet'}",
			want:      "message=application/json | [DONE]? | anyName",
		},
		{
			name:      "string payload",
			responses: "'200':\n  description: ok\n  content:\n    text/event-stream:\n      schema: {type: string}",
			want:      "message=text/plain | - | anyName",
		},
		{
			name:      "no schema",
			responses: "'200':\n  description: ok\n  content:\n    text/event-stream: {}",
			want:      "message=text/plain | - | anyName",
			warnings:  []string{`api.yaml:10:13: warning: GET /events: the 200 text/event-stream response has no schema: its events are generated as "message" events whose data is a string`},
		},
		{
			name: "envelope with a const name and a sentinel branch",
			responses: `'200':
  description: ok
  content:
    text/event-stream:
      schema:
        oneOf:
          - properties: {event: {const: pet}, data: {$ref: '#/components/schemas/Pet'}, id: {type: string}}
          - properties: {data: {type: string, enum: ['[DONE]']}}`,
			want: "pet=application/json | [DONE] |",
		},
		{
			name: "envelope with an open name",
			responses: `'200':
  description: ok
  content:
    text/event-stream:
      schema:
        properties: {event: {type: string}, data: {$ref: '#/components/schemas/Pet'}}`,
			want: "message=application/json | [DONE]? | anyName",
		},
		{
			name: "an object that is not an envelope is the payload",
			responses: `'200':
  description: ok
  content:
    text/event-stream:
      schema:
        properties: {data: {type: string}, timestamp: {type: string}}`,
			want: "message=application/json | [DONE]? | anyName",
		},
		{
			name: "contentMediaType other than JSON is text",
			responses: `'200':
  description: ok
  content:
    text/event-stream:
      itemSchema:
        properties: {event: {enum: [a, b]}, data: {contentMediaType: text/csv}}`,
			want: "a=text/plain b=text/plain | - |",
		},
		{
			name: "an event described twice",
			responses: `'200':
  description: ok
  content:
    text/event-stream:
      itemSchema:
        oneOf:
          - properties: {event: {const: a}, data: {$ref: '#/components/schemas/Pet'}}
          - properties: {event: {const: a}, data: {type: string}}`,
			want:     "a=application/json | - |",
			warnings: []string{`api.yaml:14:21: warning: GET /events: the 200 text/event-stream response: event "a" is described twice; the first description is used`},
		},
		{
			name:      "Last-Event-ID parameter resumes",
			extra:     "parameters:\n  - {name: last-event-id, in: header, schema: {type: string}}",
			responses: "'200':\n  description: ok\n  content:\n    text/event-stream:\n      schema: {$ref: '#/components/schemas/Pet'}",
			want:      "message=application/json | [DONE]? | resume anyName",
		},
		{
			name:      "a 201 stream",
			responses: "'201':\n  description: ok\n  content:\n    text/event-stream:\n      schema: {$ref: '#/components/schemas/Pet'}",
			want:      "message=application/json | [DONE]? | anyName",
		},
		{
			name:      "wildcards are not streams",
			responses: "'200':\n  description: ok\n  content:\n    '*/*':\n      schema: {$ref: '#/components/schemas/Pet'}\n    text/*: {}",
		},
		{
			name:      "error statuses alone are not streams",
			responses: "'200':\n  description: ok\n'422':\n  description: bad\n  content:\n    text/event-stream: {}",
		},
		{
			name:      "the annotation wins",
			extra:     "x-event-stream:\n  events:\n    note: {schema: {type: string}, contentType: text/plain}",
			responses: "'200':\n  description: ok\n  content:\n    text/event-stream:\n      schema: {properties: {event: {const: other}, data: {type: string}}}",
			want:      "note=text/plain | - |",
		},
		{
			name: "an exported stream: its x-event-stream says that nothing is to be guessed",
			responses: `'200':
  description: ok
  content:
    text/event-stream:
      itemSchema:
        properties: {event: {type: string}, data: {type: string}}
        oneOf:
          - properties: {event: {const: message}, data: {contentMediaType: application/json, contentSchema: {$ref: '#/components/schemas/Pet'}}}
          - properties: {event: {const: error}, data: {type: string}}
      x-event-stream: {}`,
			want: "error=text/plain message=application/json | - |",
		},
		{
			name: "an exported stream with the keys OpenAPI cannot express",
			responses: `'200':
  description: ok
  content:
    text/event-stream:
      itemSchema:
        properties: {event: {type: string}, data: {type: string}}
        oneOf:
          - properties: {event: {const: failed}, data: {contentMediaType: application/problem+json, contentSchema: {type: object}}}
          - properties: {event: {const: message}, data: {const: '[DONE]'}}
      x-event-stream: {error: failed, heartbeat: 0s, retry: 1500ms, note: unknown keys are ignored}`,
			want: "failed=application/problem+json | [DONE] | error=failed heartbeat=0s retry=1.5s",
		},
		{
			name:      "a method that does not stream",
			method:    "options",
			responses: "'200':\n  description: ok\n  content:\n    text/event-stream: {}",
			warnings:  []string{`api.yaml:10:13: warning: OPTIONS /events: the 200 text/event-stream response is generated as a plain response: ssegen streams GET, POST, PUT, PATCH, DELETE only`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = "get"
			}
			doc := "openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths:\n  /events:\n    " + method + ":\n" +
				indent(tc.extra, 6) + "      responses:\n" + indent(tc.responses, 8) +
				"components:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        name: {type: string}\n"
			dir := t.TempDir()
			path := filepath.Join(dir, "api.yaml")
			if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			d, diags := Load(path)
			if d == nil || diags.HasErrors() {
				t.Fatalf("%v\n%s", diags, doc)
			}
			var warnings []string
			for _, w := range diags {
				if !strings.Contains(w.Message, "must define exactly all path parameters") {
					warnings = append(warnings, strings.ReplaceAll(w.String(), dir+string(filepath.Separator), ""))
				}
			}
			if !slices.Equal(warnings, tc.warnings) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(tc.warnings, "\n"))
			}
			got := ""
			for _, st := range d.Streams {
				got = describe(st)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func indent(s string, n int) string {
	if s == "" {
		return ""
	}
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad) + "\n"
}

// describe summarizes st as "events | end | flags".
func describe(st *EventStream) string {
	var events []string
	for _, name := range slices.Sorted(maps.Keys(st.Events)) {
		events = append(events, name+"="+st.Events[name].ContentType)
	}
	end := "-"
	if st.End != nil {
		end = *st.End
	}
	if st.EndOptional {
		end += "?"
	}
	var flags []string
	if st.Error != "" {
		flags = append(flags, "error="+st.Error)
	}
	if st.Heartbeat != DefaultHeartbeat {
		flags = append(flags, "heartbeat="+st.Heartbeat.String())
	}
	if st.Retry != 0 {
		flags = append(flags, "retry="+st.Retry.String())
	}
	if st.Resume {
		flags = append(flags, "resume")
	}
	if st.AnyName {
		flags = append(flags, "anyName")
	}
	return strings.TrimSpace(fmt.Sprintf("%s | %s | %s", strings.Join(events, " "), end, strings.Join(flags, " ")))
}

// TestExportedStreamErrors checks the x-event-stream object that ssegen
// export leaves on a media type: what it names must exist and parse.
func TestExportedStreamErrors(t *testing.T) {
	doc := `openapi: 3.2.0
info: {title: T, version: '1'}
paths:
  /events:
    get:
      responses:
        '200':
          description: ok
          content:
            text/event-stream:
              itemSchema:
                oneOf:
                  - properties: {event: {const: tick}, data: {type: string}}
              x-event-stream: {error: failed, heartbeat: often, retry: 1500us}
`
	wantDiagnostics(t, doc,
		`api.yaml:10:13: GET /events: the 200 text/event-stream response: x-event-stream.error: failed is not an event of the item schema; declared: "tick"`,
		`api.yaml:10:13: GET /events: the 200 text/event-stream response: x-event-stream.heartbeat: often is not a Go duration such as "15s"`,
		`api.yaml:10:13: GET /events: the 200 text/event-stream response: x-event-stream.retry: 1500us is not a whole number of milliseconds, the unit SSE sends it in`,
	)
}

// exportedFeed is a 3.2 document with a stream as ssegen export writes a
// feed's, on GET /shops/{shop}/events; %s is the x-event-stream object of
// its text/event-stream media type, which is at line 12, column 13.
const exportedFeed = `openapi: 3.2.0
info: {title: T, version: '1'}
paths:
  /shops/{shop}/events:
    parameters:
      - {name: shop, in: path, required: true, schema: {type: string}}
    get:
      responses:
        '200':
          description: ok
          content:
            text/event-stream:
              x-event-stream: %s
              itemSchema:
                oneOf:
                  - properties: {event: {const: tick}, data: {type: string}}
                  - properties: {event: {const: reset}, data: {type: string}}
                  - properties: {event: {const: failed}, data: {type: string}}
`

// TestExportedStreamTopic checks the topic of an exported stream as an
// annotation's is checked: each {param} must be a path parameter of the
// operation, or the generated code would leave it out of the topic.
func TestExportedStreamTopic(t *testing.T) {
	wantDiagnostics(t, fmt.Sprintf(exportedFeed, "{topic: 'shops.{shop}.orders.{orderId}', gap: reset}"),
		`api.yaml:12:13: GET /shops/{shop}/events: the 200 text/event-stream response: x-event-stream.topic: {orderId} is not a path parameter of the operation; path parameters: "shop"`,
	)
}

// TestExportedTopicResumes reads an exported stream with a topic from a
// document that does not declare the Last-Event-ID header: a topic
// implies resume, as in the annotation.
func TestExportedTopicResumes(t *testing.T) {
	d := wantDiagnostics(t, fmt.Sprintf(exportedFeed, "{topic: 'shops.{shop}', gap: reset}"))
	st := d.Streams[d.OpenAPI.Paths.Value("/shops/{shop}/events").Get]
	if st.Topic != "shops.{shop}" || st.Gap != "reset" || !st.Resume {
		t.Errorf("Topic, Gap, Resume = %q, %q, %v; want \"shops.{shop}\", \"reset\", true", st.Topic, st.Gap, st.Resume)
	}
}

// TestExportedFeedErrors checks the topic and gap of an exported stream as
// the annotation's are checked: a topic has the annotation's syntax, and
// the gap event is not the error event.
func TestExportedFeedErrors(t *testing.T) {
	wantDiagnostics(t, fmt.Sprintf(exportedFeed, "{topic: 'ticks of a', gap: reset}"),
		`api.yaml:12:13: GET /shops/{shop}/events: the 200 text/event-stream response: x-event-stream.topic: "ticks of a" is not a topic: dot-separated words of letters, digits, _ and -, in which {param} stands for a path parameter, such as "orders.{orderId}"`,
	)
	wantDiagnostics(t, fmt.Sprintf(exportedFeed, "{topic: ticks, gap: failed, error: failed}"),
		`api.yaml:12:13: GET /shops/{shop}/events: the 200 text/event-stream response: x-event-stream.gap: "failed" is also the error event; a gap is not an error, declare an event of its own`,
	)
}

// TestExportedNegativeDurations refuses a negative heartbeat or retry on an
// exported stream, as the annotation does.
func TestExportedNegativeDurations(t *testing.T) {
	wantDiagnostics(t, fmt.Sprintf(exportedFeed, "{heartbeat: -5s, retry: -1s}"),
		`api.yaml:12:13: GET /shops/{shop}/events: the 200 text/event-stream response: x-event-stream.heartbeat: "-5s" must not be negative`,
		`api.yaml:12:13: GET /shops/{shop}/events: the 200 text/event-stream response: x-event-stream.retry: "-1s" must not be negative`,
	)
}

// wantDiagnostics loads doc, written as api.yaml, and checks that its
// diagnostics, without the directory, are want. It returns the document.
func wantDiagnostics(t *testing.T, doc string, want ...string) *Document {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	d, diags := Load(path)
	var got []string
	for _, d := range diags {
		got = append(got, strings.ReplaceAll(d.String(), dir+string(filepath.Separator), ""))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	return d
}
