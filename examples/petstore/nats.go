package main

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ssegen/ssegen/natsbus"
	"github.com/ssegen/ssegen/runtime"
)

// openNATSBus connects to the NATS server at url and returns the watch
// feed's bus on its JetStream, which every petstore started with the same
// url shares, and a function that closes both.
func openNATSBus(ctx context.Context, url string) (*natsbus.Bus, func(), error) {
	// Reconnect for as long as it takes: watchers resume once it is back.
	nc, err := nats.Connect(url, nats.Name("petstore"), nats.MaxReconnects(-1))
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to NATS at %s: %w", url, err)
	}
	bus, err := newNATSBus(ctx, nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("JetStream at %s: %w", url, err)
	}
	return bus, func() { bus.Close(); nc.Close() }, nil
}

// newNATSBus returns the watch feed's bus on nc's JetStream, creating its
// stream if need be.
func newNATSBus(ctx context.Context, nc *nats.Conn) (*natsbus.Bus, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	return natsbus.New(ctx, js, natsbus.WithStream("PETSTORE"), natsbus.WithSubjectPrefix("petstore"),
		natsbus.WithHub(runtime.WithHistory(historySize), runtime.WithSubscriberQueue(watcherLag)))
}
