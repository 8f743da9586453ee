package bench

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ssegen/ssegen/internal/natstest"
	"github.com/ssegen/ssegen/natsbus"
	"github.com/ssegen/ssegen/runtime"
)

// natsFanout is the fan-out contender of feeds across instances: events are
// published on one instance's JetStream bus and followed by the subscribers
// on another instance's, each bus on a connection of its own to srv, as
// with two instances of a service behind a load balancer.
func natsFanout(tb testing.TB, srv *natstest.Server) fanout {
	publishBus, followBus := natsInstance(tb, srv), natsInstance(tb, srv)
	return fanout{name: "ssegen-nats", start: func() (http.Handler, func(string) error, func()) {
		h, publish := busFanout(publishBus, followBus)
		return h, publish, func() {}
	}}
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

// BenchmarkFanOutInstances is BenchmarkFanOut's scenario, with its
// -fanout.* flags, for feeds across instances: ssegen on the in-memory bus
// (one instance) against ssegen-nats, whose events go from one instance
// to the other through a real nats-server, interleaved. The latency is from
// Publish on the first instance to the last subscriber's read on the
// second. Run it with -benchtime 1x.
func BenchmarkFanOutInstances(b *testing.B) {
	srv := natstest.Start(b)
	contenders := []fanout{ssegenFanout, natsFanout(b, srv)}
	for _, n := range fanoutCounts(b) {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) { runFanOut(b, n, contenders) })
	}
}

// TestFanOutInstancesExchange runs a short session of the ssegen-nats
// contender (see checkFanOutSession).
func TestFanOutInstancesExchange(t *testing.T) {
	checkFanOutSession(t, natsFanout(t, natstest.Start(t)), startClientProcess(t))
}
