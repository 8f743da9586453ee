package model

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssegen/ssegen/generator/spec"
)

var update = flag.Bool("update", false, "rewrite the golden model dumps in testdata")

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
	t.Fatalf("no type %s; types: %s", name, typeNames(api))
	return nil
}

// typeNames lists the names of api's types, space-separated.
func typeNames(api *API) string {
	var names []string
	for _, ty := range api.Types {
		names = append(names, ty.Name)
	}
	return strings.Join(names, " ")
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
	// Unused is declared in the spec but no operation uses it.
	if got, want := typeNames(api), "Error ListPetsResponseBody NewPet Pet PetDeleted PetStatus"; got != want {
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
	if len(list.Responses) != 2 || list.Responses[0].Status != 200 || goType(list.Responses[0].Type) != "ListPetsResponseBody" ||
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
	if st.Error != st.Events[1] || st.Status != 200 || st.Heartbeat != 10*time.Second || st.ReadTimeout != 20*time.Second || st.Retry != 3*time.Second || !st.Resume || st.HasEnd {
		t.Errorf("stream: %+v", st)
	}
	if st.Events[2].Doc != "A pet changed." {
		t.Errorf("message doc %q", st.Events[2].Doc)
	}
}

// field finds Type.Field in api.
func field(t *testing.T, api *API, path string) *Field {
	t.Helper()
	typ, name, _ := strings.Cut(path, ".")
	for _, f := range typeNamed(t, api, typ).Fields {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no field %s", path)
	return nil
}

// TestSchemaFeatures checks how each schema feature is typed.
func TestSchemaFeatures(t *testing.T) {
	api30 := build(t, "testdata/schemas.yaml")
	api31 := build(t, "testdata/schemas31.yaml")
	fields := []struct {
		api  *API
		path string
		want string // Go type, then "required" and "nullable" when set
	}{
		// objects: required fields are values, optional scalars and structs pointers
		{api30, "Pet.ID", "int64 required"},
		{api30, "Pet.Name", "string required"},
		{api30, "Pet.Age", "*int32"},
		{api30, "Pet.Owner", "*PetOwner"}, // inline object named from its context
		// slices, maps and []byte are nil-able already
		{api30, "Pet.Photo", "[]byte"},
		{api30, "Pet.Tags", "Tags"},
		{api30, "Pet.Labels", "Labels"},
		{api30, "Pet.Extra", "map[string]any"},
		{api30, "Names.IDs", "[]string"},
		{api30, "Names.Any", "any"},
		// formats
		{api30, "Pet.Born", "time.Time required"},
		{api30, "Pet.Birthday", "*string"}, // date stays a string
		{api30, "Pet.Weight", "*float64"},
		{api30, "Pet.Height", "*float32"},
		{api30, "Names.HTTPStatus", "*int64"},
		{api30, "Pet.Updated", "*time.Time"},     // a date-time component is not renamed
		{api31, "Message.ID", "string required"}, // uuid
		// enums
		{api30, "Pet.Kind", "PetKind required"},
		{api30, "Pet.Priority", "*Priority"},
		// nullable, 3.0 and 3.1
		{api30, "Pet.Tag", "*string nullable"},
		{api30, "Pet.Friend", "*Pet nullable"},
		{api31, "Message.Body", "*string required nullable"},
		{api31, "Message.Count", "*int32 nullable"},
		{api31, "Message.Role", "*MessageRole required nullable"},
		{api31, "Message.ReplyTo", "*Message required nullable"},
		{api31, "Message.Meta", "map[string]int64 nullable"},
		{api31, "Message.Mixed", "any"},
		{api31, "ImagePart.Type", "ImagePartType required"}, // const: an enum of one value
		// allOf: merged, later branches override, required from every branch
		{api30, "Dog.Bark", "bool required"},
		{api30, "Dog.Kind", "PetKind required"},
		{api30, "Pet.Vet", "*Person"}, // allOf of one $ref is that type
		// recursion: a required self-reference must be a pointer
		{api30, "TreeNode.Parent", "*TreeNode required"},
		{api30, "TreeNode.Children", "[]TreeNode"},
		// names
		{api30, "Names.Type", "*string"},
		{api30, "Names.UserID", "*string"},
		{api30, "Names.APIURL", "*string"},
		{api30, "Names.JSONData", "*string"},
		{api30, "Names.UUID", "*string"},
		{api30, "Names.FooBar", "*string"},
		{api30, "Names.FooBar2", "*string"},
		{api30, "Names.N2fa", "*bool"},
		{api30, "Names.Status", "*PetStatus"},
		{api30, "Names.Names", "*PetStatus2"}, // pet_status collides with PetStatus
	}
	for _, tc := range fields {
		f := field(t, tc.api, tc.path)
		got := goType(f.Type)
		if f.Required {
			got += " required"
		}
		if f.Nullable {
			got += " nullable"
		}
		if got != tc.want {
			t.Errorf("%s: %s, want %s", tc.path, got, tc.want)
		}
	}

	if f := field(t, api30, "Names.FooBar2"); f.JSONName != "fooBar" {
		t.Errorf("FooBar2 is %q", f.JSONName)
	}
	if f := field(t, api30, "Pet.Name"); f.Doc != "The pet's name." {
		t.Errorf("Pet.Name doc %q", f.Doc)
	}
	if f := field(t, api31, "Message.Author"); f.Doc != "Who wrote it." || typeNamed(t, api31, "Author").Doc != "" {
		t.Errorf("a 3.1 $ref sibling description documents the field only: %q, type %q", f.Doc, typeNamed(t, api31, "Author").Doc)
	}
	if d := typeNamed(t, api30, "Pet").Doc; d != "A pet in the store." {
		t.Errorf("Pet doc %q", d)
	}
	if got := goType(typeNamed(t, api30, "Problem").Additional); got != "any" {
		t.Errorf("Problem additionalProperties: %s", got)
	}
	if got := fieldsOf(typeNamed(t, api30, "Dog")); !strings.HasPrefix(got, "ID id int64 required\nName name string required\n") ||
		!strings.HasSuffix(got, "Bark bark bool required\n") || field(t, api30, "Dog.Name").Doc != "Overrides Pet.name." {
		t.Errorf("Dog fields:\n%s", got)
	}

	named := map[string]string{"Tags": "[]string", "Labels": "map[string]string"}
	for name, want := range named {
		if ty := typeNamed(t, api30, name); ty.Kind != Named || goType(ty.Underlying) != want {
			t.Errorf("%s: kind %v, underlying %s", name, ty.Kind, goType(ty.Underlying))
		}
	}
	for _, ty := range api30.Types {
		if ty.Name == "Unused" || ty.Name == "Timestamp" {
			t.Errorf("%s is declared, but no operation uses it as a type", ty.Name)
		}
	}

	enums := []struct {
		api    *API
		name   string
		under  string
		values string
	}{
		{api30, "PetKind", "string", `PetKindCat="cat" PetKindDog="dog" PetKindInProgress="in-progress" PetKindEmpty="" PetKind2fa="2fa"`},
		{api30, "Priority", "int64", `Priority1=1 Priority2=2 Priority3=3`},
		{api30, "ListPetsSort", "string", `ListPetsSortName="name" ListPetsSortCreatedAt="-created_at"`},
		{api31, "MessageRole", "string", `MessageRoleUser="user" MessageRoleAssistant="assistant"`},
	}
	for _, tc := range enums {
		ty := typeNamed(t, tc.api, tc.name)
		var vals []string
		for _, v := range ty.Values {
			vals = append(vals, fmt.Sprintf("%s=%#v", v.Name, v.Value))
		}
		if ty.Kind != Enum || goType(ty.Underlying) != tc.under || strings.Join(vals, " ") != tc.values {
			t.Errorf("%s: kind %v, underlying %s, values %s", tc.name, ty.Kind, goType(ty.Underlying), strings.Join(vals, " "))
		}
	}

	unions := []struct {
		api           *API
		name          string
		discriminator string
		variants      string
	}{
		// mapping honoured; the others map implicitly to their schema names
		{api30, "Shape", "shape", "Circle:Circle[round] Square:Square[Square] Dog:Dog[Dog]"},
		// no discriminator named, but every branch fixes "kind"
		{api30, "NamesEvent", "kind", "Created:NamesEventCreated[created] Deleted:NamesEventDeleted[deleted]"},
		{api30, "NamesChoice", "", "String:string[] Int64:int64[]"},
		{api31, "Part", "type", "TextPart:TextPart[text] ImagePart:ImagePart[image]"},
	}
	for _, tc := range unions {
		ty := typeNamed(t, tc.api, tc.name)
		var vs []string
		for _, v := range ty.Variants {
			vs = append(vs, fmt.Sprintf("%s:%s[%s]", v.Name, goType(v.Type), strings.Join(v.Tags, ",")))
		}
		if ty.Kind != Union || ty.Discriminator != tc.discriminator || strings.Join(vs, " ") != tc.variants {
			t.Errorf("%s: kind %v, discriminator %q, variants %s", tc.name, ty.Kind, ty.Discriminator, strings.Join(vs, " "))
		}
	}
}

// TestOperations checks names, parameters, bodies, responses and streams.
func TestOperations(t *testing.T) {
	api := build(t, "testdata/schemas.yaml")
	ops := map[string]*Operation{}
	var order []string
	for _, op := range api.Operations {
		ops[op.Name] = op
		order = append(order, op.Method+" "+op.Path)
	}
	if got, want := strings.Join(order, ", "), "GET /names, GET /pets, POST /pets, PUT /pets/{petId}/photos, POST /progress, GET /shapes, GET /tree/{id}"; got != want {
		t.Errorf("operations: %s\nwant: %s", got, want)
	}
	if ops["GetShapes"] == nil || ops["GetShapes"].ID != "get_shapes" {
		t.Error("operationId get_shapes is not GetShapes")
	}
	if op := ops["PutPetsPetIDPhotos"]; op == nil || op.ID != "putPetsPetIDPhotos" {
		t.Errorf("an operation without operationId is named from method and path: %v", op)
	}

	var params []string
	for _, p := range ops["ListPets"].Params {
		params = append(params, fmt.Sprintf("%s %s %s %s explode=%v required=%v %s", p.Name, p.WireName, p.In, p.Style, p.Explode, p.Required, goType(p.Type)))
	}
	for _, p := range append(ops["PutPetsPetIDPhotos"].Params, ops["GetTree"].Params...) {
		params = append(params, fmt.Sprintf("%s %s %s %s explode=%v required=%v %s", p.Name, p.WireName, p.In, p.Style, p.Explode, p.Required, goType(p.Type)))
	}
	wantParams := []string{
		"Sort sort query form explode=true required=false *ListPetsSort",
		"Filter filter query deepObject explode=true required=false map[string]string",
		"IDs ids query form explode=false required=false []int64",
		"XRequestID X-Request-ID header simple explode=false required=true string",
		"Session session cookie form explode=true required=false *string",
		"PetID petId path simple explode=false required=true int64", // declared on the path item
		"ID id path label explode=false required=true string",
	}
	if strings.Join(params, "\n") != strings.Join(wantParams, "\n") {
		t.Errorf("params:\n%s\nwant:\n%s", strings.Join(params, "\n"), strings.Join(wantParams, "\n"))
	}

	var resps []string
	for _, r := range ops["ListPets"].Responses {
		s := fmt.Sprintf("%d %s %s", r.Status, r.ContentType, goType(r.Type))
		for _, h := range r.Headers {
			s += fmt.Sprintf(" %s:%s:%s", h.Name, h.WireName, goType(h.Type))
		}
		resps = append(resps, s)
	}
	wantResps := []string{
		"200 application/json ListPetsResponseBody XNextPage:X-Next-Page:*string XTotal:X-Total:int32",
		"400 application/json Problem",
		"404  <nil>",
		"0 application/problem+json Problem",
	}
	if strings.Join(resps, "\n") != strings.Join(wantResps, "\n") {
		t.Errorf("responses:\n%s\nwant:\n%s", strings.Join(resps, "\n"), strings.Join(wantResps, "\n"))
	}
	if got := fieldsOf(typeNamed(t, api, "ListPetsResponseBody")); got != "Pets pets []Pet\nStats stats *ListPetsResponseBodyStats\n" {
		t.Errorf("ListPetsResponseBody:\n%s", got)
	}

	if b := ops["CreatePet"].Body; b == nil || goType(b.Type) != "CreatePetRequestBody" || b.Required {
		t.Errorf("CreatePet body: %+v", b)
	}
	if b := ops["PutPetsPetIDPhotos"].Body; b == nil || b.ContentType != "text/plain" || goType(b.Type) != "string" || !b.Required {
		t.Errorf("photo body: %+v", b)
	}

	st := ops["WatchProgress"].Stream
	if st == nil {
		t.Fatal("WatchProgress has no stream")
	}
	var evs []string
	for _, e := range st.Events {
		evs = append(evs, fmt.Sprintf("%s %s %s %s", e.Name, e.GoName, e.ContentType, goType(e.Type)))
	}
	wantEvs := []string{
		"done Done application/vnd.pet+json Pet",
		"log Log text/plain string",
		"progress Progress application/json WatchProgressProgressEvent",
	}
	if strings.Join(evs, "\n") != strings.Join(wantEvs, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(evs, "\n"), strings.Join(wantEvs, "\n"))
	}
	if st.Heartbeat != 0 || st.ReadTimeout != 0 || !st.HasEnd || st.End != "" || st.Error != nil || st.Retry != 0 || st.Resume || st.Status != 200 {
		t.Errorf("stream settings: %+v", st)
	}
	if len(ops["WatchProgress"].Responses) != 0 {
		t.Errorf("the stream is listed as a response: %+v", ops["WatchProgress"].Responses)
	}
}

// TestDefaultHeartbeat checks that a stream without heartbeat gets 15s.
func TestDefaultHeartbeat(t *testing.T) {
	api := build(t, "../spec/testdata/multifile/api.yaml")
	for _, op := range api.Operations {
		if op.Stream != nil {
			if op.Stream.Heartbeat != 15*time.Second || op.Stream.ReadTimeout != 30*time.Second || op.Stream.End != "[DONE]" || !op.Stream.HasEnd {
				t.Errorf("stream: %+v", op.Stream)
			}
			return
		}
	}
	t.Fatal("no stream")
}

// TestMultiFile checks that a schema referred to from several files is
// declared once.
func TestMultiFile(t *testing.T) {
	api := build(t, "../spec/testdata/multifile/api.yaml")
	if got, want := typeNames(api), "Adopted Owner Pet"; got != want {
		t.Errorf("types: %s, want %s", got, want)
	}
	if got, want := fieldsOf(typeNamed(t, api, "Pet")), "ID id string required\nName name string required\nOwner owner *Owner\n"; got != want {
		t.Errorf("Pet:\n%s\nwant:\n%s", got, want)
	}
}

// TestGolden compares a dump of each testdata model with its golden file,
// and checks that building twice gives the same model.
func TestGolden(t *testing.T) {
	for _, name := range []string{"testdata/schemas.yaml", "testdata/schemas31.yaml", "../spec/testdata/petstore.yaml", "../spec/testdata/multifile/api.yaml", "../golden/fidelity/spec.yaml"} {
		t.Run(name, func(t *testing.T) {
			got := dump(build(t, name))
			if again := dump(build(t, name)); again != got {
				t.Fatal("two builds differ")
			}
			golden := filepath.Join("testdata", "golden", strings.NewReplacer("../", "", "/", "_").Replace(name)+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("model of %s differs from %s (run go test -update and review the diff):\n%s", name, golden, got)
			}
		})
	}
}

// dump renders an API in a Go-like text form for golden files.
func dump(api *API) string {
	var b strings.Builder
	fmt.Fprintf(&b, "api %q %q\n", api.Title, api.Version)
	for _, ty := range api.Types {
		fmt.Fprintf(&b, "\ntype %s", ty.Name)
		switch ty.Kind {
		case Struct:
			b.WriteString(" struct")
		case Enum:
			fmt.Fprintf(&b, " enum %s", goType(ty.Underlying))
		case Union:
			fmt.Fprintf(&b, " union discriminator=%q", ty.Discriminator)
		case Named:
			fmt.Fprintf(&b, " %s", goType(ty.Underlying))
		}
		if ty.Doc != "" {
			fmt.Fprintf(&b, " // %s", ty.Doc)
		}
		b.WriteString("\n")
		for _, f := range ty.Fields {
			fmt.Fprintf(&b, "\t%s %s json=%q required=%v nullable=%v", f.Name, goType(f.Type), f.JSONName, f.Required, f.Nullable)
			if f.Doc != "" {
				fmt.Fprintf(&b, " // %s", f.Doc)
			}
			b.WriteString("\n")
		}
		if ty.Additional != nil {
			fmt.Fprintf(&b, "\t... %s\n", goType(ty.Additional))
		}
		for _, v := range ty.Values {
			fmt.Fprintf(&b, "\t%s = %#v\n", v.Name, v.Value)
		}
		for _, v := range ty.Variants {
			fmt.Fprintf(&b, "\t%s %s tags=%q\n", v.Name, goType(v.Type), v.Tags)
		}
	}
	for _, op := range api.Operations {
		fmt.Fprintf(&b, "\nop %s %s %s id=%q", op.Method, op.Path, op.Name, op.ID)
		if op.Summary != "" {
			fmt.Fprintf(&b, " // %s", op.Summary)
		}
		b.WriteString("\n")
		for _, p := range op.Params {
			fmt.Fprintf(&b, "\tparam %s %s %s=%q style=%s explode=%v required=%v", p.Name, goType(p.Type), p.In, p.WireName, p.Style, p.Explode, p.Required)
			if p.JSON {
				b.WriteString(" json")
			}
			b.WriteString("\n")
		}
		if op.Body != nil {
			fmt.Fprintf(&b, "\tbody %s %s required=%v\n", op.Body.ContentType, goType(op.Body.Type), op.Body.Required)
		}
		for _, r := range op.Responses {
			fmt.Fprintf(&b, "\tresponse %d %q %s\n", r.Status, r.ContentType, goType(r.Type))
			for _, h := range r.Headers {
				fmt.Fprintf(&b, "\t\theader %s %s %q required=%v\n", h.Name, goType(h.Type), h.WireName, h.Required)
			}
		}
		if st := op.Stream; st != nil {
			errName := ""
			if st.Error != nil {
				errName = st.Error.Name
			}
			fmt.Fprintf(&b, "\tstream %d heartbeat=%s retry=%s resume=%v error=%q end=%q/%v", st.Status, st.Heartbeat, st.Retry, st.Resume, errName, st.End, st.HasEnd)
			if st.EndOptional {
				b.WriteString(" optional")
			}
			b.WriteString("\n")
			for _, h := range st.Headers {
				fmt.Fprintf(&b, "\t\theader %s %s %q required=%v json=%v\n", h.Name, goType(h.Type), h.WireName, h.Required, h.JSON)
			}
			for _, e := range st.Events {
				fmt.Fprintf(&b, "\t\tevent %q %s %s %s", e.Name, e.GoName, e.ContentType, goType(e.Type))
				if e.Doc != "" {
					fmt.Fprintf(&b, " // %s", e.Doc)
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func BenchmarkBuild(b *testing.B) {
	for _, name := range []string{"../spec/testdata/petstore.yaml", "testdata/schemas.yaml"} {
		b.Run(name, func(b *testing.B) {
			doc, diags := spec.Load(name)
			if diags.HasErrors() {
				b.Fatal(diags)
			}
			for b.Loop() {
				if _, diags := Build(doc); diags.HasErrors() {
					b.Fatal(diags)
				}
			}
		})
	}
}

// TestEnumConstantNames checks that enum constants and types, which share
// the package's namespace, never get the same name, whichever is named
// first: Stripe's Source.type enum has a value ach_credit_transfer next to
// a schema source_type_ach_credit_transfer.
func TestEnumConstantNames(t *testing.T) {
	const doc = `openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: getSource
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/source'}
  /b:
    get:
      operationId: sourceType
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  n: {type: integer}
components:
  schemas:
    source:
      type: object
      properties:
        type:
          type: string
          enum: [ach_credit_transfer, response_body, ach-credit-transfer]
        ach_credit_transfer: {$ref: '#/components/schemas/source_type_ach_credit_transfer'}
    source_type_ach_credit_transfer:
      type: object
      properties:
        account: {type: string}
`
	api, diags := buildText(t, doc)
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	var consts []string
	seen := map[string]bool{}
	for _, ty := range api.Types {
		seen[ty.Name] = true
		for _, v := range ty.Values {
			if seen[v.Name] {
				t.Errorf("constant %s has the name of a type or another constant", v.Name)
			}
			seen[v.Name] = true
			consts = append(consts, fmt.Sprintf("%s=%v", v.Name, v.Value))
		}
	}
	// The component keeps its name; the constant named first keeps its
	// name and the inline response body type named after it does not.
	if got, want := typeNames(api), "Source SourceType SourceTypeAchCreditTransfer SourceTypeResponseBody2"; got != want {
		t.Errorf("types: %s, want %s", got, want)
	}
	want := "SourceTypeAchCreditTransfer2=ach_credit_transfer SourceTypeResponseBody=response_body SourceTypeAchCreditTransfer3=ach-credit-transfer"
	if got := strings.Join(consts, " "); got != want {
		t.Errorf("constants: %s, want %s", got, want)
	}
}

// TestLoneVariant checks that a oneOf or anyOf with a single branch, as
// Stripe wraps a $ref to describe it, is that branch, not a union.
func TestLoneVariant(t *testing.T) {
	const doc = `openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /account:
    get:
      operationId: getAccount
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/account'}
components:
  schemas:
    account:
      type: object
      properties:
        business_profile:
          anyOf:
            - $ref: '#/components/schemas/business_profile'
          description: Business information about the account.
          nullable: true
        settings:
          oneOf:
            - $ref: '#/components/schemas/business_profile'
        either:
          anyOf:
            - $ref: '#/components/schemas/business_profile'
            - type: string
        verbosity: {$ref: '#/components/schemas/verbosity'}
    verbosity:
      anyOf:
        - type: string
          enum: [low, high]
        - type: 'null'
    business_profile:
      type: object
      properties:
        name: {type: string}
`
	api, diags := buildText(t, doc)
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	// A component whose lone variant is written in place gives it its name
	// (OpenAI's BetaVerbosity), not a numbered one.
	if got, want := typeNames(api), "Account AccountEither BusinessProfile Verbosity"; got != want {
		t.Errorf("types: %s, want %s", got, want)
	}
	want := "BusinessProfile business_profile *BusinessProfile nullable\nSettings settings *BusinessProfile\nEither either *AccountEither\nVerbosity verbosity *Verbosity nullable\n"
	if got := fieldsOf(typeNamed(t, api, "Account")); got != want {
		t.Errorf("Account:\n%s\nwant:\n%s", got, want)
	}
}

// TestReadTimeout checks that a client waits two heartbeats only where
// the document promises them: a stream described without x-event-stream
// is served with heartbeats, but its other servers may be silent for long.
func TestReadTimeout(t *testing.T) {
	api := build(t, "../golden/styles/spec.yaml")
	streams := 0
	for _, op := range api.Operations {
		if op.Stream != nil {
			streams++
			if op.Stream.Heartbeat != 15*time.Second || op.Stream.ReadTimeout != 0 {
				t.Errorf("%s: heartbeat %v, read timeout %v; want 15s and none", op.Name, op.Stream.Heartbeat, op.Stream.ReadTimeout)
			}
		}
	}
	if streams == 0 {
		t.Fatal("no stream")
	}
}

// TestIsJSON reads a media type as written in a document, parameters and
// letter case included: a JSON-or-stream operation's plain method is named
// ...JSON by it.
func TestIsJSON(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json":                true,
		"application/json; charset=utf-8": true,
		"Application/JSON":                true,
		"application/problem+json":        true,
		"application/vnd.api+json; v=2":   true,
		"text/plain":                      false,
		"application/jsonl":               false,
		"text/event-stream":               false,
	} {
		if got := IsJSON(ct); got != want {
			t.Errorf("IsJSON(%q) = %v, want %v", ct, got, want)
		}
	}
}
