package streams_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/streams"
	"github.com/ssegen/ssegen/runtime"
)

// feed is the WatchJob feed of job "feed": events 1 to 6 with their IDs,
// every event type, the last one "done".
var feed = []streams.WatchJobEvent{
	streams.WatchJobMessage{ID: "1", Data: streams.Progress{Done: 1, Total: 3}},
	streams.WatchJobLog{ID: "2", Data: "line one\nline two"},
	streams.WatchJobMessage{ID: "3", Data: streams.Progress{Done: 2, Total: 3}},
	streams.WatchJobLog{ID: "4", Data: ""},
	streams.WatchJobMessage{ID: "5", Data: streams.Progress{Done: 3, Total: 3}},
	streams.WatchJobDone{ID: "6", Data: streams.Result{Name: "feed", Ok: ptrTo(true)}},
}

func ptrTo[T any](v T) *T { return &v }

// clientServer implements the operations for the client tests; it embeds
// UnimplementedHandler so that operations added to the spec do not break
// it.
type clientServer struct {
	streams.UnimplementedHandler
	mu          sync.Mutex
	lastEventID []string      // the LastEventID of every WatchJob request
	gone        chan struct{} // closed when an "idle" WatchJob's client left
}

func (s *clientServer) WatchJob(ctx context.Context, req *streams.WatchJobRequest, stream *streams.WatchJobStream) error {
	s.mu.Lock()
	s.lastEventID = append(s.lastEventID, req.LastEventID)
	s.mu.Unlock()
	switch req.JobID {
	case "missing":
		return stream.Respond(streams.WatchJob404Response{Body: streams.Problem{Title: "no job " + req.JobID}})
	case "idle":
		if err := stream.SendMessage(streams.Progress{}); err != nil {
			return err
		}
		<-ctx.Done()
		close(s.gone)
		return ctx.Err()
	}
	next := 0
	if req.LastEventID != "" {
		next, _ = strconv.Atoi(req.LastEventID)
	}
	for i, ev := range feed[next:] {
		if next == 0 && i == 3 {
			return errors.New("connection lost") // after the commit the stream just ends
		}
		var err error
		switch ev := ev.(type) {
		case streams.WatchJobMessage:
			err = stream.SendMessage(ev.Data, runtime.WithEventID(ev.ID))
		case streams.WatchJobLog:
			err = stream.SendLog(ev.Data, runtime.WithEventID(ev.ID))
		case streams.WatchJobDone:
			err = stream.SendDone(ev.Data, runtime.WithEventID(ev.ID))
		}
		if err != nil {
			return err
		}
	}
	<-ctx.Done() // a feed stays open; the client leaves after "done"
	return nil
}

func (s *clientServer) GetJobProgress(_ context.Context, req *streams.GetJobProgressRequest) (streams.GetJobProgressResponse, error) {
	return streams.GetJobProgress200Response{Body: streams.Progress{Done: 1, Total: int32(len(req.JobID))}}, nil
}

func (s *clientServer) RunJob(_ context.Context, req *streams.RunJobRequest, stream *streams.RunJobStream) error {
	detail := "step 2 broke"
	switch req.Body.Name {
	case "fail-now":
		return stream.Fail(streams.Problem{Title: "refused"})
	case "panic-now":
		panic("boom")
	}
	for i := range req.Body.Steps {
		if err := stream.SendProgress(streams.Progress{Done: i + 1, Total: req.Body.Steps}); err != nil {
			return err
		}
	}
	switch req.Body.Name {
	case "fail":
		return stream.Fail(streams.Problem{Title: "failed", Detail: &detail})
	case "crash":
		return errors.New("crashed after the commit")
	}
	return stream.SendResult(streams.Result{Name: req.Body.Name})
}

func (s *clientServer) ReplaceJob(_ context.Context, req *streams.ReplaceJobRequest, stream *streams.ReplaceJobStream) error {
	for i := range req.Body.Steps {
		if err := stream.SendStep(fmt.Sprintf("step %d\nof %s", i+1, req.Body.Name)); err != nil {
			return err
		}
	}
	return nil
}

func (s *clientServer) PatchJob(_ context.Context, req *streams.PatchJobRequest, stream *streams.PatchJobStream) error {
	return stream.SendMessage(streams.Progress{Done: req.Priority, Total: req.Priority})
}

func (s *clientServer) CancelJobs(_ context.Context, _ *streams.CancelJobsRequest, stream *streams.CancelJobsStream) error {
	for _, name := range []string{"a", "b"} {
		if err := stream.SendCancelled(streams.Result{Name: name}); err != nil {
			return err
		}
	}
	return nil
}

// readFeed reads the "feed" job's events through c until "done": each
// arrives once, in order, across the connection the server drops, which
// the client resumes with Last-Event-ID.
func readFeed(t *testing.T, impl *clientServer, c *streams.Client) {
	t.Helper()
	s, err := c.WatchJob(context.Background(), &streams.WatchJobRequest{JobID: "feed"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []streams.WatchJobEvent
	for ev, err := range s.Events() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
		if _, done := ev.(streams.WatchJobDone); done {
			break
		}
	}
	if !reflect.DeepEqual(got, feed) {
		t.Errorf("events\n%#v\nwant\n%#v", got, feed)
	}
	impl.mu.Lock()
	defer impl.mu.Unlock()
	if want := []string{"", "3"}; !reflect.DeepEqual(impl.lastEventID, want) {
		t.Errorf("Last-Event-ID of the requests: %q, want %q", impl.lastEventID, want)
	}
}

// newClient serves h and returns a generated client of it; the test fails
// if a goroutine outlives it.
func newClient(t *testing.T, h http.Handler) *streams.Client {
	return newClientAt(t, h, "")
}

// newClientAt is newClient for an API served under prefix.
func newClientAt(t *testing.T, h http.Handler, prefix string) *streams.Client {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return streams.NewClient(ts.URL+prefix, runtime.WithHTTPClient(ts.Client()))
}

func newServer() (*clientServer, http.Handler) {
	impl := &clientServer{gone: make(chan struct{})}
	return impl, streams.NewHandler(impl, runtime.WithLogger(slog.New(slog.DiscardHandler)))
}

// collect reads a stream to its end and returns its events and the error
// that ended it (nil for a normal end).
func collect[T any](s *runtime.EventStream[T]) ([]T, error) {
	var evs []T
	for ev, err := range s.Events() {
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// TestClientWatchJobResumes reads the resumable feed through a dropped
// connection: every event type arrives once, in order, the second request
// resuming after the last event received.
func TestClientWatchJobResumes(t *testing.T) {
	impl, h := newServer()
	c := newClient(t, h)
	readFeed(t, impl, c)

	// A client can also start from a position it saved.
	s, err := c.WatchJob(context.Background(), &streams.WatchJobRequest{JobID: "feed", LastEventID: "5"})
	if err != nil {
		t.Fatal(err)
	}
	if ev, err := s.Next(); err != nil || !reflect.DeepEqual(ev, feed[5]) {
		t.Errorf("resumed at 5: %#v, %v", ev, err)
	}
	s.Close()
}

func TestClientWatchJobErrors(t *testing.T) {
	_, h := newServer()
	c := newClient(t, h)
	_, err := c.WatchJob(context.Background(), &streams.WatchJobRequest{JobID: "missing"})
	var notFound streams.WatchJob404Response
	if !errors.As(err, &notFound) || notFound.Body.Title != "no job missing" {
		t.Errorf("missing job: got %#v, want WatchJob404Response", err)
	}
}

// TestClientUnknownEvent checks that an event the spec does not declare
// reaches the client as WatchJobUnknown instead of breaking it.
func TestClientUnknownEvent(t *testing.T) {
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, e := range []runtime.Event{
			{ID: "1", Data: []byte(`{"done":1,"total":2}`)},
			{Type: "surprise", ID: "2", Data: []byte("new in v2")},
			{Type: "done", Data: []byte(`{"name":"x"}`)},
		} {
			frame, err := runtime.AppendEvent(nil, &e)
			if err != nil {
				t.Error(err)
			}
			w.Write(frame)
		}
	}))
	s, err := c.WatchJob(context.Background(), &streams.WatchJobRequest{JobID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var got []streams.WatchJobEvent
	for ev, err := range s.Events() {
		if err != nil {
			t.Fatal(err)
		}
		if got = append(got, ev); len(got) == 3 {
			break
		}
	}
	want := []streams.WatchJobEvent{
		streams.WatchJobMessage{ID: "1", Data: streams.Progress{Done: 1, Total: 2}},
		streams.WatchJobUnknown{Type: "surprise", ID: "2", Data: []byte("new in v2")},
		streams.WatchJobDone{ID: "2", Data: streams.Result{Name: "x"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events\n%#v\nwant\n%#v", got, want)
	}
}

// TestClientCancel checks that cancelling the context of a stream closes
// its connection, and that Next then reports the cancellation.
func TestClientCancel(t *testing.T) {
	impl, h := newServer()
	c := newClient(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := c.WatchJob(ctx, &streams.WatchJobRequest{JobID: "idle"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-impl.gone: // the server saw the client leave
	case <-time.After(10 * time.Second):
		t.Fatal("the server still has the connection")
	}
	if _, err := s.Next(); err != context.Canceled {
		t.Errorf("Next after cancel: %v, want context.Canceled", err)
	}
}

// GetJobProgress shares WatchJob's route: the client asks for JSON.
func TestClientJSONOnStreamRoute(t *testing.T) {
	_, h := newServer()
	c := newClient(t, h)
	got, err := c.GetJobProgress(context.Background(), &streams.GetJobProgressRequest{JobID: "abc"})
	if err != nil || got.Body != (streams.Progress{Done: 1, Total: 3}) {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestClientRunJob(t *testing.T) {
	_, h := newServer()
	c := newClient(t, h)
	run := func(name string, steps int32) ([]streams.RunJobEvent, error) {
		s, err := c.RunJob(context.Background(), &streams.RunJobRequest{Body: streams.JobSpec{Name: name, Steps: steps}})
		if err != nil {
			return nil, err
		}
		return collect(s)
	}

	// The end sentinel ends the iteration normally.
	got, err := run("ok", 2)
	want := []streams.RunJobEvent{
		streams.RunJobProgress{Data: streams.Progress{Done: 1, Total: 2}},
		streams.RunJobProgress{Data: streams.Progress{Done: 2, Total: 2}},
		streams.RunJobResult{Data: streams.Result{Name: "ok"}},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ok: %#v, %v\nwant %#v", got, err, want)
	}

	// The error event surfaces as a typed error.
	got, err = run("fail", 1)
	var failed streams.RunJobFailed
	if len(got) != 1 || !errors.As(err, &failed) || failed.Data.Title != "failed" || *failed.Data.Detail != "step 2 broke" {
		t.Errorf("fail: %d events, %#v", len(got), err)
	}
	got, err = run("fail-now", 1)
	if len(got) != 0 || !errors.As(err, &failed) || failed.Data.Title != "refused" {
		t.Errorf("fail-now: %d events, %#v", len(got), err)
	}

	// A stream cut before its end sentinel is an error: events may be lost.
	got, err = run("crash", 1)
	if len(got) != 1 || !errors.Is(err, runtime.ErrNoEnd) {
		t.Errorf("crash: %d events, %v", len(got), err)
	}

	// A failure before the stream opened is an answer the spec does not declare.
	_, err = run("panic-now", 1)
	var unexpected *runtime.ResponseError
	if !errors.As(err, &unexpected) || unexpected.StatusCode != http.StatusInternalServerError {
		t.Errorf("panic-now: %v", err)
	}
}

func TestClientOtherMethods(t *testing.T) {
	_, h := newServer()
	c := newClient(t, h)
	ctx := context.Background()

	replace, err := c.ReplaceJob(ctx, &streams.ReplaceJobRequest{Body: streams.JobSpec{Name: "j", Steps: 2}})
	if err != nil {
		t.Fatal(err)
	}
	steps, err := collect(replace)
	if want := []streams.ReplaceJobEvent{streams.ReplaceJobStep{Data: "step 1\nof j"}, streams.ReplaceJobStep{Data: "step 2\nof j"}}; err != nil || !reflect.DeepEqual(steps, want) {
		t.Errorf("ReplaceJob: %#v, %v", steps, err)
	}

	// Next and Close, without the iterator.
	patch, err := c.PatchJob(ctx, &streams.PatchJobRequest{Priority: 7})
	if err != nil {
		t.Fatal(err)
	}
	if ev, err := patch.Next(); err != nil || ev != (streams.PatchJobMessage{Data: streams.Progress{Done: 7, Total: 7}}) {
		t.Errorf("PatchJob: %#v, %v", ev, err)
	}
	if _, err := patch.Next(); err != io.EOF {
		t.Errorf("PatchJob end: %v, want io.EOF", err)
	}
	if err := patch.Close(); err != nil {
		t.Error(err)
	}

	cancelled, err := c.CancelJobs(ctx, &streams.CancelJobsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := collect(cancelled)
	if want := []streams.CancelJobsEvent{streams.CancelJobsCancelled{Data: streams.Result{Name: "a"}}, streams.CancelJobsCancelled{Data: streams.Result{Name: "b"}}}; err != nil || !reflect.DeepEqual(evs, want) {
		t.Errorf("CancelJobs: %#v, %v", evs, err)
	}
}

// TestClientCreateChatCompletion calls the JSON-or-stream operation both
// ways against the generated server, whose handler (in streams_test.go)
// chooses from the body's stream field, and without it from Accept.
func TestClientCreateChatCompletion(t *testing.T) {
	c := newClient(t, streams.NewHandler(&server{}))
	ctx := context.Background()
	chat := func(model, text string, stream *bool) *streams.CreateChatCompletionRequest {
		return &streams.CreateChatCompletionRequest{Body: streams.ChatRequest{
			Model: model, Messages: []streams.ChatMessage{{Role: "user", Content: text}}, Stream: stream,
		}}
	}

	// The JSON call asks for JSON with its Accept header.
	got, err := c.CreateChatCompletionJSON(ctx, chat("echo", "hello there", nil))
	want := streams.ChatCompletion{ID: "echo", Choices: []streams.ChatCompletionChoicesItem{{Message: streams.ChatMessage{Role: "assistant", Content: "hello there"}}}}
	if err != nil || !reflect.DeepEqual(got.Body, want) {
		t.Errorf("JSON: %#v, %v", got, err)
	}

	// The stream call asks for the stream with its Accept header, and the
	// body can ask too, as OpenAI's clients do.
	chunk := func(word string) streams.CreateChatCompletionEvent {
		return streams.CreateChatCompletionMessage{Data: streams.ChatChunk{ID: "echo", Choices: []streams.ChatChunkChoicesItem{{Delta: streams.ChatChunkChoicesItemDelta{Content: &word}}}}}
	}
	for _, stream := range []*bool{nil, ptrTo(true)} {
		s, err := c.CreateChatCompletion(ctx, chat("echo", "hello there", stream))
		if err != nil {
			t.Fatal(err)
		}
		evs, err := collect(s) // ends normally at "[DONE]"
		if want := []streams.CreateChatCompletionEvent{chunk("hello"), chunk("there")}; err != nil || !reflect.DeepEqual(evs, want) {
			t.Errorf("stream %v: %#v, %v", stream, evs, err)
		}
	}

	// A body that contradicts the call gets the other answer: an error that
	// says what came, and the JSON call does not wait for the stream to end.
	var unexpected *runtime.ResponseError
	_, err = c.CreateChatCompletion(ctx, chat("echo", "hi", ptrTo(false)))
	if !errors.As(err, &unexpected) || unexpected.StatusCode != http.StatusOK || unexpected.ContentType != "application/json" {
		t.Errorf("stream call answered with JSON: %v", err)
	}
	_, err = c.CreateChatCompletionJSON(ctx, chat("echo", "wait", ptrTo(true)))
	if !errors.As(err, &unexpected) || unexpected.StatusCode != http.StatusOK || unexpected.ContentType != "text/event-stream" {
		t.Errorf("JSON call answered with a stream: %v", err)
	}

	// Declared errors are typed, both ways.
	var bad streams.CreateChatCompletion400Response
	if _, err := c.CreateChatCompletionJSON(ctx, chat("gpt", "hi", nil)); !errors.As(err, &bad) || bad.Body.Title != "no model gpt" {
		t.Errorf("JSON call, unknown model: %#v", err)
	}
	if _, err := c.CreateChatCompletion(ctx, chat("gpt", "hi", nil)); !errors.As(err, &bad) || bad.Body.Title != "no model gpt" {
		t.Errorf("stream call, unknown model: %#v", err)
	}
}
