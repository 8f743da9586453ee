package runtime

import (
	"container/heap"
	"sync"
	"time"
)

// timers schedules the heartbeat and write deadline checks of every stream
// on one timer: a runtime timer per stream would cost each idle stream over
// a hundred bytes, and reading the clock on every write would cost each
// event tens of nanoseconds.
var timers timerQueue

// timerKind is what a check in timers is for. A stream has at most one
// check of each kind scheduled.
type timerKind uint8

const (
	// heartbeatCheck sends a heartbeat once nothing was written for the
	// stream's heartbeat interval.
	heartbeatCheck timerKind = iota
	// deadlineCheck marks the write deadline as due to move before the
	// next write, and releases the stream's spare write buffer.
	deadlineCheck
	timerKinds
)

// timerQueue is a min-heap of stream checks by time.
type timerQueue struct {
	mu    sync.Mutex
	items []timerItem
	timer *time.Timer   // fires at items[0].at, or earlier
	armed time.Duration // when timer fires (monotime); 0 when it has fired
}

type timerItem struct {
	at   time.Duration // monotime
	s    *Stream
	kind timerKind
}

// timerState is what a stream keeps for timers, guarded by timers.mu.
type timerState struct {
	index [timerKinds]int32 // of each kind of check in timers.items; -1 when not scheduled
	// beatSeen is the stream's count of writes at the last heartbeat check,
	// and quietSince when that check saw it change: nothing was written
	// since quietSince unless the count moved again.
	beatSeen   uint64
	quietSince time.Duration
}

// watchHeartbeat schedules the heartbeat check of s for when it has been
// quiet for its interval since monotime quietSince: nothing beyond its
// write number seen was written.
func (q *timerQueue) watchHeartbeat(s *Stream, quietSince time.Duration, seen uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	s.timer.beatSeen, s.timer.quietSince = seen, quietSince
	q.schedule(s, heartbeatCheck, quietSince+s.cfg.Heartbeat)
}

// watchDeadline schedules the deadline check of s at monotime at.
func (q *timerQueue) watchDeadline(s *Stream, at time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.schedule(s, deadlineCheck, at)
}

// schedule (re)schedules the check of kind of s at monotime at; q.mu is
// held.
func (q *timerQueue) schedule(s *Stream, kind timerKind, at time.Duration) {
	if i := int(s.timer.index[kind]); i >= 0 {
		q.items[i].at = at
		heap.Fix(q, i)
	} else {
		heap.Push(q, timerItem{at, s, kind})
	}
	q.arm()
}

// cancel removes the checks of s.
func (q *timerQueue) cancel(s *Stream) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for kind := range timerKinds {
		if i := int(s.timer.index[kind]); i >= 0 { // removing one check moves the other
			heap.Remove(q, i)
		}
	}
}

// arm makes the timer fire by the first check; q.mu is held.
func (q *timerQueue) arm() {
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

// fire runs the checks that are due.
func (q *timerQueue) fire() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.armed = 0
	now := monotime()
	for len(q.items) > 0 && q.items[0].at <= now {
		item := &q.items[0]
		if item.kind == heartbeatCheck {
			if next := q.checkHeartbeat(item.s, now); next > 0 {
				item.at = next
				heap.Fix(q, 0)
				continue
			}
		} else {
			item.s.deadlineFresh.Store(false)
			item.s.releaseSpare()
		}
		heap.Pop(q)
	}
	q.arm()
}

// checkHeartbeat returns when to check s again, or 0 when s needs a
// heartbeat: it then writes one in a goroutine of its own, since a write to
// a stalled client blocks until its deadline. While events flow, the check
// runs every quarter interval, so a heartbeat follows the last event after
// one to one and a quarter intervals. q.mu is held.
func (q *timerQueue) checkHeartbeat(s *Stream, now time.Duration) time.Duration {
	interval := s.cfg.Heartbeat
	if written := s.written.Load(); written != s.timer.beatSeen {
		s.timer.beatSeen, s.timer.quietSince = written, now
		return now + interval/4
	}
	if quiet := s.timer.quietSince + interval; quiet > now {
		return quiet
	}
	go s.beat(s.timer.beatSeen)
	return 0
}

// heap.Interface, on q.items; q.mu is held.

func (q *timerQueue) Len() int           { return len(q.items) }
func (q *timerQueue) Less(i, j int) bool { return q.items[i].at < q.items[j].at }

func (q *timerQueue) Swap(i, j int) {
	q.items[i], q.items[j] = q.items[j], q.items[i]
	q.items[i].setIndex(i)
	q.items[j].setIndex(j)
}

func (q *timerQueue) Push(x any) {
	item := x.(timerItem)
	item.setIndex(len(q.items))
	q.items = append(q.items, item)
}

func (q *timerQueue) Pop() any {
	last := len(q.items) - 1
	item := q.items[last]
	item.setIndex(-1)
	q.items[last] = timerItem{} // let the stream go
	q.items = q.items[:last]
	return item
}

func (item timerItem) setIndex(i int) { item.s.timer.index[item.kind] = int32(i) }
