// Package golang writes the Go code for an API model with jennifer.
package golang

import (
	"errors"

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
	return nil, errors.New("golang.Generate: not implemented yet")
}
