package feeds_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/feeds"
	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/runtime"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// server serves orders 7 and 8 and the news from the feeds of one bus.
type server struct {
	orders *feeds.WatchOrderFeed
	news   *feeds.WatchNewsFeed
}

func (s *server) WatchOrder(ctx context.Context, req *feeds.WatchOrderRequest, stream *feeds.WatchOrderStream) error {
	if req.OrderID != 7 && req.OrderID != 8 {
		title := "no such order"
		return stream.Respond(feeds.WatchOrder404Response{Body: feeds.Problem{Title: &title}})
	}
	if req.LastEventID == "" { // the handler's own event first, without an id
		if err := stream.SendNote("following order " + strconv.FormatInt(req.OrderID, 10)); err != nil {
			return err
		}
	}
	return stream.Follow(s.orders, feeds.Reset{Reason: "missed events"})
}

func (s *server) WatchNews(ctx context.Context, req *feeds.WatchNewsRequest, stream *feeds.WatchNewsStream) error {
	return stream.Follow(s.news, feeds.Reset{Reason: "missed headlines"})
}

// start serves a handler over bus on loopback, wrapped by wrap when not
// nil.
func start(t *testing.T, bus runtime.Bus, wrap func(http.Handler) http.Handler, opts ...runtime.Option) (*server, *httptest.Server) {
	t.Helper()
	s := &server{orders: feeds.NewWatchOrderFeed(bus, opts...), news: feeds.NewWatchNewsFeed(bus, opts...)}
	h := feeds.NewHandler(s, opts...)
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return s, srv
}

func publishOrder(t *testing.T, s *server, order int64, status string) string {
	t.Helper()
	id, err := s.orders.PublishMessage(t.Context(), order, feeds.Order{ID: order, Status: status})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestReplayThenLive(t *testing.T) {
	s, srv := start(t, runtime.NewMemoryBus(), nil)
	ids := []string{publishOrder(t, s, 7, "new"), publishOrder(t, s, 7, "paid")}
	publishOrder(t, s, 8, "new") // another order's topic
	ids = append(ids, publishOrder(t, s, 7, "packed"))

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	resp := goldentest.Do(t, goldentest.Request{Method: "GET", URL: srv.URL + "/orders/7/events", Header: http.Header{"Last-Event-ID": {ids[0]}}})
	rd := runtime.NewReader(resp.Body)
	next := func() runtime.Event {
		t.Helper()
		ev, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	for i, want := range []string{`{"id":7,"status":"paid"}`, `{"id":7,"status":"packed"}`} {
		if ev := next(); ev.Type != "message" || ev.ID != ids[i+1] || string(ev.Data) != want {
			t.Fatalf("replayed event %d = %s %s %s, want message %s %s", i, ev.Type, ev.ID, ev.Data, ids[i+1], want)
		}
	}
	live, err := s.orders.PublishNote(ctx, 7, "left the\nwarehouse")
	if err != nil {
		t.Fatal(err)
	}
	if ev := next(); ev.Type != "note" || ev.ID != live || string(ev.Data) != "left the\nwarehouse" {
		t.Fatalf("live event = %s %s %q, want note %s", ev.Type, ev.ID, ev.Data, live)
	}
}

func TestOwnEventsFirstAndNotFound(t *testing.T) {
	s, srv := start(t, runtime.NewMemoryBus(), nil)
	c := feeds.NewClient(srv.URL)
	stream, err := c.WatchOrder(t.Context(), &feeds.WatchOrderRequest{OrderID: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	ev, err := stream.Next()
	if note, ok := ev.(feeds.WatchOrderNote); err != nil || !ok || note.Data != "following order 8" || note.ID != "" {
		t.Fatalf("first event = %#v, %v; want the handler's note without an id", ev, err)
	}
	// The handler follows the feed right after its note: publish until an
	// event reaches the client, which must be one of those published.
	published := make(chan string, 1000)
	stop := make(chan struct{})
	go func() {
		defer close(published)
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				id, err := s.orders.PublishMessage(context.Background(), 8, feeds.Order{ID: 8, Status: "shipped"})
				if err != nil {
					t.Error(err)
					return
				}
				published <- id
			}
		}
	}()
	ev, err = stream.Next()
	close(stop)
	ids := map[string]bool{}
	for id := range published {
		ids[id] = true
	}
	if m, ok := ev.(feeds.WatchOrderMessage); err != nil || !ok || !ids[m.ID] || m.Data.Status != "shipped" {
		t.Fatalf("second event = %#v, %v; want a published message", ev, err)
	}

	_, err = c.WatchOrder(t.Context(), &feeds.WatchOrderRequest{OrderID: 9})
	var nf feeds.WatchOrder404Response
	if !errors.As(err, &nf) || nf.Body.Title == nil || *nf.Body.Title != "no such order" {
		t.Fatalf("WatchOrder(9) = %v, want the 404 response", err)
	}
}

func TestGap(t *testing.T) {
	// An id of another bus, as before a restart.
	stale, err := feeds.NewWatchNewsFeed(runtime.NewMemoryBus()).PublishHeadline(t.Context(), feeds.Headline{Title: "before the restart"})
	if err != nil {
		t.Fatal(err)
	}

	s, srv := start(t, runtime.NewMemoryBus(runtime.WithHistory(2)), nil)
	c := feeds.NewClient(srv.URL, runtime.WithReconnectBackoff(time.Millisecond, time.Millisecond))
	var trimmed []string
	for i := range 4 {
		id, err := s.news.PublishHeadline(t.Context(), feeds.Headline{Title: strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		trimmed = append(trimmed, id)
	}
	for _, lastID := range []string{stale, trimmed[0], "not an id"} {
		stream, err := c.WatchNews(t.Context(), &feeds.WatchNewsRequest{LastEventID: lastID})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := stream.Next()
		missed, ok := ev.(feeds.WatchNewsMissed)
		if err != nil || !ok || missed.Data.Reason != "missed headlines" || missed.ID == "" {
			t.Fatalf("after %q: first event = %#v, %v; want the gap event with an id", lastID, ev, err)
		}
		// Live events follow, and the gap's id resumes there.
		live, err := s.news.PublishHeadline(t.Context(), feeds.Headline{Title: "live"})
		if err != nil {
			t.Fatal(err)
		}
		if ev, err := stream.Next(); err != nil || ev.(feeds.WatchNewsHeadline).ID != live {
			t.Fatalf("after the gap: %#v, %v; want headline %s", ev, err, live)
		}
		stream.Close()
		again, err := c.WatchNews(t.Context(), &feeds.WatchNewsRequest{LastEventID: missed.ID})
		if err != nil {
			t.Fatal(err)
		}
		if ev, err := again.Next(); err != nil || ev.(feeds.WatchNewsHeadline).ID != live {
			t.Fatalf("resuming after the gap's id: %#v, %v; want headline %s", ev, err, live)
		}
		again.Close()
	}
}

// TestResumeAcrossDrops follows a feed through the generated client while
// the server cuts every connection after a few milliseconds: the client
// resumes each time with its Last-Event-ID and receives every event once,
// in order.
func TestResumeAcrossDrops(t *testing.T) {
	var connections atomic.Int32
	cut := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			connections.Add(1)
			ctx, cancel := context.WithTimeout(r.Context(), time.Duration(1+rand.IntN(8))*time.Millisecond)
			defer cancel()
			h.ServeHTTP(w, r.WithContext(ctx))
		})
	}
	s, srv := start(t, runtime.NewMemoryBus(), cut)
	c := feeds.NewClient(srv.URL, runtime.WithReconnectBackoff(time.Millisecond, 2*time.Millisecond), runtime.WithMaxReconnects(-1))
	const n = 300
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	// Resuming from the start: no event published from now on is missed.
	start := publishOrder(t, s, 7, "start")
	stream, err := c.WatchOrder(ctx, &feeds.WatchOrderRequest{OrderID: 7, LastEventID: start})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	go func() {
		for i := range n {
			if _, err := s.orders.PublishMessage(context.Background(), 7, feeds.Order{ID: 7, Status: strconv.Itoa(i)}); err != nil {
				done <- err
				return
			}
			if i%2 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
		done <- nil
	}()
	next := 0
	for next < n {
		ev, err := stream.Next()
		if err != nil {
			t.Fatalf("after %d events: %v", next, err)
		}
		switch ev := ev.(type) {
		case feeds.WatchOrderMessage:
			if ev.Data.Status != strconv.Itoa(next) {
				t.Fatalf("got event %s, want %d: lost or duplicated", ev.Data.Status, next)
			}
			next++
		default:
			t.Fatalf("unexpected %#v", ev)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c := connections.Load(); c < 10 {
		t.Fatalf("%d connections: the test did not drop the stream often", c)
	}
	t.Logf("%d events over %d connections", n, connections.Load())
}
