package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/examples/petstore/petstoreapi"
	"github.com/ssegen/ssegen/runtime"
)

func TestMain(m *testing.M) {
	if os.Getenv(instanceEnv) == "1" {
		main()
		return
	}
	goleak.VerifyTestMain(m)
}

// startPetstore serves a fresh petstore on a loopback port for one test.
func startPetstore(t testing.TB, opts ...runtime.Option) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = newHandler(newPetstore(newMemoryBus(), 0), append(opts, runtime.EndOnShutdown(srv.Config))...)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// call sends a JSON request and returns the response with its body read.
func call(t *testing.T, method, url string, body any) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(newRequest(t, context.Background(), method, url, body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

func newRequest(t *testing.T, ctx context.Context, method, url string, body any) *http.Request {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// decode unmarshals a JSON body, failing the test when it does not decode.
func decode[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decoding %T from %q: %v", v, data, err)
	}
	return v
}

func wantStatus(t *testing.T, resp *http.Response, body []byte, status int, contentType string) {
	t.Helper()
	if resp.StatusCode != status || resp.Header.Get("Content-Type") != contentType {
		t.Fatalf("%s %s: %d %s %q, want %d %s", resp.Request.Method, resp.Request.URL.Path,
			resp.StatusCode, resp.Header.Get("Content-Type"), body, status, contentType)
	}
}

func createPet(t *testing.T, baseURL, name string, tag *string) petstoreapi.Pet {
	t.Helper()
	resp, body := call(t, "POST", baseURL+"/pets", petstoreapi.NewPet{Name: name, Tag: tag})
	wantStatus(t, resp, body, http.StatusCreated, "application/json")
	return decode[petstoreapi.Pet](t, body)
}

func ptr[T any](v T) *T { return &v }

func TestCRUD(t *testing.T) {
	srv := startPetstore(t)

	rex := createPet(t, srv.URL, "Rex", ptr("dog"))
	want := petstoreapi.Pet{ID: rex.ID, Name: "Rex", Tag: ptr("dog"), Status: petstoreapi.PetStatusAvailable}
	if !reflect.DeepEqual(rex, want) {
		t.Errorf("created %+v, want %+v", rex, want)
	}
	tom := createPet(t, srv.URL, "Tom", ptr("cat"))
	nemo := createPet(t, srv.URL, "Nemo", nil)

	for _, tc := range []struct {
		query string
		want  []petstoreapi.Pet
	}{
		{"", []petstoreapi.Pet{rex, tom, nemo}},
		{"?tag=cat", []petstoreapi.Pet{tom}},
		{"?limit=2", []petstoreapi.Pet{rex, tom}},
		{"?tag=bird", []petstoreapi.Pet{}},
	} {
		resp, body := call(t, "GET", srv.URL+"/pets"+tc.query, nil)
		wantStatus(t, resp, body, http.StatusOK, "application/json")
		if got := decode[[]petstoreapi.Pet](t, body); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("GET /pets%s = %+v, want %+v", tc.query, got, tc.want)
		}
	}

	resp, body := call(t, "PUT", srv.URL+"/pets/"+strconv.FormatInt(tom.ID, 10), petstoreapi.NewPet{Name: "Tom", Tag: ptr("kitten")})
	wantStatus(t, resp, body, http.StatusOK, "application/json")
	tom.Tag = ptr("kitten")
	if got := decode[petstoreapi.Pet](t, body); !reflect.DeepEqual(got, tom) {
		t.Errorf("updated %+v, want %+v", got, tom)
	}
	resp, body = call(t, "GET", srv.URL+"/pets/"+strconv.FormatInt(tom.ID, 10), nil)
	wantStatus(t, resp, body, http.StatusOK, "application/json")
	if got := decode[petstoreapi.Pet](t, body); !reflect.DeepEqual(got, tom) {
		t.Errorf("got %+v, want %+v", got, tom)
	}

	resp, body = call(t, "DELETE", srv.URL+"/pets/"+strconv.FormatInt(rex.ID, 10), nil)
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE: %d %q, want 204", resp.StatusCode, body)
	}
	for _, req := range []struct{ method, path string }{
		{"GET", "/pets/" + strconv.FormatInt(rex.ID, 10)},
		{"DELETE", "/pets/" + strconv.FormatInt(rex.ID, 10)},
		{"PUT", "/pets/" + strconv.FormatInt(rex.ID, 10)},
	} {
		resp, body := call(t, req.method, srv.URL+req.path, petstoreapi.NewPet{Name: "Rex"})
		wantStatus(t, resp, body, http.StatusNotFound, "application/problem+json")
	}

	// Bad input never reaches the store.
	for _, bad := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/pets", petstoreapi.NewPet{Name: ""}},
		{"POST", "/pets", petstoreapi.NewPet{Name: " "}},
		{"GET", "/pets?limit=0", nil},
		{"GET", "/pets?limit=1001", nil},
		{"POST", "/pets", map[string]string{"tag": "no name"}},
		{"GET", "/pets/rex", nil},
		{"GET", "/pets?limit=lots", nil},
	} {
		resp, body := call(t, bad.method, srv.URL+bad.path, bad.body)
		wantStatus(t, resp, body, http.StatusBadRequest, "application/problem+json")
	}
	resp, body = call(t, "GET", srv.URL+"/pets", nil)
	wantStatus(t, resp, body, http.StatusOK, "application/json")
	if got := decode[[]petstoreapi.Pet](t, body); !reflect.DeepEqual(got, []petstoreapi.Pet{tom, nemo}) {
		t.Errorf("after bad requests the store holds %+v, want Tom and Nemo", got)
	}
}

// stream is an open event stream read with the runtime's reader.
type stream struct {
	t      *testing.T
	resp   *http.Response
	events *runtime.Reader
	cancel context.CancelFunc
}

// openStream sends a request answered by an event stream; lastEventID, when
// not empty, is sent as Last-Event-ID.
func openStream(t *testing.T, method, url string, body any, lastEventID string) *stream {
	t.Helper()
	s, err := tryStream(t, method, url, body, lastEventID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tryStream is openStream returning the error, or why the answer is not an
// event stream, instead of failing the test.
func tryStream(t *testing.T, method, url string, body any, lastEventID string) (*stream, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req := newRequest(t, ctx, method, url, body)
	req.Header.Set("Accept", "text/event-stream")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("%s %s: %d %s %q, want 200 text/event-stream", method, url, resp.StatusCode, resp.Header.Get("Content-Type"), data)
	}
	s := &stream{t: t, resp: resp, events: runtime.NewReader(resp.Body), cancel: cancel}
	t.Cleanup(s.close)
	return s, nil
}

func (s *stream) close() {
	s.cancel()
	s.resp.Body.Close()
}

// next returns the next event; the test fails when the stream ends or
// nothing arrives within ten seconds.
func (s *stream) next() runtime.Event {
	s.t.Helper()
	timer := time.AfterFunc(10*time.Second, s.cancel)
	defer timer.Stop()
	e, err := s.events.Next()
	if err != nil {
		s.t.Fatalf("reading the stream: %v", err)
	}
	return e
}

// expectEnd checks that the stream ends after the events read so far.
func (s *stream) expectEnd() {
	s.t.Helper()
	timer := time.AfterFunc(10*time.Second, s.cancel)
	defer timer.Stop()
	if e, err := s.events.Next(); !errors.Is(err, io.EOF) {
		s.t.Fatalf("got %q %q (err %v), want the end of the stream", e.Type, e.Data, err)
	}
}

// epochOf returns what the ids of the petstore's watch events start with:
// the epoch of its bus, which the id of a reset reveals.
func epochOf(t *testing.T, url string) string {
	t.Helper()
	e := openStream(t, "GET", url+"/pets/events", nil, "unknown").next()
	i := strings.LastIndexByte(e.ID, '-')
	if e.Type != "reset" || i < 0 {
		t.Fatalf("the watch of an unknown id started with %q id %q, want a reset with an id like epoch-n", e.Type, e.ID)
	}
	return e.ID[:i+1]
}

// wantEvent reads the next event and compares it with the wanted type, id
// and data (JSON-encoded unless it is a string).
func (s *stream) wantEvent(typ, id string, data any) {
	s.t.Helper()
	e := s.next()
	want, ok := data.(string)
	if !ok {
		b, err := json.Marshal(data)
		if err != nil {
			s.t.Fatal(err)
		}
		want = string(b)
	}
	if e.Type != typ || e.ID != id || string(e.Data) != want {
		s.t.Errorf("got event %q id %q data %q\nwant %q id %q data %q", e.Type, e.ID, e.Data, typ, id, want)
	}
}

func TestWatchResume(t *testing.T) {
	srv := startPetstore(t)
	ep := epochOf(t, srv.URL)
	watch := openStream(t, "GET", srv.URL+"/pets/events", nil, "")
	if got := watch.resp.Header.Get("X-Event-Data-Mimetype"); got != "application/json" {
		t.Errorf("X-Event-Data-Mimetype = %q, want application/json", got)
	}

	rex := createPet(t, srv.URL, "Rex", nil)
	notice := "Open until 8 pm today.\nÖffnungszeiten: bis 20 Uhr 🐾\n"
	resp, body := call(t, "POST", srv.URL+"/notices", petstoreapi.Notice{Text: notice})
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /notices: %d %q", resp.StatusCode, body)
	}
	watch.wantEvent("message", ep+"1", rex)
	watch.wantEvent("notice", ep+"2", notice)
	watch.close()

	// Changes made while nobody watches are replayed, in order, to a client
	// that says what it saw last; then the stream goes on live.
	tom := createPet(t, srv.URL, "Tom", ptr("cat"))
	call(t, "DELETE", srv.URL+"/pets/"+strconv.FormatInt(rex.ID, 10), nil)
	resumed := openStream(t, "GET", srv.URL+"/pets/events", nil, ep+"2")
	resumed.wantEvent("message", ep+"3", tom)
	resumed.wantEvent("deleted", ep+"4", petstoreapi.PetDeleted{ID: rex.ID})
	nemo := createPet(t, srv.URL, "Nemo", nil)
	resumed.wantEvent("message", ep+"5", nemo)

	// A client that saw everything gets only what comes next.
	upToDate := openStream(t, "GET", srv.URL+"/pets/events", nil, ep+"5")
	call(t, "POST", srv.URL+"/notices", petstoreapi.Notice{Text: "hi"})
	upToDate.wantEvent("notice", ep+"6", "hi")
	resumed.wantEvent("notice", ep+"6", "hi")

	// An id the feed cannot resume from (one to come, one of another epoch
	// of the bus, as after a server restart, or not an id at all) gets a
	// reset at the current id.
	for _, id := range []string{ep + "7", "7", "x", "-1"} {
		lost := openStream(t, "GET", srv.URL+"/pets/events", nil, id)
		lost.wantEvent("reset", ep+"6", petstoreapi.Reset{Reason: resetReason})
	}
}

func TestWatchHistoryTooShort(t *testing.T) {
	srv := startPetstore(t)
	ep := epochOf(t, srv.URL)
	for i := range historySize + 2 {
		call(t, "POST", srv.URL+"/notices", petstoreapi.Notice{Text: strconv.Itoa(i)})
	}
	last := ep + strconv.Itoa(historySize+2)
	// Change 1 fell out of the history: a client that saw it has missed 2,
	// which cannot be replayed.
	lost := openStream(t, "GET", srv.URL+"/pets/events", nil, ep+"1")
	lost.wantEvent("reset", last, petstoreapi.Reset{Reason: resetReason})
	// One that saw 2 can still be served from the history.
	ok := openStream(t, "GET", srv.URL+"/pets/events", nil, ep+"2")
	ok.wantEvent("notice", ep+"3", "2")
}

func TestImport(t *testing.T) {
	srv := startPetstore(t)
	ep := epochOf(t, srv.URL)
	watch := openStream(t, "GET", srv.URL+"/pets/events", nil, "")

	pets := []petstoreapi.NewPet{{Name: "Rex", Tag: ptr("dog")}, {Name: "Zoë"}}
	imp := openStream(t, "POST", srv.URL+"/pets/import", pets, "")
	stored := []petstoreapi.Pet{
		{ID: 1, Name: "Rex", Tag: ptr("dog"), Status: petstoreapi.PetStatusAvailable},
		{ID: 2, Name: "Zoë", Status: petstoreapi.PetStatusAvailable},
	}
	imp.wantEvent("progress", "", petstoreapi.ImportProgress{Done: 1, Total: 2, Pet: stored[0]})
	imp.wantEvent("progress", "", petstoreapi.ImportProgress{Done: 2, Total: 2, Pet: stored[1]})
	imp.wantEvent("result", "", petstoreapi.ImportResult{Imported: []int64{1, 2}})
	imp.wantEvent("message", "", "[DONE]")
	imp.expectEnd()
	watch.wantEvent("message", ep+"1", stored[0])
	watch.wantEvent("message", ep+"2", stored[1])

	// A pet that cannot be stored stops the import with a failed event and
	// no [DONE]; the pets before it stay.
	bad := openStream(t, "POST", srv.URL+"/pets/import", []petstoreapi.NewPet{{Name: "Tom"}, {Name: " "}, {Name: "Nemo"}}, "")
	tom := petstoreapi.Pet{ID: 3, Name: "Tom", Status: petstoreapi.PetStatusAvailable}
	bad.wantEvent("progress", "", petstoreapi.ImportProgress{Done: 1, Total: 3, Pet: tom})
	bad.wantEvent("failed", "", importFailure(1))
	bad.expectEnd()
	watch.wantEvent("message", ep+"3", tom)

	// What the spec rules out is answered 400 before the stream starts,
	// naming the place: the items of the list are checked like a pet.
	for body, want := range map[string]string{
		`[{"name":"a"},{"tag":"x"}]`:   `request body item [1] property "name" is required`,
		`[{"name":"a"},{"name":""}]`:   `request body item [1] property "name": must be at least 1 character`,
		`[{"name":"a"},{"name":7}]`:    `request body item [1] property "name": expected string, got number`,
		`[{"name":"a"},{"tag":false}]`: `request body item [1] property "tag": expected string, got boolean`,
		`null`:                         `request body: must not be null`,
	} {
		resp, data := call(t, "POST", srv.URL+"/pets/import", json.RawMessage(body))
		wantStatus(t, resp, data, http.StatusBadRequest, "application/problem+json")
		if p := decode[petstoreapi.Problem](t, data); p.Detail == nil || *p.Detail != want {
			t.Errorf("%s: %s, want detail %q", body, data, want)
		}
	}
}

func TestAdopt(t *testing.T) {
	srv := startPetstore(t)
	rex := createPet(t, srv.URL, "Rex", nil)
	url := srv.URL + "/pets/" + strconv.FormatInt(rex.ID, 10) + "/adoption"
	owner := "Zoë Ångström"

	adopted := rex
	adopted.Status = petstoreapi.PetStatusAdopted
	adopted.Owner = &owner
	adopt := openStream(t, "PUT", url, petstoreapi.Adoption{Owner: owner}, "")
	for _, step := range adoptionSteps(rex.Name, owner) {
		adopt.wantEvent("step", "", step)
	}
	adopt.wantEvent("message", "", adopted)
	adopt.expectEnd()

	// PUT is idempotent: adopting again by the same owner changes nothing.
	again := openStream(t, "PUT", url, petstoreapi.Adoption{Owner: owner}, "")
	again.wantEvent("step", "", alreadyAdopted(rex.Name, owner))
	again.wantEvent("message", "", adopted)
	again.expectEnd()

	resp, body := call(t, "PUT", srv.URL+"/pets/99/adoption", petstoreapi.Adoption{Owner: owner})
	wantStatus(t, resp, body, http.StatusNotFound, "application/problem+json")
}

// The program prints where it listens and how to try it, serves the page and
// the API, and shuts down with a watch stream open.
func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &bytes.Buffer{}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, newMemoryBus(), out) }()
	url := "http://" + ln.Addr().String()

	resp, body := call(t, "GET", url+"/", nil)
	wantStatus(t, resp, body, http.StatusOK, "text/html; charset=utf-8")
	if !bytes.Equal(body, page) {
		t.Errorf("GET / did not serve the page")
	}
	watch := openStream(t, "GET", url+"/pets/events", nil, "")
	createPet(t, url, "Rex", nil)
	watch.next()

	cancel()
	watch.expectEnd()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v after shutdown", err)
	}
	for _, want := range []string{url + "/ in a browser", "curl -N " + url + "/pets/events", url + "/pets\n", url + "/openapi.json\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve printed\n%s\nwithout %q", out, want)
		}
	}
}

// The server publishes its API as OpenAPI 3.2 at /openapi.json, for docs
// tools: a valid document in which the watch stream's events, and its
// Last-Event-ID header, are visible without ssegen's annotation.
func TestOpenAPIDocument(t *testing.T) {
	srv := startPetstore(t)
	resp, body := call(t, "GET", srv.URL+"/openapi.json", nil)
	wantStatus(t, resp, body, http.StatusOK, "application/json")
	if !bytes.Equal(body, openAPI) || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("GET /openapi.json did not serve openapi.json to every origin")
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil || doc.OpenAPI != "3.2.0" {
		t.Fatalf("OpenAPI %s, validation: %v", doc.OpenAPI, err)
	}
	watch := doc.Paths.Value("/pets/events").Get
	if _, ok := watch.Extensions["x-event-stream"]; ok {
		t.Error("watchPets still carries x-event-stream")
	}
	if p := watch.Parameters.GetByInAndName("header", "Last-Event-ID"); p == nil {
		t.Error("watchPets declares no Last-Event-ID header")
	}
	item := watch.Responses.Status(200).Value.Content["text/event-stream"].ItemSchema.Value
	var events []string
	for _, b := range item.OneOf {
		events = append(events, fmt.Sprint(b.Value.Properties["event"].Value.Const))
	}
	if want := []string{"message", "deleted", "notice", "reset"}; !slices.Equal(events, want) {
		t.Errorf("watchPets events %q, want %q", events, want)
	}
}
