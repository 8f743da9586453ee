// Command ssegen generates typed Go servers and clients for HTTP APIs that
// stream Server-Sent Events, from an OpenAPI document whose streaming
// operations carry the x-event-stream extension.
//
// Usage:
//
//	ssegen generate [--config ssegen.yaml] [--out DIR] [--package NAME] [--no-client] [--lang go|typescript] [--strict] [SPEC]
//	ssegen check    [same flags as generate] [SPEC]
//	ssegen validate [--config ssegen.yaml] [--strict] [SPEC]
//	ssegen export   [--out FILE] [--check] [--strict] SPEC
//	ssegen version
//
// Exit status: 0 on success, 1 when the spec has problems (each printed as
// file:line:col: message), when the output is out of date (check) or
// cannot be written, 2 on bad usage or a bad config file. docs/cli.md has
// the details.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssegen/ssegen/generator"
	"github.com/ssegen/ssegen/generator/export"
	"github.com/ssegen/ssegen/generator/golang"
)

const modulePath = "github.com/ssegen/ssegen"

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// exitError ends the command with code after printing err, when not nil.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func usageError(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

// run executes the command line args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		// Cobra's own errors: unknown command or flag, wrong arguments.
		ee = &exitError{exitUsage, err}
	}
	if ee.err != nil {
		// An error may list several problems, one a line (a config file's).
		for line := range strings.Lines(ee.err.Error()) {
			fmt.Fprintf(stderr, "ssegen: %s\n", strings.TrimSuffix(line, "\n"))
		}
		if ee.code == exitUsage {
			fmt.Fprintln(stderr, "Run 'ssegen help' for usage.")
		}
	}
	return ee.code
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "ssegen",
		Short: "Generate typed Go code for OpenAPI operations that stream Server-Sent Events",
		Long: `ssegen turns an OpenAPI document into Go code: models, a handler interface
with one method per operation, a router and a typed client. Operations
marked with x-event-stream get one typed send method per event.

Exit status: 0 on success; 1 when the spec has problems, the output is out
of date (check) or cannot be written; 2 on bad usage or a bad config file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(stderr)
			cmd.Usage()
			return &exitError{code: exitUsage}
		},
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(
		generateCommand(stderr),
		checkCommand(stdout, stderr),
		validateCommand(stderr),
		exportCommand(stdout, stderr),
		versionCommand(stdout),
	)
	return root
}

// options are the flags shared by generate, check and validate.
type options struct {
	config   string
	out      string
	pkg      string
	noClient bool
	strict   bool
	lang     string
}

func (o *options) addConfigFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.config, "config", "", "config file (default: "+defaultConfigFile+" in the current directory, if present)")
	cmd.Flags().BoolVar(&o.strict, "strict", false, "treat warnings as errors")
}

func (o *options) addOutputFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.out, "out", "", "directory of the generated files (default: the current directory)")
	cmd.Flags().StringVar(&o.pkg, "package", "", "Go package name (default: the package already in the output directory, or its base name)")
	cmd.Flags().BoolVar(&o.noClient, "no-client", false, "do not generate the client")
	cmd.Flags().StringVar(&o.lang, "lang", generator.LangGo, "language of the output: go (server, client and models) or typescript (a client)")
}

// resolve merges the config file and the command line, which wins, into
// the outputs to generate: the Go code, and the TypeScript client when the
// config file names its directory; with --lang, that language only.
func (o *options) resolve(cmd *cobra.Command, args []string) ([]generator.Config, error) {
	file, err := loadConfig(o.config)
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	cfg := generator.Config{
		Spec:    file.Spec,
		Out:     file.Out,
		Package: file.Package,
		Client:  file.Client == nil || *file.Client,
		Strict:  file.Strict != nil && *file.Strict,
	}
	if len(args) == 1 {
		cfg.Spec = args[0]
	}
	flags := cmd.Flags()
	if flags.Changed("out") {
		cfg.Out = o.out
	}
	if flags.Changed("package") {
		if err := generator.CheckPackageName(o.pkg); err != nil {
			return nil, &exitError{exitUsage, fmt.Errorf("--package: %w", err)}
		}
		cfg.Package = o.pkg
	}
	if flags.Changed("no-client") {
		cfg.Client = !o.noClient
	}
	if flags.Changed("strict") {
		cfg.Strict = o.strict
	}
	if cfg.Spec == "" {
		return nil, usageError("no spec: pass the OpenAPI document as an argument or set spec in %s", defaultConfigFile)
	}
	ts := generator.Config{Spec: cfg.Spec, Out: file.TypeScript, Strict: cfg.Strict, Lang: generator.LangTypeScript}
	if cfg.Out == "" {
		cfg.Out = "."
	}
	switch lang := o.lang; {
	case !flags.Changed("lang") && ts.Out == "":
		return []generator.Config{cfg}, nil
	case !flags.Changed("lang"):
		return []generator.Config{cfg, ts}, nil
	case lang == generator.LangGo:
		return []generator.Config{cfg}, nil
	case lang == generator.LangTypeScript:
		if flags.Changed("out") || ts.Out == "" {
			ts.Out = cfg.Out
		}
		return []generator.Config{ts}, nil
	default:
		return nil, usageError("--lang: unknown language %q: want %s or %s", lang, generator.LangGo, generator.LangTypeScript)
	}
}

// output is the files generated for one Config.
type output struct {
	cfg   generator.Config
	files []golang.File
}

// generate resolves the settings and runs the pipeline for every output,
// printing every diagnostic, warnings too, on stderr.
func (o *options) generate(cmd *cobra.Command, args []string, stderr io.Writer) ([]output, error) {
	cfgs, err := o.resolve(cmd, args)
	if err != nil {
		return nil, err
	}
	files, diags, err := generator.GenerateEach(cfgs)
	for _, d := range diags {
		fmt.Fprintln(stderr, d)
	}
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	if diags.HasErrors() {
		return nil, &exitError{code: exitProblems}
	}
	outs := make([]output, len(cfgs))
	for i, cfg := range cfgs {
		outs[i] = output{cfg, files[i]}
	}
	return outs, nil
}

func generateCommand(stderr io.Writer) *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "generate [flags] [SPEC]",
		Short: "Write the Go code for an OpenAPI document",
		Long: `Generate writes the Go code for the OpenAPI document SPEC into the output
directory. Only files that carry ssegen's "Code generated" header are
replaced or removed; after an error, nothing has been written.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := o.generate(cmd, args, stderr)
			if err != nil {
				return err
			}
			for _, out := range outs {
				if err := generator.Write(out.cfg.Out, out.files); err != nil {
					return &exitError{exitProblems, err}
				}
			}
			return nil
		},
	}
	o.addConfigFlags(cmd)
	o.addOutputFlags(cmd)
	return cmd
}

func checkCommand(stdout, stderr io.Writer) *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "check [flags] [SPEC]",
		Short: "Report whether the generated code is up to date",
		Long: `Check compares the output directory with what generate would write. When
they differ it prints a unified diff and exits with status 1.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := o.generate(cmd, args, stderr)
			if err != nil {
				return err
			}
			var stale []string
			for _, out := range outs {
				diff, err := generator.Check(out.cfg.Out, out.files)
				if err != nil {
					return &exitError{exitProblems, err}
				}
				if len(diff) > 0 {
					stdout.Write(diff)
					stale = append(stale, out.cfg.Out)
				}
			}
			if len(stale) > 0 {
				return &exitError{exitProblems, fmt.Errorf("%s is out of date; run ssegen generate", strings.Join(stale, " and "))}
			}
			return nil
		},
	}
	o.addConfigFlags(cmd)
	o.addOutputFlags(cmd)
	return cmd
}

func validateCommand(stderr io.Writer) *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "validate [flags] [SPEC]",
		Short: "Check an OpenAPI document and its annotations without writing anything",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := o.generate(cmd, args, stderr)
			return err
		},
	}
	o.addConfigFlags(cmd)
	return cmd
}

func exportCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		out           string
		check, strict bool
	)
	cmd := &cobra.Command{
		Use:   "export [flags] SPEC",
		Short: "Write the document as standard OpenAPI 3.2, for docs tools and other generators",
		Long: `Export writes the OpenAPI document SPEC as OpenAPI 3.2, each
x-event-stream annotation rewritten as the itemSchema of its
text/event-stream response, and everything else as written. The output is
JSON or YAML by the extension of --out; without --out it goes to standard
output in the format of SPEC. The file is replaced atomically, and only
when it changes. With --check, nothing is written: when FILE differs from
what export would write, the diff is printed and the exit status is 1.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := export.FormatOf(args[0])
			if err != nil {
				format = export.YAML
			}
			if out != "" {
				if format, err = export.FormatOf(out); err != nil {
					return usageError("--out %v", err)
				}
			} else if check {
				return usageError("--check needs --out: the file to compare")
			}
			doc, diags, err := generator.Export(args[0], strict, format)
			for _, d := range diags {
				fmt.Fprintln(stderr, d)
			}
			switch {
			case err != nil:
				return &exitError{exitUsage, err}
			case diags.HasErrors():
				return &exitError{code: exitProblems}
			case out == "":
				_, err = stdout.Write(doc)
			case check:
				var diff []byte
				if diff, err = generator.CheckFile(out, doc); err == nil && len(diff) > 0 {
					stdout.Write(diff)
					return &exitError{exitProblems, fmt.Errorf("%s is out of date; run ssegen export", out)}
				}
			default:
				err = generator.WriteFile(out, doc)
			}
			if err != nil {
				return &exitError{exitProblems, err}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the file to write, .json, .yaml or .yml (default: standard output)")
	cmd.Flags().BoolVar(&check, "check", false, "report whether --out is up to date instead of writing it")
	cmd.Flags().BoolVar(&strict, "strict", false, "treat warnings as errors")
	return cmd
}

func versionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of ssegen",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			info, _ := debug.ReadBuildInfo()
			fmt.Fprintln(stdout, "ssegen", version(info))
		},
	}
}

// version returns the version of the ssegen module in the running binary,
// which is the main module when ssegen is built on its own and a dependency
// when it runs through go run or go tool from another module.
func version(info *debug.BuildInfo) string {
	if info == nil {
		return "(devel)"
	}
	mod := &info.Main
	if mod.Path != modulePath {
		mod = nil
		for _, dep := range info.Deps {
			if dep.Path == modulePath {
				mod = dep
			}
		}
	}
	if mod == nil {
		return "(devel)"
	}
	if mod.Replace != nil {
		if mod.Replace.Version == "" {
			return "(devel)" // replaced by a directory
		}
		mod = mod.Replace
	}
	if mod.Version == "" {
		return "(devel)"
	}
	return mod.Version
}
