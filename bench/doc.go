// Package bench compares the ssegen runtime with github.com/tmaxmax/go-sse,
// github.com/r3labs/sse/v2 and a bare net/http handler that writes pre-framed
// bytes (the limit any SSE library can reach), and its feeds shared across
// instances through NATS JetStream (natsbus) with its in-memory feeds.
//
// It is its own module so that the main module never depends on the peers.
// Everything lives in the test files; docs/performance.md explains the
// scenarios, the method and the results, and run.sh reproduces them.
package bench
