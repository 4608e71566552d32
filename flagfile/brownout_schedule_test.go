package flagfile_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"testing/synctest"
	"time"

	"github.com/open-feature/flagd/core/pkg/evaluator"
	flaglogger "github.com/open-feature/flagd/core/pkg/logger"
	"github.com/open-feature/flagd/core/pkg/store"
	flagdsync "github.com/open-feature/flagd/core/pkg/sync"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/roadmap-go/roadmap/flagfile"
)

// scheduleFile is the graduated brownout schedule docs/retiring-routes.md
// documents.
const (
	scheduleFile = "../docs/flags/users-v0-brownout.json"
	scheduleFlag = "users-v0-brownout"
)

// evaluateAt evaluates the schedule's flag for each targeting key with
// flagd's own evaluator (the one flagd's in-process provider runs) at the
// instant at. flagd reads $flagd.timestamp from time.Now and has no clock
// to inject, so the evaluation runs in a testing/synctest bubble, whose
// fake clock the test moves to at by sleeping (in virtual time: no wall
// clock waits).
func evaluateAt(t *testing.T, data []byte, at time.Time, keys ...string) []bool {
	t.Helper()
	var out []bool
	synctest.Test(t, func(t *testing.T) {
		time.Sleep(time.Until(at))
		require.Equal(t, at.Unix(), time.Now().Unix(), "the bubble's clock")
		log := flaglogger.NewLogger(zap.NewNop(), false)
		st, err := store.NewStore(log, []string{"schedule"})
		require.NoError(t, err)
		eval := evaluator.NewJSON(log, st)
		require.NoError(t, eval.SetState(flagdsync.DataSync{FlagData: string(data), Source: "schedule"}))
		for _, k := range keys {
			v, _, _, _, err := eval.ResolveBooleanValue(context.Background(), "test", scheduleFlag, map[string]any{"targetingKey": k})
			require.NoError(t, err)
			out = append(out, v)
		}
	})
	return out
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestBrownoutSchedule runs the documented schedule at fixed instants: off
// before it starts, an hour a week (Tuesdays 14:00-15:00 UTC), then a day a
// week (Tuesdays), then half the requests, then on for good at the sunset.
func TestBrownoutSchedule(t *testing.T) {
	data, err := os.ReadFile(scheduleFile)
	require.NoError(t, err)
	require.NoError(t, flagfile.Validate(data, scheduleFlag), "the documented file is one flagfile applies")

	tests := []struct {
		at   string
		want bool
		why  string
	}{
		{"2029-09-03T14:30:00Z", false, "before the schedule"},
		{"2029-09-04T13:59:59Z", false, "phase 1, Tuesday before the hour"},
		{"2029-09-04T14:00:00Z", true, "phase 1, the hour starts"},
		{"2029-09-04T14:59:59Z", true, "phase 1, the hour's last second"},
		{"2029-09-04T15:00:00Z", false, "phase 1, the hour is over"},
		{"2029-09-05T14:30:00Z", false, "phase 1, Wednesday"},
		{"2029-10-30T14:30:00Z", true, "phase 1, a later Tuesday"},
		{"2029-11-05T14:30:00Z", false, "phase 1, the Monday before phase 2"},
		{"2029-11-06T00:00:00Z", true, "phase 2, Tuesday starts"},
		{"2029-11-06T09:00:00Z", true, "phase 2, all Tuesday"},
		{"2029-11-06T23:59:59Z", true, "phase 2, Tuesday's last second"},
		{"2029-11-07T00:00:00Z", false, "phase 2, Wednesday"},
		{"2029-11-27T12:00:00Z", true, "phase 2, the last Tuesday"},
		{"2030-01-01T00:00:00Z", true, "the sunset: on for good (the router answers 410 anyway)"},
	}
	for _, tc := range tests {
		t.Run(tc.at, func(t *testing.T) {
			at := utc(tc.at)
			got := evaluateAt(t, data, at, "acme")
			assert.Equal(t, tc.want, got[0], "%s (%s): got %v, want %v", tc.at, tc.why, got[0], tc.want)
		})
	}
	for _, at := range []string{"2029-09-04T14:00:00Z", "2029-11-06T00:00:00Z"} {
		assert.Equal(t, time.Tuesday, utc(at).Weekday(), "%s is a Tuesday", at)
	}
}

// TestBrownoutScheduleHalf checks phase 3: at one instant about half the
// callers are browned out, and one caller is browned out for about half of
// its requests over time.
func TestBrownoutScheduleHalf(t *testing.T) {
	data, err := os.ReadFile(scheduleFile)
	require.NoError(t, err)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprintf("caller-%d", i)
	}
	on := 0
	for _, v := range evaluateAt(t, data, utc("2029-12-10T10:00:00Z"), keys...) {
		if v {
			on++
		}
	}
	assert.InDelta(t, 500, on, 60, "half the callers at one instant: got %d of 1000", on)

	onOverTime := 0
	start := utc("2029-12-10T10:00:00Z")
	for i := range 200 {
		if evaluateAt(t, data, start.Add(time.Duration(i)*time.Second), "acme")[0] {
			onOverTime++
		}
	}
	assert.InDelta(t, 100, onOverTime, 25, "half of one caller's requests over 200 s: got %d", onOverTime)
}
