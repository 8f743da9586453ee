package models_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ssegen/ssegen/generator/golden/internal/goldentest"
	"github.com/ssegen/ssegen/generator/golden/models"
	"github.com/ssegen/ssegen/runtime"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echo answers every operation with what it received.
type echo struct{}

func (echo) EchoPet(_ context.Context, req *models.EchoPetRequest) (models.EchoPetResponse, error) {
	req.Body.Password = nil // write-only: never answered
	return models.EchoPet200Response{Body: req.Body}, nil
}

func (echo) EchoShape(_ context.Context, req *models.EchoShapeRequest) (models.EchoShapeResponse, error) {
	return models.EchoShape200Response{Body: req.Body}, nil
}

func (echo) EchoTree(_ context.Context, req *models.EchoTreeRequest) (models.EchoTreeResponse, error) {
	return models.EchoTree200Response{Body: req.Body}, nil
}

func (echo) EchoRecord(_ context.Context, req *models.EchoRecordRequest) (models.EchoRecordResponse, error) {
	if req.Body == nil {
		return models.EchoRecord204Response{}, nil
	}
	return models.EchoRecord200Response{Body: *req.Body}, nil
}

func (echo) EchoBasket(_ context.Context, req *models.EchoBasketRequest) (models.EchoBasketResponse, error) {
	return models.EchoBasket200Response{Body: req.Body}, nil
}

func (echo) EchoNote(_ context.Context, req *models.EchoNoteRequest) (models.EchoNoteResponse, error) {
	return models.EchoNote200Response{Body: req.Body}, nil
}

func (echo) Feed(_ context.Context, _ *models.FeedRequest, stream *models.FeedStream) error {
	return stream.Batch(func() error {
		nick := "Rex"
		if err := stream.SendPet(models.Pet{ID: 1, Name: "rex", Kind: models.KindDog, Tags: []string{}, Nickname: &nick}); err != nil {
			return err
		}
		if err := stream.SendShape(models.ShapeFromSquare(models.Square{Side: 2})); err != nil {
			return err
		}
		if err := stream.SendValue(models.ValueFromInt64(42)); err != nil {
			return err
		}
		return stream.SendInline(models.FeedInlineEvent{At: time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)})
	})
}

func start(t *testing.T) string {
	ts := httptest.NewServer(models.NewHandler(echo{}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// roundTrip posts body to path and returns the echoed JSON.
func roundTrip(t *testing.T, url, path, body string, v any) string {
	t.Helper()
	resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: url + path, Body: body})
	var raw json.RawMessage
	goldentest.JSON(t, resp, http.StatusOK, &raw)
	if v != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatal(err)
		}
	}
	return string(raw)
}

func TestPetRoundTrip(t *testing.T) {
	url := start(t)
	// Every property, in the order the struct declares them, so the echo is
	// byte for byte the same.
	full := `{"id":7,"name":"rex","kind":"guinea pig","size":2,"tags":["a"],"likes":["cat"],"labels":{"k":"v"},"age":3,"weight":1.5,"ratio":0.25,` +
		`"born":"2020-01-02T03:04:05Z","photo":"AQID","chip_id":"5a1c6e2e-0000-4000-8000-000000000000","nickname":"R","owner":{"name":"ann","e-mail":"a@b.c"},` +
		`"type":"good","2fa":true,"HTTPURL":"http://x"}`
	var pet models.Pet
	if got := roundTrip(t, url, "/pets", full, &pet); got != full {
		t.Errorf("echo\n%s\nwant\n%s", got, full)
	}
	if pet.Kind != models.KindGuineaPig || *pet.Size != models.Size2 || pet.Born.Year() != 2020 || string(pet.Photo) != "\x01\x02\x03" ||
		pet.Owner.EMail == nil || *pet.N2fa != true || pet.Type == nil || pet.Labels["k"] != "v" {
		t.Errorf("decoded %+v", pet)
	}

	// Optional properties stay absent; null is a nil pointer.
	minimal := `{"id":1,"name":"a","kind":"cat","tags":[],"age":0,"nickname":null}`
	pet = models.Pet{}
	if got := roundTrip(t, url, "/pets", minimal, &pet); got != `{"id":1,"name":"a","kind":"cat","tags":[],"age":0}` {
		t.Errorf("echo %s", got)
	}
	if pet.Nickname != nil || pet.Size != nil || pet.Owner != nil {
		t.Errorf("absent properties decoded: %+v", pet)
	}
}

func TestPetInvalidEnums(t *testing.T) {
	url := start(t)
	for body, want := range map[string]string{
		`{"id":1,"name":"a","kind":"cow","tags":[],"age":0}`:                     `request body property "kind": "cow" is not a valid Kind (want cat, dog or guinea pig)`,
		`{"id":1,"name":"a","kind":"cat","size":9,"tags":[],"age":0}`:            `request body property "size": 9 is not a valid Size (want 1, 2 or 3)`,
		`{"id":1,"name":"a","kind":"cat","likes":["dog","x"],"tags":[],"age":0}`: `request body property "likes[1]": "x" is not a valid Kind (want cat, dog or guinea pig)`,
	} {
		resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: url + "/pets", Body: body})
		if detail := goldentest.Problem(t, resp, http.StatusBadRequest); detail != want {
			t.Errorf("%s:\ndetail %q\nwant   %q", body, detail, want)
		}
	}
}

func TestShapeDiscriminator(t *testing.T) {
	url := start(t)
	var s models.Shape
	if got := roundTrip(t, url, "/shapes", `{"kind":"circle","radius":2}`, &s); got != `{"kind":"circle","radius":2}` {
		t.Errorf("echo %s", got)
	}
	if c, ok := s.AsCircle(); !ok || c.Radius != 2 {
		t.Errorf("AsCircle = %+v, %v", c, ok)
	}
	if _, ok := s.AsSquare(); ok {
		t.Error("a circle is also a square")
	}
	for body, want := range map[string]string{
		`{"kind":"triangle"}`: `request body: Shape: "triangle" is not a known "kind" (want "circle" or "square")`,
		`{"radius":2}`:        `request body: Shape: property "kind" is missing`,
	} {
		resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: url + "/shapes", Body: body})
		if detail := goldentest.Problem(t, resp, http.StatusBadRequest); detail != want {
			t.Errorf("%s: detail %q, want %q", body, detail, want)
		}
	}
	// The constructor fills in the discriminator; an empty union does not marshal.
	if b, err := json.Marshal(models.ShapeFromSquare(models.Square{Side: 1})); err != nil || string(b) != `{"kind":"square","side":1}` {
		t.Errorf("ShapeFromSquare marshals to %s, %v", b, err)
	}
	if _, err := json.Marshal(models.Shape{}); err == nil || !strings.Contains(err.Error(), "empty Shape") {
		t.Errorf("empty shape: %v", err)
	}
}

func TestValueWithoutDiscriminator(t *testing.T) {
	var v models.Value
	for data, check := range map[string]func() bool{
		`"text"`:                  func() bool { s, ok := v.AsString(); return ok && s == "text" },
		`12`:                      func() bool { n, ok := v.AsInt64(); return ok && n == 12 },
		`{"id":1,"name":"n"}`:     func() bool { n, ok := v.AsNamed(); return ok && n.Name == "n" },
		`{"kind":"c","radius":1}`: func() bool { c, ok := v.AsCircle(); return ok && c.Radius == 1 },
	} {
		v = models.Value{}
		if err := json.Unmarshal([]byte(data), &v); err != nil || !check() {
			t.Errorf("%s: %+v, %v", data, v, err)
		}
		if b, err := json.Marshal(v); err != nil || string(b) != data {
			t.Errorf("%s marshals back to %s, %v", data, b, err)
		}
	}
	for data, want := range map[string]string{
		`true`: "Value: the value matches none of its variants",
		// Matching a variant needs its required properties, which {}
		// lacks: it would match both Named and Circle without them.
		`{}`:                             `not Named: property "id" is required`,
		`{"kind":"c","radius":1,"id":2}`: `not Circle: json: unknown field "id"`,
	} {
		if err := json.Unmarshal([]byte(data), &v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", data, err, want)
		}
	}
}

// An anyOf takes the first variant a value matches: a known model name is
// a KnownModel, any other string a string; a oneOf would call "small"
// ambiguous.
func TestAnyOf(t *testing.T) {
	var m models.ModelID
	if err := json.Unmarshal([]byte(`"small"`), &m); err != nil {
		t.Fatal(err)
	}
	if k, ok := m.AsKnownModel(); !ok || k != models.KnownModelSmall {
		t.Errorf("small: %+v", m)
	}
	m = models.ModelID{}
	if err := json.Unmarshal([]byte(`"huge"`), &m); err != nil {
		t.Fatal(err)
	}
	if s, ok := m.AsString(); !ok || s != "huge" {
		t.Errorf("huge: %+v", m)
	}
	if err := json.Unmarshal([]byte(`7`), &m); err == nil || !strings.Contains(err.Error(), "ModelID: the value matches none of its variants") {
		t.Errorf("7: %v", err)
	}
}

func TestRecursiveTree(t *testing.T) {
	url := start(t)
	body := `{"value":1,"children":[{"value":2,"children":[{"value":3}]}],"parent":{"value":0}}`
	var tree models.Tree
	if got := roundTrip(t, url, "/trees", body, &tree); got != body {
		t.Errorf("echo %s", got)
	}
	if tree.Children[0].Children[0].Value != 3 || tree.Parent.Value != 0 {
		t.Errorf("decoded %+v", tree)
	}
}

func TestRecordAdditionalProperties(t *testing.T) {
	url := start(t)
	var rec models.Record
	body := `{"id":"r","note":"n","a":1,"b":2}`
	if got := roundTrip(t, url, "/records", body, &rec); got != body {
		t.Errorf("echo %s", got)
	}
	if rec.AdditionalProperties["a"] != 1 || rec.AdditionalProperties["b"] != 2 || len(rec.AdditionalProperties) != 2 {
		t.Errorf("additional %v", rec.AdditionalProperties)
	}
	resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: url + "/records", Body: `{"id":"r","a":"x"}`})
	if detail := goldentest.Problem(t, resp, http.StatusBadRequest); !strings.Contains(detail, `property "a"`) {
		t.Errorf("detail %q", detail)
	}
	// The body is optional: none is answered 204.
	if resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: url + "/records"}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("no body: %d", resp.StatusCode)
	}
}

func TestNote(t *testing.T) {
	url := start(t)
	resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: url + "/notes", Body: "hello\nworld", ContentType: "text/plain; charset=utf-8"})
	b := make([]byte, 64)
	n, _ := resp.Body.Read(b)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain" || string(b[:n]) != "hello\nworld" {
		t.Errorf("%d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), b[:n])
	}
}

func TestFeed(t *testing.T) {
	url := start(t)
	events, _, _ := goldentest.Stream(t, goldentest.Request{Method: "GET", URL: url + "/feed"})
	var got []string
	for _, ev := range events {
		got = append(got, ev.Type+" "+string(ev.Data))
	}
	want := []string{
		`pet {"id":1,"name":"rex","kind":"dog","tags":[],"age":0,"nickname":"Rex"}`,
		`shape {"kind":"square","side":2}`,
		`value 42`,
		`inline {"at":"2026-11-23T20:00:00Z"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// counting is echo that counts the calls of its methods.
type counting struct {
	echo
	calls atomic.Int32
}

func (c *counting) EchoPet(ctx context.Context, req *models.EchoPetRequest) (models.EchoPetResponse, error) {
	c.calls.Add(1)
	return c.echo.EchoPet(ctx, req)
}

func (c *counting) EchoTree(ctx context.Context, req *models.EchoTreeRequest) (models.EchoTreeResponse, error) {
	c.calls.Add(1)
	return c.echo.EchoTree(ctx, req)
}

func (c *counting) EchoBasket(ctx context.Context, req *models.EchoBasketRequest) (models.EchoBasketResponse, error) {
	c.calls.Add(1)
	return c.echo.EchoBasket(ctx, req)
}

// TestRequiredProperties sends bodies that lack a required property, at
// every depth, or hold null where it is not allowed: each is answered 400
// with the property's path, and the handler is not called. The same holds
// with another JSON codec, as the check reads the JSON text itself.
func TestRequiredProperties(t *testing.T) {
	for _, opts := range [][]runtime.Option{nil, {runtime.WithCodec(goldentest.NumberCodec)}} {
		impl := &counting{}
		ts := httptest.NewServer(models.NewHandler(impl, opts...))
		t.Cleanup(ts.Close)
		for _, tc := range []struct{ path, body, want string }{
			{"/pets", `{"id":1,"kind":"cat","tags":[],"age":0}`, `"name" is required`},
			{"/pets", `{"id":1,"name":null,"kind":"cat","tags":[],"age":0}`, `"name": must not be null`},
			{"/pets", `{"id":1,"name":"a","kind":"cat","tags":[],"age":0,"owner":{"e-mail":"a@b.c"}}`, `"owner.name" is required`},
			{"/trees", `{"value":1,"children":[{"value":2},{"children":[]}]}`, `"children[1].value" is required`},
			{"/trees", `{"value":1,"parent":{"value":2,"parent":{}}}`, `"parent.parent.value" is required`},
			{"/shapes", `{"kind":"circle","side":1}`, `"radius" is required`},
			{"/shapes", `{"side":null,"radius":1,"kind":"square"}`, `"side": must not be null`},
			{"/baskets", `{"kind":"cat","note":null}`, `"lines" is required`},
			{"/baskets", `{"kind":"cat","lines":[]}`, `"note" is required`},
			{"/baskets", `{"kind":"cat","note":null,"lines":null}`, `"lines": must not be null`},
			{"/baskets", `{"kind":"cat","note":null,"lines":[{"pet":{"id":1,"name":"a"}},{}]}`, `"lines[1].pet" is required`},
			{"/baskets", `{"kind":"cat","note":null,"lines":[{"pet":{"id":1}}]}`, `"lines[0].pet.name" is required`},
			{"/baskets", `{"kind":"cat","note":null,"lines":[],"byName":{"a b":{"pet":{"name":"a"}}}}`, `"byName[\"a b\"].pet.id" is required`},
			{"/baskets", `{"kind":"cat","note":null,"lines":[],"grid":[[],[{"pet":{"id":1,"name":"a"}},{}]]}`, `"grid[1][1].pet" is required`},
			{"/baskets", `{"kind":"cat","note":null,"lines":[],"extra":{}}`, `"[\"extra\"].pet" is required`},
			{"/baskets", `{"kind":"cat","note":null,"lines":[{"pet":{"id":1,"name":"a"},"basket":{"kind":"dog","note":"n"}}]}`, `"lines[0].basket.lines" is required`},
		} {
			resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: ts.URL + tc.path, Body: tc.body})
			if detail, want := goldentest.Problem(t, resp, http.StatusBadRequest), "request body property "+tc.want; detail != want {
				t.Errorf("%s %s:\ndetail %q\nwant   %q", tc.path, tc.body, detail, want)
			}
		}
		if n := impl.calls.Load(); n != 0 {
			t.Errorf("the handler was called %d times", n)
		}

		// Optional properties, readOnly ones and null where it is allowed
		// are not required.
		body := `{"kind":"cat","note":null,"lines":[{"pet":{"id":1,"name":"a"},"basket":{"kind":"dog","note":"n","lines":[]}}],` +
			`"byName":{"x":{"pet":{"id":2,"name":"b"}}},"grid":[[{"pet":{"id":3,"name":"c"}}]],"extra":{"pet":{"id":4,"name":"d"}}}`
		resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: ts.URL + "/baskets", Body: body})
		var got models.Basket
		goldentest.JSON(t, resp, http.StatusOK, &got)
		if got.Note != nil || got.Lines[0].Basket.Lines == nil || got.ByName["x"].Pet.ID != 2 || got.Grid[0][0].Pet.Name != "c" || got.AdditionalProperties["extra"].Pet.ID != 4 {
			t.Errorf("echo %+v", got)
		}
		if n := impl.calls.Load(); n != 1 {
			t.Errorf("the handler was called %d times, want 1", n)
		}
	}
}

// TestNestedEnums sends enum values that are not the type's, deep in a
// body: each is answered 400 with its path, and the handler is not called.
func TestNestedEnums(t *testing.T) {
	impl := &counting{}
	ts := httptest.NewServer(models.NewHandler(impl))
	t.Cleanup(ts.Close)
	line := func(basket string) string { return `{"pet":{"id":1,"name":"a"},"basket":` + basket + `}` }
	for body, want := range map[string]string{
		`{"kind":"cow","note":null,"lines":[]}`:                                                                                                                 `request body property "kind": "cow" is not a valid Kind (want cat, dog or guinea pig)`,
		`{"kind":"cat","note":null,"lines":[` + line(`{"kind":"cow","note":null,"lines":[]}`) + `]}`:                                                            `request body property "lines[0].basket.kind": "cow" is not a valid Kind (want cat, dog or guinea pig)`,
		`{"kind":"cat","note":null,"lines":[],"byName":{"x":` + line(`{"kind":"cow","note":null,"lines":[]}`) + `}}`:                                            `request body property "byName[\"x\"].basket.kind": "cow" is not a valid Kind (want cat, dog or guinea pig)`,
		`{"kind":"cat","note":null,"lines":[],"grid":[[` + line(`{"kind":"dog","note":null,"lines":[`+line(`{"kind":"x","note":null,"lines":[]}`)+`]}`) + `]]}`: `request body property "grid[0][0].basket.lines[0].basket.kind": "x" is not a valid Kind (want cat, dog or guinea pig)`,
	} {
		resp := goldentest.Do(t, goldentest.Request{Method: "POST", URL: ts.URL + "/baskets", Body: body})
		if detail := goldentest.Problem(t, resp, http.StatusBadRequest); detail != want {
			t.Errorf("%s:\ndetail %q\nwant   %q", body, detail, want)
		}
	}
	if n := impl.calls.Load(); n != 0 {
		t.Errorf("the handler was called %d times", n)
	}
}
