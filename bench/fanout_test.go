package bench

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	r3sse "github.com/r3labs/sse/v2"
	gosse "github.com/tmaxmax/go-sse"

	"github.com/ssegen/ssegen/runtime"
)

var (
	fanoutSubscribers = flag.String("fanout.subscribers", "1000,10000", "comma-separated subscriber counts of BenchmarkFanOut")
	fanoutRounds      = flag.Int("fanout.rounds", 30, "measured rounds per contender and session in BenchmarkFanOut")
	fanoutEvents      = flag.Int("fanout.events", 10, "events published back to back in each round of BenchmarkFanOut")
	fanoutReps        = flag.Int("fanout.reps", 3, "interleaved sessions per contender in one op of BenchmarkFanOut")
	fanoutStallUpTo   = flag.Int("fanout.stall", 1000, "largest subscriber count at which BenchmarkFanOut also runs ssegen with a stalled subscriber")
	fanoutStallFill   = flag.Int("fanout.stallfill", 2000, "events published, in rounds, to fill the stalled subscriber's buffers before measuring")
)

// fanout is a contender of the fan-out scenario: start returns a server
// whose every stream receives each published event, and publish sends an
// event of type typ with the sample data (already encoded) to all of them.
// With stall, each session also opens a subscriber that never reads.
type fanout struct {
	name  string
	start func() (h http.Handler, publish func(typ string) error, stop func())
	stall bool
}

// warmupType is the type of the events that open the streams before a
// session is measured; subscribers do not count them as the round's.
const warmupType = "warmup"

var ssegenFanout = fanout{name: "ssegen", start: func() (http.Handler, func(string) error, func()) {
	bus := runtime.NewMemoryBus()
	h, publish := busFanout(bus, bus)
	return h, publish, func() {}
}}

// ssegenStalled is ssegen with one more subscriber, which never reads.
var ssegenStalled = fanout{name: "ssegen+stalled", start: ssegenFanout.start, stall: true}

// busFanout is ssegen's fan-out on runtime buses: its streams follow the
// topic on followBus, and publish publishes to it on publishBus (the same
// bus in one instance, two instances' buses on one broker).
func busFanout(publishBus, followBus runtime.Bus) (h http.Handler, publish func(typ string) error) {
	opts := runtime.NewOptions()
	cfg := &runtime.StreamConfig{DataContentType: "application/json"}
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.Serve(w, r, opts, cfg, func(s *runtime.Stream) error {
			return s.Follow(followBus, "quotes", func(string) error { return errors.New("unexpected gap") })
		})
	})
	publish = func(typ string) error {
		_, err := publishBus.Publish(context.Background(), "quotes", runtime.Message{Name: typ, ContentType: "application/json", Data: sampleJSON})
		return err
	}
	return h, publish
}

var fanouts = []fanout{
	ssegenFanout,
	{name: "go-sse", start: func() (http.Handler, func(string) error, func()) {
		srv := &gosse.Server{} // the default provider, Joe
		publish := func(typ string) error {
			m := &gosse.Message{Type: gosse.Type(typ)}
			m.AppendData(sampleData)
			return srv.Publish(m)
		}
		return srv, publish, func() { _ = srv.Shutdown(context.Background()) }
	}},
	{name: "r3labs", start: func() (http.Handler, func(string) error, func()) {
		srv := r3sse.New()
		srv.AutoReplay = false
		srv.CreateStream("quotes")
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.URL.RawQuery = "stream=quotes"
			srv.ServeHTTP(w, r)
		})
		publish := func(typ string) error {
			srv.Publish("quotes", &r3sse.Event{Event: []byte(typ), Data: sampleJSON})
			return nil
		}
		return h, publish, srv.Close
	}},
}

// fanoutResult accumulates one contender's measurements.
type fanoutResult struct {
	deliveries int64
	elapsed    time.Duration // sum over rounds: first publish to last delivery
	cpu        time.Duration // server CPU over the rounds
	latencies  []time.Duration
	memory     float64 // bytes per subscriber, summed over sessions
	sessions   int
}

// BenchmarkFanOut publishes events to many subscribers of one topic over
// loopback and measures, per contender: deliveries per second, server CPU
// per delivery, the latency from publishing an event to its delivery to
// the last subscriber (p50, p99), and the server memory each subscriber
// holds. Subscribers live in the client process (see clientProcess). Each
// op runs -fanout.reps sessions of every contender, interleaved; a session
// opens the subscribers, publishes -fanout.rounds rounds of -fanout.events
// events back to back (each round waits until every subscriber got them),
// and closes them. ssegen+stalled is ssegen with one more subscriber that
// never reads; its buffers are filled first (-fanout.stallfill events).
// Run it with -benchtime 1x.
func BenchmarkFanOut(b *testing.B) {
	for _, n := range fanoutCounts(b) {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			contenders := slices.Clone(fanouts)
			if n <= *fanoutStallUpTo {
				contenders = append(contenders, ssegenStalled)
			}
			runFanOut(b, n, contenders)
		})
	}
}

// fanoutCounts returns the subscriber counts of -fanout.subscribers.
func fanoutCounts(b *testing.B) []int {
	var counts []int
	for _, field := range strings.Split(*fanoutSubscribers, ",") {
		n, err := strconv.Atoi(field)
		if err != nil {
			b.Fatalf("-fanout.subscribers: %v", err)
		}
		counts = append(counts, n)
	}
	return counts
}

// runFanOut runs b.N times -fanout.reps interleaved sessions of the
// contenders with n subscribers, and reports their measurements.
func runFanOut(b *testing.B, n int, contenders []fanout) {
	clients := startClientProcess(b)
	results := make([]fanoutResult, len(contenders))
	for range b.N {
		for range *fanoutReps {
			for i, c := range contenders {
				if err := fanoutSession(c, n, clients, &results[i]); err != nil {
					b.Fatalf("%s: %v", c.name, err)
				}
			}
		}
	}
	for i, c := range contenders {
		r := &results[i]
		slices.Sort(r.latencies)
		b.ReportMetric(float64(r.deliveries)/r.elapsed.Seconds(), c.name+"-deliveries/s")
		b.ReportMetric(float64(r.cpu.Nanoseconds())/float64(r.deliveries), c.name+"-cpu-ns/delivery")
		b.ReportMetric(ms(percentile(r.latencies, 0.50)), c.name+"-p50-ms")
		b.ReportMetric(ms(percentile(r.latencies, 0.99)), c.name+"-p99-ms")
		b.ReportMetric(r.memory/float64(r.sessions), c.name+"-bytes/subscriber")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

// fanoutSession runs one session of c with n subscribers, adding to r.
func fanoutSession(c fanout, n int, clients *clientProcess, r *fanoutResult) error {
	h, publish, stop := c.start()
	defer stop()
	var active counter
	addr, stopServer, err := startServer(active.wrap(h))
	if err != nil {
		return err
	}
	defer stopServer()
	defer clients.close()

	before := memory()
	if _, err := clients.do(fmt.Sprintf("fanout %s %d", addr, n)); err != nil {
		return err
	}
	readers := n
	if c.stall {
		if _, err := clients.do("stall " + addr); err != nil {
			return err
		}
		n++ // the stalled handler runs too
	}
	if err := waitFor(func() bool { return active.n.Load() == int64(n) }); err != nil {
		return fmt.Errorf("%d of %d subscribers connected: %w", active.n.Load(), n, err)
	}
	settle()
	// Warm up until every subscriber has an event (and so its headers: go-sse
	// sends them with the first event).
	for {
		if err := publish(warmupType); err != nil {
			return err
		}
		reply, err := clients.do("ready")
		if err != nil {
			return err
		}
		if reply == "all" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	settle()
	after := memory()
	if _, err := clients.do("mark"); err != nil {
		return err
	}
	if c.stall {
		for range *fanoutStallFill / *fanoutEvents {
			if _, _, err := fanoutRound(publish, clients); err != nil {
				return err
			}
		}
	}
	for range *fanoutRounds {
		cpu0, _ := processCPU()
		sent, recv, err := fanoutRound(publish, clients)
		if err != nil {
			return err
		}
		cpu1, _ := processCPU()
		r.cpu += cpu1 - cpu0
		r.deliveries += int64(len(sent)) * int64(readers)
		r.elapsed += time.Duration(slices.Max(recv) - sent[0])
		for i := range sent {
			r.latencies = append(r.latencies, time.Duration(recv[i]-sent[i]))
		}
	}
	r.memory += float64(after.heap+after.stack-before.heap-before.stack) / float64(n)
	r.sessions++
	return nil
}

// fanoutRound publishes -fanout.events events back to back and returns
// when each was published and when its last subscriber received it
// (Unix nanoseconds: the two processes share the clock).
func fanoutRound(publish func(string) error, clients *clientProcess) (sent, recv []int64, err error) {
	for range *fanoutEvents {
		sent = append(sent, time.Now().UnixNano())
		if err := publish(eventType); err != nil {
			return nil, nil, err
		}
	}
	reply, err := clients.do("collect " + strconv.Itoa(*fanoutEvents))
	if err != nil {
		return nil, nil, err
	}
	for _, f := range strings.Fields(reply) {
		t, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("collect: %q: %v", reply, err)
		}
		recv = append(recv, t)
	}
	if len(recv) != len(sent) {
		return nil, nil, fmt.Errorf("collect: %d times for %d events", len(recv), len(sent))
	}
	return sent, recv, nil
}

// fanoutClients are the subscribers of the fan-out scenario, in the client
// process.
type fanoutClients struct {
	tr     *http.Transport
	cancel context.CancelFunc
	wg     sync.WaitGroup
	subs   []*fanoutSub
	total  atomic.Int64 // events received by all subscribers
	marked int64        // total at the last mark
	stall  net.Conn     // the subscriber that never reads, if any
}

// fanoutSub is one subscriber: when it received each event.
type fanoutSub struct {
	mu    sync.Mutex
	times []int64 // Unix nanoseconds, since the last mark
	seen  atomic.Int64
}

// startFanoutClients opens n subscribers to addr, each reading its stream
// in a goroutine.
func startFanoutClients(addr string, n int) *fanoutClients {
	ctx, cancel := context.WithCancel(context.Background())
	fc := &fanoutClients{tr: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: -1}, cancel: cancel}
	client := &http.Client{Transport: fc.tr}
	for range n {
		s := &fanoutSub{}
		fc.subs = append(fc.subs, s)
		fc.wg.Go(func() { fc.read(ctx, client, "http://"+addr+"/", s) })
	}
	return fc
}

func (fc *fanoutClients) read(ctx context.Context, client *http.Client, url string, s *fanoutSub) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	br := bufio.NewReaderSize(resp.Body, 4096)
	data, warmup := false, false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return
		}
		switch {
		case len(line) == 1 && data && warmup:
			s.seen.Add(1)
			data, warmup = false, false
		case len(line) == 1 && data:
			now := time.Now().UnixNano()
			s.mu.Lock()
			s.times = append(s.times, now)
			s.mu.Unlock()
			s.seen.Add(1)
			fc.total.Add(1)
			data = false
		case string(line) == "event: "+warmupType+"\n" || string(line) == "event:"+warmupType+"\n":
			warmup = true
		case strings.HasPrefix(string(line), "data"):
			data = true
		}
	}
}

// ready reports whether every subscriber received an event.
func (fc *fanoutClients) ready() bool {
	for _, s := range fc.subs {
		if s.seen.Load() == 0 {
			return false
		}
	}
	return true
}

// mark forgets the events received so far.
func (fc *fanoutClients) mark() {
	for _, s := range fc.subs {
		s.mu.Lock()
		s.times = s.times[:0]
		s.mu.Unlock()
	}
	fc.marked = fc.total.Load()
}

// collect waits until every subscriber received e more events and returns,
// for each, when its last subscriber received it.
func (fc *fanoutClients) collect(e int) (string, error) {
	want := fc.marked + int64(e*len(fc.subs))
	deadline := time.Now().Add(time.Minute)
	for fc.total.Load() < want {
		if time.Now().After(deadline) {
			return "", fmt.Errorf("%d of %d events after a minute", fc.total.Load()-fc.marked, want-fc.marked)
		}
		time.Sleep(100 * time.Microsecond)
	}
	last := make([]int64, e)
	for _, s := range fc.subs {
		s.mu.Lock()
		if len(s.times) != e {
			s.mu.Unlock()
			return "", fmt.Errorf("a subscriber got %d events, want %d", len(s.times), e)
		}
		for i, t := range s.times {
			last[i] = max(last[i], t)
		}
		s.mu.Unlock()
	}
	fc.mark()
	var b strings.Builder
	for _, t := range last {
		fmt.Fprint(&b, t, " ")
	}
	return b.String(), nil
}

// openStall opens the subscriber that never reads, with a small receive
// buffer so that the server's writes to it soon block.
func (fc *fanoutClients) openStall(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	if err := c.(*net.TCPConn).SetReadBuffer(4096); err != nil {
		c.Close()
		return err
	}
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\nAccept: text/event-stream\r\n\r\n")); err != nil {
		c.Close()
		return err
	}
	fc.stall = c
	return nil
}

func (fc *fanoutClients) close() {
	if fc.stall != nil {
		fc.stall.Close()
	}
	fc.cancel()
	fc.wg.Wait()
	fc.tr.CloseIdleConnections()
}
