// Package generator runs ssegen's pipeline, spec to model to Go or
// TypeScript, and puts the result on disk: Generate produces the files,
// Write replaces the generated files of a directory with them atomically,
// and Check reports how a directory differs from them. Export, WriteFile
// and CheckFile do the same for the spec as standard OpenAPI. The ssegen
// command is a thin layer over this package.
package generator

import (
	"errors"
	"fmt"
	"go/build"
	"go/token"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/ssegen/ssegen/generator/export"
	"github.com/ssegen/ssegen/generator/golang"
	"github.com/ssegen/ssegen/generator/model"
	"github.com/ssegen/ssegen/generator/spec"
	"github.com/ssegen/ssegen/generator/typescript"
)

// Config says what to generate.
type Config struct {
	// Spec is the path of the OpenAPI document.
	Spec string
	// Out is the directory the files are meant for; "" means the current
	// directory. Generate only reads it, to choose the default package name.
	Out string
	// Package is the Go package name of the generated files. When empty,
	// it is the package of the Go files already in Out, or else Out's base
	// name made a valid identifier.
	Package string
	// Client also generates the typed client.
	Client bool
	// Strict turns every warning into an error.
	Strict bool
	// Lang is the language of the output: LangGo (the default when empty)
	// or LangTypeScript, a client only, for which Package and Client do not
	// matter.
	Lang string
}

// The languages Config.Lang can name.
const (
	LangGo         = "go"
	LangTypeScript = "typescript"
)

// Generate loads the spec, builds its model and emits the Go files, sorted
// by name. The diagnostics hold every problem found, warnings included;
// when they contain an error, files is nil. err reports a Config that
// cannot be used, such as an invalid package name.
func Generate(cfg Config) (files []golang.File, diags spec.Diagnostics, err error) {
	_, files, diags, err = generate(cfg)
	return files, diags, err
}

// Export loads the spec as Generate does, reporting the same diagnostics,
// and returns it as a standard OpenAPI 3.2 document in format f (see
// package export). When the diagnostics contain an error, out is nil.
func Export(specPath string, strict bool, f export.Format) (out []byte, diags spec.Diagnostics, err error) {
	// The package name only matters to the Go code, which is discarded.
	doc, _, diags, err := generate(Config{Spec: specPath, Package: "api", Client: true, Strict: strict})
	if err != nil || diags.HasErrors() {
		return nil, diags, err
	}
	out, exportDiags := export.Document(doc, f)
	return out, append(diags, strictly(strict, exportDiags)...), nil
}

// generate runs the pipeline and returns the loaded document with the files.
func generate(cfg Config) (doc *spec.Document, files []golang.File, diags spec.Diagnostics, err error) {
	if cfg.Spec == "" {
		return nil, nil, nil, errors.New("no spec given")
	}
	if cfg.Lang != "" && cfg.Lang != LangGo && cfg.Lang != LangTypeScript {
		return nil, nil, nil, fmt.Errorf("unknown language %q: want %s or %s", cfg.Lang, LangGo, LangTypeScript)
	}
	pkg := cfg.Package
	switch {
	case cfg.Lang == LangTypeScript: // modules have no package name
	case pkg == "":
		if pkg, err = DefaultPackage(cfg.Out); err != nil {
			return nil, nil, nil, err
		}
	default:
		if err := CheckPackageName(pkg); err != nil {
			return nil, nil, nil, err
		}
	}

	doc, diags = spec.Load(cfg.Spec)
	diags = strictly(cfg.Strict, diags)
	if doc == nil || diags.HasErrors() {
		return nil, nil, diags, nil
	}
	api, buildDiags := model.Build(doc)
	diags = append(diags, strictly(cfg.Strict, buildDiags)...)
	if api == nil || diags.HasErrors() {
		return nil, nil, diags, nil
	}
	if cfg.Lang == LangTypeScript {
		var ts []typescript.File
		ts, err = typescript.Generate(api)
		for _, f := range ts {
			files = append(files, golang.File{Name: f.Name, Content: f.Content})
		}
	} else {
		files, err = golang.Generate(api, golang.Config{Package: pkg, Client: cfg.Client})
	}
	if err != nil {
		// The model came from this spec, so whatever the emitter cannot
		// write is a problem of the spec.
		return nil, nil, append(diags, spec.Diagnostic{Pos: spec.Position{File: cfg.Spec}, Message: err.Error()}), nil
	}
	return doc, files, diags, nil
}

// strictly returns diags with every warning made an error when strict is set.
func strictly(strict bool, diags spec.Diagnostics) spec.Diagnostics {
	if !strict {
		return diags
	}
	out := make(spec.Diagnostics, len(diags))
	for i, d := range diags {
		d.Severity = spec.Error
		out[i] = d
	}
	return out
}

// CheckPackageName reports whether name can be the name of a package.
func CheckPackageName(name string) error {
	if !token.IsIdentifier(name) || name == "_" {
		return fmt.Errorf("invalid package name %q: want a Go identifier such as %q", name, sanitizePackage(name))
	}
	return nil
}

// DefaultPackage returns the package name for code generated into dir: the
// package of the Go files already there, so that the output joins them, or
// else dir's base name made a valid identifier
// ("pet-store" gives "petstore", "2fa" gives "api2fa").
func DefaultPackage(dir string) (string, error) {
	if dir == "" {
		dir = "."
	}
	if name := existingPackage(dir); name != "" {
		return name, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return sanitizePackage(filepath.Base(abs)), nil
}

// existingPackage returns the name of the Go package in dir, as the go
// command sees it, or "" when there is none.
func existingPackage(dir string) string {
	p, err := build.Default.ImportDir(dir, 0)
	if err != nil {
		return ""
	}
	return p.Name
}

// sanitizePackage makes s a package name the way Go names look: lower
// case letters and digits only, starting with a letter, not a keyword.
func sanitizePackage(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	name := b.String()
	if name == "" || !unicode.IsLetter([]rune(name)[0]) || token.IsKeyword(name) {
		name = "api" + name
	}
	return name
}
