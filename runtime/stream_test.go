package runtime

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// logBuffer collects log output for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }

// streamServer starts a loopback server whose handler serves a stream with
// cfg and handler. wrap, when not nil, wraps the ResponseWriter first, as a
// middleware would.
func streamServer(t *testing.T, o *Options, cfg *StreamConfig, handler func(*Stream) error, wrap func(http.ResponseWriter) http.ResponseWriter) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wrap != nil {
			w = wrap(w)
		}
		Serve(w, r, o, cfg, handler)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// get requests url and fails t unless the request succeeds.
func get(t *testing.T, ctx context.Context, srv *httptest.Server, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// await waits for a value from c, failing t if none comes: the only bound
// is a generous one against hangs, never a performance expectation.
func await[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func TestServeStream(t *testing.T) {
	checkLeaks(t)
	type pet struct{ Name string }
	cfg := &StreamConfig{DataContentType: "application/json", Retry: 1500 * time.Millisecond, End: []byte("[DONE]")}
	srv := streamServer(t, NewOptions(), cfg, func(s *Stream) error {
		if err := s.SendData("", "", pet{"Rex"}, WithEventID(s.LastEventID()+"+1")); err != nil {
			return err
		}
		if err := s.SendData("note", "text/plain", "line 1\nline 2\n", WithEventRetry(time.Second)); err != nil {
			return err
		}
		return s.Send(&Event{Type: "raw", Data: []byte("r"), Comment: "c"})
	}, nil)
	resp := get(t, context.Background(), srv, "Last-Event-ID", "41")
	for name, want := range map[string]string{
		"Content-Type":          "text/event-stream",
		"Cache-Control":         "no-cache",
		"X-Accel-Buffering":     "no",
		"X-Event-Data-Mimetype": "application/json",
		"Content-Length":        "",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	want := "retry: 1500\n\n" +
		"id: 41+1\ndata: {\"Name\":\"Rex\"}\n\n" +
		"event: note\nretry: 1000\ndata: line 1\ndata: line 2\ndata:\n\n" +
		": c\nevent: raw\ndata: r\n\n" +
		"data: [DONE]\n\n"
	if string(body) != want {
		t.Errorf("body\n%q\nwant\n%q", body, want)
	}
}

func TestServeEmptyStream(t *testing.T) {
	checkLeaks(t)
	srv := streamServer(t, NewOptions(), &StreamConfig{}, func(s *Stream) error { return nil }, nil)
	resp := get(t, context.Background(), srv)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" || len(body) != 0 {
		t.Errorf("got %d %q %q, want an empty event stream", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestServeErrorBeforeCommit(t *testing.T) {
	checkLeaks(t)
	var logs logBuffer
	o := NewOptions(WithLogger(logs.logger()))
	cfg := &StreamConfig{ErrorEvent: "error", End: []byte("[DONE]")}
	for name, handler := range map[string]func(*Stream) error{
		"error": func(s *Stream) error { return errors.New("db down") },
		"panic": func(s *Stream) error { panic("bug") },
	} {
		t.Run(name, func(t *testing.T) {
			srv := streamServer(t, o, cfg, handler, nil)
			for range 2 { // the server keeps serving
				resp := get(t, context.Background(), srv)
				body, _ := io.ReadAll(resp.Body)
				var p problemDetails
				if resp.StatusCode != http.StatusInternalServerError || resp.Header.Get("Content-Type") != "application/problem+json" ||
					json.Unmarshal(body, &p) != nil || p.Status != 500 {
					t.Errorf("got %d %q %q, want a 500 problem", resp.StatusCode, resp.Header.Get("Content-Type"), body)
				}
				if strings.Contains(string(body), "db down") || strings.Contains(string(body), "bug") {
					t.Errorf("body %q leaks the internal error", body)
				}
			}
		})
	}
	for _, want := range []string{"db down", "panicked", "panic=bug", "stack="} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

func TestServeRespond(t *testing.T) {
	checkLeaks(t)
	srv := streamServer(t, NewOptions(), &StreamConfig{End: []byte("[DONE]")}, func(s *Stream) error {
		return s.Respond(http.StatusNotFound, "application/problem+json", map[string]string{"title": "no such pet"})
	}, nil)
	resp := get(t, context.Background(), srv)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" || string(body) != `{"title":"no such pet"}` {
		t.Errorf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	srv = streamServer(t, NewOptions(), &StreamConfig{}, func(s *Stream) error {
		if err := s.Open(); err != nil {
			return err
		}
		if err := s.Respond(http.StatusNotFound, "text/plain", "x"); err != ErrCommitted {
			return s.SendData("", "text/plain", fmt.Sprint("Respond after Open: ", err))
		}
		return nil
	}, nil)
	resp = get(t, context.Background(), srv)
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
}

func TestServeErrorAfterCommit(t *testing.T) {
	checkLeaks(t)
	var logs logBuffer
	o := NewOptions(WithLogger(logs.logger()))
	type apiError struct{ Message string }
	cfg := &StreamConfig{
		DataContentType: "application/json",
		End:             []byte("[DONE]"),
		ErrorEvent:      "error",
		ErrorData: func(err error) (string, any) {
			return "application/json", apiError{Message: "failed: " + err.Error()}
		},
	}
	for name, handler := range map[string]func(*Stream) error{
		"db down": func(s *Stream) error {
			s.SendData("", "", 1)
			return errors.New("db down")
		},
		"bug": func(s *Stream) error {
			s.SendData("", "", 1)
			panic("bug")
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := streamServer(t, o, cfg, handler, nil)
			resp := get(t, context.Background(), srv)
			evs, err := readAll(NewReader(resp.Body))
			if err != io.EOF || len(evs) != 2 || string(evs[0].Data) != "1" || evs[1].Type != "error" {
				t.Fatalf("got %q, %v; want a message and an error event, then the end", evs, err)
			}
			var got apiError
			if err := json.Unmarshal(evs[1].Data, &got); err != nil || !strings.Contains(got.Message, name) {
				t.Errorf("error event data %q", evs[1].Data)
			}
		})
	}
	if !strings.Contains(logs.String(), "db down") || !strings.Contains(logs.String(), "panic=bug") {
		t.Errorf("log:\n%s", logs.String())
	}

	// Without an error event the stream just ends, without the sentinel.
	srv := streamServer(t, NewOptions(WithLogger(logs.logger())), &StreamConfig{End: []byte("[DONE]")}, func(s *Stream) error {
		s.Open()
		return errors.New("db down")
	}, nil)
	resp := get(t, context.Background(), srv)
	if body, err := io.ReadAll(resp.Body); err != nil || len(body) != 0 {
		t.Errorf("got %q, %v; want an empty stream", body, err)
	}
}

func TestServeAbortHandler(t *testing.T) {
	checkLeaks(t)
	srv := streamServer(t, NewOptions(), &StreamConfig{End: []byte("[DONE]")}, func(s *Stream) error {
		s.Send(&Event{Data: []byte("a")})
		panic(http.ErrAbortHandler)
	}, nil)
	resp := get(t, context.Background(), srv)
	if body, err := io.ReadAll(resp.Body); err == nil {
		t.Errorf("read %q to a clean end, want the connection aborted", body)
	}
}

func TestServeInvalidEvent(t *testing.T) {
	checkLeaks(t)
	srv := streamServer(t, NewOptions(), &StreamConfig{}, func(s *Stream) error {
		err := s.Send(&Event{Type: "a\nb", Data: []byte("x")})
		var fe *FieldError
		if !errors.As(err, &fe) {
			return fmt.Errorf("Send: %v, want a *FieldError", err)
		}
		return s.Send(&Event{Data: []byte("ok")})
	}, nil)
	resp := get(t, context.Background(), srv)
	evs, err := readAll(NewReader(resp.Body))
	checkEvents(t, evs, []Event{msg("message", "ok", "")})
	if err != io.EOF {
		t.Error(err)
	}
}

func TestServeClientGone(t *testing.T) {
	checkLeaks(t)
	sendErr := make(chan error, 1)
	srv := streamServer(t, NewOptions(), &StreamConfig{}, func(s *Stream) error {
		s.Send(&Event{Data: []byte("first")})
		<-s.Context().Done()
		sendErr <- s.Send(&Event{Data: []byte("too late")})
		return nil
	}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	resp := get(t, ctx, srv)
	if e, err := NewReader(resp.Body).Next(); err != nil || string(e.Data) != "first" {
		t.Fatalf("first event: %q, %v", e.Data, err)
	}
	cancel()
	if err := await(t, sendErr, "the handler to notice the client left"); !errors.Is(err, context.Canceled) {
		t.Errorf("Send after the client left: %v, want context.Canceled", err)
	}
}

func TestServeShutdown(t *testing.T) {
	checkLeaks(t)
	causes := make(chan error, 2)
	sendErrs := make(chan error, 1)
	srv := httptest.NewUnstartedServer(nil)
	o := NewOptions(EndOnShutdown(srv.Config))
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Serve(w, r, o, &StreamConfig{End: []byte("[DONE]")}, func(s *Stream) error {
			s.Open()
			if r.URL.Path == "/sender" { // never looks at its context
				for {
					if err := s.Send(&Event{Data: []byte("tick")}); err != nil {
						sendErrs <- err
						return err
					}
					time.Sleep(time.Millisecond)
				}
			}
			<-s.Context().Done()
			causes <- context.Cause(s.Context())
			return nil
		})
	})
	srv.Start()
	t.Cleanup(srv.Close)

	waiter := get(t, context.Background(), srv)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/sender", nil)
	sender, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Body.Close()
	if _, err := NewReader(sender.Body).Next(); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v, want the streams ended", err)
	}
	if cause := await(t, causes, "the stream's context"); cause != ErrShutdown {
		t.Errorf("context cause %v, want ErrShutdown", cause)
	}
	if err := await(t, sendErrs, "Send to fail"); !errors.Is(err, ErrShutdown) {
		t.Errorf("Send after shutdown: %v, want ErrShutdown", err)
	}
	if body, err := io.ReadAll(waiter.Body); err != nil || len(body) != 0 {
		t.Errorf("shut down stream: %q, %v; want a clean end without the sentinel", body, err)
	}
}

// TestServeStalledClient checks that a client that stops reading is dropped
// once a write waits longer than the write timeout.
func TestServeStalledClient(t *testing.T) {
	checkLeaks(t)
	done := make(chan error, 1)
	srv := streamServer(t, NewOptions(WithWriteTimeout(100*time.Millisecond)), &StreamConfig{}, func(s *Stream) error {
		big := Event{Data: bytes.Repeat([]byte("x"), 64<<10)}
		for {
			if err := s.Send(&big); err != nil {
				if s.Context().Err() == nil {
					err = errors.New("Send failed but the context is not done")
				}
				done <- err
				return err
			}
		}
	}, nil)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: test\r\n\r\n") // and never read
	err = await(t, done, "the stalled client to be dropped")
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("Send: %v, want a timeout", err)
	}
}

// TestServeWriteDeadlineMoves checks that the per-write deadline moves while
// events flow: a client that keeps reading is not dropped when the stream
// lives longer than the write timeout.
func TestServeWriteDeadlineMoves(t *testing.T) {
	checkLeaks(t)
	const n = 60
	srv := streamServer(t, NewOptions(WithWriteTimeout(200*time.Millisecond)), &StreamConfig{}, func(s *Stream) error {
		for i := range n {
			time.Sleep(10 * time.Millisecond) // n of them: three times the write timeout
			if err := s.SendData("", "application/json", i); err != nil {
				return err
			}
		}
		return nil
	}, nil)
	evs, err := readAll(NewReader(get(t, context.Background(), srv).Body))
	if err != io.EOF || len(evs) != n {
		t.Fatalf("%d events, %v; want %d and the end of the stream", len(evs), err, n)
	}
}

// TestServeIdleStreamReleasesBuffer checks that a stream keeps no write
// buffer once its events stopped for an eighth of the write timeout.
func TestServeIdleStreamReleasesBuffer(t *testing.T) {
	checkLeaks(t)
	const n = 10
	streams := make(chan *Stream, 1)
	srv := streamServer(t, NewOptions(WithWriteTimeout(80*time.Millisecond)), &StreamConfig{}, func(s *Stream) error {
		for range n {
			if err := s.Send(&Event{Data: []byte("a")}); err != nil {
				return err
			}
		}
		streams <- s
		<-s.Context().Done()
		return nil
	}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rd := NewReader(get(t, ctx, srv).Body)
	for range n {
		if _, err := rd.Next(); err != nil {
			t.Fatal(err)
		}
	}
	s := await(t, streams, "the events")
	for deadline := time.Now().Add(10 * time.Second); s.spare.Load() != nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("an idle stream still holds a write buffer")
		}
	}
}

// TestServeOutlivesWriteTimeout checks that http.Server.WriteTimeout does
// not cut a stream that lives longer.
func TestServeOutlivesWriteTimeout(t *testing.T) {
	checkLeaks(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Serve(w, r, NewOptions(), &StreamConfig{End: []byte("[DONE]")}, func(s *Stream) error {
			for i := range 3 {
				time.Sleep(100 * time.Millisecond) // twice the server's WriteTimeout
				if err := s.SendData("", "application/json", i); err != nil {
					return err
				}
			}
			return nil
		})
	}))
	srv.Config.WriteTimeout = 50 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	resp := get(t, context.Background(), srv)
	evs, err := readAll(NewReader(resp.Body))
	if err != io.EOF {
		t.Fatalf("stream ended with %v after %d events", err, len(evs))
	}
	checkEvents(t, evs, []Event{msg("message", "0", ""), msg("message", "1", ""), msg("message", "2", ""), msg("message", "[DONE]", "")})
}

// rawLines reads the stream's lines as sent, comments included.
func rawLines(body io.Reader, lines chan<- string) {
	sc := bufio.NewScanner(body)
	for sc.Scan() {
		lines <- sc.Text()
	}
	close(lines)
}

func TestServeHeartbeat(t *testing.T) {
	checkLeaks(t)
	srv := streamServer(t, NewOptions(), &StreamConfig{Heartbeat: 10 * time.Millisecond}, func(s *Stream) error {
		s.Send(&Event{Data: []byte("a")})
		<-s.Context().Done()
		return nil
	}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines := make(chan string)
	go rawLines(get(t, ctx, srv).Body, lines)
	var got []string
	for len(got) < 4 {
		got = append(got, await(t, lines, "a heartbeat"))
	}
	if want := []string{"data: a", "", ":", ":"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines %q, want %q", got, want)
	}
	cancel()
	for range lines {
	}
}

func TestServeNoHeartbeatWhileEventsFlow(t *testing.T) {
	checkLeaks(t)
	const n = 300
	srv := streamServer(t, NewOptions(), &StreamConfig{Heartbeat: time.Second}, func(s *Stream) error {
		for i := range n {
			if err := s.SendData("", "application/json", i); err != nil {
				return err
			}
		}
		return nil
	}, nil)
	body, err := io.ReadAll(get(t, context.Background(), srv).Body)
	if err != nil {
		t.Fatal(err)
	}
	if c := bytes.Count(body, []byte("\n:")); c != 0 || bytes.Count(body, []byte("data: ")) != n {
		t.Errorf("%d heartbeats among the events:\n%s", c, body)
	}
}

// unwrapper is a middleware's ResponseWriter that hides Flush but exposes
// Unwrap, like most logging and metrics middleware.
type unwrapper struct{ http.ResponseWriter }

func (u unwrapper) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// opaque hides everything but the ResponseWriter methods.
type opaque struct{ w http.ResponseWriter }

func (o opaque) Header() http.Header         { return o.w.Header() }
func (o opaque) Write(p []byte) (int, error) { return o.w.Write(p) }
func (o opaque) WriteHeader(status int)      { o.w.WriteHeader(status) }

func TestServeBehindMiddleware(t *testing.T) {
	checkLeaks(t)
	release := make(chan struct{})
	handler := func(s *Stream) error {
		s.Send(&Event{Data: []byte("a")})
		<-release // the event must reach the client before the handler returns
		return nil
	}
	srv := streamServer(t, NewOptions(), &StreamConfig{}, handler, func(w http.ResponseWriter) http.ResponseWriter { return unwrapper{w} })
	r := NewReader(get(t, context.Background(), srv).Body)
	e, err := r.Next()
	close(release)
	if err != nil || string(e.Data) != "a" {
		t.Fatalf("first event %q, %v", e.Data, err)
	}

	// A writer that cannot flush or set deadlines still streams, late.
	var logs logBuffer
	srv = streamServer(t, NewOptions(WithLogger(logs.logger())), &StreamConfig{End: []byte("end")}, func(s *Stream) error {
		return s.Send(&Event{Data: []byte("a")})
	}, func(w http.ResponseWriter) http.ResponseWriter { return opaque{w} })
	evs, err := readAll(NewReader(get(t, context.Background(), srv).Body))
	checkEvents(t, evs, []Event{msg("message", "a", ""), msg("message", "end", "")})
	if err != io.EOF {
		t.Error(err)
	}
	if !strings.Contains(logs.String(), "cannot flush") || !strings.Contains(logs.String(), "write deadlines") {
		t.Errorf("no warning logged:\n%s", logs.String())
	}
}

// counter counts the writes and flushes that reach the ResponseWriter.
// When gate is not nil, the first write waits for it.
type counter struct {
	http.ResponseWriter
	writes, flushes atomic.Int32
	gate            chan struct{}
	entered         chan struct{}
}

func (c *counter) Write(p []byte) (int, error) {
	if c.writes.Add(1) == 1 && c.gate != nil {
		close(c.entered)
		<-c.gate
	}
	return c.ResponseWriter.Write(p)
}

func (c *counter) Flush() {
	c.flushes.Add(1)
	http.NewResponseController(c.ResponseWriter).Flush()
}

func (c *counter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func TestServeBatch(t *testing.T) {
	checkLeaks(t)
	const n = 100
	var c *counter
	counts := make(chan [2]int32, 1)
	srv := streamServer(t, NewOptions(), &StreamConfig{}, func(s *Stream) error {
		err := s.Batch(func() error {
			for i := range n {
				if err := s.SendData("", "application/json", i); err != nil {
					return err
				}
			}
			return nil
		})
		counts <- [2]int32{c.writes.Load(), c.flushes.Load()}
		return err
	}, func(w http.ResponseWriter) http.ResponseWriter { c = &counter{ResponseWriter: w}; return c })
	evs, err := readAll(NewReader(get(t, context.Background(), srv).Body))
	if err != io.EOF || len(evs) != n {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	if got := <-counts; got != [2]int32{1, 1} {
		t.Errorf("a batch of %d events took %d writes and %d flushes, want 1 and 1", n, got[0], got[1])
	}
}

// TestServeGroupCommit checks that events sent while a write is in flight
// are written together by one write and one flush.
func TestServeGroupCommit(t *testing.T) {
	checkLeaks(t)
	const senders = 20
	var c *counter
	counts := make(chan [2]int32, 1)
	srv := streamServer(t, NewOptions(), &StreamConfig{}, func(s *Stream) error {
		var wg sync.WaitGroup
		wg.Go(func() { s.SendData("", "application/json", -1) })
		<-c.entered // the first write is in flight
		for i := range senders {
			wg.Go(func() { s.SendData("", "application/json", i) })
		}
		for queued := uint64(0); queued < senders+1; time.Sleep(time.Millisecond) {
			s.mu.Lock()
			queued = s.queued
			s.mu.Unlock()
		}
		close(c.gate)
		wg.Wait()
		counts <- [2]int32{c.writes.Load(), c.flushes.Load()}
		return nil
	}, func(w http.ResponseWriter) http.ResponseWriter {
		c = &counter{ResponseWriter: w, gate: make(chan struct{}), entered: make(chan struct{})}
		return c
	})
	evs, err := readAll(NewReader(get(t, context.Background(), srv).Body))
	if err != io.EOF || len(evs) != senders+1 {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	if got := <-counts; got != [2]int32{2, 2} {
		t.Errorf("%d writes and %d flushes, want 2 and 2", got[0], got[1])
	}
}

func TestServeConcurrentSenders(t *testing.T) {
	checkLeaks(t)
	const senders, each = 8, 200
	srv := streamServer(t, NewOptions(), &StreamConfig{}, func(s *Stream) error {
		var wg sync.WaitGroup
		for g := range senders {
			wg.Go(func() {
				for i := range each {
					// Multi-line data: an interleaving would mix lines.
					s.Send(&Event{Type: fmt.Sprint("g", g), ID: fmt.Sprint(i), Data: fmt.Appendf(nil, "%d\n%d\n%d", g, i, g)})
				}
			})
		}
		wg.Wait()
		return nil
	}, nil)
	evs, err := readAll(NewReader(get(t, context.Background(), srv).Body))
	if err != io.EOF || len(evs) != senders*each {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	next := make([]int, senders)
	for _, e := range evs {
		var g, i, g2 int
		if _, err := fmt.Sscanf(string(e.Data), "%d\n%d\n%d", &g, &i, &g2); err != nil || g != g2 || e.Type != fmt.Sprint("g", g) || e.ID != fmt.Sprint(i) || i != next[g] {
			t.Fatalf("event %+v out of place or mixed up", e)
		}
		next[g]++
	}
}

func TestServeSendAfterReturn(t *testing.T) {
	checkLeaks(t)
	stream := make(chan *Stream, 1)
	srv := streamServer(t, NewOptions(), &StreamConfig{}, func(s *Stream) error {
		stream <- s
		return s.Send(&Event{Data: []byte("a")})
	}, nil)
	io.ReadAll(get(t, context.Background(), srv).Body)
	s := <-stream
	if err := s.Send(&Event{Data: []byte("late")}); !errors.Is(err, errEnded) {
		t.Errorf("Send after the handler returned: %v", err)
	}
	if err := s.Open(); err == nil {
		t.Error("Open after the handler returned succeeded")
	}
}

func TestServeRespondAfterInvalidEvent(t *testing.T) {
	checkLeaks(t)
	srv := streamServer(t, NewOptions(WithLogger(slog.New(slog.DiscardHandler))), &StreamConfig{}, func(s *Stream) error {
		if err := s.Send(&Event{ID: "a\x00"}); err == nil {
			return errors.New("invalid event accepted")
		}
		if err := s.Respond(http.StatusOK, "application/json", func() {}); err == nil {
			return errors.New("unencodable response accepted")
		}
		// Neither commits the stream: the handler can still answer.
		return s.Respond(http.StatusTeapot, "text/plain", "teapot")
	}, nil)
	resp := get(t, context.Background(), srv)
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusTeapot || string(body) != "teapot" {
		t.Errorf("got %d %q, want 418 teapot", resp.StatusCode, body)
	}
}

func TestServeErrorDataNil(t *testing.T) {
	checkLeaks(t)
	cfg := &StreamConfig{
		ErrorEvent: "error",
		ErrorData:  func(err error) (string, any) { return "", nil }, // not an error the operation declares
	}
	srv := streamServer(t, NewOptions(WithLogger(slog.New(slog.DiscardHandler))), cfg, func(s *Stream) error {
		s.Send(&Event{Data: []byte("a")})
		return errors.New("internal")
	}, nil)
	evs, err := readAll(NewReader(get(t, context.Background(), srv).Body))
	checkEvents(t, evs, []Event{msg("message", "a", "")})
	if err != io.EOF {
		t.Error(err)
	}
}

func TestServeHTTP2(t *testing.T) {
	checkLeaks(t)
	sendErr := make(chan error, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Serve(w, r, NewOptions(WithWriteTimeout(time.Second)), &StreamConfig{Heartbeat: time.Millisecond}, func(s *Stream) error {
			if r.ProtoMajor != 2 {
				return fmt.Errorf("served over %s", r.Proto)
			}
			s.Send(&Event{Data: []byte("a")})
			<-s.Context().Done()
			sendErr <- s.Send(&Event{Data: []byte("late")})
			return nil
		})
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	resp := get(t, ctx, srv)
	if e, err := NewReader(resp.Body).Next(); resp.ProtoMajor != 2 || err != nil || string(e.Data) != "a" {
		t.Fatalf("over %s: %q, %v", resp.Proto, e.Data, err)
	}
	cancel()
	if err := await(t, sendErr, "Send to fail after the client left"); err == nil {
		t.Error("Send succeeded after the client left")
	}
}

// TestServeBatchOutlivesHandler checks that the handler's end flushes what a
// Batch still running elsewhere queued, the End sentinel included.
func TestServeBatchOutlivesHandler(t *testing.T) {
	checkLeaks(t)
	release := make(chan struct{})
	batchErr := make(chan error, 1)
	srv := streamServer(t, NewOptions(), &StreamConfig{End: []byte("end")}, func(s *Stream) error {
		queued := make(chan struct{})
		go func() {
			batchErr <- s.Batch(func() error {
				s.Send(&Event{Data: []byte("a")})
				close(queued)
				<-release
				return nil
			})
		}()
		<-queued
		return nil
	}, nil)
	evs, err := readAll(NewReader(get(t, context.Background(), srv).Body))
	close(release)
	checkEvents(t, evs, []Event{msg("message", "a", ""), msg("message", "end", "")})
	if err != io.EOF {
		t.Error(err)
	}
	if err := await(t, batchErr, "the batch"); err != nil {
		t.Errorf("Batch after the handler returned: %v, want nil: its events were written", err)
	}
}

// TestServeKeepAliveDeadline checks that a stream's write deadline does not
// stay on a keep-alive connection to cut its next response. (Recent net/http
// clears it too; Serve does not rely on that.)
func TestServeKeepAliveDeadline(t *testing.T) {
	checkLeaks(t)
	o := NewOptions(WithWriteTimeout(50 * time.Millisecond))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(150 * time.Millisecond) // past the stream's deadline
			io.WriteString(w, "ok")
			return
		}
		Serve(w, r, o, &StreamConfig{}, func(s *Stream) error { return s.Send(&Event{Data: []byte("a")}) })
	}))
	t.Cleanup(srv.Close)
	var conns []net.Conn
	for _, path := range []string{"/", "/slow"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req = req.WithContext(httptraceConn(req.Context(), &conns))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: %q, %v", path, body, err)
		}
	}
	if len(conns) != 2 || conns[0] != conns[1] {
		t.Fatalf("the requests did not share a connection")
	}
}

// httptraceConn records the connection each request of ctx gets.
func httptraceConn(ctx context.Context, conns *[]net.Conn) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { *conns = append(*conns, info.Conn) },
	})
}

// TestServeHeartbeatsShareTimer runs streams with different heartbeat
// intervals at once: each gets its own heartbeats, and an ended stream
// leaves the shared schedule.
func TestServeHeartbeatsShareTimer(t *testing.T) {
	checkLeaks(t)
	intervals := []time.Duration{2 * time.Millisecond, 5 * time.Millisecond, time.Hour, 3 * time.Millisecond}
	var wg sync.WaitGroup
	for _, interval := range intervals {
		srv := streamServer(t, NewOptions(), &StreamConfig{Heartbeat: interval}, func(s *Stream) error {
			s.Open()
			<-s.Context().Done()
			return nil
		}, nil)
		ctx, cancel := context.WithCancel(context.Background())
		resp := get(t, ctx, srv)
		wg.Go(func() {
			defer cancel()
			lines := make(chan string)
			go rawLines(resp.Body, lines)
			if interval == time.Hour {
				return
			}
			for range 3 {
				if line := await(t, lines, fmt.Sprint("a heartbeat every ", interval)); line != ":" {
					t.Errorf("line %q, want a heartbeat", line)
				}
			}
			cancel()
			for range lines {
			}
		})
	}
	wg.Wait()
	// Every stream ended: none is left in the schedule.
	deadline := time.Now().Add(10 * time.Second)
	for {
		timers.mu.Lock()
		n := timers.Len()
		timers.mu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d streams left in the heartbeat schedule", n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAcceptsEventStream(t *testing.T) {
	for _, tc := range []struct {
		accept []string
		want   bool
	}{
		{nil, false},
		{[]string{"*/*"}, false}, // curl: takes anything, asks for nothing
		{[]string{"text/*"}, false},
		{[]string{"application/json"}, false},
		{[]string{"text/event-stream"}, true}, // EventSource
		{[]string{"Text/Event-Stream"}, true},
		{[]string{"application/json, text/event-stream"}, true},
		{[]string{"application/json", "text/event-stream;q=0.5"}, true},
		{[]string{"text/event-stream;q=0, application/json"}, false},
		{[]string{"text/event-stream; q=0.000"}, false},
		{[]string{"text/event-stream-x"}, false},
		{[]string{",;, text/event-stream"}, true},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Accept"] = tc.accept
		if got := AcceptsEventStream(r); got != tc.want {
			t.Errorf("Accept %q: %v, want %v", tc.accept, got, tc.want)
		}
	}
}

// SetHeaders adds headers until the stream commits them, then reports
// ErrCommitted.
func TestServeSetHeaders(t *testing.T) {
	checkLeaks(t)
	srv := streamServer(t, NewOptions(), &StreamConfig{}, func(s *Stream) error {
		if err := s.SetHeaders(func(h http.Header) { h.Set("X-Resumed-From", "41") }); err != nil {
			return err
		}
		if err := s.Open(); err != nil {
			return err
		}
		err := s.SetHeaders(func(h http.Header) { h.Set("X-Late", "1") })
		return s.SendData("", "text/plain", fmt.Sprint(err == ErrCommitted))
	}, nil)
	resp := get(t, context.Background(), srv)
	body, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("X-Resumed-From") != "41" || resp.Header.Get("X-Late") != "" || string(body) != "data: true\n\n" {
		t.Errorf("headers %v, body %q", resp.Header, body)
	}
}
