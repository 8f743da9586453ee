package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"go.yaml.in/yaml/v4"

	"github.com/ssegen/ssegen/generator/internal/yamlnode"
)

// encodeJSON writes a node tree as indented JSON, keys in their order.
// Aliases are written out in full, as a JSON reader would see them.
func encodeJSON(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	if err := writeJSON(&b, n, 0); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func writeJSON(b *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > yamlnode.MaxDepth {
		return fmt.Errorf("nested deeper than %d levels", yamlnode.MaxDepth)
	}
	n = yamlnode.ResolveAlias(n)
	if n == nil {
		b.WriteString("null")
		return nil
	}
	indent := func(d int) {
		b.WriteByte('\n')
		for range d {
			b.WriteString("  ")
		}
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			writeString(b, yamlnode.ResolveAlias(n.Content[i]).Value)
			b.WriteString(": ")
			if err := writeJSON(b, n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		indent(depth)
		b.WriteByte('}')
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			if err := writeJSON(b, c, depth+1); err != nil {
				return err
			}
		}
		indent(depth)
		b.WriteByte(']')
	case yaml.ScalarNode:
		return writeScalar(b, n)
	default:
		return fmt.Errorf("line %d: cannot write this YAML node as JSON", n.Line)
	}
	return nil
}

// writeScalar writes a scalar as the JSON value a YAML reader resolves it
// to. A number keeps its text when that is already JSON.
func writeScalar(b *bytes.Buffer, n *yaml.Node) error {
	v, err := yamlnode.Scalar(n)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
		return nil
	case string:
		writeString(b, v)
		return nil
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Errorf("line %d: %s has no JSON form", n.Line, n.Value)
		}
	}
	if _, isBool := v.(bool); !isBool && json.Valid([]byte(n.Value)) {
		b.WriteString(n.Value)
		return nil
	}
	out, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	b.Write(out)
	return nil
}

// writeString writes s as a JSON string, without escaping <, > and &,
// which descriptions often hold.
func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}
