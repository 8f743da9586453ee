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

// Generate loads the spec, builds its model and emits the files of
// cfg.Lang, sorted by name. The diagnostics hold every problem found, warnings included;
// when they contain an error, files is nil. err reports a Config that
// cannot be used, such as an invalid package name.
func Generate(cfg Config) (files []golang.File, diags spec.Diagnostics, err error) {
	each, diags, err := GenerateEach([]Config{cfg})
	if len(each) == 0 {
		return nil, diags, err
	}
	return each[0], diags, nil
}

// GenerateEach is Generate for several outputs of one spec, such as its Go
// code and its TypeScript client: it loads the spec and builds its model
// once, and files[i] are the files of cfgs[i]. Every Config must name the
// same Spec and Strict. When the diagnostics contain an error, files is nil.
func GenerateEach(cfgs []Config) (files [][]golang.File, diags spec.Diagnostics, err error) {
	if len(cfgs) == 0 {
		return nil, nil, errors.New("no output given")
	}
	pkgs := make([]string, len(cfgs))
	for i, cfg := range cfgs {
		if cfg.Spec != cfgs[0].Spec || cfg.Strict != cfgs[0].Strict {
			return nil, nil, errors.New("outputs of different specs or strictness")
		}
		if pkgs[i], err = packageOf(cfg); err != nil {
			return nil, nil, err
		}
	}
	_, api, diags := load(cfgs[0].Spec, cfgs[0].Strict)
	if api == nil {
		return nil, diags, nil
	}
	for i, cfg := range cfgs {
		out, err := emit(api, cfg, pkgs[i])
		if err != nil {
			// The model came from this spec, so whatever the emitter cannot
			// write is a problem of the spec.
			return nil, append(diags, spec.Diagnostic{Pos: spec.Position{File: cfg.Spec}, Message: err.Error()}), nil
		}
		files = append(files, out)
	}
	return files, diags, nil
}

// Export loads the spec as Generate does, reporting the same diagnostics,
// and returns it as a standard OpenAPI 3.2 document in format f (see
// package export). When the diagnostics contain an error, out is nil.
func Export(specPath string, strict bool, f export.Format) (out []byte, diags spec.Diagnostics, err error) {
	if specPath == "" {
		return nil, nil, errors.New("no spec given")
	}
	doc, api, diags := load(specPath, strict)
	if api == nil {
		return nil, diags, nil
	}
	// The Go code is discarded: what matters is what it cannot write.
	if _, err := golang.Generate(api, golang.Config{Package: "api", Client: true}); err != nil {
		return nil, append(diags, spec.Diagnostic{Pos: spec.Position{File: specPath}, Message: err.Error()}), nil
	}
	out, exportDiags := export.Document(doc, f)
	return out, append(diags, strictly(strict, exportDiags)...), nil
}

// packageOf checks cfg and returns the name of the Go package it makes, ""
// for TypeScript.
func packageOf(cfg Config) (string, error) {
	switch {
	case cfg.Spec == "":
		return "", errors.New("no spec given")
	case cfg.Lang != "" && cfg.Lang != LangGo && cfg.Lang != LangTypeScript:
		return "", fmt.Errorf("unknown language %q: want %s or %s", cfg.Lang, LangGo, LangTypeScript)
	case cfg.Lang == LangTypeScript: // modules have no package name
		return "", nil
	case cfg.Package == "":
		return DefaultPackage(cfg.Out)
	}
	return cfg.Package, CheckPackageName(cfg.Package)
}

// load loads the spec and builds its model; api is nil when the
// diagnostics contain an error.
func load(specPath string, strict bool) (doc *spec.Document, api *model.API, diags spec.Diagnostics) {
	doc, diags = spec.Load(specPath)
	diags = strictly(strict, diags)
	if doc == nil || diags.HasErrors() {
		return nil, nil, diags
	}
	api, buildDiags := model.Build(doc)
	diags = append(diags, strictly(strict, buildDiags)...)
	if api == nil || diags.HasErrors() {
		return nil, nil, diags
	}
	return doc, api, diags
}

// emit writes the files of cfg from api; pkg is the Go package name.
func emit(api *model.API, cfg Config, pkg string) ([]golang.File, error) {
	if cfg.Lang != LangTypeScript {
		return golang.Generate(api, golang.Config{Package: pkg, Client: cfg.Client})
	}
	ts, err := typescript.Generate(api)
	var files []golang.File
	for _, f := range ts {
		files = append(files, golang.File{Name: f.Name, Content: f.Content})
	}
	return files, err
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
