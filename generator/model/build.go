package model

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/ssegen/ssegen/generator/spec"
)

// Build turns a loaded document into the API model, naming every Go type
// and identifier. It reports problems (a schema it cannot type, a name it
// cannot make unique) as located diagnostics.
//
// Only the schemas the operations use, directly or through other schemas,
// become Types. Component schemas keep their names; inline schemas are
// named from where they appear (ListPetsResponseBody, PetOwner,
// CreatePetRequestBody). Every decision depends only on the document, never on
// map iteration order, so the same document gives the same model.
func Build(doc *spec.Document) (*API, spec.Diagnostics) {
	b := &builder{
		doc:         doc,
		typeNames:   namespace{},
		opNames:     namespace{},
		named:       map[schemaKey]*TypeRef{},
		building:    map[string]bool{},
		aliasing:    map[schemaKey]bool{},
		merging:     map[schemaKey]bool{},
		merged:      map[schemaKey]mergedProps{},
		byName:      map[string]*Type{},
		compNames:   map[schemaKey]string{},
		components:  map[schemaKey]*openapi3.Schema{},
		badPatterns: map[schemaKey]bool{},
	}
	t := doc.OpenAPI
	api := &API{}
	if t.Info != nil {
		api.Title, api.Version = t.Info.Title, t.Info.Version
	}
	b.reserveComponentNames()
	if t.Paths != nil {
		for _, p := range t.Paths.Keys() {
			item := t.Paths.Value(p)
			if item == nil {
				continue
			}
			ops := item.Operations()
			for _, m := range slices.Sorted(maps.Keys(ops)) {
				api.Operations = append(api.Operations, b.operation(p, strings.ToUpper(m), item, ops[m]))
				b.skipCallbacks(p, strings.ToUpper(m), ops[m])
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(t.Webhooks)) {
		item := t.Webhooks[name]
		if item == nil {
			continue
		}
		o, at := item.Origin, []string(nil)
		if _, ok := spec.OriginPosition(o); !ok {
			o, at = t.Origin, []string{"webhooks"} // a $ref: kin-openapi records no origin
		}
		b.report(spec.Warning, o, at, "webhook %q is skipped: ssegen generates the operations the API serves, not the requests it sends", name)
	}
	slices.SortFunc(api.Operations, func(a, b *Operation) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method))
	})
	api.Types = b.types
	slices.SortFunc(api.Types, func(a, b *Type) int { return cmp.Compare(a.Name, b.Name) })
	diags := b.diags.Sorted()
	if diags.HasErrors() {
		return nil, diags
	}
	return api, diags
}

// schemaKey identifies a schema by where it is written. kin-openapi loads
// a schema of another file once per file that refers to it, so pointers
// alone would declare it several times; schemas built from annotations
// have no origin and are told apart by pointer.
type schemaKey struct {
	file      string
	line, col int
	ptr       *openapi3.Schema
}

func keyOf(s *openapi3.Schema) schemaKey {
	if o := s.Origin; o != nil && o.Key != nil && o.Key.Line > 0 {
		return schemaKey{file: o.Key.File, line: o.Key.Line, col: o.Key.Column}
	}
	return schemaKey{ptr: s}
}

type builder struct {
	doc   *spec.Document
	diags spec.Diagnostics

	typeNames namespace // package-level Go names in use: types and enum constants
	opNames   namespace // operation names in use

	// compNames holds the reserved Go name of every component schema, and
	// components the schema itself: a 3.1 $ref with sibling keywords
	// resolves to a copy carrying them, which must not shape the type.
	compNames  map[schemaKey]string
	components map[schemaKey]*openapi3.Schema
	// named holds the reference to the Type declared for a schema.
	named    map[schemaKey]*TypeRef
	byName   map[string]*Type
	building map[string]bool    // Struct types whose fields are being built
	aliasing map[schemaKey]bool // alias schemas being resolved, to stop cycles
	merging  map[schemaKey]bool // schemas whose allOf is being merged, likewise
	merged   map[schemaKey]mergedProps
	types    []*Type
	// badPatterns holds the schemas whose pattern Go cannot run, reported
	// once each.
	badPatterns map[schemaKey]bool
}

// report records a diagnostic at the element o records: at its field
// named by at[0] and, when at[1] is given, at the item of that sequence
// whose value it is.
func (b *builder) report(sev spec.Severity, o *openapi3.Origin, at []string, format string, args ...any) {
	pos, _ := spec.OriginPosition(o)
	if o != nil && len(at) > 0 {
		if l, ok := o.Fields.Lookup(at[0]); ok {
			pos = spec.PositionOf(l)
		}
		for _, l := range o.Sequences[at[0]] {
			if len(at) > 1 && l.Name == at[1] {
				pos = spec.PositionOf(l)
				break
			}
		}
	}
	if pos.File == "" {
		pos.File = b.doc.Path
	}
	b.diags = append(b.diags, spec.Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// reserveComponentNames gives every component schema its Go name up front,
// in name order, so that an inline schema met earlier cannot take it.
func (b *builder) reserveComponentNames() {
	c := b.doc.OpenAPI.Components
	if c == nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(c.Schemas)) {
		sr := c.Schemas[name]
		if sr == nil || sr.Value == nil {
			continue
		}
		key := keyOf(sr.Value)
		if _, ok := b.compNames[key]; ok {
			continue // one component aliasing another
		}
		b.compNames[key] = b.typeNames.claim(GoName(name))
		b.components[key] = sr.Value
	}
}

// refName names the schema a $ref points to: its component name, or the
// last segment of the reference.
func (b *builder) refName(sr *openapi3.SchemaRef) (string, bool) {
	if name, ok := b.compNames[keyOf(sr.Value)]; ok {
		return name, true
	}
	if sr.Ref == "" {
		return "", false
	}
	file, frag, _ := strings.Cut(sr.Ref, "#")
	seg := path.Base(frag)
	if frag == "" || seg == "/" || seg == "." {
		seg = strings.TrimSuffix(path.Base(file), path.Ext(file))
	}
	name := b.typeNames.claim(GoName(seg))
	b.compNames[keyOf(sr.Value)] = name
	return name, true
}

// builtin returns a reference to a predeclared or standard type.
func builtin(name string) *TypeRef { return &TypeRef{Kind: Builtin, Name: name} }

func sliceOf(t *TypeRef) *TypeRef   { return &TypeRef{Kind: Slice, Elem: t} }
func mapOf(t *TypeRef) *TypeRef     { return &TypeRef{Kind: Map, Elem: t} }
func pointerTo(t *TypeRef) *TypeRef { return &TypeRef{Kind: Pointer, Elem: t} }

// typeOf returns the Go type of a schema. ctx names the type when the
// schema is inline and needs a declaration of its own.
func (b *builder) typeOf(sr *openapi3.SchemaRef, ctx string) *TypeRef {
	if sr == nil || sr.Value == nil {
		return builtin("any")
	}
	s := sr.Value
	if ref, ok := b.named[keyOf(s)]; ok {
		return ref
	}
	if name, ok := b.refName(sr); ok {
		if c := b.components[keyOf(s)]; c != nil {
			s = c
		}
		return b.declare(s, name, true)
	}
	return b.inline(s, ctx)
}

// inline types a schema written in place. Enums, objects and unions get a
// declaration named ctx; everything else is a type expression.
func (b *builder) inline(s *openapi3.Schema, ctx string) *TypeRef {
	if single := allOfAlias(s); single != nil {
		return b.typeOf(single, ctx)
	}
	if v, _, ok := soleVariant(s); ok {
		return b.typeOf(v, ctx)
	}
	switch classify(s) {
	case Struct, Enum, Union:
		return b.declare(s, b.typeNames.claim(ctx), false)
	}
	return b.expr(s, ctx)
}

// expr types a schema that is not declared as a Type of its own, with
// the constraints it states.
func (b *builder) expr(s *openapi3.Schema, ctx string) *TypeRef {
	typ := schemaType(s)
	ref := b.exprType(s, typ, ctx)
	ref.Constraints = b.constraints(s, typ, ref)
	return ref
}

// exprType is the Go type of expr, of a schema of JSON type typ.
func (b *builder) exprType(s *openapi3.Schema, typ, ctx string) *TypeRef {
	switch typ {
	case "array":
		return sliceOf(b.typeOf(s.Items, ctx+"Item"))
	case "object":
		if ap := s.AdditionalProperties.Schema; ap != nil {
			return mapOf(b.typeOf(ap, ctx+"Value"))
		}
		return mapOf(builtin("any"))
	case "string":
		switch s.Format {
		case "date-time":
			return builtin("time.Time")
		case "byte":
			return builtin("[]byte")
		}
		return builtin("string")
	case "integer":
		if s.Format == "int32" {
			return builtin("int32")
		}
		return builtin("int64")
	case "number":
		if s.Format == "float" {
			return builtin("float32")
		}
		return builtin("float64")
	case "boolean":
		return builtin("bool")
	}
	return builtin("any")
}

// schemaType returns the one non-null JSON type of s, inferring "object"
// and "array" from properties and items; "" when s has none or several.
func schemaType(s *openapi3.Schema) string {
	var types []string
	if s.Type != nil {
		for _, t := range s.Type.Slice() {
			if t != "null" {
				types = append(types, t)
			}
		}
	}
	switch {
	case len(types) == 1:
		return types[0]
	case len(types) > 1:
		return ""
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil || len(s.AllOf) > 0:
		return "object"
	case s.Items != nil:
		return "array"
	}
	// A const or enum without a type has the type of its values.
	v := s.Const
	if v == nil && len(s.Enum) > 0 {
		v = s.Enum[0]
	}
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		return "number"
	}
	return ""
}

// nullable reports whether null is a valid value of s.
func nullable(s *openapi3.Schema) bool {
	if s.Nullable || (s.Type != nil && s.Type.IncludesNull()) {
		return true
	}
	if _, null, ok := soleVariant(s); ok && null {
		return true
	}
	return slices.Contains(s.Enum, nil)
}

// soleVariant returns the one branch of a oneOf (or anyOf) that is not
// {type: "null"}, when the schema is nothing more: the 3.1 way to write a
// nullable reference, `oneOf: [X, {type: "null"}]`, or a lone branch that
// a $ref is wrapped in to carry a description or nullable, as Stripe
// writes. null reports whether a null branch is there.
func soleVariant(s *openapi3.Schema) (v *openapi3.SchemaRef, null, ok bool) {
	branches := s.OneOf
	if len(branches) == 0 {
		branches = s.AnyOf
	}
	if len(s.Properties) > 0 {
		return nil, false, false
	}
	for _, br := range branches {
		switch {
		case br.Value != nil && br.Value.Type != nil && br.Value.Type.Is("null"):
			null = true
		case v != nil:
			return nil, false, false
		default:
			v = br
		}
	}
	return v, null, v != nil
}

// allOfAlias returns the single allOf branch of a schema that only wraps
// it (often to add a description next to a $ref), or nil.
func allOfAlias(s *openapi3.Schema) *openapi3.SchemaRef {
	if len(s.AllOf) != 1 || len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil || len(s.OneOf)+len(s.AnyOf) > 0 || len(s.Required) > 0 {
		return nil
	}
	return s.AllOf[0]
}

// classify tells which declaration a schema needs, if any; Named means a
// type expression suffices inline.
func classify(s *openapi3.Schema) Kind {
	switch {
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		if _, _, ok := soleVariant(s); ok {
			return Named
		}
		return Union
	case len(scalarEnum(s)) > 0:
		return Enum
	case len(s.AllOf) > 0 || len(s.Properties) > 0:
		return Struct
	}
	return Named
}

// scalarEnum returns the non-null enum values of a scalar schema; a const
// is an enum of one value, so that its type says what it holds and a
// union's variants are told apart by it (pydantic's Literal fields).
func scalarEnum(s *openapi3.Schema) []any {
	switch schemaType(s) {
	case "string", "integer", "number", "boolean":
	default:
		return nil
	}
	if s.Const != nil && len(s.Enum) == 0 {
		return []any{s.Const}
	}
	var vals []any
	for _, v := range s.Enum {
		if v != nil {
			vals = append(vals, v)
		}
	}
	return vals
}

// builtinOnly reports whether s is typed as time.Time, []byte or any,
// which a component does not rename.
func builtinOnly(s *openapi3.Schema) bool {
	switch schemaType(s) {
	case "":
		return true
	case "string":
		return s.Format == "date-time" || s.Format == "byte"
	}
	return false
}

// declare records the Type for s under name and returns a reference to it.
// component tells a component schema, which is declared whatever its
// shape, from an inline one.
func (b *builder) declare(s *openapi3.Schema, name string, component bool) *TypeRef {
	kind := classify(s)
	var other *openapi3.SchemaRef
	if single := allOfAlias(s); single != nil && component {
		// A component that only renames another: `type A = B` would do,
		// but the model has no aliases; reuse B.
		other = single
	} else if v, _, ok := soleVariant(s); ok && kind == Named {
		other = v // nullable is the field's business
	}
	if other != nil {
		key := keyOf(s)
		if b.aliasing[key] {
			b.report(spec.Error, s.Origin, nil, "%s is only an alias of itself (through allOf or oneOf), so it has no type", name)
			return builtin("any")
		}
		b.aliasing[key] = true
		defer delete(b.aliasing, key)
		if component && other.Ref == "" {
			// The schema written in place stands for the component, which
			// reserved the name for it.
			delete(b.typeNames, name)
		}
		ref := b.typeOf(other, name)
		b.named[key] = ref
		return ref
	}
	if kind == Named {
		if builtinOnly(s) {
			// A defined type would lose time.Time's JSON methods or gain
			// nothing over the builtin.
			ref := b.expr(s, name)
			b.named[keyOf(s)] = ref
			return ref
		}
	}
	ref := &TypeRef{Kind: Ref, Name: name}
	b.named[keyOf(s)] = ref
	t := &Type{Name: name, Doc: doc(s), Kind: kind}
	b.byName[name] = t
	b.types = append(b.types, t)
	switch kind {
	case Struct:
		b.building[name] = true
		b.fields(t, s)
		delete(b.building, name)
		t.Constraints = b.constraints(s, "object", nil)
	case Enum:
		b.enum(t, s)
	case Union:
		b.union(t, s)
	case Named:
		t.Underlying = b.expr(s, name)
	}
	return ref
}

func doc(s *openapi3.Schema) string {
	return strings.TrimSpace(cmp.Or(s.Description, s.Title))
}

// property is one property of a struct being built, with its schema.
type property struct {
	name     string
	schema   *openapi3.SchemaRef
	required bool
}

// mergedProps is what properties returns for a schema.
type mergedProps struct {
	props      []property
	additional *openapi3.SchemaRef
}

// properties merges s with its allOf branches (recursively), in document
// order, later declarations of a property replacing earlier ones.
func (b *builder) properties(s *openapi3.Schema) (props []property, additional *openapi3.SchemaRef) {
	key := keyOf(s)
	if m, ok := b.merged[key]; ok {
		return m.props, m.additional // shared by every schema that includes it; read only
	}
	if b.merging[key] {
		b.report(spec.Error, s.Origin, []string{"allOf"}, "this schema includes itself through allOf")
		return nil, nil
	}
	b.merging[key] = true
	defer func() {
		delete(b.merging, key)
		b.merged[key] = mergedProps{props, additional}
	}()
	add := func(p property) {
		for i := range props {
			if props[i].name == p.name {
				props[i].schema = p.schema
				props[i].required = props[i].required || p.required
				return
			}
		}
		props = append(props, p)
	}
	for _, br := range s.AllOf {
		if br == nil || br.Value == nil {
			continue
		}
		ps, ap := b.properties(br.Value)
		for _, p := range ps {
			add(p)
		}
		if ap != nil {
			additional = ap
		}
	}
	for _, name := range propertyOrder(s) {
		add(property{name: name, schema: s.Properties[name], required: slices.Contains(s.Required, name)})
	}
	// required may name properties declared in another allOf branch.
	for i := range props {
		if slices.Contains(s.Required, props[i].name) {
			props[i].required = true
		}
	}
	switch ap := s.AdditionalProperties; {
	case ap.Schema != nil:
		additional = ap.Schema
	case ap.Has != nil && *ap.Has:
		additional = &openapi3.SchemaRef{Value: &openapi3.Schema{}} // any value
	}
	return props, additional
}

// propertyOrder returns the property names of s in the order the document
// writes them, which kin-openapi's map forgets but its origins remember.
func propertyOrder(s *openapi3.Schema) []string {
	names := slices.Sorted(maps.Keys(s.Properties))
	pos := func(n string) spec.Position {
		p, _ := spec.OriginPosition(s.Properties[n].Origin)
		return p
	}
	slices.SortStableFunc(names, func(a, c string) int {
		pa, pc := pos(a), pos(c)
		if pa.File != pc.File || pa.Line == 0 || pc.Line == 0 {
			return 0
		}
		return cmp.Or(cmp.Compare(pa.Line, pc.Line), cmp.Compare(pa.Col, pc.Col))
	})
	return names
}

func (b *builder) fields(t *Type, s *openapi3.Schema) {
	props, additional := b.properties(s)
	names := namespace{}
	for _, p := range props {
		goName := names.claim(GoName(p.name))
		var ps *openapi3.Schema
		if p.schema != nil {
			ps = p.schema.Value
		}
		ref := b.typeOf(p.schema, t.Name+GoName(p.name))
		null := ps != nil && nullable(ps)
		f := &Field{Name: goName, JSONName: p.name, Type: ref, Required: p.required, Nullable: null}
		if ps != nil {
			f.Doc = b.fieldDoc(p.schema)
			f.ReadOnly = ps.ReadOnly
			f.WriteOnly = ps.WriteOnly
		}
		if (!p.required || null || b.building[ref.Name]) && b.needsPointer(ref) {
			f.Type = pointerTo(ref)
		}
		t.Fields = append(t.Fields, f)
	}
	if additional != nil {
		t.Additional = b.typeOf(additional, t.Name+"Value")
	}
}

// fieldDoc documents a property: with its own description, not that of
// the schema it refers to, which documents the type; a 3.1 $ref may carry
// a description of its own next to it.
func (b *builder) fieldDoc(sr *openapi3.SchemaRef) string {
	if sr.Ref == "" {
		return doc(sr.Value)
	}
	if c := b.components[keyOf(sr.Value)]; c != nil && c != sr.Value && c.Description != sr.Value.Description {
		return strings.TrimSpace(sr.Value.Description)
	}
	return ""
}

// needsPointer reports whether absent (or null) must be told apart from the
// zero value of ref by a pointer: true for scalars and structs, false for
// types that are already nil-able.
func (b *builder) needsPointer(ref *TypeRef) bool {
	switch ref.Kind {
	case Slice, Map, Pointer:
		return false
	case Builtin:
		return ref.Name != "any" && ref.Name != "[]byte" && ref.Name != "json.RawMessage"
	}
	if t := b.byName[ref.Name]; t != nil && t.Kind == Named && t.Underlying != nil {
		return t.Underlying.Kind != Slice && t.Underlying.Kind != Map
	}
	return true
}

func (b *builder) enum(t *Type, s *openapi3.Schema) {
	typ := schemaType(s)
	switch typ {
	case "string":
		t.Underlying = builtin("string") // whatever its format
	default:
		t.Underlying = b.expr(s, t.Name)
	}
	for _, v := range scalarEnum(s) {
		val, word, ok := enumValue(v, typ)
		if !ok {
			b.report(spec.Warning, s.Origin, []string{"enum", fmt.Sprint(v)}, "enum value %v is not of type %s; it is left out of %s", v, typ, t.Name)
			continue
		}
		if n, isNum := val.(float64); isNum && typ == "integer" {
			val = int64(n)
		}
		// Constants and types share the package's namespace.
		t.Values = append(t.Values, &EnumValue{Name: b.typeNames.claim(t.Name + enumWord(word)), Value: val})
	}
}

// enumValue checks that v, an enum value as decoded from the document,
// has the JSON type typ, and returns it as the model holds it (string,
// float64 or bool) with the word its constant is named after.
func enumValue(v any, typ string) (val any, word string, ok bool) {
	var f float64
	switch v := v.(type) {
	case string:
		if v == "" {
			return v, "Empty", typ == "string"
		}
		return v, v, typ == "string"
	case bool:
		return v, strconv.FormatBool(v), typ == "boolean"
	case float64:
		f = v
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case uint64:
		f = float64(v)
	default:
		return nil, "", false
	}
	if typ != "number" && (typ != "integer" || f != math.Trunc(f)) {
		return nil, "", false
	}
	return f, strings.NewReplacer("-", "Minus", ".", "_").Replace(strconv.FormatFloat(f, 'f', -1, 64)), true
}

// enumWord turns an enum value into the suffix of its constant's name:
// "in-progress" -> InProgress; 1 -> 1, as the type name comes first.
func enumWord(v string) string {
	w := GoName(v)
	if v != "" && v[0] >= '0' && v[0] <= '9' {
		w = strings.TrimPrefix(w, "N")
	}
	return w
}

func (b *builder) union(t *Type, s *openapi3.Schema) {
	all := s.OneOf
	if len(all) == 0 {
		all, t.AnyOf = s.AnyOf, true
	}
	var branches openapi3.SchemaRefs
	for _, br := range all {
		// null is the Union's zero value, not a variant.
		if br != nil && br.Value != nil && (br.Value.Type == nil || !br.Value.Type.Is("null")) {
			branches = append(branches, br)
		}
	}
	prop := ""
	if s.Discriminator != nil {
		prop = s.Discriminator.PropertyName
	} else {
		prop = impliedDiscriminator(branches)
	}
	t.Discriminator = prop
	names := namespace{}
	for i, br := range branches {
		ctx := t.Name + strconv.Itoa(i+1)
		if c, ok := constValue(br.Value.Properties[prop]); ok && prop != "" {
			ctx = t.Name + GoName(c)
		} else if title := br.Value.Title; title != "" {
			ctx = t.Name + GoName(title)
		}
		ref := b.typeOf(br, ctx)
		name := variantName(ref)
		if rest := strings.TrimPrefix(name, t.Name); br.Ref == "" && rest != name && rest != "" && unicode.IsLetter(rune(rest[0])) {
			name = rest // AsCreated, not AsEventCreated
		}
		v := &Variant{Name: names.claim(name), Type: ref}
		if prop != "" {
			v.Tags = tags(s.Discriminator, prop, br)
		}
		t.Variants = append(t.Variants, v)
	}
}

// constValue returns the single value a property schema allows (const, or
// an enum of one), if any.
func constValue(sr *openapi3.SchemaRef) (string, bool) {
	if sr == nil || sr.Value == nil {
		return "", false
	}
	v := sr.Value
	if c, ok := v.Const.(string); ok {
		return c, true
	}
	if len(v.Enum) == 1 {
		if c, ok := v.Enum[0].(string); ok {
			return c, true
		}
	}
	return "", false
}

// impliedDiscriminator finds the property that tells object branches
// apart when the spec names none: one every branch requires and fixes to
// a distinct value, as in `type: {enum: [cat]}`. "" when there is none.
func impliedDiscriminator(branches openapi3.SchemaRefs) string {
	if len(branches) < 2 {
		return ""
	}
	first := branches[0].Value
	for _, prop := range slices.Sorted(maps.Keys(first.Properties)) {
		seen := map[string]bool{}
		ok := true
		for _, br := range branches {
			c, fixed := constValue(br.Value.Properties[prop])
			if !fixed || seen[c] || !slices.Contains(br.Value.Required, prop) {
				ok = false
				break
			}
			seen[c] = true
		}
		if ok {
			return prop
		}
	}
	return ""
}

// variantName names a union branch after its type: Cat, String, Int64Slice.
func variantName(ref *TypeRef) string {
	switch ref.Kind {
	case Ref:
		return ref.Name
	case Slice:
		return variantName(ref.Elem) + "Slice"
	case Map:
		return variantName(ref.Elem) + "Map"
	case Pointer:
		return variantName(ref.Elem)
	}
	switch ref.Name {
	case "[]byte":
		return "Bytes"
	case "time.Time":
		return "Time"
	case "json.RawMessage":
		return "Raw"
	}
	return GoName(ref.Name)
}

// tags returns the discriminator values that select branch: the mapping
// entries that point at it; else the value the branch fixes its
// discriminator property to; else its schema name, OpenAPI's implicit
// mapping.
func tags(d *openapi3.Discriminator, prop string, br *openapi3.SchemaRef) []string {
	var tags []string
	if d != nil {
		for _, val := range slices.Sorted(maps.Keys(d.Mapping)) {
			m := d.Mapping[val]
			switch {
			case m.Value != nil && m.Value == br.Value,
				m.Ref != "" && m.Ref == br.Ref,
				m.Ref != "" && br.Ref != "" && path.Base(m.Ref) == path.Base(br.Ref),
				m.Ref != "" && br.Ref != "" && !strings.Contains(m.Ref, "/") && m.Ref == path.Base(br.Ref):
				tags = append(tags, val)
			}
		}
	}
	if len(tags) > 0 {
		return tags
	}
	if c, ok := constValue(br.Value.Properties[prop]); ok {
		return []string{c}
	}
	if br.Ref != "" {
		_, frag, _ := strings.Cut(br.Ref, "#")
		return []string{path.Base(frag)}
	}
	return nil
}

// skipCallbacks warns that op's callbacks, requests the API sends, are
// not generated.
func (b *builder) skipCallbacks(p, method string, op *openapi3.Operation) {
	for _, name := range slices.Sorted(maps.Keys(op.Callbacks)) {
		if cb := op.Callbacks[name]; cb != nil && cb.Value != nil {
			b.report(spec.Warning, cb.Value.Origin, nil, "%s %s: callback %q is skipped: ssegen generates the operations the API serves, not the requests it sends", method, p, name)
		}
	}
}

// operation builds one operation.
func (b *builder) operation(p, method string, item *openapi3.PathItem, op *openapi3.Operation) *Operation {
	id := op.OperationID
	if id == "" {
		id = strings.ToLower(method) + GoName(p)
	}
	o := &Operation{
		ID:      id,
		Name:    b.opNames.claim(GoName(id)),
		Method:  method,
		Path:    p,
		Summary: strings.TrimSpace(op.Summary),
		Doc:     strings.TrimSpace(op.Description),
	}
	o.Params = b.params(o, p, item.Parameters, op.Parameters)
	var rb *openapi3.RequestBody
	if op.RequestBody != nil {
		rb = op.RequestBody.Value
	}
	if form := b.formData(rb == nil, item.Parameters, op.Parameters); form != nil {
		rb = form
	}
	if rb != nil {
		if ct, mt := pickContent(rb.Content); mt != nil {
			o.Body = &Body{
				ContentType: ct,
				Type:        b.contentType(ct, mt, o.Name+"RequestBody"),
				Required:    rb.Required,
				Doc:         strings.TrimSpace(rb.Description),
			}
		} else if st := b.doc.BodyStreams[op]; st != nil {
			o.Body = &Body{
				ContentType: "text/event-stream",
				Stream:      b.stream(st, o.Name+"Body"),
				Required:    rb.Required,
				Doc:         strings.TrimSpace(rb.Description),
			}
		}
	}
	if st := b.doc.Streams[op]; st != nil {
		o.Stream = b.stream(st, o.Name)
		o.Stream.Status = spec.StreamStatus(op)
		if st.Resume {
			// The stream hands the handler the client's Last-Event-ID
			// itself; a declared header says only that it resumes. One
			// named after its location, beside a query last_event_id,
			// stays: its field carries the header.
			o.Params = slices.DeleteFunc(o.Params, func(p *Param) bool {
				return p.In == InHeader && strings.EqualFold(p.WireName, "Last-Event-ID") && p.Name == "LastEventID"
			})
		}
		o.Stream.Feed = feed(st, o)
	}
	b.responses(o, op)
	return o
}

// pathParam matches a parameter in a path template.
var pathParam = regexp.MustCompile(`\{([^{}]+)\}`)

// params merges path-level and operation-level parameters; an operation
// parameter replaces a path one with the same name and location. The path
// parameters are those of the template: one the spec forgot to declare is
// a string (spec.Load warned about it), one not in the template is dropped.
func (b *builder) params(o *Operation, tmpl string, pathLevel, opLevel openapi3.Parameters) []*Param {
	var inPath []string
	for _, m := range pathParam.FindAllStringSubmatch(tmpl, -1) {
		inPath = append(inPath, m[1])
	}
	var all []*openapi3.Parameter
	for _, list := range []openapi3.Parameters{pathLevel, opLevel} {
		for _, pr := range list {
			if pr == nil || pr.Value == nil {
				continue
			}
			v := pr.Value
			if v.In == openapi3.ParameterInPath && !slices.Contains(inPath, v.Name) || v.In == inFormData {
				continue
			}
			all = slices.DeleteFunc(all, func(q *openapi3.Parameter) bool { return q.Name == v.Name && q.In == v.In })
			all = append(all, v)
		}
	}
	for _, name := range inPath {
		if !slices.ContainsFunc(all, func(q *openapi3.Parameter) bool { return q.Name == name && q.In == openapi3.ParameterInPath }) {
			all = append(all, &openapi3.Parameter{Name: name, In: openapi3.ParameterInPath, Required: true, Schema: openapi3.NewStringSchema().NewRef()})
		}
	}
	names := namespace{}
	goNames := locatedNames(all)
	var out []*Param
	for i, v := range all {
		in := ParamIn(v.In)
		style := v.Style
		if style == "" {
			style = "form"
			if in == InPath || in == InHeader {
				style = "simple"
			}
		}
		explode := style == "form"
		if v.Explode != nil {
			explode = *v.Explode
		}
		goName := goNames[i]
		schema, json := b.paramSchema(in, v.Schema, v.Content)
		ref := b.typeOf(schema, o.Name+goName)
		required := v.Required || in == InPath
		if !required && b.needsPointer(ref) {
			ref = pointerTo(ref)
		}
		out = append(out, &Param{
			Name:     names.claim(goName),
			WireName: v.Name,
			In:       in,
			Doc:      strings.TrimSpace(v.Description),
			Required: required,
			Style:    style,
			Explode:  explode,
			Type:     ref,
			JSON:     json,
		})
	}
	return out
}

// inFormData is Swagger 2's location of a form field, which OpenAPI 3
// writes as a property of the request body.
const inFormData = "formData"

// formData reads the "in: formData" parameters of a Swagger 2 leftover as
// what OpenAPI 3 would write: the properties of a form request body,
// multipart/form-data when one is a file and else
// application/x-www-form-urlencoded. It warns about each one, saying
// whether it is used: only when the operation declares no body.
func (b *builder) formData(used bool, lists ...openapi3.Parameters) *openapi3.RequestBody {
	var params []*openapi3.Parameter
	for _, list := range lists {
		for _, pr := range list {
			if pr != nil && pr.Value != nil && pr.Value.In == inFormData {
				params = append(params, pr.Value)
			}
		}
	}
	schema := openapi3.NewObjectSchema()
	ct := "application/x-www-form-urlencoded"
	for _, v := range params {
		sr := v.Schema
		if sr == nil {
			sr = swagger2Schema(v.Extensions)
		}
		if sr.Value != nil && sr.Value.Format == "binary" {
			ct = "multipart/form-data"
		}
		if v.Description != "" && sr.Ref == "" && sr.Value != nil && sr.Value.Description == "" {
			sr.Value.Description = v.Description
		}
		schema.Properties[v.Name] = sr
		if v.Required {
			schema.Required = append(schema.Required, v.Name)
		}
	}
	const leftover = "parameter %q is in: formData, which OpenAPI 3 does not have (a Swagger 2 form field): "
	for _, v := range params {
		if used {
			b.report(spec.Warning, v.Origin, []string{"in"}, leftover+"it is read as a property of the %s request body", v.Name, ct)
		} else {
			b.report(spec.Warning, v.Origin, []string{"in"}, leftover+"it is skipped, since the operation declares a request body", v.Name)
		}
	}
	if len(params) == 0 || !used {
		return nil
	}
	return &openapi3.RequestBody{Content: openapi3.NewContentWithSchema(schema, []string{ct}), Required: len(schema.Required) > 0}
}

// swagger2Schema builds the schema of a Swagger 2 parameter, written in the
// parameter itself (type, format, items, enum...), which kin-openapi keeps
// as extensions. A file is a binary string.
func swagger2Schema(fields map[string]any) *openapi3.SchemaRef {
	sr := openapi3.NewSchemaRef("", openapi3.NewStringSchema())
	data, err := json.Marshal(fields)
	if err != nil || json.Unmarshal(data, sr.Value) != nil {
		return sr // a string, as a form field is before anything reads it
	}
	if sr.Value.Type.Is("file") {
		sr.Value.Type, sr.Value.Format = &openapi3.Types{openapi3.TypeString}, "binary"
	}
	if sr.Value.Type == nil {
		sr.Value.Type = &openapi3.Types{openapi3.TypeString}
	}
	return sr
}

// paramSchema returns the schema of a parameter or header, described by
// schema or by content, and whether its value is JSON text: a JSON media
// type, or a header that no style can write.
func (b *builder) paramSchema(in ParamIn, schema *openapi3.SchemaRef, content openapi3.Content) (_ *openapi3.SchemaRef, json bool) {
	if schema == nil {
		ct, mt := pickContent(content)
		if mt == nil {
			return nil, false
		}
		return mt.Schema, IsJSON(ct)
	}
	return schema, in == InHeader && schema.Value != nil && !b.styleable(schema.Value)
}

// styleable reports whether the simple style can write values of s: a
// scalar, or an array or object whose items or properties are scalars.
func (b *builder) styleable(s *openapi3.Schema) bool {
	scalar := func(sr *openapi3.SchemaRef) bool {
		if sr == nil || sr.Value == nil {
			return false
		}
		switch schemaType(sr.Value) {
		case "string", "integer", "number", "boolean":
			return true
		}
		return false
	}
	switch schemaType(s) {
	case "array":
		return scalar(s.Items)
	case "object":
		props, additional := b.properties(s)
		for _, p := range props {
			if !scalar(p.schema) {
				return false
			}
		}
		return additional == nil || scalar(additional)
	}
	return true
}

// locatedNames returns the Go name of each parameter: its name, followed
// by where it travels (LastEventIDQuery, LastEventIDHeader) when a
// parameter elsewhere would get the same one.
func locatedNames(params []*openapi3.Parameter) []string {
	names := make([]string, len(params))
	ins := map[string]map[string]bool{}
	for i, p := range params {
		names[i] = GoName(p.Name)
		if ins[names[i]] == nil {
			ins[names[i]] = map[string]bool{}
		}
		ins[names[i]][p.In] = true
	}
	for i, p := range params {
		if len(ins[names[i]]) > 1 {
			names[i] += GoName(p.In)
		}
	}
	return names
}

// pickContent chooses the media type ssegen serves from a content map:
// JSON first, then +json types, then text/plain, then the first by name;
// never text/event-stream, which is the stream's.
func pickContent(c openapi3.Content) (string, *openapi3.MediaType) {
	keys := slices.Sorted(maps.Keys(c))
	rank := func(ct string) int {
		switch base := spec.MediaType(ct); {
		case base == "application/json":
			return 0
		case strings.HasSuffix(base, "+json"):
			return 1
		case base == "text/plain":
			return 2
		case base == "text/event-stream":
			return 4
		}
		return 3
	}
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(rank(a), rank(b)) })
	for _, k := range keys {
		if rank(k) < 4 && c[k] != nil {
			return k, c[k]
		}
	}
	return "", nil
}

// contentType types a body of media type ct.
func (b *builder) contentType(ct string, mt *openapi3.MediaType, ctx string) *TypeRef {
	base := spec.MediaType(ct)
	switch {
	case IsJSON(base):
		return b.typeOf(mt.Schema, ctx)
	case base == "text/event-stream" && mt.Schema != nil && mt.Schema.Value != nil && schemaType(mt.Schema.Value) != "string":
		return b.typeOf(mt.Schema, ctx) // the data of its one event
	case strings.HasPrefix(base, "text/"):
		return builtin("string")
	case mt.Schema != nil && mt.Schema.Value != nil && schemaType(mt.Schema.Value) == "object":
		return b.typeOf(mt.Schema, ctx) // forms
	}
	return builtin("[]byte")
}

func (b *builder) responses(o *Operation, op *openapi3.Operation) {
	if op.Responses == nil {
		return
	}
	m := op.Responses.Map()
	type keyed struct {
		status int
		key    string
	}
	var keys []keyed
	for k := range m {
		if k == "default" {
			keys = append(keys, keyed{0, k})
			continue
		}
		n, err := strconv.Atoi(k)
		if err != nil || n < 100 || n > 599 {
			b.report(spec.Warning, m[k].Origin, nil, "response %q is skipped: ssegen handles explicit status codes and default", k)
			continue
		}
		keys = append(keys, keyed{n, k})
	}
	slices.SortFunc(keys, func(a, c keyed) int {
		if (a.status == 0) != (c.status == 0) {
			if a.status == 0 {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.status, c.status)
	})
	firstSuccess := true
	for _, k := range keys {
		rr := m[k.key]
		if rr == nil || rr.Value == nil {
			continue
		}
		rv := rr.Value
		ct, mt := pickContent(rv.Content)
		stream := o.Stream != nil && k.status == o.Stream.Status
		if stream && mt == nil {
			o.Stream.Headers = b.headers(o, rv)
			continue // the stream itself
		}
		if es := spec.EventStreamContent(rv.Content); mt == nil && es != nil {
			// An event stream on another status, such as TGI's 422: one
			// event that carries the body.
			ct, mt = "text/event-stream", es
		}
		r := &Response{Status: k.status, Doc: strings.TrimSpace(deref(rv.Description))}
		if mt != nil {
			r.ContentType = ct
			r.Type = b.contentType(ct, mt, o.Name+responseSuffix(k.status, &firstSuccess))
		}
		r.Headers = b.headers(o, rv)
		if stream {
			o.Stream.Headers = r.Headers // JSON or the stream
		}
		o.Responses = append(o.Responses, r)
	}
}

// headers returns the headers a response of o declares, but Content-Type.
func (b *builder) headers(o *Operation, rv *openapi3.Response) []*Param {
	var headers []*Param
	names := namespace{}
	for _, h := range slices.Sorted(maps.Keys(rv.Headers)) {
		hr := rv.Headers[h]
		if hr == nil || hr.Value == nil || strings.EqualFold(h, "Content-Type") {
			continue
		}
		hv := hr.Value
		schema, json := b.paramSchema(InHeader, hv.Schema, hv.Content)
		ref := b.typeOf(schema, o.Name+GoName(h)+"Header")
		if !hv.Required && b.needsPointer(ref) {
			ref = pointerTo(ref)
		}
		headers = append(headers, &Param{
			Name: names.claim(GoName(h)), WireName: h, In: InHeader, Doc: strings.TrimSpace(hv.Description),
			Required: hv.Required, Style: "simple", Type: ref, JSON: json,
		})
	}
	return headers
}

// responseSuffix names a response body type: ResponseBody for the first
// success, then NotFoundResponseBody, DefaultResponseBody,
// Status499ResponseBody. The "Body" keeps the names of the models apart
// from those of the request and response types the server code declares.
func responseSuffix(status int, firstSuccess *bool) string {
	switch text := http.StatusText(status); {
	case status >= 200 && status < 300 && *firstSuccess:
		*firstSuccess = false
		return "ResponseBody"
	case status == 0:
		return "DefaultResponseBody"
	case text != "":
		return GoName(text) + "ResponseBody"
	}
	return "Status" + strconv.Itoa(status) + "ResponseBody"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// readTimeout is the client's default read timeout for st: about two
// heartbeats, since a heartbeat follows the last write after one to one and
// a quarter intervals.
func readTimeout(st *spec.EventStream) time.Duration {
	if !st.HeartbeatPromised {
		return 0
	}
	return 2 * st.Heartbeat
}

// stream builds a Stream from its description; inline event schemas are
// named after ctx.
func (b *builder) stream(st *spec.EventStream, ctx string) *Stream {
	s := &Stream{
		Heartbeat:   st.Heartbeat,
		ReadTimeout: readTimeout(st),
		Retry:       st.Retry,
		Resume:      st.Resume,
		AnyName:     st.AnyName,
		EndOptional: st.EndOptional,
	}
	if st.End != nil {
		s.End, s.HasEnd = *st.End, true
	}
	names := namespace{}
	for _, name := range slices.Sorted(maps.Keys(st.Events)) {
		ev := st.Events[name]
		goName := names.claim(GoName(name))
		e := &Event{Name: name, GoName: goName, Doc: strings.TrimSpace(ev.Description), ContentType: ev.ContentType}
		if ev.ContentType == "text/plain" {
			e.Type = builtin("string")
		} else {
			e.Type = b.typeOf(ev.Schema, ctx+goName+"Event")
		}
		s.Events = append(s.Events, e)
		if name == st.Error {
			s.Error = e
		}
	}
	return s
}

// feed returns the Feed of o's stream, described by st; nil when st has no
// topic. The spec checked that the topic names path parameters of o.
func feed(st *spec.EventStream, o *Operation) *Feed {
	if st.Topic == "" {
		return nil
	}
	f := &Feed{Topic: st.Topic}
	for _, ev := range o.Stream.Events {
		if ev.Name == st.Gap {
			f.Gap = ev
		}
	}
	for piece, param := range spec.TopicParts(st.Topic) {
		if !param {
			f.Parts = append(f.Parts, TopicPart{Text: piece})
			continue
		}
		for _, p := range o.Params {
			if p.In == InPath && p.WireName == piece {
				f.Parts = append(f.Parts, TopicPart{Param: p})
				if !slices.Contains(f.Params, p) {
					f.Params = append(f.Params, p)
				}
			}
		}
	}
	return f
}
