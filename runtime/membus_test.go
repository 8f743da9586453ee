package runtime_test

import (
	"testing"
	"time"

	"github.com/ssegen/ssegen/runtime"
	"github.com/ssegen/ssegen/runtime/bustest"
)

func TestMemoryBus(t *testing.T) {
	bustest.Run(t, func(t *testing.T, lim bustest.Limits) runtime.Bus {
		return runtime.NewMemoryBus(runtime.WithHistory(lim.History), runtime.WithSubscriberQueue(lim.Queue))
	})
}

// TestMemoryBusHistoryAge checks that events older than WithHistoryAge
// leave the history: resuming before them is a gap.
func TestMemoryBusHistoryAge(t *testing.T) {
	bus := runtime.NewMemoryBus(runtime.WithHistoryAge(20 * time.Millisecond))
	old, err := bus.Publish(t.Context(), "t", runtime.Message{Data: []byte("old")})
	if err != nil {
		t.Fatal(err)
	}
	recent := func() runtime.Subscription { return bustest.Subscribe(t, bus, "t", old) }
	if _, gap := recent().Gap(); gap {
		t.Fatal("a fresh event left the history")
	}
	time.Sleep(50 * time.Millisecond)
	if _, err := bus.Publish(t.Context(), "t", runtime.Message{Data: []byte("new")}); err != nil {
		t.Fatal(err)
	}
	// The event after old is still there, but old itself is not needed to
	// resume after it; the one before it is what left.
	sub := recent()
	if _, gap := sub.Gap(); gap {
		t.Fatal("resuming after the aged event: gap, want the new event")
	}
	time.Sleep(50 * time.Millisecond)
	if _, gap := recent().Gap(); !gap {
		t.Fatal("resuming after an event older than the history's age: no gap")
	}
}

// BenchmarkMemoryBusPublish measures publishing on a topic whose history
// is full, so that each event also trims one: the cost per event that no
// subscriber count changes.
func BenchmarkMemoryBusPublish(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts []runtime.HubOption
	}{
		{"history", nil},
		{"history+age", []runtime.HubOption{runtime.WithHistoryAge(time.Hour)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bus := runtime.NewMemoryBus(bc.opts...)
			m := runtime.Message{Name: "quote", ContentType: "application/json", Data: []byte(`{"price":42}`)}
			for range runtime.DefaultHistory {
				bus.Publish(b.Context(), "t", m)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bus.Publish(b.Context(), "t", m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
