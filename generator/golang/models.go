package golang

import (
	"fmt"
	"go/types"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"

	"github.com/ssegen/ssegen/generator/model"
)

// models renders every type of the API into f.
func (g *gen) models(f *jen.File) error {
	for _, t := range g.api.Types {
		var err error
		switch t.Kind {
		case model.Struct:
			g.structType(f, t)
		case model.Enum:
			err = g.enumType(f, t)
		case model.Union:
			err = g.unionType(f, t)
		case model.Named:
			addDoc(f, typeDoc(t))
			f.Type().Id(t.Name).Add(typeExpr(t.Underlying))
		default:
			err = fmt.Errorf("type %s: unknown kind %d", t.Name, t.Kind)
		}
		if err != nil {
			return err
		}
		g.validateMethod(f, t)
		g.checkMethod(f, t)
		f.Line()
	}
	return nil
}

// structType renders a struct, with JSON methods when it keeps additional
// properties.
func (g *gen) structType(f *jen.File, t *model.Type) {
	taken := map[string]bool{}
	var fields []jen.Code
	for _, fd := range t.Fields {
		taken[fd.Name] = true
		fields = append(fields, docComment(unlessNamed(fd.Name, fd.Doc))...)
		fields = append(fields, jen.Id(fd.Name).Add(typeExpr(fd.Type)).Tag(map[string]string{"json": g.jsonTag(fd)}))
	}
	extra := ""
	if t.Additional != nil {
		extra = "AdditionalProperties"
		for taken[extra] {
			extra += "_"
		}
		fields = append(fields,
			jen.Comment("// "+extra+" holds the properties the schema does not declare."),
			jen.Id(extra).Map(jen.String()).Add(typeExpr(t.Additional)).Tag(map[string]string{"json": "-"}))
	}
	addDoc(f, typeDoc(t))
	f.Type().Id(t.Name).Struct(fields...)
	if t.Additional == nil {
		return
	}

	var declared []jen.Code
	for _, fd := range t.Fields {
		declared = append(declared, jen.Lit(fd.JSONName))
	}
	f.Line()
	f.Comment("// MarshalJSON writes the declared properties and " + extra + ".")
	f.Func().Params(jen.Id("v").Id(t.Name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Type().Id("plain").Id(t.Name),
		jen.Return(rt("MarshalObject").Call(jen.Id("plain").Call(jen.Id("v")), jen.Id("v").Dot(extra))),
	)
	f.Line()
	f.Comment("// UnmarshalJSON reads the declared properties, and the others into " + extra + ".")
	f.Func().Params(jen.Id("v").Op("*").Id(t.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Type().Id("plain").Id(t.Name),
		jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Parens(jen.Op("*").Id("plain")).Call(jen.Id("v"))), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Err()),
		),
		jen.Var().Err().Error(),
		jen.List(jen.Id("v").Dot(extra), jen.Err()).Op("=").Add(rt("UnmarshalAdditional").Types(typeExpr(t.Additional))).Call(append([]jen.Code{jen.Id("data")}, declared...)...),
		jen.Return(jen.Err()),
	)
}

// typeDoc is the doc comment of t: its schema's description, or its title
// unless that only restates the type's name.
func typeDoc(t *model.Type) string { return unlessNamed(t.Name, t.Doc) }

// unlessNamed returns doc, "" when it only restates the end of name as a
// schema's title does ("Message Type" of AssistantMessageMessageType, "Id"
// of ID): a comment that says nothing the declaration does not.
func unlessNamed(name, doc string) string {
	letters := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	if said := letters(doc); said != "" && strings.HasSuffix(letters(name), said) {
		return ""
	}
	return doc
}

// jsonTag returns the json struct tag of a field: optional fields are
// omitted when empty (omitzero for structs, which omitempty cannot omit).
func (g *gen) jsonTag(fd *model.Field) string {
	if fd.Required {
		return fd.JSONName
	}
	if fd.Type.Kind != model.Pointer && g.isStruct(fd.Type) {
		return fd.JSONName + ",omitzero"
	}
	return fd.JSONName + ",omitempty"
}

// enumType renders a defined type with a constant per value and Validate.
func (g *gen) enumType(f *jen.File, t *model.Type) error {
	if t.Underlying == nil || len(t.Values) == 0 {
		return fmt.Errorf("enum %s: no underlying type or values", t.Name)
	}
	addDoc(f, typeDoc(t))
	f.Type().Id(t.Name).Add(typeExpr(t.Underlying))
	f.Line()
	var consts, cases []jen.Code
	var wants []string
	for _, v := range t.Values {
		if v.Value == nil {
			continue // null: a nullable enum's field is a pointer
		}
		consts = append(consts, jen.Id(v.Name).Id(t.Name).Op("=").Add(literal(v.Value)))
		cases = append(cases, jen.Id(v.Name))
		wants = append(wants, fmt.Sprint(v.Value))
	}
	f.Const().Defs(consts...)
	f.Line()
	verb := "%v"
	if u := g.underlying(t.Underlying); u.Kind == model.Builtin && u.Name == "string" {
		verb = "%q"
	}
	f.Comment("// Validate reports an error when v is not one of the values of " + t.Name + ".")
	f.Func().Params(jen.Id("v").Id(t.Name)).Id("Validate").Params().Error().Block(
		jen.Switch(jen.Id("v")).Block(
			jen.Case(cases...).Block(jen.Return(jen.Nil())),
		),
		jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(verb+" is not a valid "+t.Name+" (want "+listWords(wants)+")"), jen.Id("v"))),
	)
	return nil
}

// listWords renders "a", "a or b", "a, b or c".
func listWords(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// unionType renders a sum type: a struct holding exactly one variant, with a
// constructor and an accessor per variant and JSON methods.
func (g *gen) unionType(f *jen.File, t *model.Type) error {
	if len(t.Variants) == 0 {
		return fmt.Errorf("union %s: no variants", t.Name)
	}
	var names []string
	var fields []jen.Code
	for _, v := range t.Variants {
		names = append(names, v.Name)
		fields = append(fields, jen.Id(variantField(v)).Op("*").Add(typeExpr(v.Type)))
	}
	doc := t.Name + " is one of " + listWords(names)
	if t.Discriminator != "" {
		doc += ", selected on the wire by its " + fmt.Sprintf("%q", t.Discriminator) + " property"
	}
	doc += ". Build one with the " + t.Name + "From functions and read it with its As methods; the zero " + t.Name + " holds none and does not marshal."
	addDoc(f, joinDoc(typeDoc(t), prose(doc)))
	f.Type().Id(t.Name).Struct(fields...)

	for _, v := range t.Variants {
		field := variantField(v)
		ctor := g.declare(t.Name + "From" + v.Name)
		tag := ""
		if t.Discriminator != "" && len(v.Tags) > 0 {
			tag = v.Tags[0]
		}
		body, with := fillIn(g.fixedFields(v.Type, t.Discriminator, tag))
		body = append(body, jen.Return(jen.Id(t.Name).Values(jen.Dict{jen.Id(field): jen.Op("&").Id("v")})))
		f.Line()
		doc := ctor + " returns a " + t.Name + " holding v"
		if with != "" {
			doc += ", " + with
		}
		addDoc(f, prose(doc+"."))
		f.Func().Id(ctor).Params(jen.Id("v").Add(typeExpr(v.Type))).Id(t.Name).Block(body...)
		f.Line()
		f.Comment("// As" + v.Name + " returns the " + v.Name + " variant; ok is false when u holds another.")
		f.Func().Params(jen.Id("u").Id(t.Name)).Id("As"+v.Name).Params().Params(jen.Id("v").Add(typeExpr(v.Type)), jen.Id("ok").Bool()).Block(
			jen.If(jen.Id("u").Dot(field).Op("!=").Nil()).Block(jen.Return(jen.Op("*").Id("u").Dot(field), jen.True())),
			jen.Return(jen.Id("v"), jen.False()),
		)
	}

	var marshalCases []jen.Code
	for _, v := range t.Variants {
		field := variantField(v)
		marshalCases = append(marshalCases, jen.Case(jen.Id("u").Dot(field).Op("!=").Nil()).Block(
			jen.Return(jen.Qual("encoding/json", "Marshal").Call(jen.Id("u").Dot(field))),
		))
	}
	f.Line()
	f.Comment("// MarshalJSON writes the variant u holds.")
	f.Func().Params(jen.Id("u").Id(t.Name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Switch().Block(marshalCases...),
		jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit("empty "+t.Name+": it holds none of "+listWords(names)))),
	)
	f.Line()
	if t.Discriminator != "" {
		g.unmarshalTagged(f, t)
	} else {
		g.unmarshalOneOf(f, t)
	}
	return nil
}

// fill is a statement of a union constructor that sets a property of the
// variant to the one value it can hold, with the words documenting it.
type fill struct {
	code jen.Code
	doc  string
}

// fixedFields returns the statements that set, when unset, the fields of
// v, a value of type ref, that tell it apart: every field whose type has a
// single value (a const), which a union without discriminator matches on,
// and the string field carrying the discriminator property of a union that
// tag selects v in ("" for none).
func (g *gen) fixedFields(ref *model.TypeRef, discriminator, tag string) []fill {
	if ref.Kind != model.Ref {
		return nil
	}
	decl := g.types[ref.Name]
	if decl == nil || decl.Kind != model.Struct {
		return nil
	}
	var fills []fill
	for _, fd := range decl.Fields {
		ref, ptr := fd.Type, fd.Type.Kind == model.Pointer
		if ptr {
			ref = ref.Elem
		}
		field := jen.Id("v").Dot(fd.Name)
		if e := g.types[ref.Name]; ref.Kind == model.Ref && e != nil && e.Kind == model.Enum && len(e.Values) == 1 && e.Values[0].Value != nil {
			c := e.Values[0]
			if ptr {
				fills = append(fills, fill{jen.If(field.Clone().Op("==").Nil()).Block(
					jen.Id("c").Op(":=").Id(c.Name),
					field.Clone().Op("=").Op("&").Id("c"),
				), fmt.Sprintf("%s set to %s", fd.Name, c.Name)})
			} else if zero, ok := zeroOf(c.Value); ok && zero != c.Value {
				fills = append(fills, fill{jen.If(field.Clone().Op("==").Add(literal(zero))).Block(
					field.Clone().Op("=").Id(c.Name),
				), fmt.Sprintf("%s set to %s", fd.Name, c.Name)})
			}
			continue
		}
		if tag == "" || fd.JSONName != discriminator || ptr {
			continue
		}
		if u := g.underlying(fd.Type); u.Kind == model.Builtin && u.Name == "string" {
			fills = append(fills, fill{jen.If(field.Clone().Op("==").Lit("")).Block(
				field.Clone().Op("=").Lit(tag),
			), fmt.Sprintf("%s set to %q", fd.Name, tag)})
		}
	}
	return fills
}

// fillIn returns the statements of fills and the words that document
// them, "with A set to X when unset"; "" when there are none.
func fillIn(fills []fill) (code []jen.Code, with string) {
	var says []string
	for _, f := range fills {
		code = append(code, f.code)
		says = append(says, f.doc)
	}
	if len(says) > 0 {
		with = "with " + listWords(says) + " when unset"
	}
	return code, with
}

// zeroOf returns the zero value of the type of enum value v, which tells
// a field left unset; ok is false for a bool, whose zero is a value.
func zeroOf(v any) (zero any, ok bool) {
	switch v.(type) {
	case string:
		return "", true
	case int64:
		return int64(0), true
	case float64:
		return 0.0, true
	}
	return nil, false
}

// unmarshalTagged renders UnmarshalJSON for a union with a discriminator.
func (g *gen) unmarshalTagged(f *jen.File, t *model.Type) {
	var cases []jen.Code
	var tags []string
	seen := map[string]bool{}
	for _, v := range t.Variants {
		var lits []jen.Code
		for _, tag := range v.Tags {
			if seen[tag] {
				continue // an earlier variant has the tag
			}
			seen[tag] = true
			lits = append(lits, jen.Lit(tag))
			tags = append(tags, fmt.Sprintf("%q", tag))
		}
		if len(lits) == 0 {
			continue
		}
		cases = append(cases, jen.Case(lits...).Block(
			jen.Var().Id("v").Add(typeExpr(v.Type)),
			jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Op("&").Id("v")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(t.Name+" "+v.Name+": %w"), jen.Err())),
			),
			jen.Op("*").Id("u").Op("=").Id(t.Name).Values(jen.Dict{jen.Id(variantField(v)): jen.Op("&").Id("v")}),
		))
	}
	cases = append(cases, jen.Default().Block(
		jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(fmt.Sprintf("%s: %%q is not a known %q (want %s)", t.Name, t.Discriminator, listWords(tags))), jen.Id("tag"))),
	))
	f.Comment(fmt.Sprintf("// UnmarshalJSON reads the variant that the %q property selects.", t.Discriminator))
	f.Func().Params(jen.Id("u").Op("*").Id(t.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.If(jen.String().Parens(jen.Id("data")).Op("==").Lit("null")).Block(jen.Return(jen.Nil())),
		jen.List(jen.Id("tag"), jen.Err()).Op(":=").Add(rt("Discriminator")).Call(jen.Id("data"), jen.Lit(t.Discriminator)),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(t.Name+": %w"), jen.Err())),
		),
		jen.Switch(jen.Id("tag")).Block(cases...),
		jen.Return(jen.Nil()),
	)
}

// unmarshalOneOf renders UnmarshalJSON for a union without discriminator:
// the value must match exactly one variant.
func (g *gen) unmarshalOneOf(f *jen.File, t *model.Type) {
	var decls, variants, cases []jen.Code
	for i, v := range t.Variants {
		local := "v" + v.Name
		decls = append(decls, jen.Id(local).Add(typeExpr(v.Type)))
		variants = append(variants, jen.Line().Add(rt("Variant")).Values(jen.Id("Name").Op(":").Lit(v.Name), jen.Id("Target").Op(":").Op("&").Id(local)))
		cases = append(cases, jen.Case(jen.Lit(i)).Block(
			jen.Op("*").Id("u").Op("=").Id(t.Name).Values(jen.Dict{jen.Id(variantField(v)): jen.Op("&").Id(local)}),
		))
	}
	unmarshal := "UnmarshalOneOf"
	if t.AnyOf {
		unmarshal = "UnmarshalAnyOf"
		f.Comment("// UnmarshalJSON reads the first variant the value matches; a value that")
		f.Comment("// matches none of them is an error that names them.")
	} else {
		f.Comment("// UnmarshalJSON reads the only variant the value matches; a value that")
		f.Comment("// matches none or several of them is an error that names them.")
	}
	f.Func().Params(jen.Id("u").Op("*").Id(t.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.If(jen.String().Parens(jen.Id("data")).Op("==").Lit("null")).Block(jen.Return(jen.Nil())),
		jen.Var().Defs(decls...),
		jen.List(jen.Id("i"), jen.Err()).Op(":=").Add(rt(unmarshal)).Call(append(append([]jen.Code{jen.Lit(t.Name), jen.Id("data")}, variants...), jen.Line())...),
		jen.Switch(jen.Id("i")).Block(cases...),
		jen.Return(jen.Err()),
	)
}

// variantField names the field of a union that holds variant v, avoiding
// the names of predeclared types such as string.
func variantField(v *model.Variant) string {
	name := unexported(v.Name)
	if types.Universe.Lookup(name) != nil {
		name += "_"
	}
	return name
}

// constrained reports whether t, or the items or values it holds through
// type expressions, states constraints.
func constrained(t *model.TypeRef) bool {
	for ; t != nil; t = t.Elem {
		if t.Constraints != nil {
			return true
		}
	}
	return false
}

// constrainedType reports whether a type states constraints of its own,
// for its underlying type or the fields it declares.
func constrainedType(t *model.Type) bool {
	if t.Kind == model.Enum {
		return false // its values are all it allows
	}
	return constrained(t.Underlying) || constrained(t.Additional) ||
		slices.ContainsFunc(t.Fields, func(fd *model.Field) bool { return constrained(fd.Type) })
}

// validateMethod renders Validate for a struct, named or union type that
// holds enum values or values with constraints, so decoded request bodies
// are checked like parameters.
func (g *gen) validateMethod(f *jen.File, t *model.Type) {
	if t.Kind == model.Enum || !g.validating[t.Name] {
		return
	}
	var body []jen.Code
	var result jen.Code = jen.Nil()
	switch t.Kind {
	case model.Struct:
		for _, fd := range t.Fields {
			body = append(body, g.validateValue(jen.Id("v").Dot(fd.Name), fd.Type, fd.JSONName)...)
		}
		if t.Additional != nil {
			body = append(body, g.validateValue(jen.Id("v").Dot("AdditionalProperties"), &model.TypeRef{Kind: model.Map, Elem: t.Additional}, "")...)
		}
	case model.Named:
		if refersTo(t.Underlying, g.validating) {
			body = g.validateValue(jen.Id("v"), t.Underlying, "")
		} else { // constraints only: the one check is the result
			result = rt("Check").Call(append([]jen.Code{jen.Id("v")}, g.rules(t.Underlying)...)...)
		}
	case model.Union:
		// A union holds one variant: the check of the one it holds.
		var holds []jen.Code
		var checks [][]jen.Code
		for _, vr := range t.Variants {
			field := jen.Id("v").Dot(variantField(vr))
			var check []jen.Code
			if vr.Type.Kind == model.Ref {
				if refersTo(vr.Type, g.validating) {
					check = []jen.Code{jen.Return(field.Clone().Dot("Validate").Call())}
				}
			} else {
				check = g.validateValue(jen.Parens(jen.Op("*").Add(field.Clone())), vr.Type, "")
			}
			if len(check) > 0 {
				holds = append(holds, field.Clone().Op("!=").Nil())
				checks = append(checks, check)
			}
		}
		if len(holds) == 1 {
			body = []jen.Code{jen.If(holds[0]).Block(checks[0]...)}
			break
		}
		var cases []jen.Code
		for i, hold := range holds {
			cases = append(cases, jen.Case(hold).Block(checks[i]...))
		}
		body = []jen.Code{jen.Switch().Block(cases...)}
	}
	body = append(body, jen.Return(result))
	f.Line()
	f.Comment("// Validate reports the first value in v that its schema does not allow:")
	f.Comment("// one that breaks a constraint, or an enum value that is not its type's.")
	f.Func().Params(jen.Id("v").Id(t.Name)).Id("Validate").Params().Error().Block(body...)
}

// validateValue renders the checks of val, of type t: the constraints of
// t and of the items and values it holds, with runtime.Check, and the
// Validate methods of the models it holds. Errors are wrapped with
// runtime.At and path, the property's name.
func (g *gen) validateValue(val *jen.Statement, t *model.TypeRef, path string) []jen.Code {
	var code []jen.Code
	if rules := g.rules(t); len(rules) > 0 {
		code = append(code, jen.If(jen.Err().Op(":=").Add(rt("Check")).Call(append([]jen.Code{val.Clone()}, rules...)...), jen.Err().Op("!=").Nil()).Block(
			jen.Return(wrapAt(path, nil, jen.Err())),
		))
	}
	return append(code, g.validateModels(val, t, path, nil, 0)...)
}

// wrapAt wraps err with runtime.At and the path format and args, when
// there is a path.
func wrapAt(format string, args []jen.Code, err *jen.Statement) *jen.Statement {
	switch {
	case len(args) > 0:
		return rt("At").Call(jen.Qual("fmt", "Sprintf").Call(append([]jen.Code{jen.Lit(format)}, args...)...), err)
	case format != "":
		return rt("At").Call(jen.Lit(format), err)
	}
	return err
}

// rules returns the runtime.Rule expressions of the constraints of t and,
// through runtime.EachItem and EachValue, of the items and values it
// holds; a model holds its own, checked by its Validate method.
func (g *gen) rules(t *model.TypeRef) []jen.Code {
	if t == nil || t.Kind == model.Ref {
		return nil
	}
	if t.Kind == model.Pointer {
		return g.rules(t.Elem)
	}
	var rules []jen.Code
	if c := t.Constraints; c != nil {
		bound := func(name string, v *float64) {
			if v != nil {
				rules = append(rules, rt(name).Call(number(*v)))
			}
		}
		size := func(name string, v *uint64) {
			if v != nil {
				rules = append(rules, rt(name).Call(jen.Lit(int(*v))))
			}
		}
		if c.ExclusiveMinimum {
			bound("ExclusiveMinimum", c.Minimum)
		} else {
			bound("Minimum", c.Minimum)
		}
		if c.ExclusiveMaximum {
			bound("ExclusiveMaximum", c.Maximum)
		} else {
			bound("Maximum", c.Maximum)
		}
		bound("MultipleOf", c.MultipleOf)
		size("MinLength", c.MinLength)
		size("MaxLength", c.MaxLength)
		if c.Pattern != "" {
			rules = append(rules, rt("Pattern").Call(rawString(c.Pattern)))
		}
		if c.Format != "" {
			rules = append(rules, rt("Format").Call(jen.Lit(c.Format)))
		}
		size("MinItems", c.MinItems)
		size("MaxItems", c.MaxItems)
		if c.UniqueItems {
			rules = append(rules, rt("UniqueItems").Call())
		}
		size("MinProperties", c.MinProperties)
		size("MaxProperties", c.MaxProperties)
	}
	switch t.Kind {
	case model.Slice:
		if inner := g.rules(t.Elem); len(inner) > 0 {
			rules = append(rules, rt("EachItem").Call(inner...))
		}
	case model.Map:
		if inner := g.rules(t.Elem); len(inner) > 0 {
			rules = append(rules, rt("EachValue").Call(inner...))
		}
	}
	return rules
}

// rawString renders s as a raw string literal when it can be one, as
// regular expressions read best.
func rawString(s string) jen.Code {
	if strings.ContainsAny(s, "`\r") || !utf8.ValidString(s) {
		return jen.Lit(s)
	}
	return jen.Op("`" + s + "`")
}

// number renders a bound as the spec likely writes it: 100, not 100.0.
func number(v float64) jen.Code {
	if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		return jen.Lit(int(v))
	}
	return jen.Lit(v)
}

// validateModels renders the calls of the Validate methods of the models
// in val, of type t; errors are wrapped with runtime.At and the path
// format and args.
func (g *gen) validateModels(val *jen.Statement, t *model.TypeRef, format string, args []jen.Code, depth int) []jen.Code {
	if !refersTo(t, g.validating) {
		return nil
	}
	switch t.Kind {
	case model.Pointer:
		inner := val.Clone()
		if t.Elem.Kind != model.Ref {
			inner = jen.Parens(jen.Op("*").Add(val.Clone()))
		}
		return []jen.Code{jen.If(val.Clone().Op("!=").Nil()).Block(g.validateModels(inner, t.Elem, format, args, depth)...)}
	case model.Slice, model.Map:
		key, item := fmt.Sprintf("i%d", depth), fmt.Sprintf("x%d", depth)
		verb := "[%d]"
		if t.Kind == model.Map {
			key, verb = fmt.Sprintf("k%d", depth), "[%q]"
		}
		if depth == 0 {
			key, item = strings.TrimSuffix(key, "0"), strings.TrimSuffix(item, "0")
		}
		inner := g.validateModels(jen.Id(item), t.Elem, format+verb, append(append([]jen.Code(nil), args...), jen.Id(key)), depth+1)
		return []jen.Code{jen.For(jen.List(jen.Id(key), jen.Id(item)).Op(":=").Range().Add(val.Clone())).Block(inner...)}
	}
	return []jen.Code{jen.If(jen.Err().Op(":=").Add(val.Clone()).Dot("Validate").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(wrapAt(format, args, jen.Err())))}
}

// requires reports whether t is an object with a property that a request
// must send, or a bound on its number of properties: as decoding cannot
// tell a property absent from zero, runtime.Body checks them in the JSON
// text, by way of CheckJSON methods.
func requires(t *model.Type) bool {
	return t.Kind == model.Struct && (slices.ContainsFunc(t.Fields, required) || t.Constraints != nil)
}

// checkable reports whether CheckJSON can check the JSON of t: every type
// but unions told apart by content, whose variant is known only once
// decoded.
func checkable(t *model.Type) bool { return t.Kind != model.Union || t.Discriminator != "" }

// required reports whether fd must be sent in requests.
func required(fd *model.Field) bool { return fd.Required && !fd.ReadOnly }

// checkMethod renders CheckJSON (see runtime.JSONChecker) for a struct,
// named or union type whose JSON holds objects with required properties.
func (g *gen) checkMethod(f *jen.File, t *model.Type) {
	if !g.checking[t.Name] {
		return
	}
	v := func() *jen.Statement { return jen.Id("v") }
	var body []jen.Code
	switch t.Kind {
	case model.Struct:
		var names, nullable, declared []jen.Code
		for _, fd := range t.Fields {
			declared = append(declared, jen.Lit(fd.JSONName))
			if !required(fd) {
				continue
			}
			if fd.Nullable {
				nullable = append(nullable, jen.Lit(fd.JSONName))
			} else {
				names = append(names, jen.Lit(fd.JSONName))
			}
		}
		if len(names) > 0 {
			body = append(body, v().Dot("Require").Call(names...))
		}
		if len(nullable) > 0 {
			body = append(body, v().Dot("RequireNullable").Call(nullable...))
		}
		if c := t.Constraints; c != nil && c.MinProperties != nil {
			body = append(body, v().Dot("MinProperties").Call(jen.Lit(int(*c.MinProperties))))
		}
		if c := t.Constraints; c != nil && c.MaxProperties != nil {
			body = append(body, v().Dot("MaxProperties").Call(jen.Lit(int(*c.MaxProperties))))
		}
		for _, fd := range t.Fields {
			if c := g.checker(fd.Type); c != nil {
				body = append(body, v().Dot("Property").Call(jen.Lit(fd.JSONName), c))
			}
		}
		if t.Additional != nil && g.checker(t.Additional) != nil {
			body = append(body, v().Dot("Values").Call(append([]jen.Code{g.checker(t.Additional)}, declared...)...))
		}
	case model.Named:
		switch u := t.Underlying; u.Kind {
		case model.Slice:
			body = append(body, v().Dot("Items").Call(g.checker(u.Elem)))
		case model.Map:
			body = append(body, v().Dot("Values").Call(g.checker(u.Elem)))
		default:
			body = append(body, g.checker(u).Dot("CheckJSON").Call(v()))
		}
	case model.Union:
		var cases []jen.Code
		seen := map[string]bool{}
		for _, vr := range t.Variants {
			var tags []jen.Code
			for _, tag := range vr.Tags {
				if !seen[tag] { // else an earlier variant has the tag
					seen[tag] = true
					tags = append(tags, jen.Lit(tag))
				}
			}
			if c := g.checker(vr.Type); c != nil && len(tags) > 0 {
				cases = append(cases, jen.Case(tags...).Block(c.Dot("CheckJSON").Call(v())))
			}
		}
		body = append(body, jen.Switch(v().Dot("Discriminator").Call(jen.Lit(t.Discriminator))).Block(cases...))
	}
	f.Line()
	f.Comment("// CheckJSON states the properties a JSON " + t.Name + " must have, at any depth,")
	f.Comment("// so that runtime.Body rejects request bodies that lack them.")
	f.Func().Params(jen.Id(t.Name)).Id("CheckJSON").Params(jen.Id("v").Op("*").Add(rt("JSONValue"))).Block(body...)
}

// checker returns the runtime.JSONChecker of values of type t, or nil when
// they hold no required property: the zero value of a model with a
// CheckJSON method, wrapped by runtime.Items and runtime.Values for slices
// and maps.
func (g *gen) checker(t *model.TypeRef) *jen.Statement {
	if !refersTo(t, g.checking) {
		return nil
	}
	switch t.Kind {
	case model.Pointer:
		return g.checker(t.Elem)
	case model.Slice:
		return rt("Items").Call(g.checker(t.Elem))
	case model.Map:
		return rt("Values").Call(g.checker(t.Elem))
	}
	if u := g.underlying(t); u.Kind == model.Slice || u.Kind == model.Map {
		return jen.Id(t.Name).Call(jen.Nil())
	}
	return jen.Id(t.Name).Values()
}
