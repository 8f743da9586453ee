package runtime

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// The checks of a decoded request body that do not depend on its type
// having methods of its own: the models at any depth of an array or map
// body, null, and decoding errors said in the API's terms. Parameters sent
// as JSON and union variants share the first (see checkDecoded).

var (
	validatorType   = reflect.TypeFor[interface{ Validate() error }]()
	jsonCheckerType = reflect.TypeFor[JSONChecker]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
)

// holdsNull reports whether a value of t can stand for a JSON null, so
// that null is a body it may take.
func holdsNull(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		return true
	}
	return t == rawMessageType
}

// checkerOf returns the JSONChecker of values of t: its own, or that of
// its items or map values wrapped by Items or Values; nil when there is
// none. A pointer's is that of what it points to: the pointer type has the
// methods of its element too, but its zero value is nil, on which they
// cannot be called.
func checkerOf(t reflect.Type) JSONChecker {
	if t.Kind() == reflect.Pointer {
		return checkerOf(t.Elem())
	}
	if t.Implements(jsonCheckerType) {
		return reflect.Zero(t).Interface().(JSONChecker)
	}
	switch t.Kind() {
	case reflect.Slice:
		if c := checkerOf(t.Elem()); c != nil {
			return Items(c)
		}
	case reflect.Map:
		if c := checkerOf(t.Elem()); c != nil {
			return Values(c)
		}
	}
	return nil
}

// validateAll calls the Validate method of v, or else those of its items
// or map values (in key order), and returns the first error, at its path.
func validateAll(v reflect.Value) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		if v.Type().Implements(validatorType) {
			break
		}
		v = v.Elem()
	}
	if v.Type().Implements(validatorType) {
		return v.Interface().(interface{ Validate() error }).Validate()
	}
	switch {
	case v.Kind() == reflect.Slice && validates(v.Type().Elem()):
		return eachItem(v, validateAll)
	case v.Kind() == reflect.Map && validates(v.Type().Elem()):
		return eachValue(v, validateAll)
	}
	return nil
}

// validates reports whether values of t have a Validate method at some
// depth of items and map values.
func validates(t reflect.Type) bool {
	for {
		if t.Implements(validatorType) || reflect.PointerTo(t).Implements(validatorType) {
			return true
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			t = t.Elem()
		default:
			return false
		}
	}
}

// jsonError restates an error of encoding/json about the JSON text data,
// decoded into a value of type t, in the API's terms: a value of the
// wrong type is "expected string, got number" at its path, a syntax
// error says where it is. Other errors are returned as they are.
func jsonError(data []byte, t reflect.Type, err error) error {
	// Only encoding/json's own error: one wrapped by an UnmarshalJSON
	// method has a field path relative to that method's value.
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		got, _, _ := strings.Cut(te.Value, " ") // "number 300"
		want := jsonType(te.Type)
		var names []string
		if te.Field != "" {
			names = strings.Split(te.Field, ".")
		}
		c := &jsonCheck{data: data}
		path, _ := c.locate(c.space(0), t, names, got, te.Type)
		switch {
		case got == "bool":
			got = "boolean"
		case got != te.Value: // a number out of range or with a fraction
			got = te.Value
			if want == "integer" {
				want += " of " + strconv.Itoa(te.Type.Bits()) + " bits"
			}
		}
		err = fmt.Errorf("expected %s, got %s", want, got)
		if path != "" {
			return &PathError{Path: strings.TrimPrefix(path, "."), Err: err}
		}
		return err
	}
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Errorf("is not valid JSON: %s (at byte %d)", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	}
	return err
}

// jsonType names the JSON type that values of t decode from.
func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string (base64)"
		}
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Pointer:
		return jsonType(t.Elem())
	}
	return t.String()
}

// locate returns the path, in JSON, of the first value under the value at
// i, of Go type t, that encoding/json cannot decode: one that lies at the
// property names (which encoding/json lists without array indexes and
// map keys), is of the JSON type got and is decoded into a want.
func (c *jsonCheck) locate(i int, t reflect.Type, names []string, got string, want reflect.Type) (string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if i < 0 || i >= len(c.data) {
		return "", false
	}
	if len(names) == 0 && kindAt(c.data[i]) == got && t == want {
		return "", true
	}
	path, found := "", false
	switch {
	case c.data[i] == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		j := c.space(i + 1)
		for n := 0; !found && j >= 0 && j < len(c.data) && c.data[j] != ']'; n++ {
			if n > 0 {
				if j = c.expect(j, ','); j < 0 {
					break
				}
			}
			var p string
			if p, found = c.locate(j, t.Elem(), names, got, want); found {
				path = itemPath(n) + p
			}
			j = c.space(c.skip(j))
		}
	case c.data[i] == '{' && (t.Kind() == reflect.Map || t.Kind() == reflect.Struct):
		c.members(i, func(name []byte, at int) int {
			if found {
				return c.skip(at)
			}
			if t.Kind() == reflect.Map {
				if p, ok := c.locate(at, t.Elem(), names, got, want); ok {
					path, found = keyPath(string(name))+p, true
				}
			} else if f, field, ok := fieldOf(t, string(name)); ok && len(names) > 0 && names[0] == field {
				if p, ok := c.locate(at, f, names[1:], got, want); ok {
					path, found = "."+string(name)+p, true
				}
			}
			return c.skip(at)
		})
	}
	return path, found
}

// fieldOf returns the type and the JSON name of the field of struct t
// that the JSON property name decodes into: the one of that name, else
// one whose name matches it but for case, as encoding/json does.
func fieldOf(t reflect.Type, name string) (reflect.Type, string, bool) {
	var folded reflect.Type
	var foldedName string
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := jsonName(f)
		switch {
		case !ok:
			continue
		case tag == name:
			return f.Type, tag, true
		case folded == nil && strings.EqualFold(tag, name):
			folded, foldedName = f.Type, tag
		}
	}
	return folded, foldedName, folded != nil
}

// jsonName returns the name of the struct field f in JSON, as
// encoding/json names it; ok is false for a field it leaves out.
func jsonName(f reflect.StructField) (name string, ok bool) {
	if !f.IsExported() {
		return "", false
	}
	name, _, _ = strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return "", false
	case "":
		return f.Name, true
	}
	return name, true
}

// kindAt names the JSON type of the value that starts with b, as
// encoding/json's UnmarshalTypeError does.
func kindAt(b byte) string {
	switch b {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}
