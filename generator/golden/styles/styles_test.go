package styles_test

import (
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/styles"
	"github.com/ssegen/ssegen/runtime"
)

// server streams what each style's operation describes.
type server struct{}

func (server) WatchJob(_ context.Context, req *styles.WatchJobRequest, stream *styles.WatchJobStream) error {
	if req.JobID == "broken" {
		return stream.Fail(styles.Problem{Error: "disk full"})
	}
	if err := stream.SendProgress(styles.Progress{Percent: 50}, runtime.WithEventID("1")); err != nil {
		return err
	}
	return stream.SendLog("half way\nthere: ½", runtime.WithEventID("2"))
}

func (server) StartConversation(_ context.Context, req *styles.StartConversationRequest, stream *styles.StartConversationStream) error {
	if req.Body.Stream == nil || !*req.Body.Stream {
		return stream.Respond(styles.StartConversation200Response{Body: styles.Reply{Text: "hello " + req.Body.Text}})
	}
	return stream.Batch(func() error {
		return errors.Join(
			stream.SendReplyStarted(styles.ReplyStarted{Type: "reply.started", ID: "c1"}),
			stream.SendReplyDelta(styles.ReplyDelta{Type: "reply.delta", Text: "hello"}),
			stream.SendReplyDone(styles.ReplyDone{Type: "reply.done"}),
		)
	})
}

func (server) Complete(_ context.Context, req *styles.CompleteRequest, stream *styles.CompleteStream) error {
	for _, tok := range strings.Fields(req.Body.Text) {
		if err := stream.SendMessage(styles.Chunk{Token: tok}); err != nil {
			return err
		}
	}
	return nil
}

func (server) GenerateStream(_ context.Context, req *styles.GenerateStreamRequest, stream *styles.GenerateStreamStream) error {
	if req.Body.Text == "" {
		return stream.Respond(styles.GenerateStream422Response{Body: styles.Problem{Error: "empty prompt"}})
	}
	return stream.SendMessage(styles.Chunk{Token: req.Body.Text})
}

func (server) Feed(_ context.Context, _ *styles.FeedRequest, stream *styles.FeedStream) error {
	return errors.Join(
		stream.SendMessage(styles.Chunk{Token: "a"}),
		stream.SendMessage(styles.Chunk{Token: "b"}, runtime.WithEventType("token.delta"), runtime.WithEventID("7")),
	)
}

func (server) StreamRun(_ context.Context, _ *styles.StreamRunRequest, stream *styles.StreamRunStream) error {
	return stream.SendMessage("line one\nline two")
}

// CreateResponse and its beta variant answer whole, or with one chunk when
// the request asks for a stream.
func (server) CreateResponse(_ context.Context, req *styles.CreateResponseRequest, stream *styles.CreateResponseStream) error {
	if req.Body.Stream == nil || !*req.Body.Stream {
		return stream.Respond(styles.CreateResponse200Response{Body: styles.Reply{Text: "ga: " + req.Body.Text}})
	}
	return stream.SendMessage(styles.Chunk{Token: "ga: " + req.Body.Text})
}

func (server) BetaCreateResponse(_ context.Context, req *styles.BetaCreateResponseRequest, stream *styles.BetaCreateResponseStream) error {
	if req.Body.Stream == nil || !*req.Body.Stream {
		return stream.Respond(styles.BetaCreateResponse200Response{Body: styles.Reply{Text: "beta: " + req.Body.Text}})
	}
	return stream.SendMessage(styles.Chunk{Token: "beta: " + req.Body.Text})
}

// Upload answers with what it received: each event on a line, or the
// error that ended the body.
func (server) Upload(_ context.Context, req *styles.UploadRequest) (styles.UploadResponse, error) {
	var lines []string
	for ev, err := range req.Body {
		if err != nil {
			lines = append(lines, "error: "+err.Error())
			break
		}
		switch ev := ev.(type) {
		case styles.UploadChunk:
			lines = append(lines, "chunk "+ev.ID+": "+ev.Data.Token)
		case styles.UploadNote:
			lines = append(lines, "note "+ev.ID+": "+ev.Data)
		}
	}
	return styles.Upload200Response{Body: styles.Reply{Text: strings.Join(lines, "\n")}}, nil
}

func start(t *testing.T) (*httptest.Server, *styles.Client) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
	srv := httptest.NewServer(styles.NewHandler(server{}))
	t.Cleanup(srv.Close)
	return srv, styles.NewClient(srv.URL, runtime.WithHTTPClient(srv.Client()))
}

func ptr[T any](v T) *T { return &v }

// The wire carries what the document describes: the itemSchema branches'
// event names, the text of the log event as is, and the "[DONE]" branch as
// the final message.
func TestItemSchemaWire(t *testing.T) {
	srv, _ := start(t)
	events, _, _ := goldentest.Stream(t, goldentest.Request{Method: "GET", URL: srv.URL + "/jobs/7/events"})
	want := []runtime.Event{
		{Type: "progress", ID: "1", Data: []byte(`{"percent":50}`)},
		{Type: "log", ID: "2", Data: []byte("half way\nthere: ½")},
		{Type: "message", ID: "2", Data: []byte("[DONE]")},
	}
	if !reflect.DeepEqual(events, want) {
		t.Errorf("events:\n%q\nwant\n%q", events, want)
	}
}

func TestItemSchemaClient(t *testing.T) {
	_, c := start(t)
	s, err := c.WatchJob(context.Background(), &styles.WatchJobRequest{JobID: "7"})
	if err != nil {
		t.Fatal(err)
	}
	events, err := goldentest.Collect(t, s)
	want := []styles.WatchJobEvent{
		styles.WatchJobProgress{ID: "1", Data: styles.Progress{Percent: 50}},
		styles.WatchJobLog{ID: "2", Data: "half way\nthere: ½"},
	}
	if err != nil || !reflect.DeepEqual(events, want) {
		t.Errorf("got %#v, %v\nwant %#v", events, err, want)
	}

	// The branch named "error" reports a failure after the stream started.
	s, err = c.WatchJob(context.Background(), &styles.WatchJobRequest{JobID: "broken"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = goldentest.Collect(t, s)
	var failed styles.WatchJobError
	if !errors.As(err, &failed) || failed.Data.Error != "disk full" {
		t.Errorf("got %v, want the error event", err)
	}
}

// A Mistral-style envelope: each name of the event enum carries the data
// branch its discriminator maps, and the same operation answers JSON.
func TestEnvelope(t *testing.T) {
	srv, c := start(t)
	events, _, _ := goldentest.Stream(t, goldentest.Request{
		Method: "POST", URL: srv.URL + "/conversations", Body: `{"text":"hi","stream":true}`,
		Header: http.Header{"Accept": {"text/event-stream"}},
	})
	var names []string
	for _, ev := range events {
		names = append(names, ev.Type)
	}
	if want := []string{"reply.started", "reply.delta", "reply.done"}; !reflect.DeepEqual(names, want) {
		t.Errorf("event names %q, want %q", names, want)
	}

	// The operation reads Last-Event-ID, so its stream resumes: a client
	// reconnects when it ends, and stops when told to.
	s, err := c.StartConversation(context.Background(), &styles.StartConversationRequest{Body: styles.Prompt{Text: "hi", Stream: ptr(true)}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, want := range []styles.StartConversationEvent{
		styles.StartConversationReplyStarted{Data: styles.ReplyStarted{Type: "reply.started", ID: "c1"}},
		styles.StartConversationReplyDelta{Data: styles.ReplyDelta{Type: "reply.delta", Text: "hello"}},
		styles.StartConversationReplyDone{Data: styles.ReplyDone{Type: "reply.done"}},
	} {
		if got, err := s.Next(); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("got %#v, %v\nwant %#v", got, err, want)
		}
	}
	s.Close()

	reply, err := c.StartConversationJSON(context.Background(), &styles.StartConversationRequest{Body: styles.Prompt{Text: "you"}})
	if err != nil || reply.Body.Text != "hello you" {
		t.Errorf("JSON answer: %+v, %v", reply, err)
	}
}

// A Together-style oneOf of envelopes: chunks, then the "[DONE]" sentinel,
// which ends the client's iteration normally.
func TestSentinelBranch(t *testing.T) {
	srv, c := start(t)
	events, _, _ := goldentest.Stream(t, goldentest.Request{Method: "POST", URL: srv.URL + "/completions", Body: `{"text":"a b"}`})
	if len(events) != 3 || string(events[2].Data) != "[DONE]" || events[0].Type != "message" {
		t.Errorf("events %q", events)
	}
	s, err := c.Complete(context.Background(), &styles.CompleteRequest{Body: styles.Prompt{Text: "a b"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := goldentest.Collect(t, s)
	want := []styles.CompleteEvent{styles.CompleteMessage{Data: styles.Chunk{Token: "a"}}, styles.CompleteMessage{Data: styles.Chunk{Token: "b"}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, %v", got, err)
	}
}

// A TGI-style payload stream, and its 422 answered as an event stream whose
// one event carries the problem.
func TestErrorStatusStream(t *testing.T) {
	srv, c := start(t)
	resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: srv.URL + "/generate_stream", Body: `{"text":""}`})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 422 || resp.Header.Get("Content-Type") != "text/event-stream" || string(body) != "data: {\"error\":\"empty prompt\"}\n\n" {
		t.Errorf("422 answer: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	_, err := c.GenerateStream(context.Background(), &styles.GenerateStreamRequest{Body: styles.Prompt{}})
	var invalid styles.GenerateStream422Response
	if !errors.As(err, &invalid) || invalid.Body.Error != "empty prompt" {
		t.Errorf("got %v, want the 422 problem", err)
	}
	s, err := c.GenerateStream(context.Background(), &styles.GenerateStreamRequest{Body: styles.Prompt{Text: "tok"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := goldentest.Collect(t, s)
	if want := []styles.GenerateStreamEvent{styles.GenerateStreamMessage{Type: "message", Data: styles.Chunk{Token: "tok"}}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, %v", got, err)
	}
}

// Where the document leaves event names open, the client reads every event
// as the payload and keeps its name.
func TestOpenEventNames(t *testing.T) {
	_, c := start(t)
	s, err := c.Feed(context.Background(), &styles.FeedRequest{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := goldentest.Collect(t, s)
	want := []styles.FeedEvent{
		styles.FeedMessage{Type: "message", Data: styles.Chunk{Token: "a"}},
		styles.FeedMessage{Type: "token.delta", ID: "7", Data: styles.Chunk{Token: "b"}},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, %v\nwant %#v", got, err, want)
	}
}

// Without a schema the data is text, passed through as it is.
func TestNoSchema(t *testing.T) {
	_, c := start(t)
	s, err := c.StreamRun(context.Background(), &styles.StreamRunRequest{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := goldentest.Collect(t, s)
	want := []styles.StreamRunEvent{styles.StreamRunMessage{Type: "message", Data: "line one\nline two"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, %v", got, err)
	}
}

// A request body that is an event stream: the client sends typed events
// as the sequence yields them, and the handler reads them typed as they
// arrive.
func TestEventStreamBody(t *testing.T) {
	srv, c := start(t)
	events := func(yield func(styles.UploadBodyEvent, error) bool) {
		_ = yield(styles.UploadChunk{ID: "1", Data: styles.Chunk{Token: "tok"}}, nil) &&
			yield(styles.UploadNote{Data: "two\nlines, ½"}, nil)
	}
	reply, err := c.Upload(context.Background(), &styles.UploadRequest{Body: events})
	if want := "chunk 1: tok\nnote 1: two\nlines, ½"; err != nil || reply.Body.Text != want {
		t.Errorf("got %q, %v; want %q", reply.Body.Text, err, want)
	}

	// The wire form is an event stream; an event the operation does not
	// declare reaches the handler as an error.
	resp := goldentest.Do(t, goldentest.Request{
		Method: "POST", URL: srv.URL + "/uploads", ContentType: "text/event-stream",
		Body: "event: note\ndata: hi\n\nevent: other\ndata: x\n\n",
	})
	body, _ := io.ReadAll(resp.Body)
	if want := `{"text":"note : hi\nerror: runtime: unknown event \"other\""}`; resp.StatusCode != 200 || string(body) != want {
		t.Errorf("got %d %s, want %s", resp.StatusCode, body, want)
	}

	// Another content type is refused before the handler runs.
	resp = goldentest.Do(t, goldentest.Request{Method: "POST", URL: srv.URL + "/uploads", Body: `{"text":"x"}`})
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a JSON body: %d, want 415", resp.StatusCode)
	}

	// An error from the sequence aborts the request.
	failing := iter.Seq2[styles.UploadBodyEvent, error](func(yield func(styles.UploadBodyEvent, error) bool) {
		_ = yield(styles.UploadNote{Data: "a"}, nil) && yield(nil, errors.New("source failed"))
	})
	if _, err := c.Upload(context.Background(), &styles.UploadRequest{Body: failing}); err == nil || !strings.Contains(err.Error(), "source failed") {
		t.Errorf("got %v, want the sequence's error", err)
	}
}

// Two JSON-or-stream operations on one route, told apart by the query of
// their path keys, each answer both ways (OpenAI's /responses and
// /responses?beta=true): neither needs Accept to be reached.
func TestJSONOrStreamVariants(t *testing.T) {
	srv, c := start(t)
	for _, tc := range []struct{ url, want string }{
		{"/responses", `{"text":"ga: hi"}`},
		{"/responses?beta=true", `{"text":"beta: hi"}`},
	} {
		resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: srv.URL + tc.url, Body: `{"text":"hi"}`})
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(body) != tc.want {
			t.Errorf("POST %s: %d %s, want %s", tc.url, resp.StatusCode, body, tc.want)
		}
	}
	reply, err := c.BetaCreateResponseJSON(context.Background(), &styles.BetaCreateResponseRequest{Body: styles.Prompt{Text: "x"}})
	if err != nil || reply.Body.Text != "beta: x" {
		t.Errorf("BetaCreateResponseJSON: %+v, %v", reply, err)
	}
	s, err := c.CreateResponse(context.Background(), &styles.CreateResponseRequest{Body: styles.Prompt{Text: "a b", Stream: ptr(true)}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := goldentest.Collect(t, s)
	want := []styles.CreateResponseEvent{styles.CreateResponseMessage{Type: "message", Data: styles.Chunk{Token: "ga: a b"}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, %v", got, err)
	}
}
