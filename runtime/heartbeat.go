package runtime

import (
	"container/heap"
	"sync"
	"time"
)

// heartbeats schedules the heartbeat checks of every stream on one timer:
// a runtime timer per stream would cost each idle stream over a hundred
// bytes.
var heartbeats beatQueue

// beatQueue is a min-heap of streams by the time of their next heartbeat
// check.
type beatQueue struct {
	mu    sync.Mutex
	items []beatItem
	timer *time.Timer   // fires at items[0].at, or earlier
	armed time.Duration // when timer fires (monotime); 0 when it has fired
}

type beatItem struct {
	at time.Duration // monotime
	s  *Stream
}

// schedule (re)schedules the next check of s at monotime at.
func (q *beatQueue) schedule(s *Stream, at time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if s.beatIndex >= 0 {
		q.items[s.beatIndex].at = at
		heap.Fix(q, s.beatIndex)
	} else {
		heap.Push(q, beatItem{at, s})
	}
	q.arm()
}

// cancel removes s, if scheduled.
func (q *beatQueue) cancel(s *Stream) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if s.beatIndex >= 0 {
		heap.Remove(q, s.beatIndex)
	}
}

// arm makes the timer fire by the first check; q.mu is held.
func (q *beatQueue) arm() {
	if len(q.items) == 0 {
		return
	}
	next := q.items[0].at
	if q.armed != 0 && q.armed <= next {
		return
	}
	q.armed = next
	if q.timer == nil {
		q.timer = time.AfterFunc(next-monotime(), q.fire)
	} else {
		q.timer.Reset(next - monotime())
	}
}

// fire runs the checks that are due. A stream that wrote recently is
// rescheduled here; one that needs a heartbeat writes it in a goroutine of
// its own, since a write to a stalled client blocks until its deadline.
func (q *beatQueue) fire() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.armed = 0
	now := monotime()
	for len(q.items) > 0 && q.items[0].at <= now {
		s := q.items[0].s
		if next := time.Duration(s.lastWrite.Load()) + s.cfg.Heartbeat; next > now {
			q.items[0].at = next
			heap.Fix(q, 0)
			continue
		}
		heap.Pop(q)
		go s.beat()
	}
	q.arm()
}

// heap.Interface, on q.items; q.mu is held.

func (q *beatQueue) Len() int           { return len(q.items) }
func (q *beatQueue) Less(i, j int) bool { return q.items[i].at < q.items[j].at }

func (q *beatQueue) Swap(i, j int) {
	q.items[i], q.items[j] = q.items[j], q.items[i]
	q.items[i].s.beatIndex = i
	q.items[j].s.beatIndex = j
}

func (q *beatQueue) Push(x any) {
	item := x.(beatItem)
	item.s.beatIndex = len(q.items)
	q.items = append(q.items, item)
}

func (q *beatQueue) Pop() any {
	last := len(q.items) - 1
	item := q.items[last]
	item.s.beatIndex = -1
	q.items[last] = beatItem{} // let the stream go
	q.items = q.items[:last]
	return item
}
