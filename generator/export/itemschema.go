package export

import (
	"go.yaml.in/yaml/v4"

	"github.com/ssegen/ssegen/generator/internal/yamlnode"
	"github.com/ssegen/ssegen/generator/spec"
)

// itemSchema describes the events of a stream in the strict form of
// OpenAPI 3.2 for text/event-stream: the item is the parsed event, whose
// data is a string, and each oneOf branch fixes the event name with const
// and says what the data holds. JSON data names its schema with
// contentMediaType and contentSchema; text data is a string. The end
// sentinel is a "message" event whose data is the sentinel.
func itemSchema(st *spec.EventStream, ann *yaml.Node) *yaml.Node {
	var branches []*yaml.Node
	events := yamlnode.Value(ann, "events")
	for i := 0; i+1 < len(events.Content); i += 2 {
		name := events.Content[i].Value
		ev := st.Events[name]
		if ev == nil {
			continue
		}
		b := mapping("title", str(name))
		d := data(ev, yamlnode.Value(events.Content[i+1], "schema"))
		if name == "message" && st.End != nil {
			// The sentinel is a message too: only the end branch may match it.
			set(d, "not", mapping("const", str(*st.End)))
		}
		props := mapping(
			"event", mapping("const", str(name)),
			"data", d,
		)
		set(b, "properties", props)
		if name != "message" {
			// A message event is one without an event field, too.
			set(b, "required", names("event"))
		}
		branches = append(branches, b)
	}
	if st.End != nil {
		branches = append(branches, mapping(
			"title", str("end"),
			"description", str("The last event of a stream that ends normally."),
			"properties", mapping(
				"event", mapping("const", str("message")),
				"data", mapping("const", str(*st.End)),
			),
		))
	}
	id := "The event's id."
	if st.Resume {
		id = "The event's id. A client that reconnects sends the last one it received as Last-Event-ID, and the stream resumes after it."
	}
	return mapping(
		"type", str("object"),
		"required", names("data"),
		"properties", mapping(
			"event", mapping("type", str("string"), "description", str(`The event type; "message" when the event has no event field.`)),
			"data", mapping("type", str("string"), "description", str("The event's data: its data lines joined by line feeds.")),
			"id", mapping("type", str("string"), "description", str(id)),
			"retry", mapping("type", str("integer"), "minimum", integer("0"), "description", str("How many milliseconds the client waits before it reconnects.")),
		),
		"oneOf", seq(branches...),
	)
}

// data describes the data of one event whose schema is written at schema.
func data(ev *spec.EventSpec, schema *yaml.Node) *yaml.Node {
	d := &yaml.Node{Kind: yaml.MappingNode}
	if ev.Description != "" {
		set(d, "description", str(ev.Description))
	}
	if ev.ContentType == "text/plain" {
		// A string schema: the data itself.
		for i := 0; schema != nil && i+1 < len(schema.Content); i += 2 {
			if schema.Content[i].Value != "description" || ev.Description == "" {
				d.Content = append(d.Content, schema.Content[i], schema.Content[i+1])
			}
		}
		return d
	}
	set(d, "contentMediaType", str(ev.ContentType))
	set(d, "contentSchema", schema)
	return d
}
