package spec

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLoadPetstore(t *testing.T) {
	doc, diags := Load("testdata/petstore.yaml")
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if doc == nil || doc.OpenAPI == nil {
		t.Fatal("no document")
	}
	op := doc.OpenAPI.Paths.Value("/pets/events").Get
	st := doc.Streams[op]
	if st == nil {
		t.Fatalf("no stream for watchPets; streams: %v", doc.Streams)
	}
	if len(doc.Streams) != 1 {
		t.Errorf("got %d streams, want 1", len(doc.Streams))
	}
	if st.Error != "failed" || st.Heartbeat != 10*time.Second || st.Retry != 3*time.Second || !st.Resume || st.End != nil {
		t.Errorf("stream settings: %+v", st)
	}
	if got := st.Pos.String(); got != "testdata/petstore.yaml:80:7" {
		t.Errorf("Pos = %s", got)
	}
	pet := doc.OpenAPI.Components.Schemas["Pet"].Value
	for name, want := range map[string]any{"message": pet, "deleted": doc.OpenAPI.Components.Schemas["PetDeleted"].Value} {
		ev := st.Events[name]
		if ev == nil || ev.Schema == nil || ev.Schema.Value != want {
			t.Errorf("event %s: schema not resolved to the component: %+v", name, ev)
			continue
		}
		if ev.ContentType != "application/json" {
			t.Errorf("event %s: content type %q", name, ev.ContentType)
		}
	}
	if d := st.Events["message"].Description; d != "A pet changed." {
		t.Errorf("description %q", d)
	}
}

func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{"testdata/petstore.yaml", "testdata/multifile/api.yaml", "../model/testdata/schemas.yaml"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, diags := Load(name); diags.HasErrors() {
					b.Fatal(diags)
				}
			}
		})
	}
}

// TestStreamSchemaAgrees loads declared text/event-stream schemas that
// agree with the events.
func TestStreamSchemaAgrees(t *testing.T) {
	for name, schema := range map[string]string{
		"oneOf of the events": "oneOf: [{$ref: '#/components/schemas/Pet'}, {$ref: '#/components/schemas/Note'}]",
		"anyOf of the events": "anyOf: [{$ref: '#/components/schemas/Note'}, {$ref: '#/components/schemas/Pet'}]",
		"the stream as text":  "type: string",
		"an SSE envelope":     "{type: object, properties: {event: {type: string}, data: {type: string}}}",
	} {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(withStream("events:\n  message: {schema: {$ref: '#/components/schemas/Pet'}}\n  note: {schema: {$ref: '#/components/schemas/Note'}}"),
				"          description: Events\n", "          description: Events\n          content:\n            text/event-stream:\n              schema:\n                "+schema+"\n", 1)
			path := filepath.Join(t.TempDir(), "api.yaml")
			if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			d, diags := Load(path)
			if len(diags) != 0 || len(d.Streams) != 1 {
				t.Errorf("diagnostics: %v; streams: %d", diags, len(d.Streams))
			}
		})
	}
}

// TestLoadConcurrently loads documents from several goroutines, as a
// caller generating several packages at once would (run it with -race).
func TestLoadConcurrently(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(bad, []byte(withStream("events: {message: {schema: {type: string}, contentType: text/html}}\nheartbeat: 5\nbogus: 1")), 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"testdata/petstore.yaml": 0, "testdata/multifile/api.yaml": 0, bad: 3}
	var wg sync.WaitGroup
	for range 4 {
		for path, n := range want {
			wg.Go(func() {
				if _, diags := Load(path); len(diags) != n {
					t.Errorf("%s: %d diagnostics, want %d: %v", path, len(diags), n, diags)
				}
			})
		}
	}
	wg.Wait()
}
