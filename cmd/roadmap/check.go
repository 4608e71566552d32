package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/roadmap-go/roadmap/lifecycle"
)

const checkUsage = `Usage: roadmap check (--flags FILE | --ofrep URL) [options] DOCUMENT

Checks the routes of DOCUMENT (an OpenAPI document with x-lifecycle: a file,
or the URL of a running server's /openapi.json) against a flag source, and
reports, each with the route, the flag and the fix:

  promote        a planned or beta route whose flag is on for everyone
  remove-flag    a live (or deprecated, removed) route whose flag is still there
  unused-flag    a flag no route references
  missing-flag   a planned or beta route whose flag is missing
  flag-type      a route's flag is not boolean
  flag-error     a route's flag cannot be evaluated
  beta-too-long  a beta route older than --max-beta
  beta-undated   a beta route without betaSince, with --max-beta
  past-sunset    a deprecated route past its sunset
  sunset-soon    a deprecated route whose sunset is within --sunset-within

Whether a flag is on for everyone is read from the flag file's rules where
they decide ("static"), else found by evaluating the flag for --samples
synthetic targeting keys ("sampled"). Exits 1 if a finding of a kind not in
--allow is reported, 2 on bad input.

Options:
`

// checkReport is check's --json output.
type checkReport struct {
	Document string              `json:"document"`
	Flags    string              `json:"flags"`
	Now      time.Time           `json:"now"`
	Findings []lifecycle.Finding `json:"findings"`
	// Failed lists the kinds of findings not allowed: the exit status is 1
	// when it is not empty.
	Failed []string `json:"failed"`
}

func runCheck(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("roadmap check", flag.ContinueOnError)
	flagsPath := fs.String("flags", "", "flagd-format flag `file`")
	ofrepURL := fs.String("ofrep", "", "base `URL` of an OFREP flag service, instead of --flags")
	ofrepToken := fs.String("ofrep-token", "", "API key of the OFREP service")
	hdr := headers{}
	fs.Var(hdr, "header", "`Name: value` header sent when DOCUMENT is a URL (repeatable), e.g. the identity of a caller who may see the roadmap")
	var maxBeta, sunsetWithin days
	fs.Var(&maxBeta, "max-beta", "report beta routes older than this (e.g. 90d); off when unset")
	fs.Var(&sunsetWithin, "sunset-within", "report deprecated routes whose sunset is this close (e.g. 30d); off when unset")
	nowFlag := fs.String("now", "", "check dates against this `time` (RFC 3339 or YYYY-MM-DD) instead of the current time")
	samples := fs.Int("samples", lifecycle.DefaultSamples, "synthetic evaluation contexts for flags whose rules are opaque")
	var allow list
	fs.Var(&allow, "allow", "finding `kinds` that do not fail the check (comma-separated, repeatable)")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), checkUsage)
		fs.PrintDefaults()
	}
	pos, err := parse(fs, args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	switch {
	case len(pos) != 1:
		return usageError{"check takes one DOCUMENT"}
	case (*flagsPath == "") == (*ofrepURL == ""):
		return usageError{"check takes one of --flags FILE or --ofrep URL"}
	case *samples < 1:
		return usageError{"--samples must be at least 1"}
	}
	opts := lifecycle.CheckOptions{MaxBeta: time.Duration(maxBeta), SunsetWithin: time.Duration(sunsetWithin), Samples: *samples, Now: time.Now()}
	if *nowFlag != "" {
		if opts.Now, err = lifecycle.ParseDate(*nowFlag); err != nil {
			return usageError{fmt.Sprintf("--now %q: want RFC 3339 or YYYY-MM-DD", *nowFlag)}
		}
	}
	table, err := readTable(ctx, pos[0], http.Header(hdr))
	if err != nil {
		return err
	}
	var flags *lifecycle.Flags
	if *flagsPath != "" {
		flags, err = lifecycle.OpenFlagFile(*flagsPath)
	} else {
		flags, err = lifecycle.OpenOFREP(ctx, *ofrepURL, lifecycle.OFREPOptions{Token: *ofrepToken})
	}
	if err != nil {
		return err
	}
	findings := lifecycle.Check(ctx, table, flags, opts)
	rep := checkReport{Document: table.Source, Flags: flags.Source, Now: opts.Now.UTC(), Findings: findings, Failed: []string{}}
	for _, f := range findings {
		if !slices.Contains(allow, f.Kind) && !slices.Contains(rep.Failed, f.Kind) {
			rep.Failed = append(rep.Failed, f.Kind)
		}
	}
	if rep.Findings == nil {
		rep.Findings = []lifecycle.Finding{}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := writeCheck(stdout, rep, allow); err != nil {
		return err
	}
	if len(rep.Failed) > 0 {
		return errFound
	}
	return nil
}

func writeCheck(w io.Writer, rep checkReport, allow []string) error {
	var b strings.Builder
	for _, f := range rep.Findings {
		mark := ""
		if slices.Contains(allow, f.Kind) {
			mark = " (allowed)"
		}
		b.WriteString(f.String() + mark + "\n")
	}
	n := len(rep.Findings)
	switch {
	case n == 0:
		fmt.Fprintf(&b, "ok: %s and %s agree\n", rep.Document, rep.Flags)
	case len(rep.Failed) == 0:
		fmt.Fprintf(&b, "ok: %d finding(s), all of allowed kinds\n", n)
	default:
		fmt.Fprintf(&b, "%d finding(s); failing kinds: %s\n", n, strings.Join(rep.Failed, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
