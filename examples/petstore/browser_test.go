package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
	"github.com/ssegen/ssegen/runtime"
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
	mux.HandleFunc("GET /petstore.js", serveScript)
	mux.HandleFunc("/awkward", serveAwkwardStream)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close) // after the browser's cleanup, which closes its connections

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

// watchTap sits in front of the petstore and sees every watch request: it
// records the Last-Event-ID each one carries, can drop their connections, and
// can hold new ones back until the test lets them through.
type watchTap struct {
	next         http.Handler
	lastEventIDs chan string

	mu    sync.Mutex
	conns []net.Conn
	gate  chan struct{} // while not nil, watch requests wait for it to close
}

type connKey struct{}

func (wt *watchTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/pets/events" {
		wt.mu.Lock()
		wt.conns = append(wt.conns, r.Context().Value(connKey{}).(net.Conn))
		gate := wt.gate
		wt.mu.Unlock()
		wt.lastEventIDs <- r.Header.Get("Last-Event-ID")
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
	}
	wt.next.ServeHTTP(w, r)
}

// drop closes the connections of the watch streams, as a failing network
// or a restarting proxy would, and holds back the reconnections until the
// returned function is called.
func (wt *watchTap) drop() (release func()) {
	wt.mu.Lock()
	defer wt.mu.Unlock()
	for _, c := range wt.conns {
		c.Close()
	}
	wt.conns = nil
	gate := make(chan struct{})
	wt.gate = gate
	return func() {
		wt.mu.Lock()
		wt.gate = nil
		wt.mu.Unlock()
		close(gate)
	}
}

// checker compares values and counts the comparisons, so the test can say
// how many assertions ran in the browser.
type checker struct {
	t *testing.T
	n int
}

func (c *checker) equal(what string, got, want any) {
	c.t.Helper()
	c.n++
	if !reflect.DeepEqual(got, want) {
		c.t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

// logged is an event as the page's watch stream logged it.
type logged struct {
	Type        string `json:"type"`
	Data        string `json:"data"`
	LastEventID string `json:"lastEventId"`
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitFor resolves when the JavaScript condition holds, polling for ten seconds.
func waitFor(t *testing.T, ctx context.Context, condition string) {
	t.Helper()
	run[bool](t, ctx, fmt.Sprintf(`new Promise((resolve, reject) => {
		const deadline = Date.now() + 10000;
		const poll = () => {
			if (%s) resolve(true);
			else if (Date.now() > deadline) reject(new Error("timed out waiting for: %s"));
			else setTimeout(poll, 20);
		};
		poll();
	})`, condition, condition))
}

// TestBrowserPetstore opens the example's page in Chromium against a
// petstore served by the test and checks what the page's generated client
// receives from the watch, import and adoption streams, event by event,
// while the test changes the store over HTTP and drops the watch connection.
func TestBrowserPetstore(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	tap := &watchTap{
		next:         newHandler(newPetstore(newMemoryBus(), 0), runtime.EndOnShutdown(srv.Config)),
		lastEventIDs: make(chan string, 10),
	}
	srv.Config.Handler = tap
	srv.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		return context.WithValue(ctx, connKey{}, c)
	}
	srv.Start()
	t.Cleanup(srv.Close) // after the browser's cleanup, which closes its connections

	ctx := newBrowser(t)
	check := &checker{t: t}
	defer func() { t.Logf("%d browser assertions", check.n) }()

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `petstore.feed.state === 'open'`)
	check.equal("Last-Event-ID of the first watch request", <-tap.lastEventIDs, "")
	ep := epochOf(t, srv.URL) // the ids are the feed's: epoch-n
	<-tap.lastEventIDs

	// want lists the events the page's watch stream must log, in order.
	var want []logged
	expect := func(typ, data string) {
		want = append(want, logged{typ, data, ep + strconv.Itoa(len(want)+1)})
	}
	send := func(method, path string, body any) []byte {
		resp, data := call(t, method, srv.URL+path, body)
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
		}
		return data
	}
	var lastPetID int64
	created := func(name string, tag *string) petstoreapi.Pet {
		pet := decode[petstoreapi.Pet](t, send("POST", "/pets", petstoreapi.NewPet{Name: name, Tag: tag}))
		expect("message", jsonOf(t, pet))
		lastPetID = pet.ID
		return pet
	}
	notice := func(text string) {
		send("POST", "/notices", petstoreapi.Notice{Text: text})
		expect("notice", text)
	}

	rex := created("Rex", ptr("dog"))
	zoe := created("Zoë 🐈", nil)
	notice("Open until 8 pm today.\n  Öffnungszeiten: bis 20 Uhr 🐾\n")
	rex.Tag = ptr("good dog")
	expect("message", jsonOf(t, decode[petstoreapi.Pet](t, send("PUT", fmt.Sprintf("/pets/%d", rex.ID), petstoreapi.NewPet{Name: "Rex", Tag: rex.Tag}))))
	send("DELETE", fmt.Sprintf("/pets/%d", zoe.ID), nil)
	expect("deleted", jsonOf(t, petstoreapi.PetDeleted{ID: zoe.ID}))
	waitFor(t, ctx, fmt.Sprintf("petstore.log.length >= %d", len(want)))

	// The connection drops. What happens while the browser is away must
	// reach it when it reconnects: it sends the id of the last event it saw.
	release := tap.drop()
	check.equal("Last-Event-ID of the reconnection", <-tap.lastEventIDs, ep+strconv.Itoa(len(want)))
	created("Nemo", ptr("fish"))
	notice("")
	notice("ünïcödé\r\nwith a CRLF, which SSE delivers as LF")
	want[len(want)-1].Data = "ünïcödé\nwith a CRLF, which SSE delivers as LF"
	send("DELETE", fmt.Sprintf("/pets/%d", rex.ID), nil)
	expect("deleted", jsonOf(t, petstoreapi.PetDeleted{ID: rex.ID}))
	release()
	waitFor(t, ctx, `petstore.feed.state === 'open'`)
	created("Tom", nil) // live again

	// The import stream, read by the page through the generated client,
	// which ends it at [DONE]; its pets reach the watch stream too.
	readStream := func(js string, args ...any) []sseEvent {
		return run[[]sseEvent](t, ctx, fmt.Sprintf(js, args...))
	}
	imported := readStream("petstore.importPets(%s)", jsonOf(t, []petstoreapi.NewPet{{Name: "Bolt", Tag: ptr("dog")}, {Name: "Éclair"}}))
	var wantImport []sseEvent
	var ids []int64
	for i, np := range []petstoreapi.NewPet{{Name: "Bolt", Tag: ptr("dog")}, {Name: "Éclair"}} {
		pet := petstoreapi.Pet{ID: lastPetID + int64(i+1), Name: np.Name, Tag: np.Tag, Status: petstoreapi.PetStatusAvailable}
		ids = append(ids, pet.ID)
		wantImport = append(wantImport, sseEvent{"progress", jsonOf(t, petstoreapi.ImportProgress{Done: int32(i + 1), Total: 2, Pet: pet}), ""})
		expect("message", jsonOf(t, pet))
	}
	wantImport = append(wantImport, sseEvent{"result", jsonOf(t, petstoreapi.ImportResult{Imported: ids}), ""})
	check.equal("number of import events", len(imported), len(wantImport))
	for i := range min(len(imported), len(wantImport)) {
		check.equal(fmt.Sprintf("import event %d", i), imported[i], wantImport[i])
	}

	// A failing import ends with its failed event, which the generated
	// client raises as an EventError.
	failed := readStream("petstore.importPets(%s)", jsonOf(t, []petstoreapi.NewPet{{Name: " "}}))
	check.equal("failed import", failed, []sseEvent{{"failed", jsonOf(t, importFailure(0)), ""}})

	// The PUT stream: multi-line, non-ASCII text steps, then the pet.
	owner := "Zoë Ångström"
	adoption := readStream("petstore.adopt(%d, %q)", ids[1], owner)
	var wantAdoption []sseEvent
	for _, step := range adoptionSteps("Éclair", owner) {
		wantAdoption = append(wantAdoption, sseEvent{"step", step, ""})
	}
	adopted := petstoreapi.Pet{ID: ids[1], Name: "Éclair", Status: petstoreapi.PetStatusAdopted, Owner: &owner}
	wantAdoption = append(wantAdoption, sseEvent{"message", jsonOf(t, adopted), ""})
	expect("message", jsonOf(t, adopted))
	check.equal("number of adoption events", len(adoption), len(wantAdoption))
	for i := range min(len(adoption), len(wantAdoption)) {
		check.equal(fmt.Sprintf("adoption event %d", i), adoption[i], wantAdoption[i])
	}

	// Every event reached the page once, in order, with its type, its data
	// intact and its id.
	waitFor(t, ctx, fmt.Sprintf("petstore.log.length >= %d", len(want)))
	got := run[[]logged](t, ctx, "petstore.log")
	check.equal("number of events the watch stream delivered", len(got), len(want))
	for i := range min(len(got), len(want)) {
		check.equal(fmt.Sprintf("event %d: type", i+1), got[i].Type, want[i].Type)
		check.equal(fmt.Sprintf("event %d: data", i+1), got[i].Data, want[i].Data)
		check.equal(fmt.Sprintf("event %d: lastEventId", i+1), got[i].LastEventID, want[i].LastEventID)
	}
	check.equal("lastEventId shown on the page", run[string](t, ctx, `document.getElementById("last-id").textContent`), ep+strconv.Itoa(len(want)))
	// The table the page keeps from the events: Nemo, Tom, Bolt, Éclair.
	check.equal("pets shown on the page", run[[]string](t, ctx,
		`[...document.querySelectorAll("#pets tr")].map((tr) => tr.cells[1].textContent)`),
		[]string{"Nemo", "Tom", "Bolt", "Éclair"})
}
