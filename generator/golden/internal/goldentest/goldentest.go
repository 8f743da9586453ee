// Package goldentest holds what the tests of the golden packages share:
// sending requests to a generated server over loopback and reading its
// answers, streams with the runtime's Reader.
package goldentest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ssegen/ssegen/runtime"
)

// Request describes one request to send.
type Request struct {
	Method, URL string
	Header      http.Header
	ContentType string // of Body; application/json when Body is set and this is ""
	Body        string
}

// Do sends req and returns the response, whose body the test must close.
func Do(t testing.TB, req Request) *http.Response {
	t.Helper()
	var body io.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	}
	r, err := http.NewRequest(req.Method, req.URL, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range req.Header {
		r.Header[k] = vs
	}
	if req.Body != "" {
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		r.Header.Set("Content-Type", ct)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// Stream sends req, checks that it is answered with an event stream and
// returns every event until the end of the stream, and the reader (for
// Retry and LastEventID).
func Stream(t testing.TB, req Request) ([]runtime.Event, *runtime.Reader, *http.Response) {
	t.Helper()
	resp := Do(t, req)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: %d %s, want 200 text/event-stream; body %s", req.Method, req.URL, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	rd := runtime.NewReader(resp.Body)
	var events []runtime.Event
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s %s: reading the stream: %v", req.Method, req.URL, err)
		}
		events = append(events, ev)
	}
	return events, rd, resp
}

// Problem checks that resp is an application/problem+json answer of
// status and returns its detail.
func Problem(t testing.TB, resp *http.Response, status int) string {
	t.Helper()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("got %d %s (%s), want %d application/problem+json", resp.StatusCode, resp.Header.Get("Content-Type"), b, status)
	}
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(b, &p); err != nil || p.Status != status {
		t.Fatalf("problem document %s: %v", b, err)
	}
	return p.Detail
}

// JSON checks that resp is a JSON answer of status and decodes it into v.
func JSON(t testing.TB, resp *http.Response, status int, v any) {
	t.Helper()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status || !strings.HasSuffix(strings.Split(resp.Header.Get("Content-Type"), ";")[0], "json") {
		t.Fatalf("got %d %s (%s), want %d JSON", resp.StatusCode, resp.Header.Get("Content-Type"), b, status)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// Decode unmarshals the JSON data of an event into a T.
func Decode[T any](t testing.TB, ev runtime.Event) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(ev.Data, &v); err != nil {
		t.Fatalf("event %q data %q: %v", ev.Type, ev.Data, err)
	}
	return v
}

// Log is a logger for the generated handler that keeps what it logs.
type Log struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Option returns the runtime option that logs into l.
func (l *Log) Option() runtime.Option {
	return runtime.WithLogger(slog.New(slog.NewTextHandler(l, nil)))
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// NumberCodec is a second JSON codec for the tests that must hold
// whatever codec decodes: encoding/json decoding numbers as json.Number,
// as a codec of another JSON package is plugged in with runtime.WithCodec.
var NumberCodec = runtime.NewJSONCodec(json.Marshal, func(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
})

// Collect reads every event of s, decoded by a generated client, and
// closes it; err is what ended the stream, nil for its normal end.
func Collect[E any](t testing.TB, s *runtime.EventStream[E]) (events []E, err error) {
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
