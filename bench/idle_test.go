package bench

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"
)

var (
	idleStreams    = flag.Int("idle.streams", 10000, "open streams in BenchmarkIdle")
	idleMemProfile = flag.String("idle.memprofile", "", "write BenchmarkIdle's heap profiles, taken while the streams are open, to `prefix`-NAME.pprof")
)

// BenchmarkIdle measures the memory each open, idle stream costs the server:
// it opens -idle.streams streams, waits until every handler runs and the
// process is quiet, and compares the live heap plus goroutine stacks after a
// full GC with the same figure before the streams were opened. The clients
// live in the client process (see clientProcess), so nothing they allocate
// is counted and neither process needs more than ~10,000 file descriptors. One op opens, measures and closes all the streams once.
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
			clients := startClientProcess(b)
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
func measureIdle(im impl, n int, clients *clientProcess, profile string) (idleMeasurement, error) {
	h, stop := im.idle()
	defer stop()
	var active counter
	addr, stopServer, err := startServer(active.wrap(h))
	if err != nil {
		return idleMeasurement{}, err
	}
	defer stopServer()

	before := memory()
	if err := clients.open(addr, n); err != nil {
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
