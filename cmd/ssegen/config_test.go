package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/ssegen/ssegen/generator"
)

// TestConfigSchema checks that docs/ssegen.schema.json, which editors use,
// accepts exactly the config files ssegen accepts.
func TestConfigSchema(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "ssegen.schema.json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("ssegen.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("ssegen.schema.json")
	if err != nil {
		t.Fatal(err)
	}

	var props []string
	for k := range doc.(map[string]any)["properties"].(map[string]any) {
		props = append(props, k)
	}
	slices.Sort(props)
	keys := slices.Sorted(slices.Values(configKeys))
	if !slices.Equal(props, keys) {
		t.Errorf("schema properties %v, config keys %v", props, keys)
	}

	for _, tt := range []struct {
		config string
		valid  bool
	}{
		{"", true},
		{"# nothing set\n", true},
		{"spec: api.yaml\nout: internal/api\npackage: api\nclient: false\nstrict: true\n", true},
		{"package: héllo_2\n", true},
		{"client: True\n", true},
		{"output: x\n", false},
		{"client: yes\n", false},
		{"strict: 1\n", false},
		{"spec: [a]\n", false},
		{"spec: ''\n", false},
		{"out: 5\n", false},
		{"package: my-pkg\n", false},
		{"package: func\n", false},
		{"package: _\n", false},
		{"package: 2fa\n", false},
		{"- a\n", false},
		{"just a string\n", false},
	} {
		_, parseErr := parseConfig("ssegen.yaml", []byte(tt.config))
		if (parseErr == nil) != tt.valid {
			t.Errorf("parseConfig(%q) error = %v, want valid %v", tt.config, parseErr, tt.valid)
		}
		var v any
		if err := yaml.Unmarshal([]byte(tt.config), &v); err != nil {
			t.Fatal(err)
		}
		schemaErr := schema.Validate(v)
		if (schemaErr == nil) != tt.valid {
			t.Errorf("schema on %q: %v, want valid %v", tt.config, schemaErr, tt.valid)
		}
	}
}

// FuzzParseConfig checks that no config file makes the parser panic, and
// that every error it reports is located in the file.
func FuzzParseConfig(f *testing.F) {
	for _, seed := range []string{
		"spec: api.yaml\nout: internal/api\npackage: api\nclient: false\nstrict: true\n",
		"client: yes\n", "- a\n", "spec: 'a\n", "a: &x b\nc: *x\n", "? [a]\n: b\n", "---\n---\n",
		"spec: !!binary aGVsbG8=\n", "{spec: a, spec: b}\n", "\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	located := regexp.MustCompile(`^ssegen\.yaml(:\d+(:\d+)?)?: `)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := parseConfig("ssegen.yaml", data)
		if err != nil {
			for line := range strings.Lines(err.Error()) {
				if !located.MatchString(line) {
					t.Errorf("error %q does not say where", line)
				}
			}
			return
		}
		if cfg.Package != "" && generator.CheckPackageName(cfg.Package) != nil {
			t.Errorf("accepted package %q", cfg.Package)
		}
	})
}
