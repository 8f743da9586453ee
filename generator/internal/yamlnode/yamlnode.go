// Package yamlnode reads YAML node trees, the form in which spec.Load
// locates everything in a document and export edits it, and knows what
// the walks of both need of OpenAPI: the operations of a Path Item, and
// the keys that hold names or data rather than keywords.
package yamlnode

import (
	"slices"

	"go.yaml.in/yaml/v4"
)

// MaxDepth bounds every walk over a node tree, so that a pathological
// document (deep nesting, alias loops) yields an error, not a crash.
const MaxDepth = 512

// ResolveAlias follows aliases to the node they stand for.
func ResolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < MaxDepth; i++ {
		n = n.Alias
	}
	return n
}

// Entry returns the key and value nodes of key in mapping n, or nils.
func Entry(n *yaml.Node, key string) (k, v *yaml.Node) {
	n = ResolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	if i := Index(n, key); i >= 0 {
		return n.Content[i], ResolveAlias(n.Content[i+1])
	}
	return nil, nil
}

// Index returns where the first entry of key is in the Content of mapping
// n, the index of its key node, or -1 when n has none.
func Index(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// Value returns the value node of key in mapping n, or nil.
func Value(n *yaml.Node, key string) *yaml.Node {
	_, v := Entry(n, key)
	return v
}

// Scalar returns the value a YAML reader resolves the scalar n to: nil, a
// bool, a number (an int, or a float64 as JSON's are), or else the string
// n holds. spec reads annotations and export writes JSON by it, so that
// both see the same values.
func Scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool", "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		return v, nil
	}
	return n.Value, nil
}

// operationMethods are the Path Item keys that hold operations.
var operationMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"}

// Operation is an operation of a Path Item node.
type Operation struct {
	Method string // as written: "get", or an additionalOperations key
	Node   *yaml.Node
}

// Operations returns the operations of the Path Item node item: those
// under its method keys, then those of OpenAPI 3.2's
// additionalOperations.
func Operations(item *yaml.Node) []Operation {
	var ops []Operation
	item = ResolveAlias(item)
	if item == nil {
		return nil
	}
	for j := 0; j+1 < len(item.Content); j += 2 {
		if method := item.Content[j].Value; slices.Contains(operationMethods, method) {
			ops = append(ops, Operation{method, ResolveAlias(item.Content[j+1])})
		}
	}
	if more := Value(item, "additionalOperations"); more != nil && more.Kind == yaml.MappingNode {
		for j := 0; j+1 < len(more.Content); j += 2 {
			ops = append(ops, Operation{more.Content[j].Value, ResolveAlias(more.Content[j+1])})
		}
	}
	return ops
}

// literalKeys hold values, not OpenAPI objects, so a "$ref" inside them is
// data. They are names, though, when they are property names of a schema.
var literalKeys = map[string]bool{"example": true, "default": true, "enum": true, "const": true, "value": true}

// Literal reports whether the value of key is data rather than objects of
// the document, where key is a keyword (see NameMap).
func Literal(key string) bool { return literalKeys[key] }

// nameMaps are keys whose value maps names (user-chosen, or "default" for
// responses) to objects, so that a name is never read as a keyword.
var nameMaps = map[string]bool{
	"properties": true, "patternProperties": true, "$defs": true, "definitions": true, "dependentSchemas": true,
	"paths": true, "webhooks": true, "callbacks": true, "responses": true, "content": true, "encoding": true,
	"schemas": true, "parameters": true, "examples": true, "requestBodies": true, "headers": true,
	"securitySchemes": true, "links": true, "pathItems": true,
}

// NameMap reports whether the value of key maps names to objects: the
// keys of that mapping are names, never keywords.
func NameMap(key string) bool { return nameMaps[key] }
