package runtime

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Form is the application/x-www-form-urlencoded codec. A form is read as
// the JSON object of the same names, so that it decodes into the struct a
// JSON body would, with the same checks: a field of a string type takes
// the value as it is, a number or a boolean its text, a slice one item per
// repetition of the name, any other field its value's JSON text. Marshal
// writes a value's JSON object back the same way, leaving null out.
var Form Codec = formCodec{}

type formCodec struct{}

func (formCodec) ContentType() string { return "application/x-www-form-urlencoded" }

func (formCodec) Marshal(v any) ([]byte, error) {
	form, err := formOf(v)
	if err != nil {
		return nil, err
	}
	return []byte(form.Encode()), nil
}

// formOf returns the form of v, a value whose JSON is an object.
func formOf(v any) (url.Values, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("runtime: form codec cannot marshal %T: want a value whose JSON is an object", v)
	}
	form := url.Values{}
	for name, x := range obj {
		switch x := x.(type) {
		case nil:
		case []any:
			for _, item := range x {
				form.Add(name, formText(item))
			}
		default:
			form.Set(name, formText(x))
		}
	}
	return form, nil
}

// formText writes one JSON value as a form value.
func formText(x any) string {
	switch x := x.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	data, _ := json.Marshal(x) // an object or an array within an item: its JSON
	return string(data)
}

// Unmarshal decodes a form into v, a pointer to a struct; names that are
// not among its fields' JSON names are ignored, as JSON ignores unknown
// properties.
func (formCodec) Unmarshal(data []byte, v any) error {
	form, err := url.ParseQuery(string(data))
	if err != nil {
		return fmt.Errorf("not a form: %w", err)
	}
	return decodeForm(form, v)
}

// decodeForm decodes the values of a form into v through their JSON.
func decodeForm(form map[string][]string, v any) error {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("runtime: form codec cannot unmarshal into %T: want a pointer to a struct", v)
	}
	fields := jsonFields(t.Elem())
	obj := make(map[string]json.RawMessage, len(form))
	for name, values := range form {
		ft, ok := fields[name]
		if !ok {
			continue
		}
		raw, err := formJSON(ft, values)
		if err != nil {
			return &PathError{Path: name, Err: err}
		}
		obj[name] = raw
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	if c, ok := v.(JSONChecker); ok {
		if err := checkJSON(raw, c); err != nil {
			return err
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return &PathError{Path: te.Field, Err: fmt.Errorf("cannot be %s", te.Value)}
		}
		return err
	}
	return nil
}

// Multipart is the multipart/form-data codec: Form's reading of names and
// values, each value a part, a file's content included (as text: binary
// content is refused, not mangled). Unmarshal finds
// the boundary on the body's first line; Marshal chooses one, which the
// client sends in the Content-Type header.
var Multipart Codec = multipartCodec{}

type multipartCodec struct{}

func (multipartCodec) ContentType() string { return "multipart/form-data" }

func (multipartCodec) Marshal(v any) ([]byte, error) {
	form, err := formOf(v)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, name := range slices.Sorted(maps.Keys(form)) {
		for _, value := range form[name] {
			if err := w.WriteField(name, value); err != nil {
				return nil, err
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (multipartCodec) Unmarshal(data []byte, v any) error {
	boundary, ok := multipartBoundary(data)
	if !ok {
		return errors.New("not a multipart form: it does not start with a boundary line")
	}
	form := map[string][]string{}
	r := multipart.NewReader(bytes.NewReader(data), boundary)
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not a multipart form: %w", err)
		}
		content, err := io.ReadAll(part)
		if err != nil {
			return fmt.Errorf("not a multipart form: %w", err)
		}
		if name := part.FormName(); name != "" {
			form[name] = append(form[name], string(content))
		}
	}
	return decodeForm(form, v)
}

// multipartBoundary returns the boundary a multipart body starts with.
func multipartBoundary(data []byte) (string, bool) {
	line, _, ok := bytes.Cut(data, []byte("\n"))
	boundary, dashes := bytes.CutPrefix(bytes.TrimRight(line, "\r"), []byte("--"))
	if !ok || !dashes || len(boundary) == 0 || len(boundary) > 70 {
		return "", false
	}
	return string(boundary), true
}

// jsonFields maps the JSON names of the fields of struct type t to their
// types, as encoding/json names them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if name, ok := jsonName(f); ok {
			fields[name] = f.Type
		}
	}
	return fields
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// formJSON returns the JSON text of the form values of a field of type t.
func formJSON(t reflect.Type, values []string) (json.RawMessage, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		items := make([]json.RawMessage, len(values))
		for i, s := range values {
			item, err := formJSON(t.Elem(), []string{s})
			if err != nil {
				return nil, err
			}
			items[i] = item
		}
		return json.Marshal(items)
	}
	if len(values) > 1 {
		return nil, errors.New("is given more than once")
	}
	s := values[0]
	switch {
	case t.Kind() == reflect.String, t.Kind() == reflect.Slice, reflect.PointerTo(t).Implements(textUnmarshaler):
		if !utf8.ValidString(s) {
			return nil, errors.New("is not UTF-8 text") // a binary file: JSON's strings would mangle it
		}
		return json.Marshal(s) // []byte is base64 text
	case t.Kind() == reflect.Bool:
		if s != "true" && s != "false" {
			return nil, fmt.Errorf("%q is not true or false", s)
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Float64:
		if _, err := strconv.ParseFloat(s, 64); err != nil || !json.Valid([]byte(s)) {
			return nil, fmt.Errorf("%q is not a number", s)
		}
	default:
		if !json.Valid([]byte(s)) {
			return json.Marshal(s) // a union or any: the text as a string
		}
	}
	return json.RawMessage(s), nil
}
