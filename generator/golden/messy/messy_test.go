package messy_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator"
	"github.com/ssegen/ssegen/generator/golden/messy"
	"github.com/ssegen/ssegen/runtime"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestWarnings checks that the document generates, with a located warning
// for each thing it writes the way the standard does not, and that
// --strict refuses it.
func TestWarnings(t *testing.T) {
	const leftover = `warning: parameter %q is in: formData, which OpenAPI 3 does not have (a Swagger 2 form field): `
	want := []string{
		`spec.yaml:22:15: warning: description is a Media Type field of OpenAPI 3.2, not 3.1.0: this and every other 3.2 field of the document's media types is read as 3.2 reads it`,
		`spec.yaml:31:3: warning: paths "/v1/environments/{id}" and "/v1/environments/{deviceId}" differ only in the names of their parameters; their operations, of different methods, are served on one route, each with its own parameter names`,
		`spec.yaml:44:24: ` + fmt.Sprintf(leftover, "name") + `it is read as a property of the application/x-www-form-urlencoded request body`,
		`spec.yaml:45:24: ` + fmt.Sprintf(leftover, "size") + `it is read as a property of the application/x-www-form-urlencoded request body`,
		`spec.yaml:46:24: ` + fmt.Sprintf(leftover, "tags") + `it is read as a property of the application/x-www-form-urlencoded request body`,
		`spec.yaml:58:24: ` + fmt.Sprintf(leftover, "file") + `it is read as a property of the multipart/form-data request body`,
		`spec.yaml:59:24: ` + fmt.Sprintf(leftover, "note") + `it is read as a property of the multipart/form-data request body`,
		`spec.yaml:70:24: ` + fmt.Sprintf(leftover, "text") + `it is skipped, since the operation declares a request body`,
	}
	for _, strict := range []bool{false, true} {
		files, diags, err := generator.Generate(generator.Config{Spec: "spec.yaml", Package: "messy", Client: true, Strict: strict})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range diags.Sorted() {
			got = append(got, d.String())
		}
		if strict {
			// The document's own warnings stop it before the model's.
			if files != nil || len(got) != 2 || got[0] != strings.Replace(want[0], "warning: ", "", 1) || got[1] != strings.Replace(want[1], "warning: ", "", 1) {
				t.Errorf("--strict: %d files, diagnostics:\n%s", len(files), strings.Join(got, "\n"))
			}
			continue
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if len(files) == 0 {
			t.Error("warnings stopped generation")
		}
	}
}

// server keeps environments by ID; deleting one goes by the device ID,
// the name the other path gives the same segment.
type server struct {
	mu   sync.Mutex
	envs map[string]messy.Environment
}

func (s *server) CreateEnvironment(_ context.Context, req *messy.CreateEnvironmentRequest) (messy.CreateEnvironmentResponse, error) {
	env := messy.Environment{ID: "env-" + req.Body.Name, Name: req.Body.Name, Size: req.Body.Size, Tags: req.Body.Tags}
	s.mu.Lock()
	s.envs[env.ID] = env
	s.mu.Unlock()
	return messy.CreateEnvironment201Response{Body: env}, nil
}

func (s *server) DeleteEnvironment(_ context.Context, req *messy.DeleteEnvironmentRequest) (messy.DeleteEnvironmentResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.envs[req.DeviceID]; !ok {
		return nil, runtime.ErrNotImplemented
	}
	delete(s.envs, req.DeviceID)
	return messy.DeleteEnvironment204Response{}, nil
}

func (s *server) GetEnvironment(_ context.Context, req *messy.GetEnvironmentRequest, stream *messy.GetEnvironmentStream) error {
	s.mu.Lock()
	env, ok := s.envs[req.ID]
	s.mu.Unlock()
	if !ok {
		return errors.New("no such environment")
	}
	if !stream.Requested() && (req.Follow == nil || !*req.Follow) {
		return stream.Respond(messy.GetEnvironment200Response{Body: env})
	}
	for _, tag := range []string{"blue", "green"} {
		env.Tags = append(env.Tags, tag)
		if err := stream.SendChange(env); err != nil {
			return err
		}
	}
	return nil
}

func (s *server) UploadFile(_ context.Context, req *messy.UploadFileRequest) (messy.UploadFileResponse, error) {
	note := ""
	if req.Body.Note != nil {
		note = " (" + *req.Body.Note + ")"
	}
	return messy.UploadFile200Response{Body: fmt.Sprintf("%s: %q%s", req.ID, req.Body.File, note)}, nil
}

func (s *server) AddNote(_ context.Context, req *messy.AddNoteRequest) (messy.AddNoteResponse, error) {
	return messy.AddNote200Response{Body: "note: " + req.Body}, nil
}

func newServer(t *testing.T) (*httptest.Server, *messy.Client) {
	ts := httptest.NewServer(messy.NewHandler(&server{envs: map[string]messy.Environment{}}))
	t.Cleanup(ts.Close)
	return ts, messy.NewClient(ts.URL, runtime.WithHTTPClient(ts.Client()))
}

func call(t *testing.T, req *http.Request) string {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d %s", resp.StatusCode, strings.TrimSpace(string(body)))
}

// TestForms creates an environment from its Swagger 2 form parameters and
// uploads a file, through the generated client and as a browser or curl
// would send them.
func TestForms(t *testing.T) {
	ts, client := newServer(t)
	ctx := context.Background()

	size := int64(3)
	created, err := client.CreateEnvironment(ctx, &messy.CreateEnvironmentRequest{Body: messy.CreateEnvironmentRequestBody{Name: "dev & test", Size: &size, Tags: []string{"a", "b"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%s %s %d %v", created.Body.ID, created.Body.Name, *created.Body.Size, created.Body.Tags); got != "env-dev & test dev & test 3 [a b]" {
		t.Errorf("created through the client: %s", got)
	}

	post := func(contentType, body string) *http.Request {
		req, err := http.NewRequest(http.MethodPost, ts.URL+"/v1/environments", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", contentType)
		return req
	}
	const form = "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		req  *http.Request
		want string
	}{
		{post(form, "name=prod&tags=x&tags=y"), `201 {"id":"env-prod","name":"prod","tags":["x","y"]}`},
		{post(form, "size=1"), `400 {"title":"Invalid request","status":400,"detail":"request body property \"name\" is required"}`},
		{post(form, "name=a&size=big"), `400 {"title":"Invalid request","status":400,"detail":"request body property \"size\": \"big\" is not a number"}`},
		{post("application/json", `{"name":"a"}`), `415 {"title":"Unsupported Media Type","status":415,"detail":"request body: content type \"application/json\" is not application/x-www-form-urlencoded"}`},
	} {
		if got := call(t, tc.req); got != tc.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.req.Header.Get("Content-Type"), tc.req.URL, got, tc.want)
		}
	}

	note := "the logo"
	stored, err := client.UploadFile(ctx, &messy.UploadFileRequest{ID: "env-prod", Body: messy.UploadFileRequestBody{File: "GIF89a", Note: &note}})
	if err != nil || stored.Body != `env-prod: "GIF89a" (the logo)` {
		t.Errorf("upload through the client: %q, %v", stored.Body, err)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", "logo.svg")
	io.WriteString(part, "<svg/>")
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/environments/env-prod/files", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if got, want := call(t, req), `200 env-prod: "<svg/>"`; got != want {
		t.Errorf("upload of a file part:\n got %s\nwant %s", got, want)
	}

	// The formData parameter of an operation with a body is skipped.
	added, err := client.AddNote(ctx, &messy.AddNoteRequest{Body: "hello"})
	if err != nil || added.Body != "note: hello" {
		t.Errorf("AddNote: %q, %v", added.Body, err)
	}
}

// TestSameShapePaths serves GET /v1/environments/{id} and
// DELETE /v1/environments/{deviceId}, one route, each operation with its
// own parameter name; another method on it is not allowed. The GET
// answers JSON or its stream, chosen by Accept or by its follow parameter.
func TestSameShapePaths(t *testing.T) {
	ts, client := newServer(t)
	ctx := context.Background()
	if _, err := client.CreateEnvironment(ctx, &messy.CreateEnvironmentRequest{Body: messy.CreateEnvironmentRequestBody{Name: "dev"}}); err != nil {
		t.Fatal(err)
	}

	got, err := client.GetEnvironmentJSON(ctx, &messy.GetEnvironmentRequest{ID: "env-dev"})
	if err != nil || got.Body.Name != "dev" {
		t.Errorf("GetEnvironmentJSON: %+v, %v", got, err)
	}
	stream, err := client.GetEnvironment(ctx, &messy.GetEnvironmentRequest{ID: "env-dev"})
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for ev, err := range stream.Events() {
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, fmt.Sprint(ev.(messy.GetEnvironmentChange).Data.Tags))
	}
	stream.Close()
	if fmt.Sprint(changes) != "[[blue] [blue green]]" {
		t.Errorf("changes: %v", changes)
	}

	follow, _ := http.NewRequest(http.MethodGet, ts.URL+"/v1/environments/env-dev?"+url.Values{"follow": {"true"}}.Encode(), nil)
	if got, want := call(t, follow), "200 event: change\ndata: {\"id\":\"env-dev\",\"name\":\"dev\",\"tags\":[\"blue\"]}\n\nevent: change\ndata: {\"id\":\"env-dev\",\"name\":\"dev\",\"tags\":[\"blue\",\"green\"]}"; got != want {
		t.Errorf("GET ?follow=true:\n got %s\nwant %s", got, want)
	}

	if err := client.DeleteEnvironment(ctx, &messy.DeleteEnvironmentRequest{DeviceID: "env-dev"}); err != nil {
		t.Fatalf("DeleteEnvironment: %v", err)
	}
	put, _ := http.NewRequest(http.MethodPut, ts.URL+"/v1/environments/env-dev", nil)
	if got := call(t, put); !strings.HasPrefix(got, "405 ") {
		t.Errorf("PUT: %s", got)
	}
	if _, err := client.GetEnvironmentJSON(ctx, &messy.GetEnvironmentRequest{ID: "env-dev"}); err == nil {
		t.Error("GET after DELETE found the environment")
	}
}
