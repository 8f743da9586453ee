package export

import (
	"slices"

	"go.yaml.in/yaml/v4"

	"github.com/ssegen/ssegen/generator/internal/yamlnode"
)

// set replaces the value of key in mapping n, or appends the entry.
func set(n *yaml.Node, key string, v *yaml.Node) {
	if i := yamlnode.Index(n, key); i >= 0 {
		n.Content[i+1] = v
		return
	}
	n.Content = append(n.Content, str(key), v)
}

// insertBefore adds key to mapping n before the first of the keys after
// that it has, or else at its end.
func insertBefore(n *yaml.Node, key string, v *yaml.Node, after ...string) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if slices.Contains(after, n.Content[i].Value) {
			n.Content = slices.Insert(n.Content, i, str(key), v)
			return
		}
	}
	n.Content = append(n.Content, str(key), v)
}

// remove deletes key from mapping n.
func remove(n *yaml.Node, key string) {
	if i := yamlnode.Index(n, key); i >= 0 {
		n.Content = slices.Delete(n.Content, i, i+2)
	}
}

func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func integer(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: s}
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

// names is a list of names, written on one line: [data].
func names(items ...string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range items {
		n.Content = append(n.Content, str(s))
	}
	return n
}

// mapping builds a mapping from key, value pairs.
func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

// blockStyle clears the styles of a tree parsed from JSON, so that it is
// written as YAML people write: block collections, strings quoted only
// where they must be.
func blockStyle(n *yaml.Node, depth int) {
	if n == nil || depth > yamlnode.MaxDepth {
		return
	}
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c, depth+1)
	}
}
