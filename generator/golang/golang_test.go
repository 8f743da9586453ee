package golang

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/ssegen/ssegen/generator/model"
)

var (
	str   = &model.TypeRef{Kind: model.Builtin, Name: "string"}
	anyT  = &model.TypeRef{Kind: model.Builtin, Name: "any"}
	noop  = []*model.Response{{Status: 204}}
	pathP = func(name string) *model.Param {
		return &model.Param{Name: "P" + goIdent(name), WireName: name, In: model.InPath, Required: true, Style: "simple", Type: str}
	}
)

func op(name, method, path string, params ...*model.Param) *model.Operation {
	return &model.Operation{ID: name, Name: name, Method: method, Path: path, Params: params, Responses: noop}
}

func generateServer(t *testing.T, api *model.API) (string, error) {
	t.Helper()
	files, err := Generate(api, Config{Package: "api"})
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if f.Name == "server.gen.go" {
			return string(f.Content), nil
		}
	}
	t.Fatal("no server.gen.go")
	return "", nil
}

func TestGenerateErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		api  *model.API
		want string
	}{
		{"two parameters in a segment", &model.API{Operations: []*model.Operation{op("Get", "GET", "/files/{name}.{ext}", pathP("name"), pathP("ext"))}},
			`operation Get (GET /files/{name}.{ext}): path segment "{name}.{ext}": a segment holds at most one path parameter {name}, which http.ServeMux routes with the whole segment`},
		{"unclosed parameter", &model.API{Operations: []*model.Operation{op("Get", "GET", "/files/{name", pathP("name"))}},
			`operation Get (GET /files/{name): path segment "{name": a segment holds at most one path parameter {name}, which http.ServeMux routes with the whole segment`},
		{"parameter inside a segment, same route", &model.API{Operations: []*model.Operation{op("A", "GET", "/a/{x}.json", pathP("x")), op("B", "GET", "/a/{y}", pathP("y"))}},
			`operations A (GET /a/{x}.json) and B (GET /a/{y}) have the same route`},
		{"same route", &model.API{Operations: []*model.Operation{op("A", "GET", "/a/{x}", pathP("x")), op("B", "GET", "/a/{y}", pathP("y"))}},
			`operations A (GET /a/{x}) and B (GET /a/{y}) have the same route`},
		{"overlapping GET and HEAD routes", &model.API{Operations: []*model.Operation{op("A", "GET", "/a/{x}", pathP("x")), op("B", "HEAD", "/{y}/b", pathP("y"))}},
			`operations A (GET /a/{x}) and B (HEAD /{y}/b) have routes that match some paths in common, neither more specific, which http.ServeMux cannot serve together`},
		{"fixed name", &model.API{Types: []*model.Type{{Name: "Handler", Kind: model.Named, Underlying: str}}},
			`schema type Handler collides with the generated Handler; rename the schema`},
		{"unknown style", &model.API{Operations: []*model.Operation{op("Get", "GET", "/", &model.Param{Name: "Q", WireName: "q", In: model.InQuery, Style: "fancy", Type: str})}},
			`operation Get: query parameter "q": unknown style "fancy"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generateServer(t, tc.api)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v\nwant      %s", err, tc.want)
			}
		})
	}
	if _, err := Generate(&model.API{}, Config{}); err == nil {
		t.Error("no error without a package name")
	}
}

func TestGenerateNames(t *testing.T) {
	api := &model.API{
		Types: []*model.Type{{Name: "GetRequest", Kind: model.Named, Underlying: str}, {Name: "GetHTTPResponse", Kind: model.Named, Underlying: str}},
		Operations: []*model.Operation{
			op("Get", "GET", "/items/{item-id}/{item_id}/", pathP("item-id"), pathP("item_id")),
		},
	}
	api.Operations[0].Params = append(api.Operations[0].Params, &model.Param{Name: "Q", WireName: "q", In: model.InQuery, Style: "form", Explode: true, Type: anyT})
	src, err := generateServer(t, api)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`runtime.Scalar(p, runtime.Query("q"), &req.Q, runtime.ParseJSON)`, // values without a text form are JSON
		`type GetHTTPRequest struct {`,                                     // the schema keeps its name
		`type GetResponse interface {`,
		`mux.HandleFunc("GET /items/{item_id}/{item_id_}/{$}", h.serveGet)`, // wildcards are identifiers; a trailing slash matches only itself
		`runtime.Path("item-id").Wildcard("item_id")`,
		`runtime.Path("item_id").Wildcard("item_id_")`,
	} {
		if !strings.Contains(src, want) {
			t.Errorf("generated code lacks %s", want)
		}
	}
}

func TestGenerateWithoutResponses(t *testing.T) {
	get := op("Get", "GET", "/")
	get.Responses = nil
	src, err := generateServer(t, &model.API{Operations: []*model.Operation{get}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\tGet(ctx context.Context, req *GetRequest) error\n",
		"w.WriteHeader(http.StatusNoContent)",
		"The spec declares no response: returning nil answers 204 No Content.",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("generated code lacks %s", want)
		}
	}
}

func TestEnumWithNull(t *testing.T) {
	api := &model.API{Types: []*model.Type{{Name: "Mode", Kind: model.Enum, Underlying: str, Values: []*model.EnumValue{
		{Name: "ModeOn", Value: "on"}, {Name: "ModeNull", Value: nil}, {Name: "ModeOff", Value: "off"},
	}}}}
	files, err := Generate(api, Config{Package: "api"})
	if err != nil {
		t.Fatal(err)
	}
	src := string(files[0].Content)
	if strings.Contains(src, "ModeNull") || !strings.Contains(src, "case ModeOn, ModeOff:") {
		t.Errorf("null is not skipped:\n%s", src)
	}
}

func TestUnexported(t *testing.T) {
	for in, want := range map[string]string{"ID": "id", "URLPath": "urlPath", "Pet": "pet", "Type": "type_", "X": "x", "HTTPURL": "httpurl"} {
		if got := unexported(in); got != want {
			t.Errorf("unexported(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestComparePatterns checks comparePatterns against http.ServeMux, which
// refuses to register two patterns exactly when they are equivalent or
// overlap.
func TestComparePatterns(t *testing.T) {
	patterns := []string{
		"GET /a/{x}", "GET /a/b", "GET /{y}/b", "GET /{x}/{y}", "GET /a/{$}", "GET /{x}/{$}",
		"GET /a/{x}/c", "GET /a/b/{z}", "GET /{x}/b/c", "GET /a/{x}/{$}", "GET /{x}/{y}/{z}",
	}
	for _, a := range patterns {
		for _, b := range patterns {
			mux := http.NewServeMux()
			mux.HandleFunc(a, http.NotFound)
			conflicts := register(mux, b) != nil
			rel := comparePatterns(a, b)
			if conflicts != (rel == equivalent || rel == overlaps) {
				t.Errorf("comparePatterns(%q, %q) = %d; ServeMux conflict: %v", a, b, rel, conflicts)
			}
		}
	}
	for _, tc := range []struct {
		a, b string
		want relation
	}{
		{"GET /a/{x}", "GET /a/b", moreGeneral},
		{"GET /a/b", "GET /{x}/b", moreSpecific},
		{"GET /a/{x}", "GET /{y}/b", overlaps},
		{"GET /a/{x}", "GET /a/{$}", disjoint},
		{"GET /a/{x}", "GET /a/{x}/c", disjoint},
	} {
		if got := comparePatterns(tc.a, tc.b); got != tc.want {
			t.Errorf("comparePatterns(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestRoutePrecedence generates the routes of every set of two or three
// GET operations on paths of three segments, each "a", "b" or a wildcard,
// and serves them on a real http.ServeMux, each route trying its
// operations in order as its dispatch method does: every path must reach
// the operation that literal-first precedence chooses among all of them.
func TestRoutePrecedence(t *testing.T) {
	var paths []string
	for i := range 27 {
		segs := []string{"a", "b", "{w0}"}[i%3] + "/" + []string{"a", "b", "{w1}"}[i/3%3] + "/" + []string{"a", "b", "{w2}"}[i/9]
		paths = append(paths, "/"+segs)
	}
	matches := func(pattern, path string) bool {
		_, segs := splitPattern(pattern)
		for i, seg := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
			if !isWildcard(segs[i]) && segs[i] != seg {
				return false
			}
		}
		return true
	}
	check := func(ops []*model.Operation) {
		api := &model.API{Operations: ops}
		g, err := newGen(api)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		for _, ro := range g.routes {
			mux.HandleFunc(ro.pattern, func(w http.ResponseWriter, r *http.Request) {
				for _, op := range ro.ops {
					if matches(g.ops[op].pattern, r.URL.Path) {
						w.Write([]byte(op.Path))
						return
					}
				}
				http.NotFound(w, r)
			})
		}
		byPrecedence := slices.Clone(ops)
		slices.SortStableFunc(byPrecedence, func(a, b *model.Operation) int { return precedence(g.ops[a].pattern, g.ops[b].pattern) })
		for i := range 27 {
			path := "/" + string("abc"[i%3]) + "/" + string("abc"[i/3%3]) + "/" + string("abc"[i/9])
			want := "404 page not found\n"
			for _, op := range byPrecedence {
				if matches(g.ops[op].pattern, path) {
					want = op.Path
					break
				}
			}
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
			if got := w.Body.String(); got != want {
				var opPaths, patterns []string
				for _, op := range ops {
					opPaths = append(opPaths, op.Path)
				}
				for _, ro := range g.routes {
					patterns = append(patterns, ro.pattern)
				}
				t.Fatalf("operations %v, routes %v: GET %s reaches %q, want %q", opPaths, patterns, path, got, want)
			}
		}
	}
	for i, a := range paths {
		for j := i + 1; j < len(paths); j++ {
			check([]*model.Operation{op("A", "GET", a), op("B", "GET", paths[j])})
			for _, c := range paths[j+1:] {
				check([]*model.Operation{op("A", "GET", a), op("B", "GET", paths[j]), op("C", "GET", c)})
			}
		}
	}
}

func TestUnlessNamed(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"ID", "Id", ""},
		{"AssistantMessageMessageType", "Message Type", ""},
		{"StopReason", "stop_reason", ""},
		{"Content", "The text of the message.", "The text of the message."},
		{"Type", "Message Type", "Message Type"},
		{"Code", "", ""},
	} {
		if got := unlessNamed(tc.name, tc.doc); got != tc.want {
			t.Errorf("unlessNamed(%q, %q) = %q, want %q", tc.name, tc.doc, got, tc.want)
		}
	}
}
