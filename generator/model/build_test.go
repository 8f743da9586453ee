package model

import (
	"strings"
	"testing"
	"time"

	"github.com/ssegen/ssegen/generator/spec"
)

// goType renders a TypeRef as Go source, for readable assertions.
func goType(r *TypeRef) string {
	if r == nil {
		return "<nil>"
	}
	switch r.Kind {
	case Slice:
		return "[]" + goType(r.Elem)
	case Map:
		return "map[string]" + goType(r.Elem)
	case Pointer:
		return "*" + goType(r.Elem)
	}
	return r.Name
}

func build(t *testing.T, path string) *API {
	t.Helper()
	doc, diags := spec.Load(path)
	if diags.HasErrors() {
		t.Fatalf("Load: %v", diags)
	}
	api, diags := Build(doc)
	if diags.HasErrors() {
		t.Fatalf("Build: %v", diags)
	}
	return api
}

func typeNamed(t *testing.T, api *API, name string) *Type {
	t.Helper()
	for _, ty := range api.Types {
		if ty.Name == name {
			return ty
		}
	}
	var names []string
	for _, ty := range api.Types {
		names = append(names, ty.Name)
	}
	t.Fatalf("no type %s; types: %s", name, strings.Join(names, ", "))
	return nil
}

// fieldsOf renders a struct's fields as "Name jsonName GoType" lines.
func fieldsOf(ty *Type) string {
	var b strings.Builder
	for _, f := range ty.Fields {
		b.WriteString(f.Name + " " + f.JSONName + " " + goType(f.Type))
		if f.Required {
			b.WriteString(" required")
		}
		if f.Nullable {
			b.WriteString(" nullable")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestBuildPetstore(t *testing.T) {
	api := build(t, "../spec/testdata/petstore.yaml")
	var names []string
	for _, ty := range api.Types {
		names = append(names, ty.Name)
	}
	// Unused is declared in the spec but no operation uses it.
	if got, want := strings.Join(names, " "), "Error ListPetsResponse NewPet Pet PetDeleted PetStatus"; got != want {
		t.Errorf("types = %s, want %s", got, want)
	}
	if got, want := fieldsOf(typeNamed(t, api, "Pet")), "ID id int64 required\nName name string required\nStatus status *PetStatus\nTag tag *string\n"; got != want {
		t.Errorf("Pet fields:\n%s\nwant:\n%s", got, want)
	}
	status := typeNamed(t, api, "PetStatus")
	if status.Kind != Enum || goType(status.Underlying) != "string" || len(status.Values) != 3 ||
		status.Values[0].Name != "PetStatusAvailable" || status.Values[0].Value != "available" {
		t.Errorf("PetStatus = %+v", status)
	}

	var ops []string
	for _, op := range api.Operations {
		ops = append(ops, op.Method+" "+op.Path+" "+op.Name)
	}
	if got, want := strings.Join(ops, "\n"), "GET /pets ListPets\nPOST /pets CreatePet\nGET /pets/events WatchPets\nGET /pets/{petId} ShowPetByID"; got != want {
		t.Errorf("operations:\n%s\nwant:\n%s", got, want)
	}
	list := api.Operations[0]
	if len(list.Params) != 2 || list.Params[0].Name != "Limit" || goType(list.Params[0].Type) != "*int32" ||
		list.Params[0].Style != "form" || !list.Params[0].Explode || goType(list.Params[1].Type) != "[]string" {
		t.Errorf("ListPets params: %+v %+v", list.Params[0], list.Params[1])
	}
	if len(list.Responses) != 2 || list.Responses[0].Status != 200 || goType(list.Responses[0].Type) != "ListPetsResponse" ||
		list.Responses[1].Status != 0 || goType(list.Responses[1].Type) != "Error" {
		t.Errorf("ListPets responses: %+v", list.Responses)
	}
	create := api.Operations[1]
	if create.Body == nil || goType(create.Body.Type) != "NewPet" || !create.Body.Required || create.Body.ContentType != "application/json" {
		t.Errorf("CreatePet body: %+v", create.Body)
	}
	show := api.Operations[3]
	if len(show.Params) != 1 || show.Params[0].In != InPath || show.Params[0].Style != "simple" || show.Params[0].Explode ||
		goType(show.Params[0].Type) != "string" || !show.Params[0].Required || show.Params[0].Name != "PetID" {
		t.Errorf("ShowPetByID params: %+v", show.Params[0])
	}

	watch := api.Operations[2]
	st := watch.Stream
	if st == nil {
		t.Fatal("WatchPets has no stream")
	}
	if len(watch.Responses) != 0 {
		t.Errorf("the stream response is listed as a plain response: %+v", watch.Responses)
	}
	var evs []string
	for _, e := range st.Events {
		evs = append(evs, e.Name+" "+e.GoName+" "+goType(e.Type)+" "+e.ContentType)
	}
	if got, want := strings.Join(evs, "\n"), "deleted Deleted PetDeleted application/json\nfailed Failed Error application/json\nmessage Message Pet application/json"; got != want {
		t.Errorf("events:\n%s\nwant:\n%s", got, want)
	}
	if st.Error != st.Events[1] || st.Status != 200 || st.Heartbeat != 10*time.Second || st.Retry != 3*time.Second || !st.Resume || st.HasEnd {
		t.Errorf("stream: %+v", st)
	}
	if st.Events[2].Doc != "A pet changed." {
		t.Errorf("message doc %q", st.Events[2].Doc)
	}
}
