package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssegen/ssegen/generator/spec"
)

// buildText loads the document doc, written to api.yaml, and builds its
// model, returning the model and Build's diagnostics as text.
func buildText(t *testing.T, doc string) (*API, []string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	d, diags := spec.Load(path)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	api, diags := Build(d)
	var text []string
	for _, d := range diags {
		text = append(text, strings.ReplaceAll(d.String(), dir+string(filepath.Separator), ""))
	}
	return api, text
}

// TestBuildDiagnostics checks what Build reports about documents that load
// but that it cannot type exactly as written.
func TestBuildDiagnostics(t *testing.T) {
	const doc = `openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: getThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: string
                enum: [a, 1, b]
        '2XX':
          description: other
        '404':
          description: missing
          content:
            text/event-stream: {}
    post:
      operationId: addThings
      requestBody:
        content:
          text/event-stream: {}
      responses:
        '204': {description: added}
`
	api, got := buildText(t, doc)
	want := []string{
		// kin-openapi warns that {id} is not declared; Build types it as a string
		`api.yaml:14:27: warning: enum value 1 is not of type string; it is left out of GetThingResponseBody`,
		`api.yaml:15:9: warning: response "2XX" is skipped: ssegen handles explicit status codes and default`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if api == nil {
		t.Fatal("warnings must not stop the build")
	}
	op := api.Operations[0]
	if len(op.Params) != 1 || op.Params[0].WireName != "id" || op.Params[0].In != InPath || goType(op.Params[0].Type) != "string" || !op.Params[0].Required {
		t.Errorf("undeclared path parameter: %+v", op.Params)
	}
	if vals := typeNamed(t, api, "GetThingResponseBody").Values; len(vals) != 2 {
		t.Errorf("enum values: %+v", vals)
	}
	// A request body that is an event stream is a stream of events.
	if b := api.Operations[1].Body; b == nil || b.ContentType != "text/event-stream" || b.Stream == nil || len(b.Stream.Events) != 1 || b.Stream.Events[0].Name != "message" {
		t.Errorf("event stream body: %+v", b)
	}
	// An event stream on an error status is one event carrying the body.
	if r := op.Responses[len(op.Responses)-1]; r.Status != 404 || r.ContentType != "text/event-stream" || goType(r.Type) != "string" {
		t.Errorf("404 event stream: %+v", r)
	}
}

// TestCycles checks that schemas that refer to themselves build, or fail
// with a located error, and never recurse forever.
func TestCycles(t *testing.T) {
	const doc = `openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Holder'}
components:
  schemas:
    Holder:
      type: object
      properties:
        alias: {$ref: '#/components/schemas/A'}
        self: {$ref: '#/components/schemas/Self'}
        list: {$ref: '#/components/schemas/List'}
        node: {$ref: '#/components/schemas/Node'}
        loop: {$ref: '#/components/schemas/Loop'}
    A:
      allOf: [{$ref: '#/components/schemas/B'}]
    B:
      allOf: [{$ref: '#/components/schemas/A'}]
    Self:
      oneOf: [{$ref: '#/components/schemas/Self'}, {type: 'null'}]
    List:
      type: array
      items: {$ref: '#/components/schemas/List'}
    Node:
      anyOf:
        - {$ref: '#/components/schemas/Node'}
        - type: object
          properties:
            next: {$ref: '#/components/schemas/Node'}
    Loop:
      allOf:
        - $ref: '#/components/schemas/Loop'
        - properties:
            x: {type: string}
`
	_, got := buildText(t, doc)
	want := []string{
		`api.yaml:23:5: A is only an alias of itself (through allOf or oneOf), so it has no type`,
		`api.yaml:27:5: Self is only an alias of itself (through allOf or oneOf), so it has no type`,
		`api.yaml:39:7: this schema includes itself through allOf`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMethodsAndSkipped checks that OpenAPI 3.2's query method and
// additionalOperations become operations, and that webhooks and callbacks,
// requests the API sends, are skipped with a located warning.
func TestMethodsAndSkipped(t *testing.T) {
	const doc = `openapi: 3.2.0
info: {title: T, version: '1'}
paths:
  /items:
    query:
      operationId: searchItems
      requestBody:
        content: {application/json: {schema: {type: string}}}
      responses:
        '200': {description: ok}
    post:
      operationId: createItem
      callbacks:
        onDone:
          '{$request.body#/url}':
            post:
              responses: {'200': {description: ok}}
      responses:
        '201': {description: created}
    additionalOperations:
      PURGE:
        operationId: purgeItems
        responses:
          '204': {description: purged}
webhooks:
  newItem:
    post:
      responses: {'200': {description: ok}}
  refItem:
    $ref: '#/components/pathItems/Item'
components:
  pathItems:
    Item:
      post:
        responses: {'200': {description: ok}}
`
	api, got := buildText(t, doc)
	want := []string{
		`api.yaml:14:9: warning: POST /items: callback "onDone" is skipped: ssegen generates the operations the API serves, not the requests it sends`,
		`api.yaml:25:1: warning: webhook "refItem" is skipped: ssegen generates the operations the API serves, not the requests it sends`,
		`api.yaml:26:3: warning: webhook "newItem" is skipped: ssegen generates the operations the API serves, not the requests it sends`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var ops []string
	for _, op := range api.Operations {
		ops = append(ops, op.Method+" "+op.Path+" "+op.Name)
	}
	if got, want := strings.Join(ops, ", "), "POST /items CreateItem, PURGE /items PurgeItems, QUERY /items SearchItems"; got != want {
		t.Errorf("operations: %s\nwant: %s", got, want)
	}
	if body := api.Operations[2].Body; body == nil || goType(body.Type) != "string" {
		t.Errorf("the QUERY operation's body: %+v", body)
	}
}
