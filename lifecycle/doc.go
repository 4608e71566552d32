// Package lifecycle checks a route table against its flags and compares
// route tables between releases. It is the library behind the roadmap
// command (cmd/roadmap), for tests and tools that want the findings as
// values.
//
// A route table ([Table]) is read from an OpenAPI document with an
// x-lifecycle extension on each operation, as the openapi package writes it:
// from a file ([ReadTable]) or from a running server ([FetchTable]). A flag
// source ([Flags]) is a flagd flag file, parsed with [flagfile.Parse] (the
// validation servers apply), or an OFREP flag service ([OpenOFREP]).
//
// [Check] reports routes and flags that drifted apart: betas on for
// everyone (promote them), live routes that still have a flag, flags that
// gate nothing, missing or non-boolean flags, betas older than a limit,
// deprecated routes past or near their sunset. Whether a flag is on for
// everyone is read from the flag file's rules where they decide ("static"),
// and otherwise found by evaluating the flag with flagd's evaluator (or the
// OFREP provider) for many synthetic targeting keys ("sampled"); each
// finding says which.
//
// [Diff] lists the lifecycle changes between two tables (routes added, stage
// transitions, moved dates) and flags regressions: a stage that moves
// backwards, a live route dropped, a sunset moved earlier.
//
// This package depends on kin-openapi, flagd and the OFREP provider; the
// roadmap core packages (router, flags, stub) do not import it.
//
// # Example
//
//	table, err := lifecycle.FetchTable(ctx, nil, "http://127.0.0.1:8080/openapi.json", nil)
//	...
//	flags, err := lifecycle.OpenFlagFile("flags.json")
//	...
//	for _, f := range lifecycle.Check(ctx, table, flags, lifecycle.CheckOptions{MaxBeta: 90 * 24 * time.Hour}) {
//		fmt.Println(f)
//	}
package lifecycle
