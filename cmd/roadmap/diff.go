package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"

	"github.com/roadmap-go/roadmap/lifecycle"
)

const diffUsage = `Usage: roadmap diff [--json] [--allow] [--header "Name: value"] OLD NEW

Compares the routes of two OpenAPI documents with x-lifecycle (files, or URLs
of running servers' /openapi.json) and writes a changelog in Markdown: routes
added, stage transitions (planned -> beta -> live, live -> deprecated,
-> removed), new or moved available, liveFrom, betaSince, deprecation and
sunset dates, routes dropped.

Regressions (a stage that moves backwards, a removed route back, a live or
deprecated route dropped without being removed, a sunset moved earlier) are
listed first and exit 1 unless --allow. It compares lifecycles only: for
breaking changes in schemas use oasdiff beside it (the openapi package writes
oasdiff's x-stability-level and x-sunset).

Options:
`

func runDiff(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("roadmap diff", flag.ContinueOnError)
	allow := fs.Bool("allow", false, "exit 0 even when there are regressions")
	asJSON := fs.Bool("json", false, "write the changelog as JSON")
	hdr := headers{}
	fs.Var(hdr, "header", "`Name: value` header sent when a document is a URL (repeatable)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), diffUsage)
		fs.PrintDefaults()
	}
	pos, err := parse(fs, args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"diff takes two documents, OLD and NEW"}
	}
	var tables [2]*lifecycle.Table
	for i, src := range pos {
		if tables[i], err = readTable(ctx, src, http.Header(hdr)); err != nil {
			return err
		}
	}
	log := lifecycle.Diff(tables[0], tables[1])
	if log.Changes == nil {
		log.Changes = []lifecycle.Change{}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(log)
	} else {
		err = log.WriteMarkdown(stdout)
	}
	if err != nil {
		return err
	}
	if len(log.Regressions()) > 0 && !*allow {
		return errFound
	}
	return nil
}
