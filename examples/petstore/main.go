// Command petstore serves the API described in petstore.yaml, with pets kept
// in memory, and a page that shows its event streams live. With -nats, its
// watch feed is kept in NATS JetStream and shared by every petstore started
// with the same server.
//
//	go run ./examples/petstore [-addr 127.0.0.1:8080] [-nats nats://127.0.0.1:4222]
package main

//go:generate go run github.com/ssegen/ssegen/cmd/ssegen generate --out petstoreapi --package petstoreapi petstore.yaml
//go:generate go run github.com/ssegen/ssegen/cmd/ssegen export --out openapi.json petstore.yaml
//go:generate go run github.com/ssegen/ssegen/cmd/ssegen generate --lang typescript --out web petstore.yaml
//go:generate go run ./internal/bundle

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
	"github.com/ssegen/ssegen/runtime"
)

// page is the demo page: live events through EventSource, the pet list and
// the import and adoption streams through the generated TypeScript client.
//
//go:embed index.html
var page []byte

func servePage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

// openAPI is petstore.yaml as standard OpenAPI 3.2, its streams described
// for docs tools (ssegen export, run by go generate).
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	// Docs tools served from elsewhere fetch it, such as Scalar's hosted page.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(openAPI)
}

// script is the page's generated TypeScript client, bundled by
// internal/bundle.
//
//go:embed web/petstore.js
var script []byte

func serveScript(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Write(script)
}

// newHandler serves the page at / and its script at /petstore.js, the
// API's OpenAPI document at /openapi.json, and the API everywhere else.
func newHandler(ps *petstore, opts ...runtime.Option) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", servePage)
	mux.HandleFunc("GET /openapi.json", serveOpenAPI)
	mux.HandleFunc("GET /petstore.js", serveScript)
	mux.Handle("/", petstoreapi.NewHandler(ps, opts...))
	return mux
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	natsURL := flag.String("nats", "", "NATS server `URL`: keep the watch feed in its JetStream, shared with the other petstores\nstarted with it, instead of in memory")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// Ctrl-C shuts down gracefully.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The bus carries the watch feed; JetStream shares it between processes.
	var bus runtime.Bus = newMemoryBus()
	if *natsURL != "" {
		natsBus, closeBus, err := openNATSBus(ctx, *natsURL)
		if err != nil {
			log.Fatal(err)
		}
		defer closeBus() // after the server's shutdown ended the streams
		bus = natsBus
	}
	if err := serve(ctx, ln, bus, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// serve serves the petstore, with its watch feed on bus, on ln until ctx is
// done, after printing how to try it on out.
func serve(ctx context.Context, ln net.Listener, bus runtime.Bus, out io.Writer) error {
	srv := &http.Server{}
	// Streams end when the server shuts down, or Shutdown would wait for them.
	srv.Handler = newHandler(newPetstore(bus, 500*time.Millisecond), runtime.EndOnShutdown(srv))
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "petstore: open %s/ in a browser, or try\n"+
		"  curl -N %s/pets/events\n"+
		"and in another terminal\n"+
		"  curl -H 'Content-Type: application/json' -d '{\"name\": \"Rex\", \"tag\": \"dog\"}' %s/pets\n"+
		"The API's OpenAPI 3.2 document is %s/openapi.json\n",
		url, url, url, url)

	shutdown := make(chan error, 1)
	stop := context.AfterFunc(ctx, func() { shutdown <- srv.Shutdown(context.Background()) })
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		stop()
		return err
	}
	return <-shutdown
}
