package runtime

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// formPet is a model as generated: JSON names, optional fields as
// pointers, and a required property checked through CheckJSON.
type formPet struct {
	Name  string    `json:"name"`
	Age   *int64    `json:"age,omitempty"`
	Good  bool      `json:"good,omitempty"`
	Tags  []string  `json:"tags,omitempty"`
	Born  time.Time `json:"born,omitzero"`
	Photo string    `json:"photo,omitempty"`
}

func (formPet) CheckJSON(v *JSONValue) { v.Require("name") }

// TestFormCodecs round-trips a model through both form codecs and checks
// how each reads what a browser or curl sends.
func TestFormCodecs(t *testing.T) {
	age := int64(3)
	pet := formPet{Name: "Rex & co", Age: &age, Good: true, Tags: []string{"a", "b c"}, Born: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), Photo: "GIF89a\r\n"}
	for _, c := range []Codec{Form, Multipart} {
		data, err := c.Marshal(pet)
		if err != nil {
			t.Fatalf("%s: %v", c.ContentType(), err)
		}
		var got formPet
		if err := c.Unmarshal(data, &got); err != nil {
			t.Fatalf("%s: %v\n%s", c.ContentType(), err, data)
		}
		g, _ := json.Marshal(got)
		if w, _ := json.Marshal(pet); string(g) != string(w) {
			t.Errorf("%s: round trip\n got %s\nwant %s", c.ContentType(), g, w)
		}
	}
	if data, _ := Form.Marshal(formPet{Name: "x"}); string(data) != "good=false&name=x" && string(data) != "name=x" {
		t.Errorf("optional fields: %s", data)
	}

	for _, tc := range []struct{ form, want string }{
		{"name=a&age=x", `age: "x" is not a number`},
		{"name=a&good=yes", `good: "yes" is not true or false`},
		{"name=a&name=b", `name: is given more than once`},
		{"name=a&age=1.5", `age: cannot be number 1.5`},
		{"age=1", `request body property "name" is required`},
		{"name=%zz", `not a form: invalid URL escape "%zz"`},
	} {
		var got formPet
		if err := Form.Unmarshal([]byte(tc.form), &got); err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.form, err, tc.want)
		}
	}
	var pet2 formPet
	if err := Form.Unmarshal([]byte("name=a&colour=red"), &pet2); err != nil || pet2.Name != "a" {
		t.Errorf("an unknown name: %v, %+v", err, pet2)
	}
	multipart := "--XYZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nRex\r\n" +
		"--XYZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.png\"\r\nContent-Type: image/gif\r\n\r\nGIF89a\r\n--XYZ--\r\n"
	var up formPet
	if err := Multipart.Unmarshal([]byte(multipart), &up); err != nil || up.Name != "Rex" || up.Photo != "GIF89a" {
		t.Errorf("a file part: %v, %q", err, up.Photo)
	}
	binary := strings.Replace(multipart, "GIF89a", "\x89PNG", 1)
	if err := Multipart.Unmarshal([]byte(binary), &up); err == nil || err.Error() != "photo: is not UTF-8 text" {
		t.Errorf("a binary file part: %v", err)
	}
	if err := Multipart.Unmarshal([]byte("name=Rex"), &up); err == nil || !strings.Contains(err.Error(), "boundary") {
		t.Errorf("not multipart: %v", err)
	}
}
