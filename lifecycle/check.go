package lifecycle

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/roadmap-go/roadmap/router"
)

// Kinds of [Finding].
const (
	// KindPromote: a Planned or Beta route whose flag is on for everyone.
	KindPromote = "promote"
	// KindRemoveFlag: a route in force Live (or later) whose flag is still
	// in the flag source.
	KindRemoveFlag = "remove-flag"
	// KindUnusedFlag: a flag no route references.
	KindUnusedFlag = "unused-flag"
	// KindMissingFlag: a Planned or Beta route whose flag the source lacks.
	KindMissingFlag = "missing-flag"
	// KindFlagType: a route's flag is not boolean.
	KindFlagType = "flag-type"
	// KindFlagError: a route's flag could not be evaluated.
	KindFlagError = "flag-error"
	// KindBetaTooLong: a Beta route older than CheckOptions.MaxBeta.
	KindBetaTooLong = "beta-too-long"
	// KindBetaUndated: a Beta route without betaSince, while
	// CheckOptions.MaxBeta is set.
	KindBetaUndated = "beta-undated"
	// KindPastSunset: a Deprecated route whose sunset has passed.
	KindPastSunset = "past-sunset"
	// KindSunsetSoon: a Deprecated route whose sunset is within
	// CheckOptions.SunsetWithin.
	KindSunsetSoon = "sunset-soon"
)

// Finding is one problem [Check] found. Each names the route and the flag
// it is about, and the fix.
type Finding struct {
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Route is "METHOD /path", or "" for a flag no route references.
	Route string `json:"route,omitempty"`
	// Flag is the flag key, or "".
	Flag string `json:"flag,omitempty"`
	// Problem says what is wrong; Fix what to do about it.
	Problem string `json:"problem"`
	Fix     string `json:"fix"`
	// Verdict is how the flag was judged, for flag findings.
	Verdict *Verdict `json:"verdict,omitempty"`
	// Where is "file:line" of the route or the flag, when known.
	Where string `json:"where,omitempty"`
}

// String returns the finding on one line: "where: route: problem; fix".
func (f Finding) String() string {
	var b strings.Builder
	if f.Where != "" {
		b.WriteString(f.Where + ": ")
	}
	b.WriteString(f.Kind + ": ")
	if f.Route != "" {
		b.WriteString(f.Route + ": ")
	}
	b.WriteString(f.Problem + "; " + f.Fix)
	return b.String()
}

// CheckOptions configures [Check]. The zero value checks at time.Now() with
// DefaultSamples and no age limits.
type CheckOptions struct {
	// Now is the time the dates are checked against; zero means time.Now().
	Now time.Time
	// MaxBeta, if positive, is the longest a route may stay Beta (from its
	// betaSince).
	MaxBeta time.Duration
	// SunsetWithin, if positive, reports Deprecated routes whose sunset is
	// that close.
	SunsetWithin time.Duration
	// Samples is how many synthetic evaluation contexts a flag whose rules
	// are opaque is evaluated for; zero means DefaultSamples.
	Samples int
}

// DefaultSamples is CheckOptions.Samples when zero.
const DefaultSamples = 1000

// Check compares a route table with a flag source and returns its findings,
// by route in the table's order, then by kind (flags no route references
// last):
//
//   - a Planned or Beta route whose flag is on for everyone: promote it;
//   - a route in force Live, Deprecated or Removed whose flag is still in the
//     source: remove the flag (and, after LiveFrom, declare the route Live);
//   - a flag no route references; a route whose flag is missing, not
//     boolean, or fails to evaluate;
//   - a Beta route older than MaxBeta (or without betaSince when MaxBeta is
//     set);
//   - a Deprecated route past its sunset, or whose sunset is within
//     SunsetWithin.
//
// Flags are judged by [Flags.Judge]: statically where the file's rules
// decide, else sampled, as each finding's Verdict says.
func Check(ctx context.Context, t *Table, flags *Flags, opts CheckOptions) []Finding {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	samples := cmp.Or(opts.Samples, DefaultSamples)
	var out []Finding
	referenced := map[string]bool{}
	verdicts := map[string]Verdict{}
	judge := func(key string) Verdict {
		v, ok := verdicts[key]
		if !ok {
			v = flags.Judge(ctx, key, samples)
			verdicts[key] = v
		}
		return v
	}
	for _, o := range t.Operations {
		start := len(out)
		where := ""
		if o.Line > 0 {
			where = fmt.Sprintf("%s:%d", t.Source, o.Line)
		}
		add := func(f Finding) {
			f.Route = o.ID()
			if f.Where == "" {
				f.Where = where
			}
			out = append(out, f)
		}
		if o.Brownout != "" {
			referenced[o.Brownout] = true
		}
		if o.Flag != "" {
			referenced[o.Flag] = true
		}
		inForce := o.StageAt(now)
		switch {
		case o.Flag != "" && inForce >= router.Live:
			if fi, ok := flags.listed(o.Flag); ok {
				fix := "delete the flag from " + flags.Source + " and the route's Flag field"
				problem := fmt.Sprintf("the route is %s and its flag is never read", inForce)
				if inForce != o.Stage {
					problem = fmt.Sprintf("the route is declared %s, live since its liveFrom %s, and its flag is never read", o.Stage, day(o.LiveFrom))
					fix = "declare the route Live, then " + fix
				}
				add(Finding{Kind: KindRemoveFlag, Flag: o.Flag, Problem: problem, Fix: fix, Where: flagWhere(flags, fi)})
			}
		case o.Flag != "" && (inForce == router.Planned || inForce == router.Beta):
			v := judge(o.Flag)
			switch {
			case v.Missing:
				add(Finding{Kind: KindMissingFlag, Flag: o.Flag, Verdict: &v,
					Problem: "the flag is not in " + flags.Source + ", so the route is off for everyone",
					Fix:     "add a boolean flag " + quote(o.Flag) + " to " + flags.Source + ", or correct the route's Flag"})
			case v.Kind != "":
				add(Finding{Kind: KindFlagType, Flag: o.Flag, Verdict: &v,
					Problem: "the flag is " + v.Kind + ", not boolean: the route stays off",
					Fix:     "make " + quote(o.Flag) + " a boolean flag (variants true and false)"})
			case v.Reach == Unknown:
				add(Finding{Kind: KindFlagError, Flag: o.Flag, Verdict: &v,
					Problem: "the flag cannot be evaluated: " + v.Err,
					Fix:     "fix the flag's definition in " + flags.Source})
			case v.Reach == Everyone:
				add(Finding{Kind: KindPromote, Flag: o.Flag, Verdict: &v,
					Problem: fmt.Sprintf("the route is %s but its flag is on for everyone (%s)", inForce, v.method()),
					Fix:     "promote the route to Live (Stage: router.Live) and delete the flag"})
			}
		}
		if inForce == router.Beta && opts.MaxBeta > 0 {
			switch {
			case o.BetaSince.IsZero():
				add(Finding{Kind: KindBetaUndated, Flag: o.Flag,
					Problem: "the route is beta without a betaSince date, so its age cannot be checked",
					Fix:     "declare when it entered beta (Route.BetaSince)"})
			case now.Sub(o.BetaSince) > opts.MaxBeta:
				add(Finding{Kind: KindBetaTooLong, Flag: o.Flag,
					Problem: fmt.Sprintf("the route has been beta since %s, %s (the limit is %s)", day(o.BetaSince), Days(now.Sub(o.BetaSince)), Days(opts.MaxBeta)),
					Fix:     "promote it to Live, or decide to drop it"})
			}
		}
		if o.Stage == router.Deprecated && !o.Sunset.IsZero() {
			switch left := o.Sunset.Sub(now); {
			case left <= 0:
				add(Finding{Kind: KindPastSunset,
					Problem: "the route's sunset " + day(o.Sunset) + " has passed: it answers 410 Gone",
					Fix:     "declare it Removed and delete its handler"})
			case opts.SunsetWithin > 0 && left <= opts.SunsetWithin:
				add(Finding{Kind: KindSunsetSoon,
					Problem: fmt.Sprintf("the route's sunset %s is in %s (limit %s)", day(o.Sunset), Days(left), Days(opts.SunsetWithin)),
					Fix:     "tell its clients to move to " + cmp.Or(o.Successor, "its successor") + ", or move the sunset later"})
			}
		}
		// This route's findings, by kind.
		slices.SortStableFunc(out[start:], func(a, b Finding) int { return strings.Compare(a.Kind, b.Kind) })
	}
	for _, fi := range flags.Listed {
		if referenced[fi.Key] {
			continue
		}
		out = append(out, Finding{Kind: KindUnusedFlag, Flag: fi.Key, Where: flagWhere(flags, fi),
			Problem: "no route in " + t.Source + " references the flag",
			Fix:     "delete it from " + flags.Source + " if nothing else reads it (a route kept secret while off is not in a document made for a caller it is off for)"})
	}
	return out
}

func flagWhere(f *Flags, fi FlagInfo) string {
	if fi.Line > 0 {
		return fmt.Sprintf("%s:%d", f.Source, fi.Line)
	}
	return ""
}

func quote(s string) string { return `"` + s + `"` }

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Days formats a duration in whole days ("90d"), or as Go does below a day.
func Days(d time.Duration) string {
	if d >= 24*time.Hour || d <= -24*time.Hour {
		return fmt.Sprintf("%dd", int64(d/(24*time.Hour)))
	}
	return d.Round(time.Minute).String()
}

// ParseDays parses a duration in days ("90d"), weeks ("12w") or Go's syntax
// ("36h").
func ParseDays(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			var v int64
			if _, err := fmt.Sscanf(n, "%d", &v); err != nil || fmt.Sprint(v) != n || v < 0 {
				return 0, fmt.Errorf("invalid duration %q", s)
			}
			return time.Duration(v) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid duration %q (use e.g. 90d, 12w or 36h)", s)
	}
	return d, nil
}
