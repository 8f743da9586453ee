package main

import (
	"reflect"
	"strings"
	"testing"
)

// TestExport runs ssegen export the ways the docs show: to standard
// output, to a JSON file, and with --check as CI does.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"api.yaml": watchSpec})

	code, stdout, stderr := ssegen(t, dir, "export", "api.yaml")
	if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "openapi: 3.2.0\n") || !strings.Contains(stdout, "itemSchema:") {
		t.Fatalf("export to stdout: exit code %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}

	if code, stdout, stderr := ssegen(t, dir, "export", "--out", "docs/openapi.json", "api.yaml"); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("export --out: exit code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	written := tree(t, dir)["docs/openapi.json"]
	if !strings.HasPrefix(written, "{\n  \"openapi\": \"3.2.0\",") {
		t.Errorf("docs/openapi.json is not the JSON export:\n%s", written)
	}
	if code, stdout, stderr := ssegen(t, dir, "export", "--check", "--out", "docs/openapi.json", "api.yaml"); code != 0 || stdout != "" || stderr != "" {
		t.Errorf("check of a fresh export: exit code %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	writeFiles(t, dir, map[string]string{"api.yaml": strings.Replace(watchSpec, "title: Watch", "title: Watched", 1)})
	before := tree(t, dir)
	code, stdout, stderr = ssegen(t, dir, "export", "--check", "--out", "docs/openapi.json", "api.yaml")
	if code != 1 || !strings.Contains(stdout, `-    "title": "Watch",`) || !strings.Contains(stdout, `+    "title": "Watched",`) ||
		!strings.Contains(stderr, "docs/openapi.json is out of date; run ssegen export") {
		t.Errorf("check of a stale export: exit code %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if after := tree(t, dir); !reflect.DeepEqual(after, before) {
		t.Error("export --check wrote files")
	}
}

// TestExportErrors checks that export reports a broken spec exactly as
// generate does, and bad usage as usage, writing nothing.
func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"broken.yaml": brokenSpec, "api.yaml": watchSpec})
	before := tree(t, dir)

	_, _, want := ssegen(t, dir, "validate", "broken.yaml")
	code, stdout, stderr := ssegen(t, dir, "export", "--out", "openapi.yaml", "broken.yaml")
	if code != 1 || stdout != "" || stderr != want || !strings.HasPrefix(stderr, "broken.yaml:") {
		t.Errorf("broken spec: exit code %d, stdout %q, stderr:\n%s\nwant the diagnostics of validate:\n%s", code, stdout, stderr, want)
	}

	for _, args := range [][]string{
		{"export"},
		{"export", "--out", "openapi.txt", "api.yaml"},
		{"export", "--check", "api.yaml"},
		{"export", "--out", "a.json", "api.yaml", "more.yaml"},
	} {
		if code, _, stderr := ssegen(t, dir, args...); code != 2 || !strings.HasPrefix(stderr, "ssegen: ") {
			t.Errorf("ssegen %s: exit code %d, stderr %q; want 2 and a message", strings.Join(args, " "), code, stderr)
		}
	}
	if after := tree(t, dir); !reflect.DeepEqual(after, before) {
		t.Error("a failed export wrote files")
	}
}
