package golang

import (
	"bytes"
	"testing"

	"github.com/ssegen/ssegen/generator/model"
)

// clientAPI has a plain operation and a streaming one whose names the
// client derives its own from.
func clientAPI() *model.API {
	progress := &model.Event{Name: "progress", GoName: "Progress", ContentType: "text/plain", Type: str}
	return &model.API{
		Types: []*model.Type{{Name: "Note", Kind: model.Named, Underlying: str}},
		Operations: []*model.Operation{
			op("GetNote", "GET", "/note"),
			{ID: "Run", Name: "Run", Method: "POST", Path: "/run", Stream: &model.Stream{Status: 200, Events: []*model.Event{progress}}},
		},
	}
}

// The client is an addition: the other files are the same bytes with or
// without it, so turning it off or on never changes the server's names.
func TestClientDoesNotChangeTheServer(t *testing.T) {
	without, err := Generate(clientAPI(), Config{Package: "api"})
	if err != nil {
		t.Fatal(err)
	}
	with, err := Generate(clientAPI(), Config{Package: "api", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(with) != len(without)+1 || with[0].Name != "client.gen.go" {
		t.Fatalf("files with the client: %d, first %s; without: %d", len(with), with[0].Name, len(without))
	}
	for i, f := range without {
		if f.Name != with[i+1].Name || !bytes.Equal(f.Content, with[i+1].Content) {
			t.Errorf("%s differs when the client is generated", f.Name)
		}
	}
	if !bytes.Contains(with[0].Content, []byte("func (c *Client) Run(ctx context.Context, req *RunRequest) (*runtime.EventStream[RunEvent], error)")) {
		t.Errorf("no stream method in\n%s", with[0].Content)
	}
}

func TestClientErrors(t *testing.T) {
	named := func(name string) *model.Type { return &model.Type{Name: name, Kind: model.Named, Underlying: str} }
	jsonOrStream := clientAPI()
	run := jsonOrStream.Operations[1]
	run.Responses = []*model.Response{{Status: 200, ContentType: "application/json", Type: str}}
	jsonOrStream.Operations = append(jsonOrStream.Operations, op("RunJSON", "GET", "/run-json"))
	errorHeader := clientAPI()
	errorHeader.Operations[0].Responses = []*model.Response{{Status: 404, Headers: []*model.Param{{Name: "Error", WireName: "Error", In: model.InHeader, Type: str}}}}

	for _, tc := range []struct {
		name string
		api  *model.API
		want string
	}{
		{"Client type", &model.API{Types: []*model.Type{named("Client")}}, "schema type Client collides with the generated Client; rename the schema"},
		{"NewClient type", &model.API{Types: []*model.Type{named("NewClient")}}, "schema type NewClient collides with the generated NewClient; rename the schema"},
		{"method", jsonOrStream, "operations Run and RunJSON both need the client method RunJSON; rename one"},
		{"Error header", errorHeader, `operation GetNote: the field of response header "Error" collides with the Error method of GetNote404Response; rename the header`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.api, Config{Package: "api", Client: true})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v\nwant      %s", err, tc.want)
			}
			if _, err := Generate(tc.api, Config{Package: "api"}); err != nil {
				t.Errorf("without the client: %v", err)
			}
		})
	}
}
