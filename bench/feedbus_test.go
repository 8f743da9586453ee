package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ssegen/ssegen/internal/natstest"
	"github.com/ssegen/ssegen/natsbus"
	"github.com/ssegen/ssegen/runtime"
)

// feedTopic is the topic of the feed scenarios.
const feedTopic = "quotes"

// stamped is the data of a feed scenario's event: its number and when it
// was published, so that the client process can tell each delivery's
// latency (both processes read the same clock).
type stamped struct {
	I int   `json:"i"`
	T int64 `json:"t"` // Unix nanoseconds
}

// feedBuses are the buses of BenchmarkFeedInstances, each as two instances:
// publish is where events are published, follow where subscribers follow.
var feedBuses = []struct {
	name string
	// open returns the two instances' buses.
	open func(tb testing.TB) (publish, follow runtime.Bus)
}{
	{"memory", func(testing.TB) (runtime.Bus, runtime.Bus) {
		bus := runtime.NewMemoryBus()
		return bus, bus // one instance: the in-memory bus has no other
	}},
	{"nats", func(tb testing.TB) (runtime.Bus, runtime.Bus) {
		srv := natstest.Start(tb)
		return natsInstance(tb, srv), natsInstance(tb, srv)
	}},
}

// natsInstance is one instance's JetStream bus, on a connection of its own.
func natsInstance(tb testing.TB, srv *natstest.Server) runtime.Bus {
	tb.Helper()
	nc, err := nats.Connect(srv.URL)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatal(err)
	}
	bus, err := natsbus.New(context.Background(), js)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { bus.Close() })
	return bus
}

// followHandler serves the feed as a generated handler with a topic does.
func followHandler(bus runtime.Bus) http.Handler {
	opts := runtime.NewOptions()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.Serve(w, r, opts, ssegenConfig, func(s *runtime.Stream) error {
			return s.Follow(bus, feedTopic, func(id string) error {
				return s.Send(&runtime.Event{Type: "reset", ID: id, Data: []byte("{}")})
			})
		})
	})
}

// BenchmarkFeedInstances publishes events on one instance's bus and
// delivers them to subscribers following the feed over loopback HTTP on
// another instance (for the in-memory bus, the same one), each an SSE
// client in the client process. With one subscriber, the latency is the
// bus's and one stream's; with 1,000, the fan-out's. One op is one event published; the next
// is published once every subscriber got the previous one, so latency is
// that of an event alone: publish to the last subscriber's delivery,
// p50 and p99 over the events. delivered/s counts every subscriber's
// deliveries.
func BenchmarkFeedInstances(b *testing.B) {
	for _, bus := range feedBuses {
		for _, n := range []int{1, 1000} {
			b.Run(fmt.Sprintf("%s/subscribers=%d", bus.name, n), func(b *testing.B) {
				publish, follow := bus.open(b)
				benchFeed(b, publish, follow, n)
			})
		}
	}
}

func benchFeed(b *testing.B, publish, follow runtime.Bus, subscribers int) {
	clients := startClientProcess(b)
	url := "http://" + serve(b, followHandler(follow)) + "/"
	if _, err := clients.do(fmt.Sprintf("follow %s %d", url, subscribers)); err != nil {
		b.Fatal(err)
	}
	latencies := make([]time.Duration, 0, b.N)
	cpu0, cpuOK := processCPU()
	b.ResetTimer()
	for i := range b.N {
		data, _ := json.Marshal(stamped{I: i, T: time.Now().UnixNano()})
		m := runtime.Message{Name: eventType, ContentType: "application/json", Data: data}
		if _, err := publish.Publish(context.Background(), feedTopic, m); err != nil {
			b.Fatal(err)
		}
		reply, err := clients.do("await " + strconv.Itoa(i))
		if err != nil {
			b.Fatal(err)
		}
		ns, err := strconv.ParseInt(reply, 10, 64)
		if err != nil {
			b.Fatalf("await: reply %q", reply)
		}
		latencies = append(latencies, time.Duration(ns))
	}
	b.StopTimer()
	cpu1, _ := processCPU()
	if err := clients.close(); err != nil {
		b.Fatal(err)
	}
	deliveries := float64(b.N) * float64(subscribers)
	b.ReportMetric(deliveries/b.Elapsed().Seconds(), "delivered/s")
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	if cpuOK {
		// The server side of both instances and the buses, per delivery.
		b.ReportMetric(float64(cpu1-cpu0)/deliveries, "server-cpu-ns/delivery")
	}
}

// TestFeedExchange runs the feed scenario briefly with every bus, checking
// that each subscriber gets each event.
func TestFeedExchange(t *testing.T) {
	for _, bus := range feedBuses {
		t.Run(bus.name, func(t *testing.T) {
			publish, follow := bus.open(t)
			clients := startClientProcess(t)
			url := "http://" + serve(t, followHandler(follow)) + "/"
			if _, err := clients.do("follow " + url + " 20"); err != nil {
				t.Fatal(err)
			}
			for i := range 5 {
				data, _ := json.Marshal(stamped{I: i, T: time.Now().UnixNano()})
				if _, err := publish.Publish(t.Context(), feedTopic, runtime.Message{Name: eventType, Data: data}); err != nil {
					t.Fatal(err)
				}
				if _, err := clients.do("await " + strconv.Itoa(i)); err != nil {
					t.Fatal(err)
				}
			}
			if err := clients.close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// feedClients are the subscribers of the client process's "follow"
// command: each reads the feed and records, for each event, how many got
// it and the latest delivery's latency.
type feedClients struct {
	n       int // subscribers
	conns   []net.Conn
	readers int        // goroutines reading a stream
	errs    chan error // how each reader ended

	mu      sync.Mutex
	changed *sync.Cond
	got     map[int]int   // event number -> subscribers that read it
	latest  map[int]int64 // event number -> largest latency, ns
}

// followFeed opens n streams of url, returning once every one has its
// response headers: the subscriber follows the feed then.
func followFeed(url string, n int) (*feedClients, error) {
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/")
	f := &feedClients{n: n, errs: make(chan error, n), got: make(map[int]int), latest: make(map[int]int64)}
	f.changed = sync.NewCond(&f.mu)
	req := []byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\nAccept: text/event-stream\r\n\r\n")
	for range n {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			_, err = c.Write(req)
		}
		var br *bufio.Reader
		if err == nil {
			br = bufio.NewReader(c)
			var resp *http.Response
			if resp, err = http.ReadResponse(br, nil); err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("GET %s: %s", url, resp.Status)
			}
			if err == nil {
				f.readers++
				go f.read(runtime.NewReader(resp.Body))
			}
		}
		if c != nil {
			f.conns = append(f.conns, c)
		}
		if err != nil {
			f.close()
			return nil, err
		}
	}
	return f, nil
}

func (f *feedClients) read(rd *runtime.Reader) {
	for {
		e, err := rd.Next()
		if err != nil {
			f.errs <- err
			return
		}
		now := time.Now().UnixNano()
		var s stamped
		if err := json.Unmarshal(e.Data, &s); err != nil {
			f.errs <- fmt.Errorf("event %q: %v", e.Data, err)
			return
		}
		f.mu.Lock()
		f.got[s.I]++
		f.latest[s.I] = max(f.latest[s.I], now-s.T)
		all := f.got[s.I] == f.n
		f.mu.Unlock()
		if all { // the only change await waits for
			f.changed.Broadcast()
		}
	}
}

// await waits until every subscriber got event i and returns the latency
// of the last delivery, in nanoseconds.
func (f *feedClients) await(i int) (string, error) {
	timeout := time.AfterFunc(30*time.Second, func() {
		f.mu.Lock()
		f.got[i] = -1 // the waiting loop gives up
		f.mu.Unlock()
		f.changed.Broadcast()
	})
	defer timeout.Stop()
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.got[i] >= 0 && f.got[i] < f.n {
		f.changed.Wait()
	}
	if f.got[i] < 0 {
		return "", fmt.Errorf("event %d did not reach all %d subscribers within 30s", i, f.n)
	}
	lat := f.latest[i]
	delete(f.got, i)
	delete(f.latest, i)
	return strconv.FormatInt(lat, 10), nil
}

// close closes the streams and waits for their readers.
func (f *feedClients) close() {
	for _, c := range f.conns {
		c.Close()
	}
	for range f.readers {
		<-f.errs // a reader ends with its connection closed
	}
}
