package model

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ssegen/ssegen/generator/spec"
	"github.com/ssegen/ssegen/runtime"
)

// constraints returns the constraints s states for values of its JSON
// type typ, which decoding into ref does not enforce; nil when there are
// none. A pattern Go cannot run is reported, once per schema, and left
// out.
func (b *builder) constraints(s *openapi3.Schema, typ string, ref *TypeRef) *Constraints {
	c := &Constraints{}
	switch typ {
	case "integer", "number":
		c.Minimum, c.Maximum, c.MultipleOf = s.Min, s.Max, s.MultipleOf
		c.ExclusiveMinimum = s.ExclusiveMin.IsTrue() && s.Min != nil
		c.ExclusiveMaximum = s.ExclusiveMax.IsTrue() && s.Max != nil
		if v := s.ExclusiveMin.Value; v != nil && (s.Min == nil || *v >= *s.Min) {
			c.Minimum, c.ExclusiveMinimum = v, true
		}
		if v := s.ExclusiveMax.Value; v != nil && (s.Max == nil || *v <= *s.Max) {
			c.Maximum, c.ExclusiveMaximum = v, true
		}
		if c.MultipleOf != nil && *c.MultipleOf <= 0 {
			c.MultipleOf = nil // not a valid schema; kin-openapi's validation says so
		}
	case "string":
		if ref.Kind != Builtin || ref.Name != "string" {
			return nil // time.Time and []byte: decoding checks them
		}
		if s.MinLength > 0 {
			c.MinLength = &s.MinLength
		}
		c.MaxLength = s.MaxLength
		if runtime.KnownFormat(s.Format) {
			c.Format = s.Format
		}
		if s.Pattern != "" {
			c.Pattern = b.pattern(s)
		}
	case "array":
		if s.MinItems > 0 {
			c.MinItems = &s.MinItems
		}
		c.MaxItems, c.UniqueItems = s.MaxItems, s.UniqueItems
	case "object":
		if s.MinProps > 0 {
			c.MinProperties = &s.MinProps
		}
		c.MaxProperties = s.MaxProps
	}
	if *c == (Constraints{}) {
		return nil
	}
	return c
}

// pattern returns the Go regular expression of the ECMA-262 pattern of s,
// or "" with a warning when Go's regexp cannot run it (lookaround and
// backreferences).
func (b *builder) pattern(s *openapi3.Schema) string {
	expr := goPattern(s.Pattern)
	if _, err := regexp.Compile(expr); err != nil {
		if key := keyOf(s); !b.badPatterns[key] {
			b.badPatterns[key] = true
			msg := err.Error()
			if e, ok := err.(*syntax.Error); ok {
				msg = fmt.Sprintf("%s: %s", e.Code, e.Expr)
			}
			b.report(spec.Warning, s.Origin, []string{"pattern"}, "pattern %q is not checked: Go's regular expressions do not support it (%s)", s.Pattern, msg)
		}
		return ""
	}
	return expr
}

// goPattern rewrites the ECMA-262 escapes Go spells otherwise: \uXXXX
// and \u{X...} become \x{XXXX}.
func goPattern(p string) string {
	if !strings.Contains(p, `\u`) {
		return p
	}
	var out strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '\\' || i+1 >= len(p) {
			out.WriteByte(p[i])
			continue
		}
		if p[i+1] == 'u' {
			if hex := p[i+2:]; len(hex) >= 4 && isHex(hex[:4]) {
				out.WriteString(`\x{` + hex[:4] + `}`)
				i += 5
				continue
			}
			if end := strings.IndexByte(p[i+2:], '}'); strings.HasPrefix(p[i+2:], "{") && end > 1 && isHex(p[i+3:i+2+end]) {
				out.WriteString(`\x` + p[i+2:i+3+end])
				i += 2 + end
				continue
			}
		}
		out.WriteString(p[i : i+2]) // another escape, kept whole
		i++
	}
	return out.String()
}

func isHex(s string) bool {
	for i := range len(s) {
		if c := s[i] | 0x20; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return s != ""
}
