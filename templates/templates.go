// Package templates holds the text/template files the TypeScript client is
// rendered from, embedded so that the ssegen binary needs no files beside
// it. generator/typescript renders them.
package templates

import "embed"

// FS holds the templates: runtime.ts.tmpl, the stream reader and HTTP
// plumbing every client shares, and client.ts.tmpl, an API's types and
// operations.
//
//go:embed *.tmpl
var FS embed.FS
