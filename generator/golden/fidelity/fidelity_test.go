package fidelity_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
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

func (server) ChatComplete(_ context.Context, req *fidelity.ChatCompleteRequest, stream *fidelity.ChatCompleteStream) error {
	return chunks(req.Body.Text, stream.SendMessage)
}

// LookUp answers with the cursor it received, at the position of the path.
func (server) LookUp(_ context.Context, req *fidelity.LookUpRequest) (fidelity.LookUpResponse, error) {
	c := fidelity.Cursor{At: req.At}
	if req.Session != nil {
		c.Note = req.Session.Note
	}
	return fidelity.LookUp200Response{Body: c}, nil
}

func start(t *testing.T) (*httptest.Server, *fidelity.Client) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
	srv := httptest.NewServer(fidelity.NewHandler(server{}))
	t.Cleanup(srv.Close)
	return srv, fidelity.NewClient(srv.URL, runtime.WithHTTPClient(srv.Client()))
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
	got, err := goldentest.Collect(t, s)
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
// or Fern's extension, or by a description quoting it, the response's or
// that of the request's stream property; the client reads the chunks and
// stops at it.
func TestDeclaredEnd(t *testing.T) {
	srv, client := start(t)
	for _, tc := range []struct{ path, end string }{
		{"/speakeasy/completions", "[END]"},
		{"/fern/completions", "[DONE]"},
		{"/described/completions", "[DONE]"},
		{"/chat/completions", "[DONE]"},
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
	evs, err := goldentest.Collect(t, se)
	tokens("speakeasy", len(evs), err)
	fe, err := client.FernComplete(ctx, &fidelity.FernCompleteRequest{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	fevs, err := goldentest.Collect(t, fe)
	tokens("fern", len(fevs), err)
	de, err := client.DescribedComplete(ctx, &fidelity.DescribedCompleteRequest{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	devs, err := goldentest.Collect(t, de)
	tokens("described", len(devs), err)
	ce, err := client.ChatComplete(ctx, &fidelity.ChatCompleteRequest{Body: fidelity.ChatRequest{Text: "x y"}})
	if err != nil {
		t.Fatal(err)
	}
	cevs, err := goldentest.Collect(t, ce)
	tokens("chat", len(cevs), err)
}

// Subscribe echoes what it received in a published event, after setting
// the stream's response headers; topic "broken" fails with the error
// event, and topic "late" reports whether headers can be set after the
// first event.
func (server) Subscribe(_ context.Context, req *fidelity.SubscribeRequest, stream *fidelity.SubscribeStream) error {
	switch req.Topic {
	case "broken":
		return stream.Fail(fidelity.HubError{Message: "gone"})
	case "late":
		if err := stream.SendRemoved(fidelity.Removed{ID: "first"}); err != nil {
			return err
		}
		err := stream.SetHeaders(fidelity.SubscribeStreamHeaders{XPartitions: 1})
		return stream.SendRemoved(fidelity.Removed{ID: fmt.Sprint(errors.Is(err, runtime.ErrCommitted))})
	}
	if err := stream.SetHeaders(fidelity.SubscribeStreamHeaders{XPartitions: int32(len(req.XPositions)), XPositions: req.XPositions, XResumedFrom: req.LastEventIDHeader}); err != nil {
		return err
	}
	pub := fidelity.Published{Text: req.Topic, Positions: req.XPositions, Cursor: req.XCursor, Filter: req.Filter, ResumeQuery: req.LastEventIDQuery, ResumeHeader: req.LastEventIDHeader}
	return errors.Join(
		stream.SendPublished(pub, runtime.WithEventID("e1")),
		stream.SendRemoved(fidelity.Removed{ID: "x"}, runtime.WithEventID("e2")),
	)
}

// A stream's response headers are set by the handler and read by the
// client; parameters of the same name in the query and a header keep
// their own fields; JSON header and content parameters travel as JSON
// text; events named after the tags of their data's discriminator decode
// to their branch, and the one named error ends the stream.
func TestHub(t *testing.T) {
	srv, client := start(t)
	positions := `[{"partition":1,"offset":5},{"partition":2,"offset":9}]`
	cursor := `{"at":{"partition":2,"offset":8},"note":"n"}`
	filter := `{"kinds":["a","b"],"since":3}`

	events, _, resp := goldentest.Stream(t, goldentest.Request{
		Method: http.MethodGet,
		URL:    srv.URL + "/hub/news/events?last_event_id=q7&filter=" + url.QueryEscape(filter),
		Header: http.Header{"Last-Event-Id": {"h9"}, "X-Positions": {positions}, "X-Cursor": {cursor}},
	})
	for name, want := range map[string]string{"X-Partitions": "2", "X-Positions": positions, "X-Resumed-From": "h9"} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("response header %s: %q, want %q", name, got, want)
		}
	}
	if len(events) != 2 || events[0].Type != "published" || events[1].Type != "removed" {
		t.Fatalf("events %+v, want published and removed", events)
	}
	want := `{"type":"published","text":"news","positions":` + positions + `,"cursor":` + cursor + `,"filter":` + filter + `,"resumeQuery":"q7","resumeHeader":"h9"}`
	if string(events[0].Data) != want {
		t.Errorf("published data:\n%s\nwant\n%s", events[0].Data, want)
	}
	if string(events[1].Data) != `{"type":"removed","id":"x"}` {
		t.Errorf("removed data: %s", events[1].Data)
	}

	// Through the client, typed both ways.
	var wantPub fidelity.Published
	if err := json.Unmarshal([]byte(want), &wantPub); err != nil {
		t.Fatal(err)
	}
	s, err := client.Subscribe(context.Background(), &fidelity.SubscribeRequest{
		Topic:             "news",
		LastEventIDQuery:  wantPub.ResumeQuery,
		LastEventIDHeader: wantPub.ResumeHeader,
		XPositions:        wantPub.Positions,
		XCursor:           wantPub.Cursor,
		Filter:            wantPub.Filter,
	})
	if err != nil {
		t.Fatal(err)
	}
	headers, err := fidelity.SubscribeStreamHeadersOf(s)
	if err != nil || headers.XPartitions != 2 || !reflect.DeepEqual(headers.XPositions, wantPub.Positions) || headers.XResumedFrom == nil || *headers.XResumedFrom != "h9" {
		t.Errorf("stream headers %+v, %v", headers, err)
	}
	first, err := s.Next()
	if pub, ok := first.(fidelity.SubscribePublished); err != nil || !ok || pub.ID != "e1" || !reflect.DeepEqual(pub.Data, wantPub) {
		t.Errorf("first event %+v, %v; want the published event %+v", first, err, wantPub)
	}
	second, err := s.Next()
	if rm, ok := second.(fidelity.SubscribeRemoved); err != nil || !ok || rm.Data.ID != "x" {
		t.Errorf("second event %+v, %v; want the removed event", second, err)
	}
	s.Close() // the stream is resumable: it would reconnect at the end

	// The error event ends the stream with its data.
	s, err = client.Subscribe(context.Background(), &fidelity.SubscribeRequest{Topic: "broken"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = goldentest.Collect(t, s)
	var failed fidelity.SubscribeError
	if !errors.As(err, &failed) || failed.Data.Message != "gone" || failed.Data.Type != fidelity.HubErrorTypeError {
		t.Errorf("broken stream ended with %v, want the error event", err)
	}

	// Headers go out with the first event: later, SetHeaders says so.
	events, _, _ = goldentest.Stream(t, goldentest.Request{Method: http.MethodGet, URL: srv.URL + "/hub/late/events"})
	if len(events) != 2 || string(events[1].Data) != `{"type":"removed","id":"true"}` {
		t.Errorf("late headers: %+v, want SetHeaders to return ErrCommitted", events)
	}
}

// A JSON header that is not JSON of its schema, or lacks a property its
// schema requires, is refused, naming it.
func TestJSONHeaderInvalid(t *testing.T) {
	srv, _ := start(t)
	for _, tc := range []struct{ header, value, want string }{
		{"X-Positions", `[{"partition":"one"}]`, "cannot unmarshal"},
		{"X-Cursor", `{"at":`, "not a valid value"},
		{"X-Cursor", `{"note":"no position"}`, `property \"at\" is required`},
	} {
		resp := goldentest.Do(t, goldentest.Request{Method: http.MethodGet, URL: srv.URL + "/hub/news/events", Header: http.Header{tc.header: {tc.value}}})
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `header parameter \"`+tc.header+`\"`) || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: %s: %d %s, want 400 naming the header and %s", tc.header, tc.value, resp.StatusCode, body, tc.want)
		}
	}
}

// content application/json parameters travel as JSON in the path and in a
// cookie too, escaped as each location needs.
func TestJSONContentParams(t *testing.T) {
	srv, client := start(t)
	resp := goldentest.Do(t, goldentest.Request{
		Method: http.MethodGet,
		URL:    srv.URL + "/positions/" + url.PathEscape(`{"partition":3,"offset":4}`),
		Header: http.Header{"Cookie": {"session=" + url.PathEscape(`{"at":{"partition":0,"offset":0},"note":"a; b"}`)}},
	})
	body, _ := io.ReadAll(resp.Body)
	if want := `{"at":{"partition":3,"offset":4},"note":"a; b"}`; resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != want {
		t.Errorf("by hand: %d %s, want %s", resp.StatusCode, body, want)
	}

	note := "x/y z"
	got, err := client.LookUp(context.Background(), &fidelity.LookUpRequest{
		At:      fidelity.Position{Partition: 7, Offset: 1 << 40},
		Session: &fidelity.Cursor{Note: &note},
	})
	if err != nil || got.Body.At != (fidelity.Position{Partition: 7, Offset: 1 << 40}) || got.Body.Note == nil || *got.Body.Note != note {
		t.Errorf("client: %+v, %v", got.Body, err)
	}
}
