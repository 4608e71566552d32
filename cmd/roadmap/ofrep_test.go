package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/relayproxytest"
	"github.com/roadmap-go/roadmap/lifecycle"
	"github.com/roadmap-go/roadmap/router"
)

// TestCheckOFREP checks routes against a real GO Feature Flag relay proxy,
// an OFREP service: its rules are not published, so every verdict is
// sampled, and the flags are listed by its bulk evaluation.
func TestCheckOFREP(t *testing.T) {
	p := relayproxytest.Start(t, relayproxytest.Static(map[string]bool{"everyone": true, "nobody": false, "unused": false})+
		relayproxytest.TargetedFor("some", "roadmap-sample-3"))
	h := http.HandlerFunc(ok)
	doc := writeDocument(t, []router.Route{
		{Method: http.MethodPatch, Pattern: "/a", Stage: router.Beta, Flag: "everyone", Handler: h},
		{Method: http.MethodGet, Pattern: "/b", Stage: router.Beta, Flag: "nobody", Handler: h},
		{Method: http.MethodGet, Pattern: "/c", Stage: router.Beta, Flag: "some", Handler: h},
		{Method: http.MethodGet, Pattern: "/d", Stage: router.Planned, Flag: "absent"},
	})
	out, err := runCmd(t, "check", "--ofrep", p.URL(), "--samples", "20", "--json", doc)
	require.ErrorIs(t, err, errFound)
	var rep checkReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, p.URL(), rep.Flags)

	type got struct {
		kind, route, flag string
		verdict           lifecycle.Verdict
	}
	var findings []got
	for _, f := range rep.Findings {
		g := got{kind: f.Kind, route: f.Route, flag: f.Flag}
		if f.Verdict != nil {
			g.verdict = *f.Verdict
		}
		findings = append(findings, g)
	}
	assert.Equal(t, []got{
		{kind: lifecycle.KindPromote, route: "PATCH /a", flag: "everyone",
			verdict: lifecycle.Verdict{Reach: lifecycle.Everyone, How: "sampled", Samples: 20, On: 20}},
		{kind: lifecycle.KindMissingFlag, route: "GET /d", flag: "absent",
			verdict: lifecycle.Verdict{Reach: lifecycle.Unknown, How: "sampled", Missing: true}},
		{kind: lifecycle.KindUnusedFlag, flag: "unused"},
	}, findings)

	// Without the service: a clear error, exit 2.
	p.Stop()
	_, err = runCmd(t, "check", "--ofrep", p.URL(), doc)
	require.ErrorIs(t, err, lifecycle.ErrFlags)
}

// TestJudgeOFREP reads the verdicts of one flag per reach.
func TestJudgeOFREP(t *testing.T) {
	p := relayproxytest.Start(t, relayproxytest.Static(map[string]bool{"everyone": true, "nobody": false})+
		relayproxytest.TargetedFor("some", "roadmap-sample-3"))
	flags, err := lifecycle.OpenOFREP(t.Context(), p.URL(), lifecycle.OFREPOptions{})
	require.NoError(t, err)
	var keys []string
	for _, f := range flags.Listed {
		keys = append(keys, f.Key+":"+f.Kind)
	}
	assert.Equal(t, []string{"everyone:boolean", "nobody:boolean", "some:boolean"}, keys)
	for key, want := range map[string]lifecycle.Verdict{
		"everyone": {Reach: lifecycle.Everyone, How: "sampled", Samples: 10, On: 10},
		"nobody":   {Reach: lifecycle.Nobody, How: "sampled", Samples: 10},
		"some":     {Reach: lifecycle.Some, How: "sampled", Samples: 10, On: 1},
	} {
		assert.Equal(t, want, flags.Judge(t.Context(), key, 10), key)
	}
}
