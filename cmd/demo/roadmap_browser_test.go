package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/router"
)

// chromiumForTest returns the Chromium binary: $ROADMAP_CHROMIUM, else
// /usr/bin/chromium. Without one the test is skipped, or fails with CI=true
// (scripts/setup/20-chromium.sh installs it).
func chromiumForTest(t *testing.T) string {
	t.Helper()
	path := os.Getenv("ROADMAP_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		msg := "Chromium not found at " + path + " (set ROADMAP_CHROMIUM or run scripts/setup/20-chromium.sh): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

// TestRoadmapPageInChromium loads the demo's /roadmap in headless Chromium at
// a phone's width: every demo route is listed under its stage, the page fits
// the screen without horizontal scrolling, and a screenshot is saved.
func TestRoadmapPageInChromium(t *testing.T) {
	chromium := chromiumForTest(t)
	base := startDemoForDocs(t, docsTestFlags)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

	type section struct {
		Stage  string   `json:"stage"`
		Routes []string `json:"routes"`
	}
	require.NoError(t, chromedp.Do(browser,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(base+"/roadmap"),
		chromedp.WaitVisible(chromedp.CSS("main")),
	))
	title, err := chromedp.Run(browser, chromedp.Title())
	require.NoError(t, err)
	viewport, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.querySelector('meta[name="viewport"]')?.content ?? ""`))
	require.NoError(t, err)
	sections, err := chromedp.Run(browser, chromedp.Evaluate[[]section](`[...document.querySelectorAll('section[data-stage]')].map(s => ({
		stage: s.dataset.stage,
		routes: [...s.querySelectorAll('li.route')].map(li => li.dataset.route)}))`))
	require.NoError(t, err)
	available, err := chromedp.Run(browser, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('li.route')].filter(li => li.querySelector('.state.available')).map(li => li.dataset.route)`))
	require.NoError(t, err)
	fits, err := chromedp.Run(browser, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	require.NoError(t, err)
	shot, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	require.NoError(t, err)

	assert.Equal(t, "roadmap demo: API roadmap", title)
	assert.Contains(t, viewport, "width=device-width")
	assert.True(t, fits, "page wider than a 390px phone screen")

	want := map[string][]string{}
	for _, r := range routes() {
		if r.Off == router.OffNotFound {
			continue // secret while its flag is off for the caller
		}
		want[r.Stage.String()] = append(want[r.Stage.String()], r.Method+" "+r.Pattern)
	}
	got := map[string][]string{}
	var order []string
	for _, s := range sections {
		got[s.Stage] = s.Routes
		order = append(order, s.Stage)
	}
	assert.Equal(t, want, got, "every demo route under its stage, the secret one left out")
	assert.Equal(t, []string{"live", "beta", "planned", "deprecated", "removed"}, order)
	assert.ElementsMatch(t, []string{"GET /api/feature", "POST /api/feature", "GET /api/users/{id}", "PUT /api/users/{id}", "GET /api/v0/users/{id}"}, available,
		"anonymous caller: only live and deprecated routes are available")

	require.Greater(t, len(shot), 1000)
	path := filepath.Join(t.TempDir(), "roadmap.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))
	if dir := os.Getenv("ROADMAP_SCREENSHOTS"); dir != "" {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "roadmap.png"), shot, 0o644))
	}
}
