package runtime

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Constraints of a schema that a Go type does not enforce by itself:
// bounds, lengths, patterns, formats, sizes and uniqueness. Generated
// Validate methods and parameter descriptions (Param.Check) list them as
// Rules, and Check applies them, so the checking logic lives here once.

// A Rule is one constraint of a schema, such as Maximum(100). Like the
// keywords of JSON Schema, a rule applies to the values of its kind only:
// MaxLength constrains strings and leaves numbers alone.
type Rule struct {
	check func(v reflect.Value) error
}

// Check applies rules to v, through any pointers, and returns the first
// rule it breaks. A nil pointer, slice or map is an absent value, which
// satisfies every rule. An error found inside an item or map value is a
// *PathError naming it, such as "[2]".
func Check(v any, rules ...Rule) error {
	return check(reflect.ValueOf(v), rules)
}

func check(v reflect.Value, rules []Rule) error {
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		v = v.Elem()
	}
	if !v.IsValid() || (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.IsNil() {
		return nil
	}
	for _, r := range rules {
		if err := r.check(v); err != nil {
			return err
		}
	}
	return nil
}

// number returns the value of an integer or floating-point v.
func number(v reflect.Value) (float64, bool) {
	switch {
	case v.CanInt():
		return float64(v.Int()), true
	case v.CanUint():
		return float64(v.Uint()), true
	case v.CanFloat():
		return v.Float(), true
	}
	return 0, false
}

// numberRule is a rule on numbers: ok reports whether n satisfies it,
// and want says what it requires.
func numberRule(ok func(n float64) bool, want func() string) Rule {
	return Rule{func(v reflect.Value) error {
		if n, isNum := number(v); isNum && !ok(n) {
			return fmt.Errorf("must be %s", want())
		}
		return nil
	}}
}

// formatNumber writes n as a schema would.
func formatNumber(n float64) string { return strconv.FormatFloat(n, 'g', -1, 64) }

// Minimum requires a number of at least min.
func Minimum(min float64) Rule {
	return numberRule(func(n float64) bool { return n >= min }, func() string { return "at least " + formatNumber(min) })
}

// ExclusiveMinimum requires a number greater than min.
func ExclusiveMinimum(min float64) Rule {
	return numberRule(func(n float64) bool { return n > min }, func() string { return "greater than " + formatNumber(min) })
}

// Maximum requires a number of at most max.
func Maximum(max float64) Rule {
	return numberRule(func(n float64) bool { return n <= max }, func() string { return "at most " + formatNumber(max) })
}

// ExclusiveMaximum requires a number less than max.
func ExclusiveMaximum(max float64) Rule {
	return numberRule(func(n float64) bool { return n < max }, func() string { return "less than " + formatNumber(max) })
}

// MultipleOf requires a number that divides by m (m > 0) into an
// integer, allowing for the rounding of decimal fractions such as 0.1.
func MultipleOf(m float64) Rule {
	return numberRule(func(n float64) bool {
		q := n / m
		return math.Abs(q-math.Round(q)) <= 1e-9*math.Max(1, math.Abs(q))
	}, func() string { return "a multiple of " + formatNumber(m) })
}

// lengthRule is a rule on the length of strings in characters (Unicode
// code points, as JSON Schema counts them) or of arrays in items.
func lengthRule(kind reflect.Kind, ok func(n int) bool, want func() string) Rule {
	return Rule{func(v reflect.Value) error {
		n := -1
		switch {
		case kind == reflect.String && v.Kind() == reflect.String:
			n = utf8.RuneCountInString(v.String())
		case kind == reflect.Slice && v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8: // []byte is a string on the wire
			n = v.Len()
		}
		if n >= 0 && !ok(n) {
			return fmt.Errorf("must %s", want())
		}
		return nil
	}}
}

// count writes n of a noun: one when n is 1, else many.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// MinLength requires a string of at least n characters.
func MinLength(n int) Rule {
	return lengthRule(reflect.String, func(l int) bool { return l >= n }, func() string { return "be at least " + count(n, "character", "characters") })
}

// MaxLength requires a string of at most n characters.
func MaxLength(n int) Rule {
	return lengthRule(reflect.String, func(l int) bool { return l <= n }, func() string { return "be at most " + count(n, "character", "characters") })
}

// MinItems requires an array of at least n items.
func MinItems(n int) Rule {
	return lengthRule(reflect.Slice, func(l int) bool { return l >= n }, func() string { return "have at least " + count(n, "item", "items") })
}

// MaxItems requires an array of at most n items.
func MaxItems(n int) Rule {
	return lengthRule(reflect.Slice, func(l int) bool { return l <= n }, func() string { return "have at most " + count(n, "item", "items") })
}

// MinProperties requires an object of at least n properties.
func MinProperties(n int) Rule { return propertiesRule(n, -1) }

// MaxProperties requires an object of at most n properties.
func MaxProperties(n int) Rule { return propertiesRule(0, n) }

// propertiesRule is the rule on the number of an object's properties
// (a map's entries) of propertyCount.
func propertiesRule(min, max int) Rule {
	return Rule{func(v reflect.Value) error {
		if v.Kind() != reflect.Map {
			return nil
		}
		return propertyCount(v.Len(), min, max)
	}}
}

// propertyCount reports an error when an object of n properties has
// fewer than min or, unless max is negative, more than max: for
// MinProperties and MaxProperties of a map, and for JSONValue's of a
// struct, whose properties only its JSON can count.
func propertyCount(n, min, max int) error {
	switch {
	case n < min:
		return errors.New("must have at least " + count(min, "property", "properties"))
	case max >= 0 && n > max:
		return errors.New("must have at most " + count(max, "property", "properties"))
	}
	return nil
}

// patterns holds the regular expressions of Pattern, compiled once.
var patterns sync.Map // string -> *regexp.Regexp

// Pattern requires a string that the Go regular expression expr matches
// (anywhere, as in JSON Schema, unless it is anchored). It panics, when
// first used, if expr does not compile, like regexp.MustCompile: the
// generator writes only expressions that do.
func Pattern(expr string) Rule {
	return Rule{func(v reflect.Value) error {
		if v.Kind() != reflect.String {
			return nil
		}
		re, ok := patterns.Load(expr)
		if !ok {
			re, _ = patterns.LoadOrStore(expr, regexp.MustCompile(expr))
		}
		if !re.(*regexp.Regexp).MatchString(v.String()) {
			return fmt.Errorf("must match the pattern %s", strconv.Quote(expr))
		}
		return nil
	}}
}

// Format requires a string of the named format: date-time, date, time,
// uuid, email, uri, hostname, ipv4 or ipv6 (see CheckFormat). Formats it
// does not know are not checked, as JSON Schema allows.
func Format(name string) Rule {
	return Rule{func(v reflect.Value) error {
		if v.Kind() == reflect.String {
			return CheckFormat(name, v.String())
		}
		return nil
	}}
}

// UniqueItems requires an array whose items are all different, compared
// as their JSON.
func UniqueItems() Rule {
	return Rule{func(v reflect.Value) error {
		if v.Kind() != reflect.Slice || v.Type().Elem().Kind() == reflect.Uint8 {
			return nil
		}
		seen := make(map[string]int, v.Len())
		for i := range v.Len() {
			b, err := json.Marshal(v.Index(i).Interface())
			if err != nil {
				return fmt.Errorf("item %d: %w", i, err)
			}
			if j, dup := seen[string(b)]; dup {
				return fmt.Errorf("must not repeat items: items %d and %d are equal", j, i)
			}
			seen[string(b)] = i
		}
		return nil
	}}
}

// EachItem applies rules to each item of an array.
func EachItem(rules ...Rule) Rule {
	return Rule{func(v reflect.Value) error {
		if v.Kind() != reflect.Slice || v.Type().Elem().Kind() == reflect.Uint8 {
			return nil
		}
		return eachItem(v, func(item reflect.Value) error { return check(item, rules) })
	}}
}

// EachValue applies rules to each value of an object, in the order of
// its keys.
func EachValue(rules ...Rule) Rule {
	return Rule{func(v reflect.Value) error {
		if v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String {
			return nil
		}
		return eachValue(v, func(value reflect.Value) error { return check(value, rules) })
	}}
}

// eachItem calls fn with each item of the slice v and returns the first
// error, at the item's path.
func eachItem(v reflect.Value, fn func(reflect.Value) error) error {
	for i := range v.Len() {
		if err := fn(v.Index(i)); err != nil {
			return At(itemPath(i), err)
		}
	}
	return nil
}

// eachValue calls fn with each value of the map v, whose keys are strings,
// in the order of its keys, and returns the first error, at the value's
// path.
func eachValue(v reflect.Value, fn func(reflect.Value) error) error {
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) })
	for _, k := range keys {
		if err := fn(v.MapIndex(k)); err != nil {
			return At(keyPath(k.String()), err)
		}
	}
	return nil
}
