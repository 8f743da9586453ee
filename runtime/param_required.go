package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// Required properties of JSON request bodies. Once decoded, a required
// property that was absent looks like one sent with its zero value, so Body
// checks the JSON text itself, whatever codec decodes it: the CheckJSON
// method of a generated model says which properties an object must have,
// and the JSON is read once, without building values.

// JSONChecker is implemented by the generated models whose JSON must hold
// properties that decoding cannot tell are missing: the required
// properties of their objects, at any depth.
type JSONChecker interface {
	// CheckJSON states what the JSON of the model must hold.
	CheckJSON(v *JSONValue)
}

// JSONValue is a value of a JSON request body being checked: a CheckJSON
// method states what it must hold with Require and RequireNullable, and
// which of its parts to check in turn with Property, Items and Values.
type JSONValue struct {
	c  *jsonCheck
	at int // where the value starts in c.data
}

// Require states that the object has the properties names, none of them
// null.
func (v *JSONValue) Require(names ...string) {
	for _, n := range names {
		v.c.rules = append(v.c.rules, rule{name: n, required: true})
	}
}

// RequireNullable states that the object has the properties names, which
// may be null.
func (v *JSONValue) RequireNullable(names ...string) {
	for _, n := range names {
		v.c.rules = append(v.c.rules, rule{name: n, required: true, nullable: true})
	}
}

// MinProperties states that the object has at least n properties.
func (v *JSONValue) MinProperties(n int) {
	v.c.rules = append(v.c.rules, rule{count: true, minProps: n, maxProps: -1})
}

// MaxProperties states that the object has at most n properties.
func (v *JSONValue) MaxProperties(n int) {
	v.c.rules = append(v.c.rules, rule{count: true, maxProps: n})
}

// Property checks the value of the object's property name as the JSON of
// m, when it is there and not null.
func (v *JSONValue) Property(name string, m JSONChecker) {
	v.c.rules = append(v.c.rules, rule{name: name, check: m})
}

// Items checks each item of the array as the JSON of m.
func (v *JSONValue) Items(m JSONChecker) {
	v.c.rules = append(v.c.rules, rule{items: true, check: m})
}

// Values checks the value of each property of the object as the JSON of
// m, but those of the declared properties.
func (v *JSONValue) Values(m JSONChecker, declared ...string) {
	v.c.rules = append(v.c.rules, rule{values: true, check: m, declared: declared})
}

// Discriminator returns the string value of the object's property name,
// which selects the variant of a union; "" when there is none.
func (v *JSONValue) Discriminator(name string) string {
	c := v.c
	if c.data[v.at] != '{' {
		return ""
	}
	var tag []byte
	c.members(v.at, func(n []byte, at int) int {
		if string(n) != name {
			return c.skip(at)
		}
		s, end := c.str(at) // the last one, as decoders keep
		if end < 0 {
			return c.skip(at)
		}
		tag = s
		return end
	})
	return string(tag)
}

// Items returns the check of an array of the JSON of m, for Property.
func Items(m JSONChecker) JSONChecker { return itemsOf{m} }

// Values returns the check of an object whose property values are the
// JSON of m, for Property.
func Values(m JSONChecker) JSONChecker { return valuesOf{m} }

type itemsOf struct{ m JSONChecker }

func (c itemsOf) CheckJSON(v *JSONValue) { v.Items(c.m) }

type valuesOf struct{ m JSONChecker }

func (c valuesOf) CheckJSON(v *JSONValue) { v.Values(c.m) }

// rule is one statement of a CheckJSON method.
type rule struct {
	name     string // property; "" for items and values
	required bool
	nullable bool
	items    bool
	values   bool
	declared []string // values: the properties it skips
	check    JSONChecker
	found    bool
	// count bounds the number of properties with minProps and maxProps
	// (-1 for no maximum).
	count              bool
	minProps, maxProps int
}

// maxCheckDepth bounds the nesting the check follows, as encoding/json
// bounds the nesting it decodes.
const maxCheckDepth = 10000

// errNull is the Err of a ParamError for a required property that is null
// where its schema does not allow it.
var errNull = errors.New("must not be null")

// checkJSON checks the JSON text data with check and returns the first
// problem found: a ParamError naming the property.
func checkJSON(data []byte, check JSONChecker) error {
	c := &jsonCheck{data: data}
	c.v.c = c
	c.value(c.space(0), check)
	return c.err
}

// jsonCheck reads JSON text once, applying the rules of the value it is in.
type jsonCheck struct {
	data  []byte
	v     JSONValue // passed to CheckJSON, which keeps no reference
	rules []rule    // of the values being read, innermost last
	path  []step    // where the value being read is
	err   error     // the first problem; reading stops there
}

// step is one step of a path into the body: a property, a map value or an
// array item.
type step struct {
	name  []byte
	key   bool // name is a key of a map (or of additional properties)
	index int  // -1 for a property or map value
}

// value reads the value at i with check, and returns where it ends (-1 when
// the text is not JSON or a problem was found).
func (c *jsonCheck) value(i int, check JSONChecker) int {
	if i < 0 {
		return -1
	}
	if check == nil || i >= len(c.data) || (c.data[i] != '{' && c.data[i] != '[') {
		return c.skip(i)
	}
	if len(c.path) >= maxCheckDepth {
		c.err = &ParamError{In: InBody, Err: errors.New("nested too deeply")} // too deep for a path
		return -1
	}
	from := len(c.rules)
	c.v.at = i
	check.CheckJSON(&c.v)
	var end int
	if c.data[i] == '[' {
		end = c.array(i, from)
	} else {
		end = c.object(i, from)
	}
	c.rules = c.rules[:from]
	return end
}

// object reads the object at i with the rules from c.rules[from:].
func (c *jsonCheck) object(i, from int) int {
	count := 0
	end := c.members(i, func(name []byte, at int) int {
		count++
		null := bytes.HasPrefix(c.data[at:], []byte("null"))
		var check JSONChecker
		key := false
		for k := from; k < len(c.rules); k++ {
			r := &c.rules[k]
			switch {
			case r.count:
			case r.name == string(name) && !r.items && !r.values:
				r.found = true
				if r.required && null && !r.nullable {
					c.path = append(c.path, step{name: name, index: -1})
					c.fail(errNull)
					return -1
				}
				if r.check != nil {
					check = r.check
				}
			case r.values && !contains(r.declared, name):
				check, key = r.check, true
			}
		}
		c.path = append(c.path, step{name: name, key: key, index: -1})
		end := c.value(at, check)
		c.path = c.path[:len(c.path)-1]
		return end
	})
	if end < 0 {
		return -1
	}
	for k := from; k < len(c.rules); k++ {
		r := c.rules[k]
		if r.required && !r.found {
			c.path = append(c.path, step{name: []byte(r.name), index: -1})
			c.fail(ErrMissing)
			return -1
		}
		if r.count {
			if err := propertyCount(count, r.minProps, r.maxProps); err != nil {
				c.fail(err)
				return -1
			}
		}
	}
	return end
}

// members reads the object at i, calling each with the name of every
// property and where its value starts; each returns where the value ends
// (-1 to stop). members returns where the object ends.
func (c *jsonCheck) members(i int, each func(name []byte, at int) int) int {
	i = c.space(i + 1)
	for first := true; i >= 0 && i < len(c.data) && c.data[i] != '}'; first = false {
		if !first {
			if i = c.expect(i, ','); i < 0 {
				return -1
			}
		}
		var name []byte
		if name, i = c.str(i); i < 0 {
			return -1
		}
		if i = c.expect(c.space(i), ':'); i < 0 {
			return -1
		}
		i = c.space(each(name, i))
	}
	if i < 0 || i >= len(c.data) {
		return -1
	}
	return i + 1
}

// array reads the array at i with the rules from c.rules[from:].
func (c *jsonCheck) array(i, from int) int {
	var check JSONChecker
	for _, r := range c.rules[from:] {
		if r.items {
			check = r.check
		}
	}
	i = c.space(i + 1)
	for n := 0; i >= 0 && i < len(c.data) && c.data[i] != ']'; n++ {
		if n > 0 {
			if i = c.expect(i, ','); i < 0 {
				return -1
			}
		}
		c.path = append(c.path, step{index: n})
		if check != nil && bytes.HasPrefix(c.data[i:], []byte("null")) {
			c.fail(errNull) // an item of a model is an object
			return -1
		}
		i = c.space(c.value(i, check))
		c.path = c.path[:len(c.path)-1]
	}
	if i < 0 || i >= len(c.data) {
		return -1
	}
	return i + 1
}

// skip returns where the value at i ends, without checking inside it.
func (c *jsonCheck) skip(i int) int {
	depth := 0
	for ; i >= 0 && i < len(c.data); i++ {
		switch c.data[i] {
		case '"':
			if i = c.endOfString(i); i < 0 {
				return -1
			}
			if depth == 0 {
				return i
			}
			i--
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i
			}
		case ',', ' ', '\t', '\r', '\n':
			if depth == 0 {
				return i
			}
		}
	}
	if depth != 0 {
		return -1
	}
	return i
}

// str reads the string at i and returns its text and where it ends.
func (c *jsonCheck) str(i int) ([]byte, int) {
	end := c.endOfString(i)
	if end < 0 {
		return nil, -1
	}
	text := c.data[i+1 : end-1]
	if bytes.IndexByte(text, '\\') < 0 {
		return text, end
	}
	var s string
	if err := json.Unmarshal(c.data[i:end], &s); err != nil {
		return nil, -1
	}
	return []byte(s), end
}

// endOfString returns where the string at i ends.
func (c *jsonCheck) endOfString(i int) int {
	if i < 0 || i >= len(c.data) || c.data[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(c.data); j++ {
		switch c.data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// expect returns where the value after the byte b at i, and white space,
// starts.
func (c *jsonCheck) expect(i int, b byte) int {
	if i < 0 || i >= len(c.data) || c.data[i] != b {
		return -1
	}
	return c.space(i + 1)
}

// space returns where the white space at i ends.
func (c *jsonCheck) space(i int) int {
	for i >= 0 && i < len(c.data) {
		switch c.data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// fail records err at the current path.
func (c *jsonCheck) fail(err error) {
	var b strings.Builder
	for _, s := range c.path {
		switch {
		case s.index >= 0:
			b.WriteString(itemPath(s.index))
		case s.key:
			b.WriteString(keyPath(string(s.name)))
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.Write(s.name)
		}
	}
	c.err = &ParamError{In: InBody, Property: b.String(), Err: err}
}

// isJSON reports whether contentType is application/json or a +json type.
func isJSON(contentType string) bool {
	mt := mediaType(contentType)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// contains reports whether names holds name.
func contains(names []string, name []byte) bool {
	for _, n := range names {
		if n == string(name) {
			return true
		}
	}
	return false
}
