package bench

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	idleStreams    = flag.Int("idle.streams", 10000, "open streams in BenchmarkIdle")
	idleMemProfile = flag.String("idle.memprofile", "", "write BenchmarkIdle's heap profiles, taken while the streams are open, to `prefix`-NAME.pprof")
)

// idleClientEnv makes the test binary act as the idle clients' process
// (see TestMain) instead of running tests.
const idleClientEnv = "SSEGEN_BENCH_IDLE_CLIENTS"

func TestMain(m *testing.M) {
	if os.Getenv(idleClientEnv) == "1" {
		os.Exit(runIdleClients(os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

// BenchmarkIdle measures the memory each open, idle stream costs the server:
// it opens -idle.streams streams, waits until every handler runs and the
// process is quiet, and compares the live heap plus goroutine stacks after a
// full GC with the same figure before the streams were opened. The clients
// live in a child process (this test binary, re-executed), so nothing they
// allocate is counted and neither process needs more than ~10,000 file
// descriptors. One op opens, measures and closes all the streams once.
//
// bytes/stream includes what net/http itself spends on a connection; the
// bare row is that baseline, and a library's cost beyond a bare idle handler
// is its row minus the bare row.
func BenchmarkIdle(b *testing.B) {
	for _, im := range impls {
		if im.idle == nil {
			continue
		}
		b.Run(im.name, func(b *testing.B) {
			clients := startIdleClients(b)
			var profile string
			if *idleMemProfile != "" {
				profile = *idleMemProfile + "-" + im.name + ".pprof"
				defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
				runtime.MemProfileRate = 1
			}
			if !idleWarmed[im.name] {
				// The first streams of a process also pay for goroutine
				// descriptors that Go keeps for reuse; count no run with them.
				if _, err := measureIdle(im, *idleStreams, clients, ""); err != nil {
					b.Fatal(err)
				}
				idleWarmed[im.name] = true
				b.ResetTimer()
			}
			var sum idleMeasurement
			for range b.N {
				m, err := measureIdle(im, *idleStreams, clients, profile)
				if err != nil {
					b.Fatal(err)
				}
				sum.heap += m.heap
				sum.stack += m.stack
				sum.goroutines += m.goroutines
			}
			n := float64(b.N)
			b.ReportMetric((sum.heap+sum.stack)/n, "bytes/stream")
			b.ReportMetric(sum.heap/n, "heap-bytes/stream")
			b.ReportMetric(sum.stack/n, "stack-bytes/stream")
			b.ReportMetric(sum.goroutines/n, "goroutines/stream")
		})
	}
}

// idleWarmed records the contenders whose idle streams ran once in this
// process.
var idleWarmed = map[string]bool{}

// idleMeasurement is what one open idle stream costs the server, on average.
type idleMeasurement struct {
	heap       float64 // bytes of live heap objects
	stack      float64 // bytes of goroutine stacks
	goroutines float64
}

// measureIdle opens n idle streams of im and measures them; with a profile
// name, it writes a heap profile there while they are open.
func measureIdle(im impl, n int, clients *idleClients, profile string) (idleMeasurement, error) {
	h, stop := im.idle()
	defer stop()
	var active counter
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return idleMeasurement{}, err
	}
	srv := newIdleServer(active.wrap(h))
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	before := memory()
	if err := clients.open(ln.Addr().String(), n); err != nil {
		return idleMeasurement{}, err
	}
	if err := waitFor(func() bool { return active.n.Load() == int64(n) }); err != nil {
		return idleMeasurement{}, fmt.Errorf("%s: %d of %d streams running: %w", im.name, active.n.Load(), n, err)
	}
	settle()
	after := memory()
	if profile != "" {
		if err := writeHeapProfile(profile); err != nil {
			return idleMeasurement{}, err
		}
	}
	if err := clients.close(); err != nil {
		return idleMeasurement{}, err
	}
	if err := waitFor(func() bool { return active.n.Load() == 0 }); err != nil {
		return idleMeasurement{}, fmt.Errorf("%s: %d streams still running after the clients left: %w", im.name, active.n.Load(), err)
	}
	return idleMeasurement{
		heap:       float64(after.heap-before.heap) / float64(n),
		stack:      float64(after.stack-before.stack) / float64(n),
		goroutines: float64(after.goroutines-before.goroutines) / float64(n),
	}, nil
}

func newIdleServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
}

type memorySnapshot struct{ heap, stack, goroutines int64 }

// memory returns the bytes of live heap objects and of goroutine stacks
// after a full collection, and the number of goroutines.
func memory() memorySnapshot {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memorySnapshot{int64(ms.HeapAlloc), int64(ms.StackInuse), int64(runtime.NumGoroutine())}
}

func writeHeapProfile(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// settle waits until the goroutine count stops changing, so handlers that
// are still registering with their library (a channel hop away) are counted.
func settle() {
	last := runtime.NumGoroutine()
	for stable := 0; stable < 5; {
		time.Sleep(20 * time.Millisecond)
		if g := runtime.NumGoroutine(); g == last {
			stable++
		} else {
			last, stable = g, 0
		}
	}
}

func waitFor(cond func() bool) error {
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// idleClients drives the child process that holds the client ends of the
// idle streams. It answers one line per command:
//
//	open ADDR N  -> "ok" once N connections sent their request
//	close        -> "ok" once every connection is closed
type idleClients struct {
	in  io.WriteCloser
	out *bufio.Reader
}

func startIdleClients(tb testing.TB) *idleClients {
	tb.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), idleClientEnv+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		in.Close() // the child exits at the end of its input
		if err := cmd.Wait(); err != nil {
			tb.Errorf("idle clients' process: %v", err)
		}
	})
	return &idleClients{in: in, out: bufio.NewReader(out)}
}

func (c *idleClients) open(addr string, n int) error {
	return c.do(fmt.Sprintf("open %s %d", addr, n))
}

func (c *idleClients) close() error { return c.do("close") }

func (c *idleClients) do(cmd string) error {
	if _, err := fmt.Fprintln(c.in, cmd); err != nil {
		return err
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		return fmt.Errorf("idle clients' process: %q: %w", cmd, err)
	}
	if line = strings.TrimSpace(line); line != "ok" {
		return fmt.Errorf("idle clients' process: %q: %s", cmd, line)
	}
	return nil
}

// runIdleClients is the child process: it opens raw TCP connections that
// each send one stream request and then hold still, never reading, so the
// servers see only idle streams.
func runIdleClients(in io.Reader, out io.Writer) int {
	var conns []net.Conn
	closeAll := func() {
		for _, c := range conns {
			c.Close()
		}
		conns = conns[:0]
	}
	defer closeAll()
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var err error
		switch f := strings.Fields(sc.Text()); {
		case len(f) == 3 && f[0] == "open":
			var n int
			if n, err = strconv.Atoi(f[2]); err == nil {
				conns, err = dialIdle(f[1], n)
			}
		case len(f) == 1 && f[0] == "close":
			closeAll()
		default:
			err = fmt.Errorf("unknown command %q", sc.Text())
		}
		if err != nil {
			closeAll()
			fmt.Fprintln(out, "error:", err)
			continue
		}
		fmt.Fprintln(out, "ok")
	}
	return 0
}

// dialIdle opens n connections to addr, a few at a time so the listen
// backlog never overflows, and sends each a stream request.
func dialIdle(addr string, n int) ([]net.Conn, error) {
	req := []byte("GET /idle HTTP/1.1\r\nHost: " + addr + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n")
	conns := make([]net.Conn, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	const workers = 8
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				c, err := net.Dial("tcp", addr)
				if err == nil {
					_, err = c.Write(req)
					conns[i] = c
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
		return nil, err
	}
	return conns, nil
}
