package natsbus_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/internal/natstest"
	"github.com/ssegen/ssegen/natsbus"
	"github.com/ssegen/ssegen/runtime"
	"github.com/ssegen/ssegen/runtime/bustest"
)

// streams numbers the streams of a test run, each bus of the suite having
// a store of its own.
var streams atomic.Int64

// connect returns a JetStream context on a new connection to srv, closed
// when t ends.
func connect(t *testing.T, srv *natstest.Server) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(srv.URL, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func newBus(t *testing.T, js jetstream.JetStream, opts ...natsbus.Option) *natsbus.Bus {
	t.Helper()
	bus, err := natsbus.New(t.Context(), js, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	return bus
}

// uniqueStream names a new stream and its subjects.
func uniqueStream() (name string, opts []natsbus.Option) {
	n := strconv.FormatInt(streams.Add(1), 10)
	return "TEST_" + n, []natsbus.Option{natsbus.WithStream("TEST_" + n), natsbus.WithSubjectPrefix("test" + n)}
}

func TestBus(t *testing.T) {
	srv := natstest.Start(t)
	bustest.Run(t, func(t *testing.T, lim bustest.Limits) runtime.Bus {
		_, opts := uniqueStream()
		opts = append(opts,
			natsbus.WithMaxMsgs(int64(lim.History)),
			natsbus.WithHub(runtime.WithHistory(lim.History), runtime.WithSubscriberQueue(lim.Queue)))
		return newBus(t, connect(t, srv), opts...)
	})
}

// noLeaks checks, once t and its cleanups are done, that no goroutine of
// it is left.
func noLeaks(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

func ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// receive reads n events from sub and checks they are ids[from:from+n],
// published by bustest.Publish.
func receive(t *testing.T, sub runtime.Subscription, ids []string, from, n int) {
	t.Helper()
	for k, e := range bustest.Receive(t, sub, n) {
		if e.ID != ids[from+k] || string(e.Data) != strconv.Itoa(from+k) {
			t.Fatalf("event %d = %s %q, want %s %q", from+k, e.ID, e.Data, ids[from+k], strconv.Itoa(from+k))
		}
	}
}

// streamInfo returns the state of the stream opts name.
func streamInfo(t *testing.T, js jetstream.JetStream, name string) *jetstream.StreamInfo {
	t.Helper()
	s, err := js.Stream(ctx(t), name)
	if err != nil {
		t.Fatal(err)
	}
	return s.CachedInfo()
}

// Two instances share the stream: events published on one reach the
// other's subscribers, and an id from one resumes on the other; each
// instance follows a topic with one consumer however many subscribe.
func TestInstancesShareFeeds(t *testing.T) {
	noLeaks(t)
	srv := natstest.Start(t)
	name, opts := uniqueStream()
	a, js := newBus(t, connect(t, srv), opts...), connect(t, srv)
	b := newBus(t, js, opts...)

	const subscribers = 50
	subs := make([]runtime.Subscription, subscribers)
	for i := range subs {
		subs[i] = bustest.Subscribe(t, b, "pets", "")
	}
	ids := bustest.Publish(t, a, "pets", 0, 10)
	for _, sub := range subs {
		receive(t, sub, ids, 0, 10)
	}
	if n := streamInfo(t, js, name).State.Consumers; n != 1 {
		t.Errorf("%d subscribers on one instance use %d consumers, want 1", subscribers, n)
	}
	// Resuming on a after an id b delivered, and on b after a's.
	receive(t, bustest.Subscribe(t, a, "pets", ids[3]), ids, 4, 6)
	more := bustest.Publish(t, a, "pets", 10, 12)
	ids = append(ids, more...)
	receive(t, bustest.Subscribe(t, b, "pets", ids[9]), ids, 10, 2)
}

// A restart of nats-server with file storage keeps ids valid: subscribers
// are cut off, and resume with their last id, missing nothing.
func TestRestartKeepsIDs(t *testing.T) {
	noLeaks(t)
	srv := natstest.Start(t)
	_, opts := uniqueStream()
	js := connect(t, srv)
	bus := newBus(t, js, opts...)
	ids := bustest.Publish(t, bus, "t", 0, 5)
	sub := bustest.Subscribe(t, bus, "t", ids[1])
	receive(t, sub, ids, 2, 3)

	srv.Restart()
	// The subscriber learns it lost the stream.
	if _, err := sub.Next(ctx(t), nil); err == nil {
		t.Fatal("Next after a restart of nats-server: no error")
	}
	waitConnected(t, js)
	ids = append(ids, bustest.Publish(t, bus, "t", 5, 8)...)
	again := bustest.Subscribe(t, bus, "t", ids[4])
	if id, gap := again.Gap(); gap {
		t.Fatalf("resuming after a restart: gap (%s)", id)
	}
	receive(t, again, ids, 5, 3)
	// An id from before the restart is still valid, replayed from the store.
	receive(t, bustest.Subscribe(t, bus, "t", ids[0]), ids, 1, 7)
}

// waitUntil waits up to 10s for cond to return nil, failing t with its
// last error then.
func waitUntil(t *testing.T, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitConnected waits for js's connection to be back, and JetStream ready.
func waitConnected(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	waitUntil(t, func() error {
		c, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := js.AccountInfo(c); err != nil {
			return fmt.Errorf("JetStream not back after restart: %w", err)
		}
		return nil
	})
}

// A stream deleted and made again starts a new epoch: ids from before it
// resume with a gap, never with the new stream's events of equal sequence.
func TestRecreatedStreamGivesGap(t *testing.T) {
	noLeaks(t)
	srv := natstest.Start(t)
	js := connect(t, srv)
	name, opts := uniqueStream()
	bus := newBus(t, js, opts...)
	old := bustest.Publish(t, bus, "t", 0, 3)
	live := bustest.Subscribe(t, bus, "t", old[0])
	receive(t, live, old, 1, 2)

	if err := js.DeleteStream(ctx(t), name); err != nil {
		t.Fatal(err)
	}
	if _, err := live.Next(ctx(t), nil); err == nil {
		t.Fatal("Next after the stream was deleted: no error")
	}
	ids := bustest.Publish(t, bus, "t", 0, 5) // makes the stream again
	for _, id := range old {
		sub := bustest.Subscribe(t, bus, "t", id)
		if _, gap := sub.Gap(); !gap {
			t.Fatalf("id %s of the deleted stream resumed without a gap", id)
		}
	}
	receive(t, bustest.Subscribe(t, bus, "t", ids[0]), ids, 1, 4)
}

// Retention comes from the options: the stream is made with them, and an
// id whose successors aged out resumes with a gap.
func TestRetention(t *testing.T) {
	noLeaks(t)
	srv := natstest.Start(t)
	js := connect(t, srv)
	name, opts := uniqueStream()
	bus := newBus(t, js, append(opts, natsbus.WithMaxAge(time.Second), natsbus.WithMaxMsgs(100), natsbus.WithMaxBytes(1<<20))...)
	cfg := streamInfo(t, js, name).Config
	if cfg.MaxAge != time.Second || cfg.MaxMsgs != 100 || cfg.MaxBytes != 1<<20 || cfg.Storage != jetstream.FileStorage {
		t.Fatalf("stream config: max age %v, msgs %d, bytes %d, storage %v", cfg.MaxAge, cfg.MaxMsgs, cfg.MaxBytes, cfg.Storage)
	}
	ids := bustest.Publish(t, bus, "t", 0, 3)
	waitUntil(t, func() error {
		if n := streamInfo(t, js, name).State.Msgs; n > 0 {
			return fmt.Errorf("%d events older than the max age still in the stream", n)
		}
		return nil
	})
	sub := bustest.Subscribe(t, bus, "t", ids[0])
	if _, gap := sub.Gap(); !gap {
		t.Fatal("resuming after aged out events: no gap")
	}
	// The last id has no successor to lose: it resumes.
	if id, gap := bustest.Subscribe(t, bus, "t", ids[2]).Gap(); gap {
		t.Fatalf("resuming after the last event: gap (%s)", id)
	}

	// Zero sets no limit.
	name, opts = uniqueStream()
	newBus(t, js, append(opts, natsbus.WithMaxAge(0), natsbus.WithMaxMsgs(0), natsbus.WithMaxBytes(-5))...)
	if cfg := streamInfo(t, js, name).Config; cfg.MaxAge != 0 || cfg.MaxMsgs != -1 || cfg.MaxBytes != -1 {
		t.Fatalf("stream without limits: max age %v, msgs %d, bytes %d", cfg.MaxAge, cfg.MaxMsgs, cfg.MaxBytes)
	}
}

// A client that goes away while subscribing, at any point, leaves no
// consumer behind.
func TestAbandonedSubscribeLeavesNoConsumer(t *testing.T) {
	noLeaks(t)
	srv := natstest.Start(t)
	name, opts := uniqueStream()
	js := connect(t, srv)
	bus := newBus(t, js, opts...)
	ids := bustest.Publish(t, bus, "t", 0, 3)
	for i := range 40 {
		c, cancel := context.WithTimeout(t.Context(), time.Duration(i%10)*200*time.Microsecond)
		sub, err := bus.Subscribe(c, "t", ids[0]) // replayed from the stream
		cancel()
		if err == nil {
			sub.Close()
		}
	}
	waitUntil(t, func() error {
		if n := streamInfo(t, js, name).State.Consumers; n > 0 {
			return fmt.Errorf("%d consumers left after every subscriber left", n)
		}
		return nil
	})
}

// Topics are any strings: each gets a subject of its own.
func TestTopicNames(t *testing.T) {
	noLeaks(t)
	srv := natstest.Start(t)
	_, opts := uniqueStream()
	bus := newBus(t, connect(t, srv), opts...)
	topics := []string{"orders.a b", "orders.a.b", "orders.*", "orders.>", "orders..", ""}
	subs := make([]runtime.Subscription, len(topics))
	for i, topic := range topics {
		subs[i] = bustest.Subscribe(t, bus, topic, "")
	}
	for i, topic := range topics {
		ids := bustest.Publish(t, bus, topic, i, i+1)
		padded := append(make([]string, i), ids...)
		receive(t, subs[i], padded, i, 1)
	}
	for i, sub := range subs {
		c, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		got, err := sub.Next(c, nil)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("topic %q got %d more events (%v)", topics[i], len(got), err)
		}
	}
}

func ExampleNew() {
	nc, err := nats.Connect(nats.DefaultURL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	bus, err := natsbus.New(context.Background(), js, natsbus.WithMaxAge(time.Hour), natsbus.WithMaxMsgs(100_000))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer bus.Close()
	// Hand bus to the generated feeds, in place of runtime.NewMemoryBus().
}

// A replay from the stream that the stream's retention overtakes stops
// with ErrSlowSubscriber after the events it could deliver, never skipping
// one: the client resumes with the last id it got, and gets a gap.
func TestReplayOvertakenByRetention(t *testing.T) {
	noLeaks(t)
	srv := natstest.Start(t)
	_, opts := uniqueStream()
	bus := newBus(t, connect(t, srv), append(opts, natsbus.WithMaxMsgs(10))...)
	ids := bustest.Publish(t, bus, "t", 0, 10)
	sub := bustest.Subscribe(t, bus, "t", ids[0])              // no other subscriber: replayed from the stream
	ids = append(ids, bustest.Publish(t, bus, "t", 10, 15)...) // events 0 to 4 leave the stream
	receive(t, sub, ids, 1, 1)                                 // fetched while subscribing
	if got, err := sub.Next(ctx(t), nil); !errors.Is(err, runtime.ErrSlowSubscriber) {
		t.Fatalf("Next after the stream dropped the next events = %d events, %v; want ErrSlowSubscriber", len(got), err)
	}
	again := bustest.Subscribe(t, bus, "t", ids[1])
	if _, gap := again.Gap(); !gap {
		t.Fatal("resuming after the overtaken replay: no gap")
	}

	// The same when the other topics' events push out all of this one's.
	ids = bustest.Publish(t, bus, "v", 0, 10)
	sub = bustest.Subscribe(t, bus, "v", ids[0])
	bustest.Publish(t, bus, "w", 0, 10)
	receive(t, sub, ids, 1, 1)
	if got, err := sub.Next(ctx(t), nil); !errors.Is(err, runtime.ErrSlowSubscriber) {
		t.Fatalf("Next after the stream dropped the topic's events = %d events, %v; want ErrSlowSubscriber", len(got), err)
	}
}

// A replay that meets an event that cannot be sent (stored by another
// publisher than a Bus) hands over the events it read before it, and fails
// at the next call: the client resumes with the last of them rather than
// being replayed them again at each reconnection.
func TestReplayStopsBeforeInvalidEvent(t *testing.T) {
	noLeaks(t)
	srv := natstest.Start(t)
	js := connect(t, srv)
	name, opts := uniqueStream()
	bus := newBus(t, js, opts...)
	ids := bustest.Publish(t, bus, "t", 0, 3)
	topicSubject := strings.TrimSuffix(streamInfo(t, js, name).Config.Subjects[0], ">") + "t"
	if _, err := js.Publish(ctx(t), topicSubject, []byte{0xff}); err != nil {
		t.Fatal(err)
	}
	sub := bustest.Subscribe(t, bus, "t", ids[0]) // no other subscriber: replayed from the stream
	got, err := sub.Next(ctx(t), nil)
	if err != nil || len(got) != 2 || got[0].ID != ids[1] || got[1].ID != ids[2] {
		t.Fatalf("Next = %d events, %v; want events 1 and 2, no error", len(got), err)
	}
	var fe *runtime.FieldError
	if got, err := sub.Next(ctx(t), nil); !errors.As(err, &fe) {
		t.Fatalf("Next at the invalid event = %d events, %v; want a *runtime.FieldError", len(got), err)
	}
}

// A client that goes away while Follow subscribes ends Follow with nil, as
// when it goes away later: its request's context is done before the
// subscription, which needs a replay from the stream, is made.
func TestFollowClientGoneWhileSubscribing(t *testing.T) {
	noLeaks(t)
	srv := natstest.Start(t)
	_, opts := uniqueStream()
	bus := newBus(t, connect(t, srv), opts...)
	ids := bustest.Publish(t, bus, "t", 0, 2)
	o := runtime.NewOptions(runtime.WithLogger(slog.New(slog.DiscardHandler)))
	followed := make(chan error, 1)
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gone, cancel := context.WithCancel(r.Context())
		cancel()
		runtime.Serve(w, r.WithContext(gone), o, &runtime.StreamConfig{}, func(s *runtime.Stream) error {
			err := s.Follow(bus, "t", func(string) error { return errors.New("unexpected gap") })
			followed <- err
			return err
		})
	}))
	defer web.Close()
	req, err := http.NewRequestWithContext(ctx(t), "GET", web.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Last-Event-ID", ids[0]) // no subscriber yet: replayed from the stream
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-followed; err != nil {
		t.Fatalf("Follow for a client gone while subscribing = %v, want nil", err)
	}
}
