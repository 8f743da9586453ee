package runtime

// JSON helpers for generated models: objects with additionalProperties and
// unions (oneOf/anyOf). They use encoding/json, as the models' MarshalJSON
// and UnmarshalJSON methods are called by encoding/json.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// MarshalObject writes the JSON object of declared (a struct value whose
// additional-properties field is tagged "-") with the additional
// properties merged in.
func MarshalObject[T any](declared any, additional map[string]T) ([]byte, error) {
	data, err := json.Marshal(declared)
	if err != nil || len(additional) == 0 {
		return data, err
	}
	extra, err := json.Marshal(additional)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(data, []byte("{}")) {
		return extra, nil
	}
	// {"a":1} + {"b":2} = {"a":1,"b":2}
	out := make([]byte, 0, len(data)+len(extra))
	out = append(out, data[:len(data)-1]...)
	out = append(out, ',')
	return append(out, extra[1:]...), nil
}

// UnmarshalAdditional returns the properties of the JSON object data that
// are not among declared, each decoded as a T; nil when there are none.
func UnmarshalAdditional[T any](data []byte, declared ...string) (map[string]T, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for _, name := range declared {
		delete(all, name)
	}
	if len(all) == 0 {
		return nil, nil
	}
	out := make(map[string]T, len(all))
	for k, raw := range all {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("property %q: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

// Discriminator returns the string value of the property that selects the
// variant of a union from the JSON object data.
func Discriminator(data []byte, property string) (string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return "", err
	}
	raw, ok := obj[property]
	if !ok {
		return "", fmt.Errorf("property %q is missing", property)
	}
	var tag string
	if err := json.Unmarshal(raw, &tag); err != nil {
		return "", fmt.Errorf("property %q: %w", property, err)
	}
	return tag, nil
}

// Variant is one branch of a union without discriminator: its Go name and
// where to decode it.
type Variant struct {
	Name   string
	Target any // pointer to the variant's value
}

// UnmarshalOneOf decodes data into the only variant it matches and returns
// its index. A variant matches when data decodes into it strictly, with
// every object property known, its value is valid (an enum value, a const
// among them, is one of its type's) and its JSON has the properties the
// variant requires (see JSONChecker). Matching none or several is an error
// that names them.
func UnmarshalOneOf(union string, data []byte, variants ...Variant) (int, error) {
	matched, errs := match(data, variants, false)
	switch len(matched) {
	case 0:
		return -1, fmt.Errorf("%s: the value matches none of its variants: %w", union, errors.Join(errs...))
	case 1:
		return matched[0], nil
	}
	var names []string
	for _, i := range matched {
		names = append(names, variants[i].Name)
	}
	return -1, fmt.Errorf("%s: the value is ambiguous: it matches each of %s", union, strings.Join(names, ", "))
}

// UnmarshalAnyOf decodes data into the first variant it matches, as
// UnmarshalOneOf matches them, and returns its index: an anyOf allows a
// value to match several, as a string matches both an enum of strings and
// any string.
func UnmarshalAnyOf(union string, data []byte, variants ...Variant) (int, error) {
	matched, errs := match(data, variants, true)
	if len(matched) == 0 {
		return -1, fmt.Errorf("%s: the value matches none of its variants: %w", union, errors.Join(errs...))
	}
	return matched[0], nil
}

// match returns the indexes of the variants data matches, stopping at the
// first when first is set, and why each other variant does not match.
func match(data []byte, variants []Variant, first bool) (matched []int, errs []error) {
	for i, v := range variants {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		err := dec.Decode(v.Target)
		if err == nil {
			err = checkDecoded(data, v.Target)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("not %s: %w", v.Name, err))
			continue
		}
		matched = append(matched, i)
		if first {
			break
		}
	}
	return matched, errs
}

// checkDecoded checks target, decoded from the JSON text data, as Body
// checks a JSON body: data for the properties target requires at any
// depth, through its items and map values (see checkerOf), and then every
// Validate method (see validateAll).
func checkDecoded(data []byte, target any) error {
	if c := checkerOf(reflect.TypeOf(target)); c != nil {
		if perr, ok := checkJSON(data, c).(*ParamError); ok {
			return fmt.Errorf("property %q %w", perr.Property, perr.Err)
		}
	}
	return validateAll(reflect.ValueOf(target))
}
