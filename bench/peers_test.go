package bench

import (
	"context"
	"net/http"
	"sync/atomic"

	r3sse "github.com/r3labs/sse/v2"
	gosse "github.com/tmaxmax/go-sse"
)

// goSSE uses go-sse's lowest-overhead server API for one stream: a Session
// (Upgrade, Send, Flush), with one fresh Message per event as its docs show.
// Events that are ready together are sent and flushed once, like ssegen's
// Batch. Idle streams use its Server with the default Joe provider, which is
// how go-sse holds subscribers that wait for events.
var goSSE = impl{
	name: "go-sse",
	stream: func(n, burst int) http.Handler {
		typ := gosse.Type(eventType)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sess, err := gosse.Upgrade(w, r)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			for i := 1; i <= n; i++ {
				m := &gosse.Message{Type: typ}
				m.AppendData(sampleData)
				if err := sess.Send(m); err != nil {
					return
				}
				if i%burst == 0 || i == n {
					if err := sess.Flush(); err != nil {
						return
					}
				}
			}
		})
	},
	idle: func() (http.Handler, func()) {
		srv := &gosse.Server{}
		return srv, func() { _ = srv.Shutdown(context.Background()) }
	},
}

// r3labs publishes into an r3labs Server, whose ServeHTTP writes and flushes
// every event on its own (it has no way to write several and flush once), so
// a burst is just events published back to back. Its replay log is off: on
// by default it keeps every event forever.
var r3labs = impl{
	name: "r3labs",
	stream: func(n, _ int) http.Handler {
		typ := []byte(eventType)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			srv := r3sse.New()
			srv.AutoReplay = false
			subscribed := make(chan struct{})
			srv.OnSubscribe = func(string, *r3sse.Subscriber) { close(subscribed) }
			// Closing the stream any earlier would leave r3labs' own
			// per-request goroutine blocked forever on unsubscribing.
			srv.OnUnsubscribe = func(string, *r3sse.Subscriber) { srv.Close() }
			srv.CreateStream("s")
			go func() {
				select {
				case <-subscribed:
				case <-r.Context().Done():
					return
				}
				for range n {
					srv.Publish("s", &r3sse.Event{Event: typ, Data: sampleJSON})
				}
				// An event without data or comment ends ServeHTTP.
				srv.Publish("s", &r3sse.Event{})
			}()
			r.URL.RawQuery = "stream=s"
			srv.ServeHTTP(w, r)
		})
	},
	idle: func() (http.Handler, func()) {
		srv := r3sse.New()
		srv.AutoReplay = false
		srv.CreateStream("idle")
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.URL.RawQuery = "stream=idle"
			srv.ServeHTTP(w, r)
		}), srv.Close
	},
}

// counter counts the handlers running, so the idle scenario knows when every
// stream is open and when every stream has ended.
type counter struct{ n atomic.Int64 }

func (c *counter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.n.Add(1)
		defer c.n.Add(-1)
		h.ServeHTTP(w, r)
	})
}
