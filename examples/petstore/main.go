// Command petstore serves the API described in petstore.yaml, with pets kept
// in memory, and a page that shows its event streams live.
//
//	go run ./examples/petstore [-addr 127.0.0.1:8080]
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
)

// page is the demo page: live events through EventSource, the import and
// adoption streams through fetch.
//
//go:embed index.html
var page []byte

func servePage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

// newHandler serves the page at / and the API everywhere else.
func newHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", servePage)
	return mux
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: newHandler()}
	url := "http://" + ln.Addr().String()
	fmt.Printf("petstore listening on %s/\ntry: curl -N %s/pets/events\n", url, url)

	// Ctrl-C shuts down gracefully.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
