package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// newBrowser starts a headless Chromium for one test and returns a context
// whose actions run in its tab. Without Chromium the test is skipped, or
// fails when SSEGEN_REQUIRE_BROWSER=1 (as in CI).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("SSEGEN_REQUIRE_BROWSER") == "1" {
			t.Fatal("SSEGEN_REQUIRE_BROWSER=1 but chromium is not installed (apt-get install chromium)")
		}
		t.Skip("the browser test needs Chromium: apt-get install chromium (SSEGEN_REQUIRE_BROWSER=1 turns this skip into a failure)")
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// run evaluates a JavaScript expression in the page, awaiting it when it is a
// promise, and decodes its JSON value into a T. Each call gets a deadline so
// a stuck page fails the test instead of hanging it.
func run[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// sseEvent is an event as a browser script sees it.
type sseEvent struct {
	Type        string `json:"type"`
	Data        string `json:"data"`
	LastEventID string `json:"lastEventId"`
}

// awkwardStream is an event stream that exercises the parsing rules a
// hand-written reader gets wrong: a BOM, comments, CR, LF and CRLF line ends
// (one CRLF split between two writes), a UTF-8 character split between two
// writes, a field without a colon, two leading spaces, an id with NUL, an
// empty id, unknown fields, an event without data, and a last event that is
// never terminated.
var awkwardStream = []string{
	"\xEF\xBB\xBF: a comment after the BOM\n",
	"data: first\r",
	"\ndata: line\r\n\r\n",
	"event: named\rdata:  two spaces\rdata\r\r",
	"id: 7\ndata: with id\n\n",
	"id: bad\x00id\ndata: NUL id ignored\n\n",
	"retry: soon\nunknown: field\ndata:no space\n\n",
	"data: h\xC3",
	"\xA9llo 🐈 wörld\n\n",
	"event: empty\ndata\n\n",
	"event: nodata\n\n",
	"data: multi\ndata: line\n\n",
	"id\ndata: id reset\n\n",
	"event: done\ndata: end\n\n",
	"data: never terminated",
}

// awkwardEvents is what the standard says a reader makes of awkwardStream.
var awkwardEvents = []sseEvent{
	{"message", "first\nline", ""},
	{"named", " two spaces\n", ""},
	{"message", "with id", "7"},
	{"message", "NUL id ignored", "7"},
	{"message", "no space", "7"},
	{"message", "héllo 🐈 wörld", "7"},
	{"empty", "", "7"},
	{"message", "multi\nline", "7"},
	{"message", "id reset", ""},
	{"done", "end", ""},
}

func serveAwkwardStream(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	rc := http.NewResponseController(w)
	for _, chunk := range awkwardStream {
		w.Write([]byte(chunk))
		rc.Flush()
		// A pause makes the browser read each write separately, so the
		// split CRLF and the split character cross a read boundary.
		select {
		case <-time.After(20 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	}
}

// TestBrowserReadEventStream checks the page's own SSE reader (used for the
// POST and PUT streams, which EventSource cannot send) against the standard
// and against the browser's EventSource on the same bytes.
func TestBrowserReadEventStream(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", servePage)
	mux.HandleFunc("/awkward", serveAwkwardStream)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}

	viaFetch := run[[]sseEvent](t, ctx, `(async () => {
		const events = [];
		const response = await fetch("/awkward");
		await petstore.readEventStream(response.body, (e) => events.push(e));
		return events;
	})()`)
	if !reflect.DeepEqual(viaFetch, awkwardEvents) {
		t.Errorf("the page's reader read\n%q\nwant\n%q", viaFetch, awkwardEvents)
	}

	viaEventSource := run[[]sseEvent](t, ctx, `new Promise((resolve) => {
		const events = [];
		const source = new EventSource("/awkward");
		const record = (e) => {
			events.push({type: e.type, data: e.data, lastEventId: e.lastEventId});
			if (e.type === "done") { source.close(); resolve(events); }
		};
		for (const type of ["message", "named", "empty", "nodata", "done"]) source.addEventListener(type, record);
	})`)
	if !reflect.DeepEqual(viaEventSource, viaFetch) {
		t.Errorf("EventSource read\n%q\nthe page's reader read\n%q", viaEventSource, viaFetch)
	}
}
