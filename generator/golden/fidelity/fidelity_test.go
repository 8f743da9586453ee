package fidelity_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/fidelity"
	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/runtime"
)

type server struct{}

// SendMessage answers with the message it received, then one of each
// other kind, built by the union's constructors, which write the consts.
func (server) SendMessage(_ context.Context, req *fidelity.SendMessageRequest, stream *fidelity.SendMessageStream) error {
	for _, m := range []fidelity.Message{
		req.Body,
		fidelity.MessageFromAssistantMessage(fidelity.AssistantMessage{ID: "2", Content: "hello " + req.AgentID}),
		fidelity.MessageFromReasoningMessage(fidelity.ReasoningMessage{ID: "3", Reasoning: "polite"}),
		fidelity.MessageFromStopReason(fidelity.StopReason{StopReason: "end_turn"}),
	} {
		if err := stream.SendMessage(m); err != nil {
			return err
		}
	}
	return nil
}

func chunks(text string, send func(fidelity.Chunk, ...runtime.EventOption) error) error {
	for _, tok := range strings.Fields(text) {
		if err := send(fidelity.Chunk{Token: tok}); err != nil {
			return err
		}
	}
	return nil
}

func (server) SpeakeasyComplete(_ context.Context, req *fidelity.SpeakeasyCompleteRequest, stream *fidelity.SpeakeasyCompleteStream) error {
	return chunks(req.Body.Text, stream.SendMessage)
}

func (server) FernComplete(_ context.Context, req *fidelity.FernCompleteRequest, stream *fidelity.FernCompleteStream) error {
	return chunks(req.Body.Text, stream.SendMessage)
}

func (server) DescribedComplete(_ context.Context, req *fidelity.DescribedCompleteRequest, stream *fidelity.DescribedCompleteStream) error {
	return chunks(req.Body.Text, stream.SendMessage)
}

func start(t *testing.T) (*httptest.Server, *fidelity.Client) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
	srv := httptest.NewServer(fidelity.NewHandler(server{}))
	t.Cleanup(srv.Close)
	return srv, fidelity.NewClient(srv.URL, runtime.WithHTTPClient(srv.Client()))
}

// collect reads every event of s; err is what ended the stream.
func collect[E any](t *testing.T, s *runtime.EventStream[E]) (events []E, err error) {
	t.Helper()
	defer s.Close()
	for ev, err := range s.Events() {
		if err != nil {
			return events, err
		}
		events = append(events, ev)
	}
	return events, nil
}

// A union without discriminator whose variants differ only by a const
// property: a value matches the variant whose const it carries, and the
// constructors write the const, so each message comes back as itself.
func TestUnionByConst(t *testing.T) {
	srv, client := start(t)

	// By hand: the server decodes the body to the variant its const names,
	// and writes the consts the constructors filled in.
	events, _, _ := goldentest.Stream(t, goldentest.Request{Method: http.MethodPost, URL: srv.URL + "/agents/a1/messages", Body: `{"id":"1","message_type":"user_message","content":"hi"}`})
	var data []string
	for _, ev := range events {
		data = append(data, string(ev.Data))
	}
	want := []string{
		`{"id":"1","message_type":"user_message","content":"hi"}`,
		`{"id":"2","message_type":"assistant_message","content":"hello a1"}`,
		`{"id":"3","message_type":"reasoning_message","reasoning":"polite"}`,
		`{"message_type":"stop_reason","stop_reason":"end_turn"}`,
	}
	if strings.Join(data, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant (and no [DONE], which the document does not declare):\n%s", strings.Join(data, "\n"), strings.Join(want, "\n"))
	}

	// Through the client, each event decodes to its variant.
	s, err := client.SendMessage(context.Background(), &fidelity.SendMessageRequest{AgentID: "a2", Body: fidelity.MessageFromUserMessage(fidelity.UserMessage{ID: "1", Content: "hey"})})
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(t, s)
	if err != nil || len(got) != 4 {
		t.Fatalf("%d events, %v", len(got), err)
	}
	msg := func(i int) fidelity.Message { return got[i].(fidelity.SendMessageMessage).Data }
	if u, ok := msg(0).AsUserMessage(); !ok || u.Content != "hey" {
		t.Errorf("event 0 is %+v, want the user message", msg(0))
	}
	if a, ok := msg(1).AsAssistantMessage(); !ok || a.Content != "hello a2" {
		t.Errorf("event 1 is %+v, want the assistant message", msg(1))
	}
	if r, ok := msg(2).AsReasoningMessage(); !ok || r.Reasoning != "polite" {
		t.Errorf("event 2 is %+v, want the reasoning message", msg(2))
	}
	if r, ok := msg(3).AsStopReason(); !ok || r.StopReason != "end_turn" {
		t.Errorf("event 3 is %+v, want the stop reason", msg(3))
	}

	for data, want := range map[string]string{
		// Without its const a message matches both message kinds of the
		// same shape.
		`{"id":"1","content":"hi"}`: "the value is ambiguous: it matches each of AssistantMessage, UserMessage",
		// A required const must be there.
		`{"id":"1","reasoning":"r"}`:                              `not ReasoningMessage: property "message_type" is required`,
		`{"id":"1","message_type":"tool_message","content":"hi"}`: `not UserMessage: message_type: "tool_message" is not a valid UserMessageMessageType (want user_message)`,
	} {
		var m fidelity.Message
		if err := json.Unmarshal([]byte(data), &m); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", data, err, want)
		}
	}
}

// The end sentinel is sent where the document declares it: by Speakeasy's
// or Fern's extension, or by a description quoting it; the client reads
// the chunks and stops at it.
func TestDeclaredEnd(t *testing.T) {
	srv, client := start(t)
	for _, tc := range []struct{ path, end string }{
		{"/speakeasy/completions", "[END]"},
		{"/fern/completions", "[DONE]"},
		{"/described/completions", "[DONE]"},
	} {
		events, _, _ := goldentest.Stream(t, goldentest.Request{Method: http.MethodPost, URL: srv.URL + tc.path, Body: `{"text":"a b"}`})
		var data []string
		for _, ev := range events {
			data = append(data, string(ev.Data))
		}
		if want := `{"token":"a"} {"token":"b"} ` + tc.end; strings.Join(data, " ") != want {
			t.Errorf("%s: %q, want %s", tc.path, data, want)
		}
	}

	ctx := context.Background()
	body := fidelity.Prompt{Text: "x y"}
	tokens := func(name string, n int, err error) {
		t.Helper()
		if err != nil || n != 2 {
			t.Errorf("%s: %d chunks, %v", name, n, err)
		}
	}
	se, err := client.SpeakeasyComplete(ctx, &fidelity.SpeakeasyCompleteRequest{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := collect(t, se)
	tokens("speakeasy", len(evs), err)
	fe, err := client.FernComplete(ctx, &fidelity.FernCompleteRequest{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	fevs, err := collect(t, fe)
	tokens("fern", len(fevs), err)
	de, err := client.DescribedComplete(ctx, &fidelity.DescribedCompleteRequest{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	devs, err := collect(t, de)
	tokens("described", len(devs), err)
}
