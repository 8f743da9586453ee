package export

import (
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/ssegen/ssegen/generator/internal/yamlnode"
)

// raise30 rewrites the two schema keywords of a 3.0 document that 3.1
// redefined, so that the 3.2 export means what the 3.0 document meant:
//
//   - exclusiveMaximum: true next to maximum: M becomes exclusiveMaximum: M
//     (and false is dropped), exclusiveMinimum alike;
//   - nullable: true next to type: T becomes type: [T, "null"]; next to a
//     $ref, which 3.0 ignores, it is dropped; where there is no type, it
//     is kept as written (3.0 gives it no meaning there; ssegen reads it).
//
// Example values, defaults, enums and extensions are data, not schemas,
// and are left alone; under a key whose value maps names to objects
// (responses, headers, schemas...), a name such as default or
// x-rate-limit is walked like any other.
func raise30(n *yaml.Node, parentKey string, depth int) {
	names := yamlnode.NameMap(parentKey)
	if names {
		n = yamlnode.ResolveAlias(n) // a schema's properties: *common
	}
	if n == nil || depth > yamlnode.MaxDepth {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			raise30(c, "", depth+1)
		}
	case yaml.MappingNode:
		if !names {
			raiseSchema(n)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			switch key := n.Content[i].Value; {
			case strings.HasPrefix(key, "x-") && (!names || parentKey == "paths" || parentKey == "responses"):
				// An extension: the Paths and Responses objects have them
				// beside their names, which never start with x-.
			case names:
				raise30(n.Content[i+1], "", depth+1)
			case yamlnode.Literal(key) || key == "examples":
			default:
				raise30(n.Content[i+1], key, depth+1)
			}
		}
	}
}

// raiseSchema rewrites the 3.0 keywords of mapping n, when it holds them.
func raiseSchema(n *yaml.Node) {
	for _, bound := range []string{"Maximum", "Minimum"} {
		ex := yamlnode.Value(n, "exclusive"+bound)
		if ex == nil || ex.Kind != yaml.ScalarNode || ex.Tag != "!!bool" {
			continue
		}
		limit := "m" + bound[1:]
		if v := yamlnode.Value(n, limit); v != nil && ex.Value == "true" {
			set(n, "exclusive"+bound, v)
			remove(n, limit)
		} else {
			remove(n, "exclusive"+bound)
		}
	}
	null := yamlnode.Value(n, "nullable")
	if null == nil || null.Kind != yaml.ScalarNode || null.Tag != "!!bool" {
		return
	}
	typ := yamlnode.Value(n, "type")
	switch ref := yamlnode.Value(n, "$ref"); {
	case ref != nil:
		remove(n, "nullable")
	case typ != nil && typ.Kind == yaml.ScalarNode:
		if null.Value == "true" {
			set(n, "type", names(typ.Value, "null"))
		}
		remove(n, "nullable")
	}
}
