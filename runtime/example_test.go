package runtime_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/ssegen/ssegen/runtime"
)

// A streaming handler sends typed values; Serve frames them as SSE with the
// API's codec and takes care of the stream's lifecycle. A Reader reads the
// stream back.
func Example() {
	type progress struct {
		Percent int `json:"percent"`
	}
	o := runtime.NewOptions()
	cfg := &runtime.StreamConfig{
		DataContentType: "application/json",
		Heartbeat:       runtime.DefaultHeartbeat,
		End:             []byte("[DONE]"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.Serve(w, r, o, cfg, func(s *runtime.Stream) error {
			for p := 50; p <= 100; p += 50 {
				if err := s.SendData("", "", progress{p}, runtime.WithEventID(strconv.Itoa(p))); err != nil {
					return err // the client left
				}
			}
			return s.SendData("note", "text/plain", "all done")
		})
	}))
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	fmt.Println(resp.Header.Get("Content-Type"), resp.Header.Get("X-Event-Data-Mimetype"))
	for e, err := range runtime.NewReader(resp.Body).Events() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s id=%s %s\n", e.Type, e.ID, e.Data)
	}
	// Output:
	// text/event-stream application/json
	// message id=50 {"percent":50}
	// message id=100 {"percent":100}
	// note id=100 all done
	// message id=100 [DONE]
}

func ExampleAppendEvent() {
	frame, err := runtime.AppendEvent(nil, &runtime.Event{Type: "log", ID: "7", Data: []byte("line 1\nline 2")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(frame))

	_, err = runtime.AppendEvent(nil, &runtime.Event{Type: "log\nevent: forged"})
	fmt.Println(err)
	// Output:
	// event: log
	// id: 7
	// data: line 1
	// data: line 2
	//
	// runtime: invalid SSE event "log\nevent: forged": contains a line break
}

func ExampleReader() {
	stream := "retry: 3000\n: a comment\nevent: greeting\nid: 1\ndata: hello\ndata: world\n\ndata: partial"
	r := runtime.NewReader(strings.NewReader(stream))
	for e, err := range r.Events() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %q\n", e.Type, e.Data)
	}
	retry, _ := r.Retry()
	fmt.Println("last event ID:", r.LastEventID(), "retry:", retry)
	// Output:
	// greeting "hello\nworld"
	// last event ID: 1 retry: 3s
}
