package bench

import (
	"testing"
)

// burstSize is how many events are ready at once in the burst scenario.
const burstSize = 64

// BenchmarkStream sends b.N small JSON events over one HTTP/1.1 stream on
// loopback, from a real net/http server in this process to a real client in
// the client process that parses every event; one op is one event, and
// B/op and allocs/op are the server's. PerEvent flushes after every event; Burst has
// burstSize events ready at once and lets each library write them its best
// way (ssegen: Stream.Batch; go-sse: Send each, Flush once; r3labs: Publish
// each, as it flushes per event regardless; bare: Write each, Flush once).
func BenchmarkStream(b *testing.B) {
	for _, sc := range []struct {
		name  string
		burst int
	}{{"PerEvent", 1}, {"Burst", burstSize}} {
		b.Run(sc.name, func(b *testing.B) {
			for _, im := range impls {
				b.Run(im.name, func(b *testing.B) {
					benchStream(b, im, sc.burst)
				})
			}
		})
	}
}

func benchStream(b *testing.B, im impl, burst int) {
	clients := startClientProcess(b)
	url := "http://" + serve(b, im.stream(b.N, burst)) + "/"
	b.ReportAllocs()
	cpu0, cpuOK := processCPU()
	b.ResetTimer()
	n, clientCPU, err := clients.stream(streamReader, url)
	b.StopTimer()
	cpu1, _ := processCPU()
	if err != nil {
		b.Fatal(err)
	}
	if n != b.N {
		b.Fatalf("%s: client read %d events, want %d", im.name, n, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if cpuOK {
		// CPU time per event, steadier than events/s on a shared machine.
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "server-cpu-ns/event")
		b.ReportMetric(float64(clientCPU)/float64(b.N), "client-cpu-ns/event")
	}
}
