// Package flagfile reads OpenFeature flags from a flagd-format flag file
// (https://flagd.dev/reference/flag-definitions/) in a way that survives the
// edits people and tools actually make.
//
// The flagd Go provider's own file mode (v0.6.0) stops watching a file that
// is deleted and never sees it again, fails for good when the file is missing
// at start, and stays in the ERROR state after any broken edit. A [Source]
// instead watches the file's directory, validates every new version
// ([Validate]: JSON syntax, the flagd schema, flagd's evaluator, and flag
// types), and feeds only valid versions to a flagd in-process provider
// through flagd's custom sync interface. In between, the last good flags stay
// in force:
//
//   - invalid JSON, a truncated or empty write, a file that is not flagd's
//     shape, a flag of the wrong type: rejected, logged once, last good flags
//     kept; the next valid edit applies;
//   - a deleted file: logged once, last good flags kept; the file applies
//     again as soon as it is created again;
//   - an atomic rename (write a temporary file, rename it over the flag
//     file, as editors and config tools do) and Kubernetes ConfigMap symlink
//     swaps: applied once, complete.
//
// Writes are debounced (Options.Debounce), so a file written in several
// steps is read once it is quiet.
//
// This package depends on the flagd provider and flagd's core; the roadmap
// core packages (router, flags, stub) do not, so applications that use
// another OpenFeature provider never import it.
//
// # Example
//
//	src, err := flagfile.Open("flags.json", flagfile.Options{
//		Logger:  logger,
//		Boolean: []string{"reports-export", "users-patch"},
//	})
//	if err != nil {
//		return err // missing or invalid at start: say so and stop
//	}
//	provider, err := src.Provider()
//	if err != nil {
//		return err
//	}
//	if err := openfeature.SetNamedProviderAndWait("api", provider); err != nil {
//		return err
//	}
//	rt, err := router.New(routes, router.Config{Flags: openfeature.NewClient("api")})
//
// # Missing at start
//
// By default [Open] fails when the file does not exist, which catches a
// mistyped path at start-up. With Options.AllowMissing the Source starts with
// no flags (every gated route stays off, fail-closed), logs that once, and
// applies the file when it appears.
package flagfile
