// Package export writes an OpenAPI document whose operations carry ssegen's
// x-event-stream annotation as a standard OpenAPI 3.2 document, in which
// docs tools and other generators see every stream: its events, their
// payload types, its end sentinel and its resume header.
//
// It edits the document's own YAML node tree rather than re-encoding what
// kin-openapi decoded, so that everything but the streams is kept as
// written: $refs, key order, descriptions and, in YAML, comments.
package export

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/ssegen/ssegen/generator/internal/yamlnode"
	"github.com/ssegen/ssegen/generator/spec"
)

// Version is the OpenAPI version an exported 3.0 or 3.1 document gets; a
// 3.2 document keeps its own.
const Version = "3.2.0"

// extensionKey is the annotation export rewrites.
const extensionKey = "x-event-stream"

// Format is the encoding of an exported document.
type Format int

const (
	YAML Format = iota
	JSON
)

// FormatOf returns the format a file name's extension asks for: .json is
// JSON, .yaml and .yml are YAML.
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return JSON, nil
	case ".yaml", ".yml":
		return YAML, nil
	}
	return 0, fmt.Errorf("%s: cannot tell the format from the extension: use .json, .yaml or .yml", name)
}

// Document returns doc, loaded by spec.Load without errors, as an OpenAPI
// 3.2 document in format f. The diagnostics say why a stream cannot be
// rewritten, such as an annotated operation in another file; when they
// hold an error the output is nil.
func Document(doc *spec.Document, f Format) ([]byte, spec.Diagnostics) {
	data, err := os.ReadFile(doc.Path)
	if err != nil {
		return nil, spec.Diagnostics{{Pos: spec.Position{File: doc.Path}, Message: fmt.Sprintf("cannot read %s: %v", doc.Path, err)}}
	}
	var file yaml.Node
	if err := yaml.Unmarshal(data, &file); err != nil || file.Kind != yaml.DocumentNode || len(file.Content) == 0 {
		// spec.Load parsed this file a moment ago.
		return nil, spec.Diagnostics{{Pos: spec.Position{File: doc.Path}, Message: fmt.Sprintf("%s changed while it was exported", doc.Path)}}
	}
	x := &exporter{doc: doc}
	root := file.Content[0]
	x.rewrite(root)
	x.diags = x.diags.Sorted()
	if x.diags.HasErrors() {
		return nil, x.diags
	}
	var out []byte
	switch f {
	case JSON:
		out, err = encodeJSON(root)
	default:
		if isJSON(data) {
			blockStyle(root, 0)
		}
		out, err = yaml.Dump(root, yaml.WithIndent(2), yaml.WithCompactSeqIndent(false), yaml.WithLineWidth(-1))
	}
	if err != nil {
		x.errorf(root, "cannot encode the document: %v", err)
		return nil, x.diags
	}
	return out, x.diags
}

// isJSON reports whether a spec file is written in JSON.
func isJSON(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
}

type exporter struct {
	doc   *spec.Document
	diags spec.Diagnostics
}

func (x *exporter) errorf(n *yaml.Node, format string, args ...any) {
	x.diags = append(x.diags, spec.Diagnostic{
		Pos:     spec.Position{File: x.doc.Path, Line: n.Line, Col: n.Column},
		Message: "export: " + fmt.Sprintf(format, args...),
	})
}

// rewrite raises the version and rewrites every annotated operation of the
// root document.
func (x *exporter) rewrite(root *yaml.Node) {
	if v := yamlnode.Value(root, "openapi"); v != nil && !strings.HasPrefix(v.Value, "3.2.") {
		if strings.HasPrefix(v.Value, "3.0.") {
			raise30(root, "", 0)
		}
		v.Value, v.Tag, v.Style = Version, "!!str", 0
	}
	paths := yamlnode.Value(root, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		p := paths.Content[i].Value
		item := yamlnode.ResolveAlias(paths.Content[i+1])
		kin := x.doc.OpenAPI.Paths.Value(p)
		if kin == nil {
			continue
		}
		if ref := yamlnode.Value(item, "$ref"); ref != nil {
			for method, op := range kin.Operations() {
				if _, ok := op.Extensions[extensionKey]; ok {
					x.errorf(ref, "%s %s: its %s is in %s, which export does not rewrite; move the path item into %s", method, p, extensionKey, ref.Value, filepath.Base(x.doc.Path))
				}
			}
			continue
		}
		for _, o := range yamlnode.Operations(item) {
			method := strings.ToUpper(o.Method)
			ann := yamlnode.Value(o.Node, extensionKey)
			op := kin.GetOperation(method)
			if ann == nil || op == nil || x.doc.Streams[op] == nil {
				continue
			}
			x.stream(p, method, kin, op, o.Node, ann)
		}
	}
}

// stream replaces the annotation of one operation with its OpenAPI 3.2
// description: the item schema of its text/event-stream response, a
// Last-Event-ID parameter when it resumes, and the annotation's other keys
// on the media type.
func (x *exporter) stream(p, method string, item *openapi3.PathItem, op *openapi3.Operation, opNode, ann *yaml.Node) {
	st := x.doc.Streams[op]
	media := x.mediaType(p, method, op, opNode)
	if media == nil {
		return
	}
	remove(opNode, extensionKey)
	media.Style = 0 // often written {}, it now holds a schema
	remove(media, "schema")
	set(media, "itemSchema", itemSchema(st, ann))
	set(media, extensionKey, leftover(ann))
	if st.Resume && !spec.DeclaresLastEventID(item, op) {
		params := yamlnode.Value(opNode, "parameters")
		if params == nil {
			params = &yaml.Node{Kind: yaml.SequenceNode}
			insertBefore(opNode, "parameters", params, "requestBody", "responses")
		}
		params.Content = append(params.Content, lastEventIDParam())
	}
}

// mediaType returns the text/event-stream media type node of the response
// the stream is served as (spec.StreamStatus). It adds what is missing,
// and reports a response it cannot change in place.
func (x *exporter) mediaType(p, method string, op *openapi3.Operation, opNode *yaml.Node) *yaml.Node {
	status := strconv.Itoa(spec.StreamStatus(op))
	responses := yamlnode.Value(opNode, "responses")
	if responses == nil {
		responses = &yaml.Node{Kind: yaml.MappingNode}
		set(opNode, "responses", responses)
	}
	resp := yamlnode.Value(responses, status)
	if resp == nil {
		resp = mapping("description", str("The event stream."))
		set(responses, status, resp)
	}
	if ref := yamlnode.Value(resp, "$ref"); ref != nil {
		x.errorf(ref, "%s %s: the %s response of the stream is a $ref, which export would have to change for every operation that shares it; write the response in the operation", method, p, status)
		return nil
	}
	content := yamlnode.Value(resp, "content")
	if content == nil {
		content = &yaml.Node{Kind: yaml.MappingNode}
		set(resp, "content", content)
	}
	for i := 0; i+1 < len(content.Content); i += 2 {
		if spec.MediaType(content.Content[i].Value) != "text/event-stream" {
			continue
		}
		media := yamlnode.ResolveAlias(content.Content[i+1])
		if ref := yamlnode.Value(media, "$ref"); ref != nil || media.Kind != yaml.MappingNode {
			x.errorf(content.Content[i], "%s %s: the text/event-stream media type of the stream is not written in place; write it in the operation", method, p)
			return nil
		}
		return media
	}
	media := &yaml.Node{Kind: yaml.MappingNode}
	set(content, "text/event-stream", media)
	return media
}

func lastEventIDParam() *yaml.Node {
	return mapping(
		"name", str("Last-Event-ID"),
		"in", str("header"),
		"description", str("The id of the last event the client received, sent when it reconnects: the stream resumes after that event."),
		"schema", mapping("type", str("string")),
	)
}

// expressed are the annotation's keys the item schema and the parameters
// say in OpenAPI's own terms. Every other key, known or not, stays in an
// x-event-stream object on the media type, so that nothing is lost.
var expressed = []string{"events", "end", "resume"}

// leftover returns the annotation without the keys OpenAPI 3.2 expresses.
// It is written even when empty: it marks a stream whose item schema lists
// every event, so that spec.Load guesses nothing when it reads it back.
func leftover(ann *yaml.Node) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, HeadComment: ann.HeadComment}
	for i := 0; i+1 < len(ann.Content); i += 2 {
		if !slices.Contains(expressed, ann.Content[i].Value) {
			out.Content = append(out.Content, ann.Content[i], ann.Content[i+1])
		}
	}
	if len(out.Content) == 0 {
		out.Style = yaml.FlowStyle
	}
	return out
}
