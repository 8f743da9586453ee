package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ssegen/ssegen/generator"
)

// defaultConfigFile is looked up in the current directory when --config is
// not given.
const defaultConfigFile = "ssegen.yaml"

// fileConfig is the content of a config file, paths already made relative
// to the current directory. docs/ssegen.schema.json describes the file and
// docs/config.md documents it; keep the three in step.
type fileConfig struct {
	Spec       string
	Out        string
	Package    string
	Client     *bool
	Strict     *bool
	TypeScript string // directory of the TypeScript client, "" for none
}

// configKeys lists the keys a config file may have, in documentation order.
var configKeys = []string{"spec", "out", "package", "client", "strict", "typescript"}

// loadConfig reads the config file at path. When path is "" it reads
// ssegen.yaml from the current directory if there is one, and returns a
// zero config if there is not. Errors say where in the file they are.
func loadConfig(path string) (*fileConfig, error) {
	explicit := path != ""
	if !explicit {
		path = defaultConfigFile
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return &fileConfig{}, nil
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := parseConfig(path, data)
	if err != nil {
		return nil, err
	}
	// Paths in the file are relative to the file.
	base := filepath.Dir(path)
	for _, p := range []*string{&cfg.Spec, &cfg.Out, &cfg.TypeScript} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(base, *p)
		}
	}
	return cfg, nil
}

// yamlLine matches the location yaml.v3 puts in its syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func parseConfig(path string, data []byte) (*fileConfig, error) {
	errAt := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("%s:%d:%d: %s", path, n.Line, n.Column, fmt.Sprintf(format, args...))
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &fileConfig{}, nil // an empty file sets nothing
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", path, m[1], m[2])
		}
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: want a single YAML document", path)
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return &fileConfig{}, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, errAt(root, "want a mapping of settings (%s), got %s", strings.Join(configKeys, ", "), describe(root))
	}

	cfg := &fileConfig{}
	var errs []error
	first := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		if prev, ok := first[key.Value]; ok {
			errs = append(errs, errAt(key, "duplicate key %q (first at line %d)", key.Value, prev.Line))
			continue
		}
		first[key.Value] = key
		var err error
		switch key.Value {
		case "spec":
			cfg.Spec, err = str(val)
		case "out":
			cfg.Out, err = str(val)
		case "package":
			if cfg.Package, err = str(val); err == nil {
				err = generator.CheckPackageName(cfg.Package)
			}
		case "client":
			cfg.Client, err = boolean(val)
		case "strict":
			cfg.Strict, err = boolean(val)
		case "typescript":
			cfg.TypeScript, err = str(val)
		default:
			errs = append(errs, errAt(key, "unknown key %q (known keys: %s)", key.Value, strings.Join(configKeys, ", ")))
		}
		if err != nil {
			errs = append(errs, errAt(val, "%s: %v", key.Value, err))
		}
	}
	if len(errs) > 0 {
		// One line per problem, all of them: fixing the file takes one run.
		return nil, errors.Join(errs...)
	}
	return cfg, nil
}

func str(n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" || n.Value == "" {
		return "", fmt.Errorf("want a non-empty string, got %s", describe(n))
	}
	return n.Value, nil
}

func boolean(n *yaml.Node) (*bool, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return nil, fmt.Errorf("want true or false, got %s", describe(n))
	}
	b, err := strconv.ParseBool(n.Value)
	if err != nil {
		return nil, fmt.Errorf("want true or false, got %q", n.Value)
	}
	return &b, nil
}

// describe names what a YAML node is, for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!null":
		return "null"
	case "!!str":
		return strconv.Quote(n.Value)
	}
	return n.Value
}
