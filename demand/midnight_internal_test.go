package demand

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMidnight: with the real clock, counting uses the day the midnight
// timer set, and the timer's run moves it to the clock's day and re-arms
// the timer (until Close).
func TestMidnight(t *testing.T) {
	c := New(func(*http.Request) string { return "" }, Options{Secret: []byte("s")})
	require.NotNil(t, c.timer, "the real clock has a midnight timer")
	before := dayOf(time.Now())
	assert.Contains(t, []Day{before, before + 1}, c.day())

	c.today.Store(int64(before - 3)) // as if three midnights had been missed
	c.midnight()
	after := dayOf(time.Now())
	assert.Contains(t, []Day{before, after}, c.day(), "the timer's run reads the clock")

	c.Close()
	c.today.Store(int64(before - 3))
	c.midnight() // a run racing Close does nothing but roll no more
	assert.Equal(t, before-3, c.day(), "closed: no more rolling")

	fixed := New(func(*http.Request) string { return "" }, Options{Now: func() time.Time { return time.Unix(0, 0) }})
	assert.Nil(t, fixed.timer, "an injected clock needs no timer")
	assert.Equal(t, Day(0), fixed.day())
	fixed.Close()
}
