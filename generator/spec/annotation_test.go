package spec

import (
	"bytes"
	"os"
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
