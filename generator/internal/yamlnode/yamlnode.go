// Package yamlnode reads YAML node trees, the form in which spec.Load
// locates everything in a document and export edits it.
package yamlnode

import "go.yaml.in/yaml/v4"

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
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], ResolveAlias(n.Content[i+1])
		}
	}
	return nil, nil
}

// Value returns the value node of key in mapping n, or nil.
func Value(n *yaml.Node, key string) *yaml.Node {
	_, v := Entry(n, key)
	return v
}
