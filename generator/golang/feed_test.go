package golang

import (
	"strings"
	"testing"

	"github.com/ssegen/ssegen/generator/model"
)

// TestFeedFillsConstFields checks that what a feed publishes, and the gap
// event Follow sends, get the const fields their Send method fills in: the
// streams send the bus's events as they are, so a Publish method that
// skipped them would send a "kind" of "" that the schema does not allow.
func TestFeedFillsConstFields(t *testing.T) {
	kind := &model.Type{Name: "NoteKind", Kind: model.Enum, Underlying: str, Values: []*model.EnumValue{{Name: "NoteKindNote", Value: "note"}}}
	note := &model.Type{Name: "Note", Kind: model.Struct, Fields: []*model.Field{
		{Name: "Kind", JSONName: "kind", Type: &model.TypeRef{Kind: model.Ref, Name: "NoteKind"}, Required: true},
		{Name: "Text", JSONName: "text", Type: str, Required: true},
	}}
	noteRef := &model.TypeRef{Kind: model.Ref, Name: "Note"}
	gap := &model.Event{Name: "gap", GoName: "Gap", ContentType: "application/json", Type: noteRef}
	posted := &model.Event{Name: "posted", GoName: "Posted", ContentType: "application/json", Type: noteRef}
	watch := op("Watch", "GET", "/notes")
	watch.Responses = nil
	watch.Stream = &model.Stream{
		Status: 200,
		Events: []*model.Event{gap, posted},
		Resume: true,
		Feed:   &model.Feed{Topic: "notes", Parts: []model.TopicPart{{Text: "notes"}}, Gap: gap},
	}
	src, err := generateServer(t, &model.API{Types: []*model.Type{kind, note}, Operations: []*model.Operation{watch}})
	if err != nil {
		t.Fatal(err)
	}
	const fill = "if v.Kind == \"\" {\n\t\tv.Kind = NoteKindNote\n\t}\n"
	for _, fn := range []string{
		"func (s *WatchStream) SendGap(",
		"func (s *WatchStream) SendPosted(",
		"func (f *WatchFeed) PublishPosted(",
	} {
		if body := funcBody(t, src, fn); !strings.Contains(body, fill) {
			t.Errorf("%s does not fill in Kind:\n%s", fn, body)
		}
	}
	if body := funcBody(t, src, "func (s *WatchStream) Follow("); !strings.Contains(body, "s.SendGap(gap, runtime.WithEventID(id))") {
		t.Errorf("Follow does not send the gap event with SendGap, which fills in Kind:\n%s", body)
	}
}

// funcBody returns the declaration of the function of src that starts with
// signature.
func funcBody(t *testing.T, src, signature string) string {
	t.Helper()
	_, decl, ok := strings.Cut(src, signature)
	if !ok {
		t.Fatalf("no %s in\n%s", signature, src)
	}
	decl, _, _ = strings.Cut(decl, "\n}\n")
	return signature + decl + "\n}"
}
