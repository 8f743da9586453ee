package streams_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/streams"
	"github.com/ssegen/ssegen/runtime"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// server implements every operation; calls counts handler invocations, so
// tests can tell that invalid requests never reach it.
type server struct {
	calls     atomic.Int32
	heartbeat chan struct{} // closed by the test once it saw a heartbeat
}

func (s *server) WatchJob(ctx context.Context, req *streams.WatchJobRequest, stream *streams.WatchJobStream) error {
	s.calls.Add(1)
	if req.JobID == "missing" {
		return stream.Respond(streams.WatchJob404Response{Body: streams.Problem{Title: "no job " + req.JobID}})
	}
	next := 1
	if req.LastEventID != "" {
		fmt.Sscan(req.LastEventID, &next)
		next++
	}
	if err := stream.SendMessage(streams.Progress{Done: int32(next), Total: 3}, runtime.WithEventID(fmt.Sprint(next))); err != nil {
		return err
	}
	if req.Verbose != nil && *req.Verbose {
		if err := stream.SendLog("line one\nline two", runtime.WithEventRetry(time.Second)); err != nil {
			return err
		}
	}
	if req.JobID == "idle" { // wait until the test saw a heartbeat comment
		select {
		case <-s.heartbeat:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	ok := true
	return stream.SendDone(streams.Result{Name: req.JobID, Ok: &ok})
}

func (s *server) GetJobProgress(ctx context.Context, req *streams.GetJobProgressRequest) (streams.GetJobProgressResponse, error) {
	s.calls.Add(1)
	return streams.GetJobProgress200Response{Body: streams.Progress{Done: 1, Total: int32(len(req.JobID))}}, nil
}

func (s *server) RunJob(ctx context.Context, req *streams.RunJobRequest, stream *streams.RunJobStream) error {
	s.calls.Add(1)
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
		detail := "step 2 broke"
		return fmt.Errorf("wrapped: %w", stream.Fail(streams.Problem{Title: "failed", Detail: &detail}))
	case "crash":
		return errors.New("database password is hunter2")
	case "panic":
		panic("boom after commit")
	}
	return stream.SendResult(streams.Result{Name: req.Body.Name})
}

func (s *server) ReplaceJob(ctx context.Context, req *streams.ReplaceJobRequest, stream *streams.ReplaceJobStream) error {
	s.calls.Add(1)
	return stream.Batch(func() error {
		for i := range req.Body.Steps {
			if err := stream.SendStep(fmt.Sprintf("step %d of %s", i+1, req.Body.Name)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *server) PatchJob(ctx context.Context, req *streams.PatchJobRequest, stream *streams.PatchJobStream) error {
	s.calls.Add(1)
	return stream.SendMessage(streams.Progress{Done: req.Priority, Total: req.Priority})
}

func (s *server) CancelJobs(ctx context.Context, req *streams.CancelJobsRequest, stream *streams.CancelJobsStream) error {
	s.calls.Add(1)
	if err := stream.Open(); err != nil {
		return err
	}
	for _, name := range []string{"a", "b"} {
		if err := stream.SendCancelled(streams.Result{Name: name}); err != nil {
			return err
		}
	}
	return nil
}

// CreateChatCompletion echoes the last message, whole or word by word: the
// body's stream field chooses, as with OpenAI, and without it the Accept
// header. The stream of a "wait" message stays open until the client goes.
func (s *server) CreateChatCompletion(ctx context.Context, req *streams.CreateChatCompletionRequest, stream *streams.CreateChatCompletionStream) error {
	s.calls.Add(1)
	if req.Body.Model != "echo" {
		return stream.Respond(streams.CreateChatCompletion400Response{Body: streams.Problem{Title: "no model " + req.Body.Model}})
	}
	var text string
	if n := len(req.Body.Messages); n > 0 {
		text = req.Body.Messages[n-1].Content
	}
	streaming := stream.Requested()
	if req.Body.Stream != nil {
		streaming = *req.Body.Stream
	}
	if !streaming {
		return stream.Respond(streams.CreateChatCompletion200Response{Body: streams.ChatCompletion{
			ID:      "echo",
			Choices: []streams.ChatCompletionChoicesItem{{Message: streams.ChatMessage{Role: "assistant", Content: text}}},
		}})
	}
	for _, word := range strings.Fields(text) {
		chunk := streams.ChatChunk{ID: "echo", Choices: []streams.ChatChunkChoicesItem{{Delta: streams.ChatChunkChoicesItemDelta{Content: &word}}}}
		if err := stream.SendMessage(chunk); err != nil {
			return err
		}
	}
	if text == "wait" {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func start(t *testing.T, opts ...runtime.Option) (*server, string) {
	impl := &server{heartbeat: make(chan struct{})}
	ts := httptest.NewServer(streams.NewHandler(impl, opts...))
	t.Cleanup(ts.Close)
	return impl, ts.URL
}

func TestWatchJob(t *testing.T) {
	_, url := start(t)
	events, rd, resp := goldentest.Stream(t, goldentest.Request{
		Method: "GET", URL: url + "/jobs/j1/events?verbose=true",
		Header: http.Header{"Last-Event-Id": {"4"}, "Accept": {"text/event-stream"}},
	})
	if got := resp.Header.Get("X-Event-Data-Mimetype"); got != "application/json" {
		t.Errorf("X-Event-Data-Mimetype = %q", got)
	}
	if retry, ok := rd.Retry(); !ok || retry != time.Second {
		t.Errorf("retry = %v, %v; want the log event's 1s after the stream's 2.5s", retry, ok)
	}
	if len(events) != 3 {
		t.Fatalf("events %+v, want message, log, done", events)
	}
	if ev := events[0]; ev.Type != "message" || ev.ID != "5" || goldentest.Decode[streams.Progress](t, ev) != (streams.Progress{Done: 5, Total: 3}) {
		t.Errorf("message %+v %s: want progress 5 resumed after Last-Event-ID 4", ev, ev.Data)
	}
	if ev := events[1]; ev.Type != "log" || string(ev.Data) != "line one\nline two" {
		t.Errorf("log %+v %q", ev, ev.Data)
	}
	if ev := events[2]; ev.Type != "done" || goldentest.Decode[streams.Result](t, ev).Name != "j1" {
		t.Errorf("done %+v %s", ev, ev.Data)
	}
	if rd.LastEventID() != "5" {
		t.Errorf("last event ID %q", rd.LastEventID())
	}
}

func TestWatchJobRetryAndHeartbeat(t *testing.T) {
	impl, url := start(t)
	resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: url + "/jobs/idle/events", Header: http.Header{"Accept": {"text/event-stream"}}})
	lines := bufio.NewScanner(resp.Body)
	var seen []string
	beat := false
	for lines.Scan() {
		line := lines.Text()
		seen = append(seen, line)
		if strings.HasPrefix(line, ":") && !beat {
			beat = true
			close(impl.heartbeat) // the handler now sends done and returns
		}
	}
	wire := strings.Join(seen, "\n")
	if !strings.HasPrefix(wire, "retry: 2500\n") {
		t.Errorf("stream does not open with the retry hint:\n%s", wire)
	}
	if !beat {
		t.Errorf("no heartbeat comment in:\n%s", wire)
	}
	if !strings.Contains(wire, "event: done\n") {
		t.Errorf("no done event after the heartbeat:\n%s", wire)
	}
}

func TestWatchJobRespond404(t *testing.T) {
	_, url := start(t)
	resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: url + "/jobs/missing/events", Header: http.Header{"Accept": {"text/event-stream"}}})
	var p streams.Problem
	if resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	goldentest.JSON(t, resp, http.StatusNotFound, &p)
	if p.Title != "no job missing" {
		t.Errorf("problem %+v", p)
	}
}

func TestWatchJobBadParameter(t *testing.T) {
	impl, url := start(t)
	resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: url + "/jobs/j1/events?verbose=maybe", Header: http.Header{"Accept": {"text/event-stream"}}})
	detail := goldentest.Problem(t, resp, http.StatusBadRequest)
	if want := `query parameter "verbose": "maybe" is not true or false`; detail != want {
		t.Errorf("detail %q, want %q", detail, want)
	}
	if impl.calls.Load() != 0 {
		t.Error("handler called for an invalid request")
	}
}

// The same path serves JSON to clients that do not accept event streams.
func TestGetJobProgress(t *testing.T) {
	_, url := start(t)
	var p streams.Progress
	goldentest.JSON(t, goldentest.Do(t, goldentest.Request{Method: "GET", URL: url + "/jobs/abc/events"}), http.StatusOK, &p)
	if p != (streams.Progress{Done: 1, Total: 3}) {
		t.Errorf("progress %+v", p)
	}
}

func TestRunJob(t *testing.T) {
	_, url := start(t)
	events, _, resp := goldentest.Stream(t, goldentest.Request{Method: "POST", URL: url + "/jobs", Body: `{"name":"build","steps":2}`})
	if got := resp.Header.Get("X-Event-Data-Mimetype"); got != "" {
		t.Errorf("X-Event-Data-Mimetype = %q for a stream without one content type", got)
	}
	want := []string{`progress {"done":1,"total":2}`, `progress {"done":2,"total":2}`, `result {"name":"build"}`, `message [DONE]`}
	if got := eventStrings(events); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRunJobFail(t *testing.T) {
	var log goldentest.Log
	_, url := start(t, log.Option())
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"fail", []string{`progress {"done":1,"total":1}`, `failed {"title":"failed","detail":"step 2 broke"}`}},
		{"fail-now", []string{`failed {"title":"refused"}`}},
		// Other errors and panics after the first event end the stream
		// without an error event or [DONE], and leak nothing.
		{"crash", []string{`progress {"done":1,"total":1}`}},
		{"panic", []string{`progress {"done":1,"total":1}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			events, _, _ := goldentest.Stream(t, goldentest.Request{Method: "POST", URL: url + "/jobs", Body: `{"name":"` + tc.name + `","steps":1}`})
			if got := eventStrings(events); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
	if !strings.Contains(log.String(), "hunter2") || !strings.Contains(log.String(), "boom after commit") {
		t.Errorf("the error and the panic were not logged:\n%s", log.String())
	}
}

func TestRunJobPanicBeforeCommit(t *testing.T) {
	var log goldentest.Log
	_, url := start(t, log.Option())
	resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: url + "/jobs", Body: `{"name":"panic-now","steps":1}`})
	if detail := goldentest.Problem(t, resp, http.StatusInternalServerError); detail != "" {
		t.Errorf("500 leaks %q", detail)
	}
}

func TestRunJobBadBody(t *testing.T) {
	impl, url := start(t)
	for _, tc := range []struct {
		req    goldentest.Request
		status int
		detail string
	}{
		{goldentest.Request{Method: "POST"}, 400, "request body is required"},
		{goldentest.Request{Method: "POST", Body: `{"name":`}, 400, "request body: is not valid JSON: unexpected end of JSON input (at byte 8)"},
		{goldentest.Request{Method: "POST", Body: `{"name":3}`}, 400, `request body property "name": expected string, got number`},
		{goldentest.Request{Method: "POST", Body: `name=x`, ContentType: "application/x-www-form-urlencoded"}, 415, `request body: content type "application/x-www-form-urlencoded" is not application/json`},
	} {
		tc.req.URL = url + "/jobs"
		resp := goldentest.Do(t, tc.req)
		if detail := goldentest.Problem(t, resp, tc.status); detail != tc.detail {
			t.Errorf("%s: detail %q, want %q", tc.req.Body, detail, tc.detail)
		}
	}
	if impl.calls.Load() != 0 {
		t.Error("handler called for an invalid request")
	}
}

func TestReplaceJob(t *testing.T) {
	_, url := start(t)
	events, _, _ := goldentest.Stream(t, goldentest.Request{Method: "PUT", URL: url + "/jobs", Body: `{"name":"x","steps":2}`})
	want := []string{"step step 1 of x", "step step 2 of x", "message "} // end: "" is an empty message
	if got := eventStrings(events); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events %q, want %q", got, want)
	}
}

func TestPatchJob(t *testing.T) {
	impl, url := start(t)
	events, _, _ := goldentest.Stream(t, goldentest.Request{Method: "PATCH", URL: url + "/jobs?priority=7"})
	if got := eventStrings(events); len(got) != 1 || got[0] != `message {"done":7,"total":7}` {
		t.Errorf("events %q", got)
	}
	for query, want := range map[string]string{
		"":                     `query parameter "priority" is required`,
		"?priority=high":       `query parameter "priority": "high" is not an integer of 32 bits`,
		"?priority=4294967296": `query parameter "priority": "4294967296" is not an integer of 32 bits`,
	} {
		resp := goldentest.Do(t, goldentest.Request{Method: "PATCH", URL: url + "/jobs" + query})
		if detail := goldentest.Problem(t, resp, http.StatusBadRequest); detail != want {
			t.Errorf("%q: detail %q, want %q", query, detail, want)
		}
	}
	if impl.calls.Load() != 1 {
		t.Errorf("handler called %d times, want once", impl.calls.Load())
	}
}

func TestCancelJobs(t *testing.T) {
	_, url := start(t)
	events, _, _ := goldentest.Stream(t, goldentest.Request{Method: "DELETE", URL: url + "/jobs"})
	want := []string{`cancelled {"name":"a"}`, `cancelled {"name":"b"}`}
	if got := eventStrings(events); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events %q, want %q", got, want)
	}
}

// TestCreateChatCompletion checks that one operation answers JSON or a
// stream, as the handler chooses from the request's stream field or, without
// it, from the Accept header.
func TestCreateChatCompletion(t *testing.T) {
	impl, url := start(t)
	const hello = `{"model":"echo","messages":[{"role":"user","content":"hello there"}]`
	completion := `{"id":"echo","choices":[{"index":0,"message":{"role":"assistant","content":"hello there"}}]}`
	chunks := []string{
		`message {"id":"echo","choices":[{"index":0,"delta":{"content":"hello"}}]}`,
		`message {"id":"echo","choices":[{"index":0,"delta":{"content":"there"}}]}`,
		"message [DONE]",
	}
	for _, tc := range []struct {
		name, body, accept string
		stream             bool
	}{
		{"no Accept", hello + "}", "", false},
		{"any type", hello + "}", "*/*", false},
		{"EventSource", hello + "}", "text/event-stream", true},
		{"either", hello + "}", "application/json, text/event-stream", true},
		{"stream refused", hello + "}", "text/event-stream;q=0, application/json", false},
		{"stream field", hello + `,"stream":true}`, "application/json", true},
		{"stream field false", hello + `,"stream":false}`, "text/event-stream", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := goldentest.Request{Method: "POST", URL: url + "/chat/completions", Body: tc.body, Header: http.Header{}}
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			if tc.stream {
				events, _, _ := goldentest.Stream(t, req)
				if got := eventStrings(events); strings.Join(got, "\n") != strings.Join(chunks, "\n") {
					t.Errorf("events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(chunks, "\n"))
				}
				return
			}
			resp := goldentest.Do(t, req)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || string(body) != completion {
				t.Errorf("got %d %s %s\nwant 200 application/json %s", resp.StatusCode, resp.Header.Get("Content-Type"), body, completion)
			}
		})
	}

	resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: url + "/chat/completions", Body: `{"model":"gpt","messages":[]}`, Header: http.Header{"Accept": {"text/event-stream"}}})
	var p streams.Problem
	goldentest.JSON(t, resp, http.StatusBadRequest, &p)
	if p.Title != "no model gpt" {
		t.Errorf("problem %+v", p)
	}
	calls := impl.calls.Load()
	resp = goldentest.Do(t, goldentest.Request{Method: "POST", URL: url + "/chat/completions", Body: `{"model":"echo","messages":"hi"}`})
	if detail := goldentest.Problem(t, resp, http.StatusBadRequest); detail != `request body property "messages": expected array, got string` {
		t.Errorf("detail %q does not name the messages", detail)
	}
	if impl.calls.Load() != calls {
		t.Error("handler called for an invalid request")
	}
}

func TestUnimplementedUnderPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", streams.NewHandler(struct{ streams.UnimplementedHandler }{})))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	for _, req := range []goldentest.Request{
		{Method: "GET", URL: ts.URL + "/api/jobs/j1/events", Header: http.Header{"Accept": {"text/event-stream"}}},
		{Method: "GET", URL: ts.URL + "/api/jobs/j1/events"},
		{Method: "POST", URL: ts.URL + "/api/jobs", Body: `{"name":"x","steps":1}`},
		{Method: "DELETE", URL: ts.URL + "/api/jobs"},
	} {
		if detail := goldentest.Problem(t, goldentest.Do(t, req), http.StatusNotImplemented); !strings.HasSuffix(detail, "is not implemented") {
			t.Errorf("%s %s: detail %q", req.Method, req.URL, detail)
		}
	}
	resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: ts.URL + "/api/nowhere"})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}

// eventStrings renders events as "type data" for comparisons.
func eventStrings(events []runtime.Event) []string {
	var out []string
	for _, ev := range events {
		out = append(out, ev.Type+" "+string(ev.Data))
	}
	return out
}
