package lifecycle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/flagfile"
	"github.com/roadmap-go/roadmap/ofrepflags"
)

// ErrFlags: the flag source cannot be read (a flag file that
// [flagfile.Validate] rejects, an OFREP service that does not answer).
var ErrFlags = errors.New("cannot read the flags")

// FlagInfo is one flag a source lists.
type FlagInfo struct {
	// Key is the flag key.
	Key string `json:"key"`
	// Kind is the JSON type of its values ("boolean", "string", ...), or ""
	// when the source does not say.
	Kind string `json:"kind,omitempty"`
	// Line is the line of the flag in a flag file, or 0.
	Line int `json:"line,omitempty"`
}

// Flags is a flag source the checks read: a flagd flag file, or an OFREP
// flag service. A Flags is not safe for concurrent use.
type Flags struct {
	// Source is the flag file's path or the service's URL.
	Source string
	// Listed is every flag the source lists, sorted by key: all the flags
	// of a file; the flags an OFREP bulk evaluation returns.
	Listed []FlagInfo

	def   *flagfile.Definition // a file
	ofrep *ofrepflags.Provider // a service
}

// ReadFlagFile parses a flagd flag file with [flagfile.Parse], the same
// validation a running server applies. source names the file in errors.
func ReadFlagFile(source string, data []byte) (*Flags, error) {
	def, err := flagfile.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", source, ErrFlags, err)
	}
	f := &Flags{Source: source, def: def}
	for _, fl := range def.Flags {
		f.Listed = append(f.Listed, FlagInfo{Key: fl.Key, Kind: fl.Kind(), Line: fl.Line})
	}
	return f, nil
}

// OpenFlagFile reads the flag file at path with [ReadFlagFile].
func OpenFlagFile(path string) (*Flags, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFlags, err)
	}
	return ReadFlagFile(path, data)
}

// OFREPOptions configures [OpenOFREP]. The zero value sends no credentials
// and uses http.DefaultClient.
type OFREPOptions struct {
	// Token is the service's API key, sent as "Authorization: Bearer".
	Token string
	// Client is the HTTP client for every request; nil means
	// http.DefaultClient.
	Client *http.Client
}

// bulkPath is the OFREP bulk evaluation endpoint.
const bulkPath = "/ofrep/v1/evaluate/flags"

// OpenOFREP connects to the OFREP flag service at baseURL (e.g. GO Feature
// Flag's relay proxy): flags are evaluated with [ofrepflags.Provider], the
// provider servers use, and listed with one bulk evaluation. An OFREP
// service does not publish its rules, so every verdict on it is sampled.
func OpenOFREP(ctx context.Context, baseURL string, opts OFREPOptions) (*Flags, error) {
	client := opts.Client
	if client == nil {
		client = http.DefaultClient
	}
	baseURL = strings.TrimRight(baseURL, "/")
	body, _ := json.Marshal(map[string]any{"context": map[string]any{"targetingKey": sampleKey(0)}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+bulkPath, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", baseURL, ErrFlags, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if opts.Token != "" {
		req.Header.Set("Authorization", "Bearer "+opts.Token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFlags, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocumentBytes))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", baseURL, ErrFlags, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %w: bulk evaluation answered %s", baseURL, ErrFlags, resp.Status)
	}
	var bulk struct {
		Flags []struct {
			Key   string `json:"key"`
			Value any    `json:"value"`
		} `json:"flags"`
	}
	if err := json.Unmarshal(data, &bulk); err != nil {
		return nil, fmt.Errorf("%s: %w: bulk evaluation: %v", baseURL, ErrFlags, err)
	}
	f := &Flags{Source: baseURL, ofrep: ofrepflags.New(baseURL, ofrepflags.Options{Token: opts.Token, Client: opts.Client, PollInterval: -1})}
	for _, fl := range bulk.Flags {
		f.Listed = append(f.Listed, FlagInfo{Key: fl.Key, Kind: flagfile.ValueKind(fl.Value)})
	}
	slices.SortFunc(f.Listed, func(a, b FlagInfo) int { return strings.Compare(a.Key, b.Key) })
	return f, nil
}

// listed returns what the source lists of key.
func (f *Flags) listed(key string) (FlagInfo, bool) {
	i, ok := slices.BinarySearchFunc(f.Listed, key, func(fi FlagInfo, k string) int { return strings.Compare(fi.Key, k) })
	if !ok {
		return FlagInfo{}, false
	}
	return f.Listed[i], true
}

// Reach says for whom a boolean flag is on.
type Reach string

// Reaches of a flag.
const (
	// Everyone: on for every evaluation context.
	Everyone Reach = "everyone"
	// Nobody: off for every evaluation context.
	Nobody Reach = "nobody"
	// Some: on for some contexts, off for others.
	Some Reach = "some"
	// Unknown: the flag is missing, not boolean, or its evaluation failed.
	Unknown Reach = "unknown"
)

// Verdict is what the checks found out about one flag.
type Verdict struct {
	// Reach says for whom the flag is on.
	Reach Reach `json:"reach"`
	// How says how: "static" (read from the flag file's rules) or
	// "sampled" (evaluated for Samples synthetic contexts, of which On were
	// on).
	How     string `json:"how"`
	Samples int    `json:"samples,omitempty"`
	On      int    `json:"on,omitempty"`
	// Missing: the source has no such flag.
	Missing bool `json:"missing,omitempty"`
	// Kind is the flag's type when it is not boolean.
	Kind string `json:"kind,omitempty"`
	// Err is the evaluation error of a sampled verdict whose reach is
	// Unknown.
	Err string `json:"error,omitempty"`
}

// method says how the verdict was reached, for messages.
func (v Verdict) method() string {
	if v.How == "sampled" {
		return fmt.Sprintf("sampled: on for %d of %d synthetic contexts", v.On, v.Samples)
	}
	return "static"
}

// How verdicts are reached.
const (
	howStatic  = "static"
	howSampled = "sampled"
)

// sampleKey is the targeting key of the i-th synthetic context.
func sampleKey(i int) string { return "roadmap-sample-" + strconv.Itoa(i) }

// Judge decides for whom flag key is on: from the flag file's rules where
// they decide (no targeting; a fractional split or if/else whose every
// outcome is the same variant; a disabled flag), else by evaluating it for
// samples synthetic contexts (an anonymous one without targeting key, and
// samples-1 targeting keys) with flagd's evaluator or the OFREP provider.
func (f *Flags) Judge(ctx context.Context, key string, samples int) Verdict {
	if f.def != nil {
		fl, ok := f.def.Flag(key)
		if !ok {
			return Verdict{Reach: Unknown, How: howStatic, Missing: true}
		}
		if k := fl.Kind(); k != "boolean" {
			return Verdict{Reach: Unknown, How: howStatic, Kind: k}
		}
		if r := staticReach(fl); r != Unknown {
			return Verdict{Reach: r, How: howStatic}
		}
	}
	return f.sample(ctx, key, max(samples, 1))
}

func (f *Flags) sample(ctx context.Context, key string, samples int) Verdict {
	v := Verdict{How: howSampled, Samples: samples}
	for i := range samples {
		evalCtx := map[string]any{}
		if i > 0 {
			evalCtx[openfeature.TargetingKey] = sampleKey(i)
		}
		on, code, err := f.evaluate(ctx, key, evalCtx)
		switch {
		case code == openfeature.FlagNotFoundCode:
			return Verdict{Reach: Unknown, How: howSampled, Missing: true}
		case code == openfeature.TypeMismatchCode:
			return Verdict{Reach: Unknown, How: howSampled, Kind: "not boolean"}
		case err != nil:
			return Verdict{Reach: Unknown, How: howSampled, Err: err.Error()}
		}
		if on {
			v.On++
		}
	}
	switch v.On {
	case samples:
		v.Reach = Everyone
	case 0:
		v.Reach = Nobody
	default:
		v.Reach = Some
	}
	return v
}

// evaluate evaluates key as a boolean flag for evalCtx. A disabled flag is
// off, as OpenFeature clients see it.
func (f *Flags) evaluate(ctx context.Context, key string, evalCtx map[string]any) (bool, openfeature.ErrorCode, error) {
	if f.ofrep != nil {
		d := f.ofrep.BooleanEvaluation(ctx, key, false, evalCtx)
		if err := d.Error(); err != nil {
			return false, d.ResolutionDetail().ErrorCode, err
		}
		return d.Value, "", nil
	}
	val, _, err := f.def.Evaluate(ctx, key, evalCtx)
	if err != nil {
		// flagd's evaluator reports its error codes as the error's text
		// (model.FlagNotFoundErrorCode, ...), as its providers read them.
		switch code := openfeature.ErrorCode(err.Error()); code {
		case openfeature.FlagNotFoundCode, openfeature.TypeMismatchCode:
			return false, code, err
		case "FLAG_DISABLED":
			return false, "", nil
		}
		return false, openfeature.GeneralCode, err
	}
	b, ok := val.(bool)
	if !ok {
		return false, openfeature.TypeMismatchCode, fmt.Errorf("flag %q is not boolean", key)
	}
	return b, "", nil
}

// staticReach reads a boolean flag's rules: Everyone or Nobody when they
// decide, Unknown when only an evaluation can tell.
func staticReach(fl flagfile.Flag) Reach {
	if fl.State == "DISABLED" {
		return Nobody // flagd serves no value: callers get their default, false
	}
	if fl.Targeting == nil {
		return variantReach(fl, fl.DefaultVariant)
	}
	var rule any
	if err := json.Unmarshal(fl.Targeting, &rule); err != nil {
		return Unknown
	}
	outcomes, ok := ruleOutcomes(rule)
	if !ok {
		return Unknown
	}
	reach := Unknown
	for _, o := range outcomes {
		name := fl.DefaultVariant
		if o != nil {
			name = *o
		}
		r := variantReach(fl, name)
		if r == Unknown || (reach != Unknown && r != reach) {
			return Unknown
		}
		reach = r
	}
	return reach
}

// variantReach is Everyone or Nobody for a boolean variant, else Unknown.
func variantReach(fl flagfile.Flag, name string) Reach {
	switch fl.Variants[name] {
	case true:
		return Everyone
	case false:
		return Nobody
	}
	return Unknown
}

// ruleOutcomes lists the variants a targeting rule can pick (nil: none,
// flagd then serves the default variant), or false when the rule computes
// its outcome in a way only an evaluation can tell. It reads variant names,
// "if" chains and "fractional" splits.
func ruleOutcomes(rule any) ([]*string, bool) {
	switch r := rule.(type) {
	case nil:
		return []*string{nil}, true
	case string:
		return []*string{&r}, true
	case map[string]any:
		if len(r) != 1 {
			return nil, false
		}
		if args, ok := r["if"].([]any); ok {
			var out []*string
			for i := 1; i < len(args); i += 2 { // the outcome of each condition
				o, ok := ruleOutcomes(args[i])
				if !ok {
					return nil, false
				}
				out = append(out, o...)
			}
			if len(args)%2 == 0 { // no else: flagd serves the default variant
				out = append(out, nil)
			} else if len(args) > 1 {
				o, ok := ruleOutcomes(args[len(args)-1])
				if !ok {
					return nil, false
				}
				out = append(out, o...)
			}
			return out, true
		}
		if args, ok := r["fractional"].([]any); ok {
			var out []*string
			for i, a := range args {
				bucket, ok := a.([]any)
				if !ok {
					if i == 0 {
						continue // the bucketing expression
					}
					return nil, false
				}
				if len(bucket) == 0 || len(bucket) > 2 {
					return nil, false
				}
				name, ok := bucket[0].(string)
				if !ok {
					return nil, false
				}
				if len(bucket) == 2 {
					if w, ok := bucket[1].(float64); !ok || w < 0 {
						return nil, false
					} else if w == 0 {
						continue // a 0% bucket picks nobody
					}
				}
				out = append(out, &name)
			}
			if len(out) == 0 {
				return nil, false
			}
			return out, true
		}
	}
	return nil, false
}
