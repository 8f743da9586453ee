// Package golang writes the Go code for an API model with jennifer.
//
// types.go holds the rendering shared by every generated file (type
// expressions, names, doc comments, parameter parsers); models.go renders
// the API's types into models.gen.go and server.go the Handler interface,
// request, response and stream types and the router into server.gen.go.
package golang

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	"github.com/dave/jennifer/jen"

	"github.com/ssegen/ssegen/generator/model"
)

// File is one generated Go source file, already gofmt'd.
type File struct {
	Name    string // base name, e.g. server.gen.go
	Content []byte
}

// Config says what to generate.
type Config struct {
	Package string // Go package name of the generated files
	Client  bool   // also write the typed client
}

// Generate returns the Go files for api, sorted by name. The output depends
// only on api and cfg: the same input gives the same bytes.
func Generate(api *model.API, cfg Config) ([]File, error) {
	if cfg.Package == "" {
		return nil, errors.New("golang.Generate: no package name")
	}
	g, err := newGen(api)
	if err != nil {
		return nil, err
	}
	var files []File
	render := func(name string, fill func(*jen.File) error) error {
		f := newFile(cfg.Package)
		if err := fill(f); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := f.Render(&buf); err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		files = append(files, File{Name: name, Content: groupImports(buf.Bytes())})
		return nil
	}
	if len(api.Types) > 0 {
		if err := render("models.gen.go", g.models); err != nil {
			return nil, err
		}
	}
	if err := render("server.gen.go", g.server); err != nil {
		return nil, err
	}
	if cfg.Client { // after the server, so that its names do not depend on cfg.Client
		if err := render("client.gen.go", g.client); err != nil {
			return nil, err
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// groupImports puts the runtime import in a group of its own after the
// standard library's, as goimports does (jennifer writes one group).
func groupImports(src []byte) []byte {
	line := []byte("\t\"" + runtimePkg + "\"\n")
	start := bytes.Index(src, []byte("import (\n"))
	at := bytes.Index(src, line)
	if start < 0 || at < start {
		return src
	}
	end := at + bytes.Index(src[at:], []byte(")\n"))
	out := make([]byte, 0, len(src)+1)
	out = append(out, src[:at]...)
	out = append(out, src[at+len(line):end]...)
	out = append(out, '\n')
	out = append(out, line...)
	return append(out, src[end:]...)
}
