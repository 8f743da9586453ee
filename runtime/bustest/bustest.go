// Package bustest is the behavioural test suite every runtime.Bus passes:
// the guarantees documented on runtime.Bus, checked over the bus's own
// store. A bus's tests call Run with a constructor.
package bustest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/runtime"
)

// Limits are the bounds a test needs the bus to have.
type Limits struct {
	// History is how many events of a topic the bus retains, at least:
	// older ones may be dropped, and resuming after the event History+Slack
	// events back must report a gap.
	History int
	// Queue is how many live events a subscriber may have pending before
	// it is cut off.
	Queue int
}

// Slack is how far beyond Limits.History a bus may keep events (a
// distributed bus may hold a few more while trimming).
const Slack = 8

// NewBus returns a bus with lim over a new, empty store: each call starts a
// new epoch, whose ids the other buses do not resume. It releases the bus
// with t.Cleanup.
type NewBus func(t *testing.T, lim Limits) runtime.Bus

// Run runs the suite against the buses newBus makes, each test checking
// that no goroutine outlives it.
func Run(t *testing.T, newBus NewBus) {
	tests := []struct {
		name string
		run  func(*testing.T, NewBus)
	}{
		{"ReplayAfterAnyID", testReplayAfterAnyID},
		{"NewClientGetsLiveOnly", testNewClientGetsLiveOnly},
		{"TopicsAreSeparate", testTopicsAreSeparate},
		{"SharedFrame", testSharedFrame},
		{"InvalidEvent", testInvalidEvent},
		{"GapTrimmedHistory", testGapTrimmedHistory},
		{"GapUnknownID", testGapUnknownID},
		{"GapEmptyBus", testGapEmptyBus},
		{"GapOtherEpoch", testGapOtherEpoch},
		{"ConcurrentPublishers", testConcurrentPublishers},
		{"SlowSubscriberCutOff", testSlowSubscriberCutOff},
		{"NextEndsWithContext", testNextEndsWithContext},
		{"CloseEndsNext", testCloseEndsNext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			// Registered first, so it runs after the bus's own cleanup.
			t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
			tt.run(t, newBus)
		})
	}
}

var lim = Limits{History: 64, Queue: 16}

func ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func message(i int) runtime.Message {
	return runtime.Message{Name: "n" + strconv.Itoa(i%3), ContentType: "application/json", Data: []byte(strconv.Itoa(i))}
}

// Publish publishes events from to to-1 of the suite on topic, failing t
// when it cannot, and returns their ids. Event i has data i in decimal.
func Publish(t *testing.T, bus runtime.Bus, topic string, from, to int) []string {
	t.Helper()
	var ids []string
	for i := from; i < to; i++ {
		id, err := bus.Publish(ctx(t), topic, message(i))
		if err != nil {
			t.Fatalf("Publish %d: %v", i, err)
		}
		if id == "" {
			t.Fatalf("Publish %d: empty id", i)
		}
		ids = append(ids, id)
	}
	return ids
}

// Subscribe subscribes to topic after lastID, failing t when it cannot, and
// closes the subscription when t ends.
func Subscribe(t *testing.T, bus runtime.Bus, topic, lastID string) runtime.Subscription {
	t.Helper()
	sub, err := bus.Subscribe(ctx(t), topic, lastID)
	if err != nil {
		t.Fatalf("Subscribe(%q, %q): %v", topic, lastID, err)
	}
	t.Cleanup(func() { sub.Close() })
	return sub
}

// Receive reads n events from sub, failing t when Next fails or delivers
// more.
func Receive(t *testing.T, sub runtime.Subscription, n int) []*runtime.FeedEvent {
	t.Helper()
	var got []*runtime.FeedEvent
	for len(got) < n {
		var err error
		if got, err = sub.Next(ctx(t), got); err != nil {
			t.Fatalf("Next after %d of %d events: %v", len(got), n, err)
		}
	}
	if len(got) > n {
		t.Fatalf("got %d events, want %d", len(got), n)
	}
	return got
}

// expectQuiet checks that sub has nothing more to deliver for a moment.
func expectQuiet(t *testing.T, sub runtime.Subscription) {
	t.Helper()
	c, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	got, err := sub.Next(c, nil)
	if len(got) > 0 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next = %d events (first %v), %v; want none before the deadline", len(got), first(got), err)
	}
}

func first(evs []*runtime.FeedEvent) string {
	if len(evs) == 0 {
		return "none"
	}
	return fmt.Sprintf("%s %q", evs[0].ID, evs[0].Data)
}

// checkEvents checks that got are events from..to-1 of publish, with ids.
func checkEvents(t *testing.T, got []*runtime.FeedEvent, ids []string, from, to int) {
	t.Helper()
	if len(got) != to-from {
		t.Fatalf("got %d events, want %d (%d..%d)", len(got), to-from, from, to-1)
	}
	var prev uint64
	for k, e := range got {
		i := from + k
		m := message(i)
		if e.ID != ids[i] || e.Name != m.Name || e.ContentType != m.ContentType || string(e.Data) != string(m.Data) {
			t.Fatalf("event %d = {%s %s %s %q}, want {%s %s %s %q}", i, e.ID, e.Name, e.ContentType, e.Data, ids[i], m.Name, m.ContentType, m.Data)
		}
		if k > 0 && e.Seq <= prev {
			t.Fatalf("event %d has Seq %d after %d", i, e.Seq, prev)
		}
		prev = e.Seq
	}
}

func checkNoGap(t *testing.T, sub runtime.Subscription) {
	t.Helper()
	if id, gap := sub.Gap(); gap {
		t.Fatalf("Gap() = %q, true; want no gap", id)
	}
}

func testReplayAfterAnyID(t *testing.T, newBus NewBus) {
	bus := newBus(t, lim)
	const n = 20
	ids := Publish(t, bus, "t", 0, n)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("id %q assigned twice", id)
		}
		seen[id] = true
	}
	for i := range n {
		sub := Subscribe(t, bus, "t", ids[i])
		checkNoGap(t, sub)
		got := Receive(t, sub, n-1-i)
		checkEvents(t, got, ids, i+1, n)
	}
	// Replay, then live, with nothing in between lost or repeated.
	sub := Subscribe(t, bus, "t", ids[n/2])
	ids = append(ids, Publish(t, bus, "t", n, n+5)...)
	checkEvents(t, Receive(t, sub, n+5-n/2-1), ids, n/2+1, n+5)
	expectQuiet(t, sub)
}

func testNewClientGetsLiveOnly(t *testing.T, newBus NewBus) {
	bus := newBus(t, lim)
	ids := Publish(t, bus, "t", 0, 3)
	sub := Subscribe(t, bus, "t", "")
	checkNoGap(t, sub)
	expectQuiet(t, sub)
	ids = append(ids, Publish(t, bus, "t", 3, 6)...)
	checkEvents(t, Receive(t, sub, 3), ids, 3, 6)
}

func testTopicsAreSeparate(t *testing.T, newBus NewBus) {
	bus := newBus(t, lim)
	a, b := Subscribe(t, bus, "a", ""), Subscribe(t, bus, "b.1", "")
	idsA := Publish(t, bus, "a", 0, 4)
	idsB := Publish(t, bus, "b.1", 0, 2)
	checkEvents(t, Receive(t, a, 4), idsA, 0, 4)
	checkEvents(t, Receive(t, b, 2), idsB, 0, 2)
	expectQuiet(t, a)
	expectQuiet(t, b)
	// An id of one topic resumes another where it stands in the bus's
	// order: whatever it delivers are events of its own topic.
	c := Subscribe(t, bus, "b.1", idsA[0])
	if _, gap := c.Gap(); !gap {
		got, err := c.Next(ctx(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range got {
			if e.ID != idsB[0] && e.ID != idsB[1] {
				t.Fatalf("topic b.1 delivered %s, not one of its events", e.ID)
			}
		}
	}
}

func testSharedFrame(t *testing.T, newBus NewBus) {
	bus := newBus(t, lim)
	subs := []runtime.Subscription{Subscribe(t, bus, "t", ""), Subscribe(t, bus, "t", ""), Subscribe(t, bus, "t", "")}
	m := runtime.Message{Name: "changed", ContentType: "text/plain", Data: []byte("two\nlines")}
	id, err := bus.Publish(ctx(t), "t", m)
	if err != nil {
		t.Fatal(err)
	}
	want, err := runtime.AppendEvent(nil, &runtime.Event{Type: m.Name, ID: id, Data: m.Data})
	if err != nil {
		t.Fatal(err)
	}
	var frame []byte
	for i, sub := range subs {
		e := Receive(t, sub, 1)[0]
		if string(e.Frame) != string(want) {
			t.Fatalf("subscriber %d got frame %q, want %q", i, e.Frame, want)
		}
		if i > 0 && &e.Frame[0] != &frame[0] {
			t.Fatalf("subscriber %d got a frame of its own, not the shared one", i)
		}
		frame = e.Frame
	}
}

func testInvalidEvent(t *testing.T, newBus NewBus) {
	bus := newBus(t, lim)
	sub := Subscribe(t, bus, "t", "")
	for _, m := range []runtime.Message{
		{Name: "a\nb", Data: []byte("1")},
		{Name: "a", Data: []byte{0xff}},
	} {
		_, err := bus.Publish(ctx(t), "t", m)
		var fe *runtime.FieldError
		if !errors.As(err, &fe) {
			t.Fatalf("Publish(%q, %q) = %v, want a *runtime.FieldError", m.Name, m.Data, err)
		}
	}
	expectQuiet(t, sub)
}

func testGapTrimmedHistory(t *testing.T, newBus NewBus) {
	bus := newBus(t, lim)
	n := lim.History + Slack + 10
	ids := Publish(t, bus, "t", 0, n)
	sub := Subscribe(t, bus, "t", ids[0])
	resume, gap := sub.Gap()
	if !gap {
		t.Fatalf("resuming after event 0 of %d with a history of %d: no gap", n, lim.History)
	}
	expectQuiet(t, sub) // after a gap, live events only
	ids = append(ids, Publish(t, bus, "t", n, n+2)...)
	checkEvents(t, Receive(t, sub, 2), ids, n, n+2)
	// The gap's id resumes exactly there.
	again := Subscribe(t, bus, "t", resume)
	checkNoGap(t, again)
	checkEvents(t, Receive(t, again, 2), ids, n, n+2)
	// The recent history is still there.
	recent := Subscribe(t, bus, "t", ids[n-lim.History+1])
	checkNoGap(t, recent)
	checkEvents(t, Receive(t, recent, lim.History), ids, n-lim.History+2, n+2)
}

func testGapUnknownID(t *testing.T, newBus NewBus) {
	bus := newBus(t, lim)
	ids := Publish(t, bus, "t", 0, 3)
	for _, id := range []string{"x", "0", "-1", ids[2] + "0", ids[2] + "x", "a-b-c", "\x00"} {
		sub := Subscribe(t, bus, "t", id)
		resume, gap := sub.Gap()
		if !gap {
			t.Fatalf("Subscribe after unknown id %q: no gap", id)
		}
		expectQuiet(t, sub)
		more := Publish(t, bus, "t", 0, 1)
		got := Receive(t, sub, 1)
		if got[0].ID != more[0] {
			t.Fatalf("after a gap got %s, want the live %s", got[0].ID, more[0])
		}
		again := Subscribe(t, bus, "t", resume)
		checkNoGap(t, again)
		if got := Receive(t, again, 1); got[0].ID != more[0] {
			t.Fatalf("resuming after the gap's id %s got %s, want %s", resume, got[0].ID, more[0])
		}
	}
	// An empty topic has a gap id too.
	sub := Subscribe(t, bus, "empty", "unknown")
	resume, gap := sub.Gap()
	if !gap || resume == "" {
		t.Fatalf("Gap() on an empty topic = %q, %v; want an id and true", resume, gap)
	}
	checkNoGap(t, Subscribe(t, bus, "empty", resume))
}

// testGapEmptyBus checks the gap id of a bus that holds no event yet: it
// resumes, without a gap, at the first event.
func testGapEmptyBus(t *testing.T, newBus NewBus) {
	bus := newBus(t, lim)
	resume, gap := Subscribe(t, bus, "t", "unknown").Gap()
	if !gap || resume == "" {
		t.Fatalf("Gap() on an empty bus = %q, %v; want an id and true", resume, gap)
	}
	again := Subscribe(t, bus, "t", resume)
	checkNoGap(t, again)
	ids := Publish(t, bus, "t", 0, 1)
	checkEvents(t, Receive(t, again, 1), ids, 0, 1)
}

func testGapOtherEpoch(t *testing.T, newBus NewBus) {
	old := newBus(t, lim)
	ids := Publish(t, old, "t", 0, 3)
	bus := newBus(t, lim)
	Publish(t, bus, "t", 0, 5) // ids that may look alike
	for _, id := range ids {
		if _, gap := Subscribe(t, bus, "t", id).Gap(); !gap {
			t.Fatalf("an id %q of another store resumed without a gap", id)
		}
	}
}

func testConcurrentPublishers(t *testing.T, newBus NewBus) {
	bus := newBus(t, Limits{History: 1000, Queue: 1000})
	const publishers, each = 8, 100
	subs := []runtime.Subscription{Subscribe(t, bus, "t", ""), Subscribe(t, bus, "t", "")}
	var wg sync.WaitGroup
	errs := make(chan error, publishers)
	for p := range publishers {
		wg.Go(func() {
			for i := range each {
				m := runtime.Message{Name: "p", Data: []byte(strconv.Itoa(p*each + i))}
				if _, err := bus.Publish(ctx(t), "t", m); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var order []string
	for k, sub := range subs {
		got := Receive(t, sub, publishers*each)
		next := make([]int, publishers)
		for j, e := range got {
			v, _ := strconv.Atoi(string(e.Data))
			if p, i := v/each, v%each; next[p] != i {
				t.Fatalf("subscriber %d: publisher %d's event %d came before its event %d", k, p, i, next[p])
			}
			next[v/each]++
			if k == 0 {
				order = append(order, e.ID)
			} else if order[j] != e.ID {
				t.Fatalf("subscribers disagree on event %d: %s and %s", j, order[j], e.ID)
			}
		}
	}
	// A late subscriber replays in the same order.
	late := Subscribe(t, bus, "t", order[99])
	for j, e := range Receive(t, late, len(order)-100) {
		if e.ID != order[100+j] {
			t.Fatalf("replay event %d is %s, live subscribers got %s", j, e.ID, order[100+j])
		}
	}
}

func testSlowSubscriberCutOff(t *testing.T, newBus NewBus) {
	l := Limits{History: 200, Queue: 8}
	bus := newBus(t, l)
	before := Publish(t, bus, "t", 0, 1)
	slow := Subscribe(t, bus, "t", before[0])
	fast := []runtime.Subscription{Subscribe(t, bus, "t", before[0]), Subscribe(t, bus, "t", before[0])}
	n := 4 * l.Queue
	// The fast subscribers read as the events come, in rounds of half their
	// queue; the slow one does not read at all, and no Publish waits for it.
	ids := before
	got := make([][]*runtime.FeedEvent, len(fast))
	for len(ids) <= n {
		to := min(len(ids)+l.Queue/2, n+1)
		ids = append(ids, Publish(t, bus, "t", len(ids), to)...)
		for k, sub := range fast {
			got[k] = append(got[k], Receive(t, sub, to-1-len(got[k]))...)
		}
	}
	for k := range fast {
		checkEvents(t, got[k], ids, 1, n+1)
	}
	// The slow subscriber is cut off, and stays so.
	var err error
	for range 2 {
		if _, err = slow.Next(ctx(t), nil); !errors.Is(err, runtime.ErrSlowSubscriber) {
			t.Fatalf("slow subscriber's Next = %v, want ErrSlowSubscriber", err)
		}
	}
	// It resumes from history with the last id it had.
	again := Subscribe(t, bus, "t", before[0])
	checkNoGap(t, again)
	checkEvents(t, Receive(t, again, n), ids, 1, n+1)
}

func testNextEndsWithContext(t *testing.T, newBus NewBus) {
	bus := newBus(t, lim)
	sub := Subscribe(t, bus, "t", "")
	c, cancel := context.WithCancelCause(t.Context())
	cause := errors.New("client left")
	time.AfterFunc(10*time.Millisecond, func() { cancel(cause) })
	if got, err := sub.Next(c, nil); len(got) != 0 || !errors.Is(err, cause) {
		t.Fatalf("Next = %d events, %v; want the context's cause", len(got), err)
	}
}

func testCloseEndsNext(t *testing.T, newBus NewBus) {
	bus := newBus(t, lim)
	sub := Subscribe(t, bus, "t", "")
	done := make(chan error)
	go func() {
		_, err := sub.Next(ctx(t), nil)
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Fatal("Next returned nil after Close")
	}
	if err := sub.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	Publish(t, bus, "t", 0, 1)
	if got, err := sub.Next(ctx(t), nil); err == nil || len(got) != 0 {
		t.Fatalf("Next after Close = %d events, %v; want an error", len(got), err)
	}
}
