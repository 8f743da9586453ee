package model

import "github.com/ssegen/ssegen/generator/spec"

// Build turns a loaded document into the API model, naming every Go type
// and identifier. It reports problems (a schema it cannot type, a name it
// cannot make unique) as located diagnostics.
func Build(doc *spec.Document) (*API, spec.Diagnostics) {
	return nil, spec.Diagnostics{{Pos: spec.Position{File: doc.Path}, Message: "model.Build: not implemented yet"}}
}
