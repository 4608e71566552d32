// Command roadmap checks a route table against its flags and writes a
// lifecycle changelog between releases, for teams and CI.
//
// Usage:
//
//	roadmap check --flags flags.json [options] DOCUMENT
//	roadmap check --ofrep http://127.0.0.1:1031 [options] DOCUMENT
//	roadmap diff [--json] [--allow] OLD NEW
//
// DOCUMENT, OLD and NEW are OpenAPI documents with x-lifecycle extensions:
// files, or URLs of a running server's /openapi.json. check exits 1 when it
// finds a problem, diff when it finds a regression; both exit 2 on bad
// input, and 0 otherwise. docs/cli.md has worked examples.
//
// Install with:
//
//	go install github.com/roadmap-go/roadmap/cmd/roadmap@latest
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/roadmap-go/roadmap/lifecycle"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// Exit statuses.
const (
	exitFound = 1 // findings or regressions
	exitUsage = 2 // bad arguments or unreadable input
)

// errFound is returned when check finds problems or diff regressions, after
// they are written: the exit status is 1 and nothing more is said.
var errFound = errors.New("problems found")

// usageError is a bad command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errFound):
		return exitFound
	}
	fmt.Fprintln(stderr, "roadmap:", err)
	if _, ok := errors.AsType[usageError](err); ok {
		fmt.Fprintln(stderr, "run 'roadmap -h' for help")
	}
	return exitUsage
}

const usage = `roadmap checks a route table against its flags and writes a lifecycle
changelog between releases.

Usage:

  roadmap check (--flags FILE | --ofrep URL) [options] DOCUMENT
  roadmap diff [--json] [--allow] OLD NEW

DOCUMENT, OLD and NEW are OpenAPI documents with x-lifecycle extensions:
files, or URLs of a running server's /openapi.json.

check exits 1 when it finds a problem, diff when it finds a regression; both
exit 2 on bad input. Run 'roadmap check -h' or 'roadmap diff -h' for their
options; docs/cli.md has worked examples.
`

// run runs the roadmap command with args (without the program name).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no subcommand (check or diff)"}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		_, err := io.WriteString(stdout, usage)
		return err
	case "check":
		return runCheck(ctx, args[1:], stdout)
	case "diff":
		return runDiff(ctx, args[1:], stdout)
	}
	return usageError{fmt.Sprintf("unknown subcommand %q (check or diff)", args[0])}
}

// parse parses args with fs, allowing options after the positional
// arguments ("check openapi.json --json"). It returns the positional
// arguments, or flag.ErrHelp after writing the usage to stdout.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stdout)
				fs.Usage()
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// headers is a repeatable "Name: value" option.
type headers http.Header

func (h headers) String() string { return "" }

func (h headers) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want \"Name: value\", got %q", s)
	}
	http.Header(h).Add(strings.TrimSpace(name), strings.TrimSpace(value))
	return nil
}

// list is a repeatable, comma-separated option.
type list []string

func (l *list) String() string { return strings.Join(*l, ",") }

func (l *list) Set(s string) error {
	for part := range strings.SplitSeq(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// days is a duration option in days ("90d"), weeks or Go's syntax.
type days time.Duration

func (d *days) String() string {
	if *d == 0 {
		return ""
	}
	return lifecycle.Days(time.Duration(*d))
}

func (d *days) Set(s string) error {
	v, err := lifecycle.ParseDays(s)
	*d = days(v)
	return err
}

// readTable reads a route table from a file or, for an http(s) URL, from a
// running server.
func readTable(ctx context.Context, src string, header http.Header) (*lifecycle.Table, error) {
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		return lifecycle.FetchTable(ctx, nil, src, header)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return nil, err
	}
	return lifecycle.ReadTable(src, data)
}
