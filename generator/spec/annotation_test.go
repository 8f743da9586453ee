package spec

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSchemaCopy keeps the documented schema identical to the one ssegen
// validates with.
func TestSchemaCopy(t *testing.T) {
	docs, err := os.ReadFile("../../docs/x-event-stream.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(docs, Schema) {
		t.Error("docs/x-event-stream.schema.json differs from generator/spec/x-event-stream.schema.json, the canonical copy: cp generator/spec/x-event-stream.schema.json docs/")
	}
}

// TestDurationPattern checks that the schema's duration pattern accepts
// what time.ParseDuration accepts, minus negative values.
func TestDurationPattern(t *testing.T) {
	for _, tc := range []struct {
		in    string
		valid bool
	}{
		{"15s", true}, {"0", true}, {"0s", true}, {"1m30s", true}, {"1.5h", true}, {".5s", true},
		{"1.s", true}, {"100ms", true}, {"250us", true}, {"250µs", true}, {"250μs", true}, {"10ns", true},
		{"2h45m0.5s", true},
		{"", false}, {"15", false}, {"-1s", false}, {"+1s", false}, {"1d", false}, {"15 s", false},
		{"s", false}, {".s", false}, {"1h 2m", false}, {"1S", false},
	} {
		doc := map[string]any{"events": map[string]any{"message": map[string]any{"schema": map[string]any{}}}, "heartbeat": tc.in}
		err := annotationSchema.Validate(doc)
		if (err == nil) != tc.valid {
			t.Errorf("%q: valid = %v, want %v (%v)", tc.in, err == nil, tc.valid, err)
		}
		if tc.valid {
			if _, err := time.ParseDuration(tc.in); err != nil {
				t.Errorf("%q passes the schema but not time.ParseDuration: %v", tc.in, err)
			}
		}
	}
}

// TestFeedAnnotation checks what a valid topic and gap give the stream.
func TestFeedAnnotation(t *testing.T) {
	dir := t.TempDir()
	doc := strings.Replace(withStream(`events:
  message: {schema: {$ref: '#/components/schemas/Pet'}}
  reset: {schema: {$ref: '#/components/schemas/Note'}}
topic: shops.{shop}.pets.{petId}
gap: reset`), "  /events:\n    get:\n", `  /shops/{shop}/pets/{petId}/events:
    parameters:
      - {name: shop, in: path, required: true, schema: {type: string}}
    get:
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer}}
`, 1)
	path := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	d, diags := Load(path)
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	op := d.OpenAPI.Paths.Value("/shops/{shop}/pets/{petId}/events").Get
	st := d.Streams[op]
	if st.Topic != "shops.{shop}.pets.{petId}" || st.Gap != "reset" || !st.Resume {
		t.Errorf("Topic, Gap, Resume = %q, %q, %v; want the topic, \"reset\", true", st.Topic, st.Gap, st.Resume)
	}
	if got := topicParams(st.Topic); !slices.Equal(got, []string{"shop", "petId"}) {
		t.Errorf("topicParams = %q", got)
	}
}

// TestTopicParts splits topics into text and placeholders, the pieces the
// generated code joins into the topic of a stream.
func TestTopicParts(t *testing.T) {
	for topic, want := range map[string][]string{
		"orders":                  {"orders"},
		"orders.{orderId}":        {"orders.", "{orderId}"},
		"{shop}.pets.{petId}.log": {"{shop}", ".pets.", "{petId}", ".log"},
		"a{b}{c}":                 {"a", "{b}", "{c}"},
	} {
		var got []string
		for piece, param := range TopicParts(topic) {
			if param {
				piece = "{" + piece + "}"
			}
			got = append(got, piece)
		}
		if !slices.Equal(got, want) {
			t.Errorf("TopicParts(%q) = %q, want %q", topic, got, want)
		}
	}
}
