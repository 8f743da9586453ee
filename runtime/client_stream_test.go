package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawEvents keeps events as they are: the stream tests look at the
// framing and reconnection, not at decoding.
func rawEvents(ev Event) (Event, error) { return ev, nil }

// fastReconnect keeps the reconnection tests quick.
var fastReconnect = WithReconnectBackoff(100*time.Microsecond, time.Millisecond)

// openStream opens a GET event stream on srv.
func openStream(t *testing.T, ctx context.Context, srv *httptest.Server, cfg EventStreamConfig, opts ...ClientOption) (*EventStream[Event], error) {
	t.Helper()
	c := NewClient(srv.URL, append([]ClientOption{WithHTTPClient(srv.Client())}, opts...)...)
	req, err := c.NewRequest(ctx, http.MethodGet, "/events", nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return OpenEventStream(c, req, cfg, rawEvents)
}

// frame encodes e with the runtime's writer.
func frame(t testing.TB, e *Event) []byte {
	t.Helper()
	b, err := AppendEvent(nil, e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeStream answers with text/event-stream and the given frames, flushed.
func writeStream(w http.ResponseWriter, frames ...[]byte) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, f := range frames {
		w.Write(f)
	}
	http.NewResponseController(w).Flush()
}

// collect reads s to its end and returns the events and the final error
// (io.EOF for a normal end).
func collect(s *EventStream[Event]) ([]Event, error) {
	var evs []Event
	for {
		ev, err := s.Next()
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
}

// TestEventStreamResume drops the connection hundreds of times at random
// byte offsets, half of them abruptly and half as a clean end of body, and
// checks that every event arrives exactly once, in order, with the request
// (method, body, headers, credentials) repeated on every connection.
func TestEventStreamResume(t *testing.T) {
	checkLeaks(t)
	const total = 3000
	frames := make([][]byte, total+1) // frames[i] is event i; IDs count from 1
	want := make([]Event, total+1)
	for i := 1; i <= total; i++ {
		ev := Event{Type: "message", ID: strconv.Itoa(i), Data: []byte(fmt.Sprintf(`{"n":%d}`, i))}
		switch i % 4 {
		case 1:
			ev.Type = "tick"
		case 2:
			ev.Data = []byte(fmt.Sprintf("line %d\nsecond line\n\nthird ü", i))
		case 3:
			ev.Data = nil // an empty message must still arrive
		}
		want[i] = ev
		frames[i] = frame(t, &ev)
	}
	end := frame(t, &Event{Data: []byte("[DONE]")})

	var (
		mu      sync.Mutex
		rng     = rand.New(rand.NewPCG(6, 6))
		drops   atomic.Int64
		failure atomic.Value // first problem the server saw with a request
	)
	fail := func(format string, args ...any) { failure.CompareAndSwap(nil, fmt.Sprintf(format, args...)) }
	srv, requests := serve(t, func(w http.ResponseWriter, r *http.Request, n int64) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || string(body) != `{"topic":"pets"}` {
			fail("request %d: %s with body %q", n, r.Method, body)
		}
		for name, want := range map[string]string{
			"Accept":        "text/event-stream",
			"Cache-Control": "no-cache",
			"Authorization": "Bearer " + strconv.FormatInt(n, 10),
		} {
			if got := r.Header.Get(name); got != want {
				fail("request %d: %s is %q, want %q", n, name, got, want)
			}
		}
		next := 1
		if id, ok := r.Header["Last-Event-Id"]; ok {
			k, err := strconv.Atoi(id[0])
			if n == 1 || err != nil || k < 1 || k > total {
				fail("request %d: Last-Event-ID %q", n, id)
			}
			next = k + 1
		} else if n > 1 {
			fail("request %d: no Last-Event-ID", n)
		}
		var chunk []byte
		if n%7 == 0 {
			chunk = append(chunk, "retry: 1\n\n"...) // a hint, 1ms
		}
		last := min(next+20, total+1)
		for i := next; i < last; i++ {
			chunk = append(chunk, frames[i]...)
		}
		if last == total+1 {
			chunk = append(chunk, end...)
		}
		mu.Lock()
		cut, abort := rng.IntN(len(chunk)+len(chunk)/10), rng.IntN(2) == 0
		mu.Unlock()
		if cut >= len(chunk) { // whole chunk: the stream ends only after the end sentinel
			writeStream(w, chunk)
			return
		}
		drops.Add(1)
		writeStream(w, chunk[:cut])
		if abort {
			panic(http.ErrAbortHandler)
		}
	})

	var attempts atomic.Int64
	c := NewClient(srv.URL, WithHTTPClient(srv.Client()), fastReconnect, WithMaxReconnects(50),
		WithRequestEditor(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+strconv.FormatInt(attempts.Add(1), 10))
			return nil
		}))
	req, err := c.NewRequest(context.Background(), http.MethodPost, "/events", nil, "application/json", map[string]string{"topic": "pets"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenEventStream(c, req, EventStreamConfig{Resumable: true, End: []byte("[DONE]")}, rawEvents)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for ev, err := range s.Events() {
		if err != nil {
			t.Fatalf("after %d events: %v", got, err)
		}
		got++
		if w := want[min(got, total)]; ev.ID != w.ID || ev.Type != w.Type || !bytes.Equal(ev.Data, w.Data) {
			t.Fatalf("event %d: got %q %q %q, want %q %q %q", got, ev.Type, ev.ID, ev.Data, w.Type, w.ID, w.Data)
		}
	}
	if f := failure.Load(); f != nil {
		t.Fatal(f)
	}
	if got != total {
		t.Fatalf("got %d events, want %d", got, total)
	}
	if s.LastEventID() != strconv.Itoa(total) {
		t.Errorf("LastEventID %q", s.LastEventID())
	}
	if d := drops.Load(); d < 200 {
		t.Errorf("only %d dropped connections; the test is meant to drop hundreds", d)
	}
	t.Logf("%d events over %d connections", total, requests.Load())
}

// TestEventStreamStops checks the answers after which a stream must not
// reconnect, on the first connection and on a reconnection.
func TestEventStreamStops(t *testing.T) {
	hello := &Event{ID: "1", Data: []byte("hello")}
	for _, tc := range []struct {
		name    string
		answer  func(w http.ResponseWriter)
		wantErr string // "" for a normal end
	}{
		{"204", func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }, ""},
		{"404", func(w http.ResponseWriter) { http.Error(w, "no such stream", http.StatusNotFound) }, `unexpected response: 404 Not Found (Content-Type text/plain; charset=utf-8): "no such stream"`},
		{"500", func(w http.ResponseWriter) { http.Error(w, "boom", http.StatusInternalServerError) }, `unexpected response: 500 Internal Server Error`},
		{"wrong content type", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"events":[]}`)
		}, `unexpected response: 200 OK (Content-Type application/json): "{\"events\":[]}"`},
		{"no content type", func(w http.ResponseWriter) {
			w.Header()["Content-Type"] = nil
			io.WriteString(w, "data: x\n\n")
		}, `unexpected response: 200 OK: "data: x"`},
	} {
		check := func(t *testing.T, err error) {
			t.Helper()
			if tc.wantErr == "" {
				if err != io.EOF {
					t.Fatalf("got %v, want io.EOF", err)
				}
				return
			}
			var re *ResponseError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want a *ResponseError saying %s", err, tc.wantErr)
			}
		}

		t.Run(tc.name+"/first", func(t *testing.T) {
			checkLeaks(t)
			srv, requests := serve(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
				tc.answer(w)
			})
			s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true}, fastReconnect)
			if err == nil {
				var evs []Event
				evs, err = collect(s)
				if len(evs) != 0 {
					t.Errorf("got events %v", evs)
				}
			}
			check(t, err)
			wantRequests(t, requests, 1)
		})

		t.Run(tc.name+"/reconnect", func(t *testing.T) {
			checkLeaks(t)
			srv, requests := serve(t, func(w http.ResponseWriter, r *http.Request, n int64) {
				if n == 1 {
					writeStream(w, frame(t, hello))
					panic(http.ErrAbortHandler)
				}
				if got := r.Header.Get("Last-Event-ID"); got != "1" {
					t.Errorf("Last-Event-ID %q, want 1", got)
				}
				tc.answer(w)
			})
			s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true}, fastReconnect)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := collect(s)
			if len(evs) != 1 || string(evs[0].Data) != "hello" {
				t.Errorf("got events %v", evs)
			}
			check(t, err)
			if _, again := s.Next(); again != err {
				t.Errorf("Next after the end: %v, want %v again", again, err)
			}
			wantRequests(t, requests, 2)
		})
	}
}

// problem stands for an error type a generated client decodes.
type problem struct{ Title string }

func (p *problem) Error() string { return p.Title }

func TestEventStreamErrorResponse(t *testing.T) {
	checkLeaks(t)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"title":"no such pet"}`)
	})
	c := NewClient(srv.URL, WithHTTPClient(srv.Client()))
	req, err := c.NewRequest(context.Background(), http.MethodGet, "/", nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenEventStream(c, req, EventStreamConfig{ErrorResponse: func(resp *http.Response) error {
		if resp.StatusCode != http.StatusNotFound {
			return UnexpectedResponse(resp)
		}
		p := new(problem)
		if err := c.Decode(resp, "application/problem+json", p); err != nil {
			return err
		}
		return p
	}}, rawEvents)
	if p := (*problem)(nil); !errors.As(err, &p) || p.Title != "no such pet" {
		t.Fatalf("got %v, want the decoded problem", err)
	}
}

func TestEventStreamNotResumable(t *testing.T) {
	for _, abort := range []bool{false, true} {
		t.Run(fmt.Sprintf("abort=%v", abort), func(t *testing.T) {
			checkLeaks(t)
			srv, requests := serve(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
				writeStream(w, frame(t, &Event{ID: "1", Data: []byte("a")}), frame(t, &Event{ID: "2", Data: []byte("b")}), []byte("data: partial"))
				if abort {
					panic(http.ErrAbortHandler)
				}
			})
			s, err := openStream(t, context.Background(), srv, EventStreamConfig{}, fastReconnect)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := collect(s)
			if len(evs) != 2 {
				t.Errorf("got %d events, want 2", len(evs))
			}
			if abort && (err == io.EOF || !errors.Is(err, io.ErrUnexpectedEOF)) {
				t.Errorf("dropped connection: got %v, want an unexpected EOF", err)
			}
			if !abort && err != io.EOF {
				t.Errorf("clean end: got %v, want io.EOF", err)
			}
			wantRequests(t, requests, 1)
		})
	}
}

func TestEventStreamGivesUp(t *testing.T) {
	checkLeaks(t)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int64) {
		if n == 1 {
			writeStream(w, frame(t, &Event{ID: "1", Data: []byte("a")}))
			return
		}
		// Accept and hang up without an answer: a network error.
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	})
	// Count attempts on the client: the transport itself may retry a request
	// whose reused connection closed before the answer.
	var attempts atomic.Int64
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true}, fastReconnect, WithMaxReconnects(3),
		WithRequestEditor(func(context.Context, *http.Request) error { attempts.Add(1); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := collect(s)
	if len(evs) != 1 || err == nil || !strings.Contains(err.Error(), "gave up after 3 reconnection attempts: ") {
		t.Fatalf("got %d events and %v", len(evs), err)
	}
	if n := attempts.Load(); n != 4 {
		t.Errorf("%d attempts, want 4", n)
	}
}

// TestEventStreamRetryHint checks that the client waits at least as long as
// the server's retry field asks before reconnecting.
func TestEventStreamRetryHint(t *testing.T) {
	checkLeaks(t)
	const hint = 150 * time.Millisecond
	var (
		ended  time.Time
		waited time.Duration
	)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int64) {
		if n == 1 {
			writeStream(w, frame(t, &Event{ID: "1", Data: []byte("a"), Retry: hint}))
			ended = time.Now()
			return
		}
		waited = time.Since(ended)
		w.WriteHeader(http.StatusNoContent)
	})
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true}, fastReconnect)
	if err != nil {
		t.Fatal(err)
	}
	if evs, err := collect(s); len(evs) != 1 || err != io.EOF {
		t.Fatalf("got %d events and %v", len(evs), err)
	}
	if waited < hint {
		t.Errorf("reconnected after %v, before the server's retry hint of %v", waited, hint)
	}
}

// hangingServer sends one event, then holds the stream open until the
// client goes away, which it reports on gone.
func hangingServer(t *testing.T) (srv *httptest.Server, gone <-chan struct{}) {
	ch := make(chan struct{}, 1)
	srv, _ = serve(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		writeStream(w, frame(t, &Event{ID: "1", Data: []byte("a")}))
		<-r.Context().Done()
		ch <- struct{}{}
	})
	return srv, ch
}

// awaitGone waits until the server saw the client leave.
func awaitGone(t *testing.T, gone <-chan struct{}) {
	t.Helper()
	select {
	case <-gone:
	case <-time.After(10 * time.Second):
		t.Fatal("the server still has the connection")
	}
}

func TestEventStreamContextCancel(t *testing.T) {
	checkLeaks(t)
	srv, gone := hangingServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := openStream(t, ctx, srv, EventStreamConfig{Resumable: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	cancel() // no Next in progress: the connection must close anyway
	awaitGone(t, gone)
	if _, err := s.Next(); err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestEventStreamCancelWhileReading(t *testing.T) {
	checkLeaks(t)
	srv, gone := hangingServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := openStream(t, ctx, srv, EventStreamConfig{Resumable: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Next()
	time.AfterFunc(10*time.Millisecond, cancel)
	if _, err := s.Next(); err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	awaitGone(t, gone)
}

func TestEventStreamCloseWhileReading(t *testing.T) {
	checkLeaks(t)
	srv, gone := hangingServer(t)
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Next()
	done := make(chan error)
	go func() {
		_, err := s.Next()
		done <- err
	}()
	time.Sleep(10 * time.Millisecond) // most likely blocked in Next by now; either way Next must end
	if err := s.Close(); err != nil {
		t.Error(err)
	}
	if err := <-done; err != ErrStreamClosed {
		t.Fatalf("got %v, want ErrStreamClosed", err)
	}
	awaitGone(t, gone)
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestEventStreamCancelWhileWaiting(t *testing.T) {
	checkLeaks(t)
	srv, requests := serve(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		writeStream(w, frame(t, &Event{ID: "1", Data: []byte("a")}))
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := openStream(t, ctx, srv, EventStreamConfig{Resumable: true}, WithReconnectBackoff(time.Hour, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s.Next()
	time.AfterFunc(10*time.Millisecond, cancel)
	if _, err := s.Next(); err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	wantRequests(t, requests, 1)
}

// TestEventStreamEndSentinel checks that the sentinel ends the stream at
// once, without waiting for the body to end and without reconnecting.
func TestEventStreamEndSentinel(t *testing.T) {
	checkLeaks(t)
	gone := make(chan struct{}, 1)
	srv, requests := serve(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		writeStream(w,
			frame(t, &Event{ID: "1", Data: []byte("a")}),
			frame(t, &Event{Type: "other", Data: []byte("[DONE]")}), // not a message: not the end
			frame(t, &Event{Data: []byte("[DONE]")}),
			frame(t, &Event{Data: []byte("after the end")}))
		<-r.Context().Done()
		gone <- struct{}{}
	})
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true, End: []byte("[DONE]")})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for ev, err := range s.Events() {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, ev.Type)
	}
	if strings.Join(types, ",") != "message,other" {
		t.Errorf("got events %v", types)
	}
	awaitGone(t, gone)
	wantRequests(t, requests, 1)
}

func TestEventStreamBreakCloses(t *testing.T) {
	checkLeaks(t)
	gone := make(chan struct{}, 1)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		for i := 0; r.Context().Err() == nil; i++ {
			writeStream(w, frame(t, &Event{Data: []byte(strconv.Itoa(i))}))
			time.Sleep(time.Millisecond)
		}
		gone <- struct{}{}
	})
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range s.Events() {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	awaitGone(t, gone)
	if _, err := s.Next(); err != ErrStreamClosed {
		t.Errorf("Next after the loop: %v, want ErrStreamClosed", err)
	}
}

func TestEventStreamDecodeError(t *testing.T) {
	checkLeaks(t)
	srv, requests := serve(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		writeStream(w, frame(t, &Event{Data: []byte("1")}), frame(t, &Event{Type: "failed", Data: []byte("disk full")}), frame(t, &Event{Data: []byte("2")}))
	})
	c := NewClient(srv.URL, WithHTTPClient(srv.Client()), fastReconnect)
	req, err := c.NewRequest(context.Background(), http.MethodGet, "/", nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenEventStream(c, req, EventStreamConfig{Resumable: true}, func(ev Event) (string, error) {
		if ev.Type == "failed" {
			return "", &problem{Title: string(ev.Data)}
		}
		return string(ev.Data), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var last error
	for v, err := range s.Events() {
		if err != nil {
			last = err
			break
		}
		got = append(got, v)
	}
	if p := (*problem)(nil); !errors.As(last, &p) || p.Title != "disk full" || len(got) != 1 {
		t.Fatalf("got %q and %v, want one event, then the error event's error", got, last)
	}
	wantRequests(t, requests, 1)
}

func TestEventStreamTooLarge(t *testing.T) {
	checkLeaks(t)
	srv, requests := serve(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		writeStream(w, frame(t, &Event{Data: bytes.Repeat([]byte("x"), 2<<20)}))
	})
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true}, fastReconnect)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(); !errors.Is(err, ErrEventTooLarge) || err.Error() != ErrEventTooLarge.Error() {
		t.Fatalf("got %v, want ErrEventTooLarge and its message once", err)
	}
	wantRequests(t, requests, 1)

	// A client can take larger events.
	s, err = openStream(t, context.Background(), srv, EventStreamConfig{}, WithReaderOptions(WithMaxEventSize(4<<20)))
	if err != nil {
		t.Fatal(err)
	}
	if ev, err := s.Next(); err != nil || len(ev.Data) != 2<<20 {
		t.Fatalf("got %d bytes, %v", len(ev.Data), err)
	}
	s.Close()
}

// TestEventStreamResumeFrom checks that a stream can start from a position
// saved earlier, and that the last event ID carries across connections that
// send events without an id field.
func TestEventStreamResumeFrom(t *testing.T) {
	checkLeaks(t)
	var (
		mu  sync.Mutex
		ids []string
	)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int64) {
		mu.Lock()
		ids = append(ids, r.Header.Get("Last-Event-ID"))
		mu.Unlock()
		switch n {
		case 1:
			writeStream(w, frame(t, &Event{Data: []byte("no id")})) // keeps "41"
		case 2:
			writeStream(w, frame(t, &Event{ID: "42", Data: []byte("a")}), frame(t, &Event{Data: []byte("b")}))
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true, LastEventID: "41"}, fastReconnect)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := collect(s)
	if err != io.EOF || len(evs) != 3 {
		t.Fatalf("got %d events and %v", len(evs), err)
	}
	if evs[0].ID != "41" || evs[1].ID != "42" || evs[2].ID != "42" {
		t.Errorf("event IDs %q %q %q, want 41 42 42", evs[0].ID, evs[1].ID, evs[2].ID)
	}
	if strings.Join(ids, ",") != "41,41,42" {
		t.Errorf("Last-Event-ID headers %q, want 41, 41, 42", ids)
	}
}

func TestReconnectDelay(t *testing.T) {
	p := reconnectPolicy{base: 100 * time.Millisecond, max: time.Second}
	low := func(int64) int64 { return 0 }
	high := func(n int64) int64 { return n - 1 }
	ms := time.Millisecond
	for _, tc := range []struct {
		n         int
		hint      time.Duration
		low, high time.Duration
	}{
		{1, 0, 50 * ms, 100 * ms},
		{2, 0, 100 * ms, 200 * ms},
		{4, 0, 400 * ms, 800 * ms},
		{5, 0, 500 * ms, time.Second}, // capped
		{50, 0, 500 * ms, time.Second},
		{1, 300 * ms, 300 * ms, 300 * ms}, // never below the hint
		{2, 300 * ms, 300 * ms, 600 * ms},
		{3, 300 * ms, 500 * ms, time.Second},
		{1, 5 * time.Second, 5 * time.Second, 5 * time.Second}, // the hint beats max
	} {
		if got := p.delay(tc.n, tc.hint, low); got != tc.low {
			t.Errorf("attempt %d, hint %v: shortest delay %v, want %v", tc.n, tc.hint, got, tc.low)
		}
		if got := p.delay(tc.n, tc.hint, high); got != tc.high {
			t.Errorf("attempt %d, hint %v: longest delay %v, want %v", tc.n, tc.hint, got, tc.high)
		}
	}
}

// TestEventStreamNoEnd checks that a stream with an end sentinel that ends
// without it is an error: events may be missing.
func TestEventStreamNoEnd(t *testing.T) {
	checkLeaks(t)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		writeStream(w, frame(t, &Event{Data: []byte("a")}))
	})
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{End: []byte("[DONE]")})
	if err != nil {
		t.Fatal(err)
	}
	if evs, err := collect(s); len(evs) != 1 || err != ErrNoEnd {
		t.Fatalf("got %d events and %v, want 1 and ErrNoEnd", len(evs), err)
	}

	// An optional end may not come: the stream just ends.
	s, err = openStream(t, context.Background(), srv, EventStreamConfig{End: []byte("[DONE]"), EndOptional: true})
	if err != nil {
		t.Fatal(err)
	}
	if evs, err := collect(s); len(evs) != 1 || err != io.EOF {
		t.Fatalf("got %d events and %v, want 1 and io.EOF", len(evs), err)
	}
}

// serve starts a server for the test that counts the requests it receives;
// h gets the number of its request, from 1.
func serve(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int64)) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, n.Add(1))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// wantRequests checks how many requests the server of serve received.
func wantRequests(t *testing.T, n *atomic.Int64, want int64) {
	t.Helper()
	if got := n.Load(); got != want {
		t.Errorf("%d requests, want %d", got, want)
	}
}

// BenchmarkEventStream reads JSON events through an EventStream over
// loopback, decoding each, as a generated client does.
func BenchmarkEventStream(b *testing.B) {
	const batch = 1000
	var frames []byte
	for i := range batch {
		var err error
		frames, err = AppendEvent(frames, &Event{Type: "tick", ID: strconv.Itoa(i), Data: []byte(`{"id":7,"name":"Rex"}`)})
		if err != nil {
			b.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		w.Header().Set("Content-Type", "text/event-stream")
		for ; n > 0; n -= batch {
			w.Write(frames)
		}
	}))
	defer srv.Close()
	c := NewClient(srv.URL, WithHTTPClient(srv.Client()))
	var args Args
	args.Value(Query("n"), strconv.Itoa(b.N))
	req, err := c.NewRequest(context.Background(), http.MethodGet, "/", &args, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	decode := func(ev Event) (pet, error) { return DecodeEvent[pet](c, ev, "application/json") }
	b.SetBytes(int64(len(frames) / batch))
	b.ReportAllocs()
	b.ResetTimer()
	s, err := OpenEventStream(c, req, EventStreamConfig{}, decode)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for range b.N {
		if _, err := s.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEventStreamReadTimeout checks that a connection that goes silent
// counts as dropped: a resumable stream reconnects with the last event ID,
// telling its reconnect hook why, and another fails with ErrReadTimeout.
func TestEventStreamReadTimeout(t *testing.T) {
	checkLeaks(t)
	const timeout = 100 * time.Millisecond
	silent := make(chan struct{}, 2) // a silent connection's request ended
	srv, requests := serve(t, func(w http.ResponseWriter, r *http.Request, n int64) {
		switch n {
		case 1, 4:
			writeStream(w, frame(t, &Event{ID: "1", Data: []byte("a")}))
			<-r.Context().Done() // a half-open connection: nothing more comes
			silent <- struct{}{}
		case 2:
			if got := r.Header.Get("Last-Event-ID"); got != "1" {
				t.Errorf("reconnected with Last-Event-ID %q, want 1", got)
			}
			writeStream(w, frame(t, &Event{ID: "2", Data: []byte("b")}))
		case 3:
			w.WriteHeader(http.StatusNoContent)
		}
	})

	var hooks []Reconnect
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true, ReadTimeout: timeout},
		fastReconnect, WithOnReconnect(func(r Reconnect) { hooks = append(hooks, r) }))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := collect(s)
	if err != io.EOF || len(evs) != 2 || string(evs[1].Data) != "b" {
		t.Fatalf("got %v and %v, want a and b, then the end", evs, err)
	}
	awaitGone(t, silent)
	if len(hooks) != 2 || hooks[0].Attempt != 1 || hooks[0].LastEventID != "1" || !errors.Is(hooks[0].Err, ErrReadTimeout) {
		t.Fatalf("reconnect hook calls %+v, want the first after a read timeout, from ID 1", hooks)
	}
	if hooks[1].LastEventID != "2" || hooks[1].Err == nil {
		t.Errorf("second reconnect hook call %+v, want from ID 2 with the end of the body as cause", hooks[1])
	}

	// Not resumable: a clear error, and the connection is closed.
	s, err = openStream(t, context.Background(), srv, EventStreamConfig{ReadTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	evs, err = collect(s)
	if len(evs) != 1 || !errors.Is(err, ErrReadTimeout) || err.Error() != "runtime: event stream: read timeout: nothing received for 100ms" {
		t.Fatalf("got %d events and %v, want 1 and a read timeout", len(evs), err)
	}
	awaitGone(t, silent)
	wantRequests(t, requests, 4)

	// The client's option replaces the operation's default, and turns it off.
	srv, gone := hangingServer(t)
	s, err = openStream(t, context.Background(), srv, EventStreamConfig{}, WithReadTimeout(timeout))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := collect(s); !errors.Is(err, ErrReadTimeout) {
		t.Fatalf("with WithReadTimeout: %v, want a read timeout", err)
	}
	awaitGone(t, gone)
	ctx, cancel := context.WithTimeout(context.Background(), 3*timeout)
	defer cancel()
	s, err = openStream(t, ctx, srv, EventStreamConfig{ReadTimeout: timeout}, WithReadTimeout(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := collect(s); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("with WithReadTimeout(0): %v, want the context's deadline", err)
	}
	awaitGone(t, gone)
}

// TestEventStreamHeartbeats checks that the heartbeat comments of a real
// server stream keep a connection with a read timeout open, and that a
// client sees them through WithCommentHandler.
func TestEventStreamHeartbeats(t *testing.T) {
	checkLeaks(t)
	const heartbeat = 20 * time.Millisecond
	srv := streamServer(t, NewOptions(), &StreamConfig{Heartbeat: heartbeat}, func(s *Stream) error {
		if err := s.Open(); err != nil {
			return err
		}
		time.Sleep(20 * heartbeat) // idle: heartbeats only
		return s.Send(&Event{ID: "1", Data: []byte("late")})
	}, nil)
	var comments atomic.Int64
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{ReadTimeout: 5 * heartbeat},
		WithReaderOptions(WithCommentHandler(func(string) { comments.Add(1) })))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := collect(s)
	if err != io.EOF || len(evs) != 1 || string(evs[0].Data) != "late" {
		t.Fatalf("got %v and %v, want the late event", evs, err)
	}
	if n := comments.Load(); n < 5 {
		t.Errorf("saw %d heartbeat comments in %v with a %v heartbeat", n, 20*heartbeat, heartbeat)
	}
}

// Header is that of the response that opened the latest connection: a
// server may answer a reconnection with other values.
func TestEventStreamHeader(t *testing.T) {
	checkLeaks(t)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int64) {
		w.Header().Set("X-Connection", strconv.FormatInt(n, 10))
		writeStream(w, frame(t, &Event{ID: strconv.FormatInt(n, 10), Data: []byte("x")}))
	})
	s, err := openStream(t, context.Background(), srv, EventStreamConfig{Resumable: true}, fastReconnect)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for want := range 3 {
		ev, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Header().Get("X-Connection"); got != ev.ID || got != strconv.Itoa(want+1) {
			t.Errorf("event %s read with the headers of connection %s, want %d", ev.ID, got, want+1)
		}
	}
}
