package router

import "fmt"

// Stage is the lifecycle stage of one route (one method on one pattern).
//
// The zero value is [Planned], the most conservative stage: the route is
// declared but not served.
type Stage int

const (
	// Planned routes are on the roadmap but not served: they answer 501 Not
	// Implemented, unless they declare a handler and their flag evaluates
	// true for the request (the flip).
	Planned Stage = iota
	// Beta routes are served where their flag evaluates true for the
	// request, and answer like Planned routes elsewhere.
	Beta
	// Live routes are always served; their flag, if any, is never consulted.
	Live
	// Deprecated routes are served with Deprecation, Sunset and Link
	// (rel="deprecation", rel="successor-version") headers, and answer like
	// Removed routes once their Sunset has passed and where the flag named by
	// their Brownout is on.
	Deprecated
	// Removed routes answer 410 Gone.
	Removed
)

var stageNames = [...]string{"planned", "beta", "live", "deprecated", "removed"}

// String returns the stage's lower-case name, e.g. "planned".
func (s Stage) String() string {
	if s < 0 || int(s) >= len(stageNames) {
		return fmt.Sprintf("Stage(%d)", int(s))
	}
	return stageNames[s]
}

// valid reports whether s is one of the declared constants.
func (s Stage) valid() bool { return s >= 0 && int(s) < len(stageNames) }

// ParseStage returns the stage named s ("planned", "beta", "live",
// "deprecated" or "removed").
func ParseStage(s string) (Stage, error) {
	for i, n := range stageNames {
		if n == s {
			return Stage(i), nil
		}
	}
	return Planned, fmt.Errorf("%w: %q", ErrStage, s)
}

// MarshalText implements [encoding.TextMarshaler].
func (s Stage) MarshalText() ([]byte, error) {
	if !s.valid() {
		return nil, fmt.Errorf("%w: %d", ErrStage, int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (s *Stage) UnmarshalText(b []byte) error {
	v, err := ParseStage(string(b))
	if err == nil {
		*s = v
	}
	return err
}
