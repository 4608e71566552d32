package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/lifecycle"
	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/router"
)

func ok(w http.ResponseWriter, _ *http.Request) {}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// checkRoutes exercise every kind of finding against testdata/check-flags.json
// at checkNow.
func checkRoutes() []router.Route {
	h := http.HandlerFunc(ok)
	return []router.Route{
		{Method: http.MethodPatch, Pattern: "/a", Stage: router.Beta, Flag: "on-static", Handler: h, BetaSince: date("2026-01-01")},
		{Method: http.MethodPut, Pattern: "/b", Stage: router.Planned, Flag: "split-100", Handler: h},
		{Method: http.MethodPost, Pattern: "/c", Stage: router.Beta, Flag: "if-all-on", Handler: h, BetaSince: date("2026-11-01")},
		{Method: http.MethodGet, Pattern: "/d", Stage: router.Beta, Flag: "opaque-on", Handler: h},
		{Method: http.MethodGet, Pattern: "/e", Stage: router.Beta, Flag: "opaque-some", Handler: h, BetaSince: date("2026-10-01")},
		{Method: http.MethodGet, Pattern: "/e2", Stage: router.Beta, Flag: "disabled", Handler: h, BetaSince: date("2026-10-01")},
		{Method: http.MethodGet, Pattern: "/f", Stage: router.Live, Flag: "live-flag", Handler: h},
		{Method: http.MethodGet, Pattern: "/g", Stage: router.Planned, Flag: "stringy"},
		{Method: http.MethodGet, Pattern: "/h", Stage: router.Planned, Flag: "absent"},
		{Method: http.MethodGet, Pattern: "/i", Stage: router.Planned, Flag: "launched", Handler: h, LiveFrom: date("2026-06-01")},
		{Method: http.MethodGet, Pattern: "/old", Stage: router.Deprecated, Handler: h, Deprecation: date("2026-01-01"), Sunset: date("2026-12-20"), Successor: "/new"},
		{Method: http.MethodGet, Pattern: "/older", Stage: router.Deprecated, Handler: h, Deprecation: date("2025-01-01"), Sunset: date("2026-06-01")},
	}
}

const checkNow = "2026-12-03"

// writeDocument writes the OpenAPI document of routes, as the openapi
// package generates it, to a file and returns its path.
func writeDocument(t *testing.T, routes []router.Route) string {
	t.Helper()
	// The document evaluates no flag: a client of the SDK's no-op provider.
	rt, err := router.New(routes, router.Config{Flags: openfeature.NewClient(t.Name())})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	b, err := json.MarshalIndent(openapi.Document(rt, openapi.Options{}), "", "  ")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "openapi.json")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(t.Context(), args, &out, &errOut)
	assert.Empty(t, errOut.String(), "run writes to stderr only through exitCode")
	return out.String(), err
}

func TestCheck(t *testing.T) {
	doc := writeDocument(t, checkRoutes())
	out, err := runCmd(t, "check", "--flags", "testdata/check-flags.json", "--now", checkNow,
		"--max-beta", "90d", "--sunset-within", "30d", "--json", doc)
	require.ErrorIs(t, err, errFound)
	var rep checkReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))

	type got struct{ kind, route, flag, how string }
	var findings []got
	for _, f := range rep.Findings {
		g := got{f.Kind, f.Route, f.Flag, ""}
		if f.Verdict != nil {
			g.how = f.Verdict.How
		}
		findings = append(findings, g)
	}
	assert.Equal(t, []got{
		{lifecycle.KindBetaTooLong, "PATCH /a", "on-static", ""},
		{lifecycle.KindPromote, "PATCH /a", "on-static", "static"},
		{lifecycle.KindPromote, "PUT /b", "split-100", "static"},
		{lifecycle.KindPromote, "POST /c", "if-all-on", "static"},
		{lifecycle.KindBetaUndated, "GET /d", "opaque-on", ""},
		{lifecycle.KindPromote, "GET /d", "opaque-on", "sampled"},
		{lifecycle.KindRemoveFlag, "GET /f", "live-flag", ""},
		{lifecycle.KindFlagType, "GET /g", "stringy", "static"},
		{lifecycle.KindMissingFlag, "GET /h", "absent", "static"},
		{lifecycle.KindRemoveFlag, "GET /i", "launched", ""},
		{lifecycle.KindSunsetSoon, "GET /old", "", ""},
		{lifecycle.KindPastSunset, "GET /older", "", ""},
		{lifecycle.KindUnusedFlag, "", "unused", ""},
	}, findings)
	for _, f := range rep.Findings {
		assert.NotEmpty(t, f.Fix, "%s has no fix", f.Kind)
		if f.Kind == lifecycle.KindPromote && f.Verdict.How == "sampled" {
			assert.Equal(t, lifecycle.Verdict{Reach: lifecycle.Everyone, How: "sampled", Samples: lifecycle.DefaultSamples, On: lifecycle.DefaultSamples}, *f.Verdict)
		}
		if f.Kind == lifecycle.KindUnusedFlag || f.Kind == lifecycle.KindRemoveFlag {
			assert.Regexp(t, `^testdata/check-flags.json:\d+$`, f.Where, "a flag finding points at the flag's line")
		} else {
			assert.Regexp(t, `openapi.json:\d+$`, f.Where, "a route finding points at the operation's line")
		}
	}
	assert.ElementsMatch(t, []string{"beta-too-long", "promote", "beta-undated", "remove-flag", "flag-type", "missing-flag", "sunset-soon", "past-sunset", "unused-flag"}, rep.Failed)
}

func TestCheckText(t *testing.T) {
	doc := writeDocument(t, checkRoutes()[:1])
	out, err := runCmd(t, "check", "--flags", "testdata/check-flags.json", "--now", checkNow, doc, "--allow", "unused-flag")
	require.ErrorIs(t, err, errFound)
	assert.Contains(t, out, "promote: PATCH /a: the route is beta but its flag is on for everyone (static); promote the route to Live")
	assert.Contains(t, out, "unused-flag: no route in "+doc+" references the flag; delete it from testdata/check-flags.json")
	assert.Contains(t, out, "(allowed)\n")
	assert.True(t, strings.HasSuffix(out, "failing kinds: promote\n"), out)

	out, err = runCmd(t, "check", "--flags", "testdata/check-flags.json", "--allow", "promote,unused-flag", doc)
	require.NoError(t, err)
	assert.Contains(t, out, "all of allowed kinds")
}

// TestCheckURL reads the document from a running server's /openapi.json,
// served by the openapi package's Handler.
func TestCheckURL(t *testing.T) {
	h := http.HandlerFunc(ok)
	rt, err := router.New([]router.Route{
		{Method: http.MethodPatch, Pattern: "/a", Stage: router.Beta, Flag: "opaque-some", Handler: h},
		{Method: http.MethodGet, Pattern: "/f", Stage: router.Live, Handler: h},
	}, router.Config{Flags: openfeature.NewClient(t.Name()), Roadmap: func(r *http.Request) bool { return r.Header.Get("X-Staff") == "yes" }})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	spec, err := openapi.NewHandler(rt, openapi.Options{})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("GET /openapi.json", spec)
	mux.HandleFunc("GET /junk", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("{\n  \"openapi\": 3,\n")) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	// As staff the beta is documented and its flag is referenced; without
	// the header the beta is hidden and its flag looks unused.
	out, err := runCmd(t, "check", "--flags", "testdata/check-flags.json", "--header", "X-Staff: yes", "--json", srv.URL+"/openapi.json")
	require.ErrorIs(t, err, errFound)
	var staff checkReport
	require.NoError(t, json.Unmarshal([]byte(out), &staff))
	assert.Equal(t, srv.URL+"/openapi.json", staff.Document)
	assert.NotContains(t, unusedFlags(staff), "opaque-some")

	out, err = runCmd(t, "check", "--flags", "testdata/check-flags.json", "--json", srv.URL+"/openapi.json")
	require.ErrorIs(t, err, errFound)
	var public checkReport
	require.NoError(t, json.Unmarshal([]byte(out), &public))
	assert.Contains(t, unusedFlags(public), "opaque-some")

	_, err = runCmd(t, "check", "--flags", "testdata/check-flags.json", srv.URL+"/missing")
	require.ErrorIs(t, err, lifecycle.ErrFetch)
	assert.ErrorContains(t, err, "404 Not Found")
	_, err = runCmd(t, "check", "--flags", "testdata/check-flags.json", srv.URL+"/junk")
	require.ErrorIs(t, err, lifecycle.ErrDocument)
	assert.ErrorContains(t, err, srv.URL+"/junk:2:16: ")
	srv.Close()
	_, err = runCmd(t, "check", "--flags", "testdata/check-flags.json", srv.URL+"/openapi.json")
	require.ErrorIs(t, err, lifecycle.ErrFetch)
}

func unusedFlags(rep checkReport) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.Kind == lifecycle.KindUnusedFlag {
			out = append(out, f.Flag)
		}
	}
	return out
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantErr  error
		contains []string
	}{
		{"same", []string{"testdata/demo-openapi-v1.json", "testdata/demo-openapi-v1.json"}, nil,
			[]string{"No lifecycle changes."}},
		{"forward", []string{"testdata/demo-openapi-v1.json", "testdata/demo-openapi-next.json"}, nil, []string{
			"## Added\n\n- `GET /api/reports` (List reports): planned, flag reports-list, available v2.2\n",
			"- `PATCH /api/users/{id}` (Partial user update): beta → live\n",
			"- `PUT /api/reports/export` (Report export): planned → beta\n",
			"- `PUT /api/reports/export` (Report export): betaSince none → 2026-12-01\n",
			"- `GET /api/v0/users/{id}` (Get user (v0)): sunset 2030-01-01 → 2030-06-01\n",
		}},
		{"regressions", []string{"testdata/demo-openapi-v1.json", "testdata/demo-openapi-regressed.json"}, errFound, []string{
			"## Regressions\n\n",
			"- **`GET /api/feature`**: live → beta — a stage never moves backwards\n",
			"- **`GET /api/v0/reports` (Reports (v0))**: removed → live — a removed route came back",
			"- **`GET /api/v0/users/{id}` (Get user (v0))**: sunset 2030-01-01 → 2029-01-01 — the sunset moved earlier",
			"## Dropped\n\n- `DELETE /api/feature`: was planned",
		}},
		{"regressions allowed", []string{"--allow", "testdata/demo-openapi-v1.json", "testdata/demo-openapi-regressed.json"}, nil,
			[]string{"## Regressions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runCmd(t, append([]string{"diff"}, tt.args...)...)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			for _, s := range tt.contains {
				assert.Contains(t, out, s)
			}
		})
	}
}

func TestDiffJSON(t *testing.T) {
	out, err := runCmd(t, "diff", "--json", "testdata/demo-openapi-v1.json", "testdata/demo-openapi-regressed.json")
	require.ErrorIs(t, err, errFound)
	var log lifecycle.Changelog
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	var regressions []string
	for _, ch := range log.Regressions() {
		regressions = append(regressions, ch.Route+" "+ch.Field)
	}
	assert.Equal(t, []string{"GET /api/feature stage", "GET /api/v0/reports stage", "GET /api/v0/users/{id} sunset"}, regressions)
}

func TestUsageAndErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		stdout   string // substring of stdout
		stderr   string // substring of stderr
	}{
		{"help", []string{"--help"}, 0, "Usage:", ""},
		{"-h", []string{"-h"}, 0, "roadmap check", ""},
		{"check -h", []string{"check", "-h"}, 0, "-max-beta", ""},
		{"diff --help", []string{"diff", "--help"}, 0, "Regressions", ""},
		{"no subcommand", nil, exitUsage, "", "no subcommand"},
		{"unknown subcommand", []string{"lint"}, exitUsage, "", `unknown subcommand "lint"`},
		{"unknown option", []string{"check", "--frobnicate"}, exitUsage, "", "flag provided but not defined: -frobnicate"},
		{"no flag source", []string{"check", "testdata/demo-openapi-v1.json"}, exitUsage, "", "one of --flags FILE or --ofrep URL"},
		{"bad duration", []string{"check", "--max-beta", "soon", "x"}, exitUsage, "", `invalid duration "soon"`},
		{"bad now", []string{"check", "--flags", "f", "--now", "tomorrow", "x"}, exitUsage, "", `--now "tomorrow"`},
		{"diff one document", []string{"diff", "testdata/demo-openapi-v1.json"}, exitUsage, "", "two documents"},
		{"missing document", []string{"check", "--flags", "testdata/check-flags.json", "testdata/nope.json"}, exitUsage, "", "testdata/nope.json: no such file"},
		{"document syntax", []string{"check", "--flags", "testdata/check-flags.json", "testdata/bad/doc-syntax.json"}, exitUsage, "",
			"testdata/bad/doc-syntax.json:5:75: not a valid OpenAPI document: invalid character ']'"},
		{"document stage", []string{"diff", "testdata/bad/doc-stage.json", "testdata/demo-openapi-v1.json"}, exitUsage, "",
			"testdata/bad/doc-stage.json:6: GET /a: invalid x-lifecycle"},
		{"document sunset", []string{"diff", "testdata/bad/doc-stage.json", "testdata/demo-openapi-v1.json"}, exitUsage, "",
			`testdata/bad/doc-stage.json:12: GET /b: invalid x-lifecycle: sunset "soon" is not an RFC 3339 time or date`},
		{"not openapi", []string{"diff", "testdata/bad/doc-notopenapi.json", "testdata/demo-openapi-v1.json"}, exitUsage, "", "not a valid OpenAPI document"},
		{"flag syntax", []string{"check", "--flags", "testdata/bad/flags-syntax.json", "testdata/demo-openapi-v1.json"}, exitUsage, "",
			"testdata/bad/flags-syntax.json: cannot read the flags: flag file is not valid JSON: line 5, column 33"},
		{"flag schema", []string{"check", "--flags", "testdata/bad/flags-schema.json", "testdata/demo-openapi-v1.json"}, exitUsage, "",
			"testdata/bad/flags-schema.json: cannot read the flags: flag file does not match the flagd schema: line 3: "},
		{"missing flag file", []string{"check", "--flags", "testdata/nope.json", "testdata/demo-openapi-v1.json"}, exitUsage, "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := exitCode(run(t.Context(), tt.args, &out, &errOut), &errOut)
			assert.Equal(t, tt.wantCode, code, "stdout: %s\nstderr: %s", out.String(), errOut.String())
			assert.Contains(t, out.String(), tt.stdout)
			assert.Contains(t, errOut.String(), tt.stderr)
		})
	}
}

func TestExitCode(t *testing.T) {
	var b bytes.Buffer
	assert.Equal(t, 0, exitCode(nil, &b))
	assert.Equal(t, exitFound, exitCode(errFound, &b))
	assert.Empty(t, b.String(), "findings are reported by the subcommand, not again")
	assert.Equal(t, exitUsage, exitCode(errors.New("boom"), &b))
	assert.Equal(t, "roadmap: boom\n", b.String())
}
