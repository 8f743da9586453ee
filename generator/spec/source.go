package spec

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/ssegen/ssegen/generator/internal/yamlnode"
)

// maxDepth bounds every walk over a node tree, so that a pathological
// document (deep nesting, alias loops) yields a diagnostic, not a crash.
const maxDepth = yamlnode.MaxDepth

// sources holds the parsed YAML node tree of every file the document spans.
// kin-openapi records where the elements it knows about come from; these
// trees locate everything else: extension values, JSON pointers named in
// $refs and in validation errors.
type sources struct {
	files map[string]*file // key: cleaned path
	diags Diagnostics
	// loader loaded the document; resolving the annotations' schemas with
	// it again yields the very objects the document holds.
	loader *openapi3.Loader
	// scopes are the schemas with $defs that enclose the node checkRefs
	// is at, innermost last, to explain a "#/$defs/..." that misses them.
	scopes []*yaml.Node
	// broken holds the objects whose $ref does not resolve: kin-openapi
	// loads them as objects of their own (see disableRef), and what it
	// then finds wrong with them is the broken reference's doing.
	broken []span
	// unpatchable is set when a problem cannot be patched out of the
	// bytes kin-openapi reads, so that it must not load the document.
	unpatchable bool
}

type file struct {
	path string
	data []byte
	root *yaml.Node // document content node; nil when the file failed to parse
	// patches rewrite the bytes kin-openapi reads, each keeping the length
	// of what it replaces so that every position stays where it was.
	patches []patch
}

// patch replaces the bytes at off with text, of the same length.
type patch struct {
	off  int
	text string
}

// span is a range of lines of a file.
type span struct {
	file        string
	first, last int
}

// brokenRefKey replaces the key "$ref", of the same length, in the bytes
// kin-openapi reads when the reference does not resolve: the object
// becomes one with an extension, which loads, so that the rest of the
// document is still checked. A schema with it is one whose $ref is broken.
const brokenRefKey = "x-rf"

func newSources() *sources {
	return &sources{files: make(map[string]*file)}
}

func (s *sources) errorf(pos Position, format string, args ...any) {
	s.diags = append(s.diags, Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

func (s *sources) warnf(pos Position, format string, args ...any) {
	s.diags = append(s.diags, Diagnostic{Pos: pos, Severity: Warning, Message: fmt.Sprintf(format, args...)})
}

// read reads and parses path once; it returns nil, after recording why, when
// the file cannot be read or parsed. from locates the reference that led
// here, for the read error.
func (s *sources) read(path string, from Position) *file {
	path = filepath.Clean(path)
	if f, ok := s.files[path]; ok {
		if f.root == nil {
			return nil
		}
		return f
	}
	f := &file{path: path}
	s.files[path] = f
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if from.File == "" {
			s.errorf(Position{File: path}, "cannot read the file: %v", err)
		} else {
			s.errorf(from, "cannot read %s: %v", path, err)
		}
		return nil
	}
	root, err := parseYAML(data)
	if err != nil {
		pos, msg := Position{File: path}, err.Error()
		var le *yaml.LoadError
		if errors.As(err, &le) {
			pos.Line, pos.Col, msg = le.Mark.Line, le.Mark.Column, le.Message
			if le.ContextMsg != "" && le.ContextMark.Line > 0 {
				msg += fmt.Sprintf(" %s that starts at %d:%d", le.ContextMsg, le.ContextMark.Line, le.ContextMark.Column)
			}
		}
		s.errorf(pos, "invalid YAML or JSON: %s", msg)
		return nil
	}
	f.data, f.root = data, root
	s.checkDuplicateKeys(f, root, map[*yaml.Node]bool{}, 0)
	return f
}

// checkDuplicateKeys reports every key a mapping repeats, where the YAML
// library would report only the first, without a column, and renames the
// repeat, in the bytes kin-openapi reads, to an extension of the same
// length that it ignores.
func (s *sources) checkDuplicateKeys(f *file, n *yaml.Node, seen map[*yaml.Node]bool, depth int) {
	if n == nil || seen[n] || depth > maxDepth {
		return
	}
	seen[n] = true
	if n.Kind == yaml.MappingNode {
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				continue
			}
			prev, ok := first[k.Value]
			if !ok {
				first[k.Value] = k
				continue
			}
			s.errorf(f.pos(k), "duplicate key %q (first at line %d)", k.Value, prev.Line)
			name := fmt.Sprintf("x-%d", len(f.patches))
			if len(k.Value) < len(name) {
				s.unpatchable = true
				continue
			}
			s.rename(f, k, name+strings.Repeat("_", len(k.Value)-len(name)))
		}
	}
	for _, c := range n.Content {
		s.checkDuplicateKeys(f, c, seen, depth+1)
	}
}

// rename replaces the scalar key k, in the bytes kin-openapi reads, by
// name, which has its length. It marks the document unpatchable when k is
// not written as its bare value (an escape, a multi-line key).
func (s *sources) rename(f *file, k *yaml.Node, name string) {
	off, ok := offset(f.data, k.Line, k.Column)
	if ok && (k.Style == yaml.SingleQuotedStyle || k.Style == yaml.DoubleQuotedStyle) {
		off++
	}
	if !ok || off+len(k.Value) > len(f.data) || string(f.data[off:off+len(k.Value)]) != k.Value || len(name) != len(k.Value) {
		s.unpatchable = true
		return
	}
	f.patches = append(f.patches, patch{off, name})
}

// offset returns the byte offset of a 1-based line and column, counted in
// characters as the YAML parser counts them.
func offset(data []byte, line, col int) (int, bool) {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return 0, false
		}
		off += i + 1
	}
	for c := 1; c < col; c++ {
		if off >= len(data) || data[off] == '\n' {
			return 0, false
		}
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return off, true
}

// patched returns the bytes of f that kin-openapi reads.
func (f *file) patched() []byte {
	if len(f.patches) == 0 {
		return f.data
	}
	data := bytes.Clone(f.data)
	for _, p := range f.patches {
		copy(data[p.off:], p.text)
	}
	return data
}

// disableRef makes the object n, whose $ref key k does not resolve, an
// object without a reference for kin-openapi, and remembers the lines from
// head, the key that heads it, to its end as the broken reference's.
func (s *sources) disableRef(f *file, head, n, k *yaml.Node) {
	s.rename(f, k, brokenRefKey)
	k.Value = brokenRefKey // annotations' schemas are read from the trees
	first := n.Line
	if head != nil {
		first = head.Line
	}
	s.broken = append(s.broken, span{f.path, first, lastLine(n, 0)})
}

// lastLine returns the last line the node n spans, at least.
func lastLine(n *yaml.Node, depth int) int {
	last := n.Line
	if depth > maxDepth || n.Kind == yaml.AliasNode {
		return last
	}
	for _, c := range n.Content {
		last = max(last, lastLine(c, depth+1))
	}
	return last
}

// dependsOnBroken reports whether d is located on the lines of an object
// whose $ref is broken.
func (s *sources) dependsOnBroken(d Diagnostic) bool {
	for _, b := range s.broken {
		if d.Pos.File == b.file && d.Pos.Line >= b.first && d.Pos.Line <= b.last {
			return true
		}
	}
	return false
}

// parseYAML parses one YAML or JSON document, recovering from the rare
// parser panics that malformed input can still provoke.
func parseYAML(data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		var errs *yaml.LoadErrors
		if errors.As(err, &errs) && len(errs.Errors) > 0 {
			return nil, errs.Errors[0]
		}
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("the file is empty")
	}
	return doc.Content[0], nil
}

// pos returns the position of n in f.
func (f *file) pos(n *yaml.Node) Position {
	if n == nil {
		return Position{File: f.path}
	}
	return Position{File: f.path, Line: n.Line, Col: n.Column}
}

// The node-reading helpers are shared with the exporter.
var (
	resolveAlias = yamlnode.ResolveAlias
	entry        = yamlnode.Entry
	value        = yamlnode.Value
)

// pointer resolves a JSON pointer ("" or "/a/b") within n. It returns the
// node it names, or nil with the longest prefix that did resolve.
func pointer(n *yaml.Node, ptr string) (found *yaml.Node, resolved string) {
	if ptr == "" {
		return n, ""
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, ""
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		n = resolveAlias(n)
		switch {
		case n == nil:
			return nil, resolved
		case n.Kind == yaml.MappingNode:
			n = value(n, tok)
		case n.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil, resolved
			}
			n = resolveAlias(n.Content[i])
		default:
			return nil, resolved
		}
		if n == nil {
			return nil, resolved
		}
		resolved += "/" + escapeToken(tok)
	}
	return n, resolved
}

func escapeToken(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// refTarget is where a $ref leads.
type refTarget struct {
	file *file
	node *yaml.Node
	ptr  string
}

// splitRef splits a $ref into its file part and its decoded fragment.
func splitRef(ref string) (filePart, fragment string, err error) {
	filePart, fragment, _ = strings.Cut(ref, "#")
	fragment, err = url.PathUnescape(fragment)
	return filePart, fragment, err
}

// follow resolves the $ref ref written at refNode in f. It reports a located
// error and returns false when the reference does not resolve; it returns
// true with a nil node for references it cannot check (JSON Schema anchors).
func (s *sources) follow(f *file, refNode *yaml.Node, ref string) (refTarget, bool) {
	at := f.pos(refNode)
	filePart, fragment, err := splitRef(ref)
	if err != nil {
		s.errorf(at, "$ref %q is not a valid URI reference: %v", ref, err)
		return refTarget{}, false
	}
	target := f
	if filePart != "" {
		u, err := url.Parse(filePart)
		switch {
		case err != nil:
			s.errorf(at, "$ref %q is not a valid URI reference: %v", ref, err)
			return refTarget{}, false
		case u.Scheme != "" || u.Host != "":
			s.errorf(at, "$ref %q: remote references are not supported; save the file next to the spec and refer to it by a relative path", ref)
			return refTarget{}, false
		}
		p := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(f.path), p)
		}
		before := len(s.diags)
		target = s.read(p, at)
		if target == nil {
			if len(s.diags) == before {
				// Already reported when first loaded; say so here too,
				// since this is another place that needs the file.
				s.errorf(at, "$ref %q: %s cannot be loaded", ref, filepath.Clean(p))
			}
			return refTarget{}, false
		}
	}
	if fragment != "" && !strings.HasPrefix(fragment, "/") {
		return refTarget{file: target}, true // a JSON Schema $anchor: kin-openapi's to resolve
	}
	n, resolved := pointer(target.root, fragment)
	if n == nil {
		where := "#" + resolved
		switch {
		case resolved == "" && filePart == "":
			where = "the document"
		case resolved == "":
			where = filePart
		case filePart != "":
			where = filePart + where
		}
		s.errorf(at, "$ref %q does not resolve: %s has no %q%s%s", ref, where, nextToken(fragment, resolved), s.scopeHint(filePart, fragment), componentHint(target.root, fragment))
		return refTarget{}, false
	}
	return refTarget{file: target, node: n, ptr: fragment}, true
}

// scopeHint explains a "#/$defs/Name" that does not resolve when an
// enclosing schema's $defs has Name, as in a Pydantic schema pasted into
// the document with its definitions. JSON Schema resolves "#" against the
// nearest enclosing $id, which ssegen does not support, or else the
// document.
func (s *sources) scopeHint(filePart, fragment string) string {
	name, ok := strings.CutPrefix(fragment, "/$defs/")
	if filePart != "" || !ok || strings.Contains(name, "/") {
		return ""
	}
	for i := len(s.scopes) - 1; i >= 0; i-- {
		k, defs := entry(s.scopes[i], "$defs")
		if value(defs, name) == nil {
			continue
		}
		if id := value(s.scopes[i], "$id"); id != nil {
			return fmt.Sprintf("; the $defs at line %d has it, in the scope of $id %q, which ssegen does not support: move the definitions to components/schemas", k.Line, id.Value)
		}
		return fmt.Sprintf(`; an enclosing schema's $defs (line %d) has it, but "#" is the root of the document: move the definitions to components/schemas`, k.Line)
	}
	return ""
}

// componentHint names the other sections of components that have the
// component a "#/components/section/Name" misses, as a schema declared
// among the responses.
func componentHint(root *yaml.Node, fragment string) string {
	rest, ok := strings.CutPrefix(fragment, "/components/")
	section, name, _ := strings.Cut(rest, "/")
	if !ok || name == "" || strings.Contains(name, "/") {
		return ""
	}
	name = strings.ReplaceAll(strings.ReplaceAll(name, "~1", "/"), "~0", "~")
	var has []string
	if c := value(root, "components"); c != nil && c.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(c.Content); i += 2 {
			if other := c.Content[i].Value; other != section && value(c.Content[i+1], name) != nil {
				has = append(has, "#/components/"+escapeToken(other))
			}
		}
	}
	if len(has) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s has one)", strings.Join(has, " and "))
}

// nextToken returns the pointer token after the resolved prefix.
func nextToken(ptr, resolved string) string {
	rest := strings.TrimPrefix(ptr[len(resolved):], "/")
	tok, _, _ := strings.Cut(rest, "/")
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}

// checkRefs reports every $ref in the document rooted in f that does not
// resolve, following the references into the subtrees and files they
// name, each once.
func (s *sources) checkRefs(f *file) {
	s.walkRefs(f, f.root, nil, "", map[*yaml.Node]bool{}, 0)
}

// walkRefs walks n, the value of the key head (nil for a list item or a
// file's root), whose parent is the value of parentKey.
func (s *sources) walkRefs(f *file, n, head *yaml.Node, parentKey string, seen map[*yaml.Node]bool, depth int) {
	if n == nil || seen[n] {
		return
	}
	if depth > maxDepth {
		s.errorf(f.pos(n), "the document nests deeper than %d levels", maxDepth)
		return
	}
	seen[n] = true
	switch n.Kind {
	case yaml.MappingNode:
		if value(n, "$defs") != nil {
			s.scopes = append(s.scopes, n)
			defer func() { s.scopes = s.scopes[:len(s.scopes)-1] }()
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch {
			case k.Value == "$ref" && v.Kind == yaml.ScalarNode:
				t, ok := s.follow(f, v, v.Value)
				if !ok {
					s.disableRef(f, head, n, k)
				}
				if ok && t.node != nil {
					scopes := s.scopes
					s.scopes = nil // the target has enclosing schemas of its own
					s.walkRefs(t.file, t.node, nil, "", seen, depth+1)
					s.scopes = scopes
				}
			case yamlnode.NameMap(parentKey):
				s.walkRefs(f, v, k, "", seen, depth+1)
			case yamlnode.Literal(k.Value),
				strings.HasPrefix(k.Value, "x-") && k.Value != extensionKey:
			default:
				s.walkRefs(f, v, k, k.Value, seen, depth+1)
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			s.walkRefs(f, c, nil, "", seen, depth+1)
		}
	case yaml.AliasNode:
		s.walkRefs(f, n.Alias, head, parentKey, seen, depth+1)
	}
}
