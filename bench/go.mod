module github.com/ssegen/ssegen/bench

go 1.25.0

require (
	github.com/r3labs/sse/v2 v2.10.0
	github.com/ssegen/ssegen v0.0.0
	github.com/tmaxmax/go-sse v0.11.0
)

require (
	golang.org/x/net v0.0.0-20191116160921-f9c825593386 // indirect
	gopkg.in/cenkalti/backoff.v1 v1.1.0 // indirect
)

// The runtime under test is this checkout's, never a published version.
replace github.com/ssegen/ssegen => ../
