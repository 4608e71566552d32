package ofrepflags

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/open-feature/go-sdk-contrib/providers/ofrep"
	"github.com/open-feature/go-sdk/openfeature"
)

// DefaultPollInterval is how often a [Provider] asks the flag service for
// changes when [Options.PollInterval] is zero.
const DefaultPollInterval = time.Second

// DefaultRequestTimeout bounds one HTTP request to the flag service when
// [Options.RequestTimeout] is zero. Flag evaluations on the request path are
// bounded more tightly by the router's [flags.Options.Timeout].
const DefaultRequestTimeout = 5 * time.Second

// ProbeTargetingKey is the targeting key of the bulk evaluation with which a
// [Provider] watches the flag service.
const ProbeTargetingKey = "roadmap-change-probe"

// bulkPath is the OFREP bulk evaluation endpoint.
const bulkPath = "/ofrep/v1/evaluate/flags"

// Options configures a [Provider]. The zero value polls every second, sends
// no credentials and uses its own HTTP client.
type Options struct {
	// Token, if set, is the flag service's API key, sent with every request
	// as "Authorization: Bearer <Token>" (GO Feature Flag's relay proxy
	// accepts it), or in TokenHeader.
	Token string
	// TokenHeader, if set, names the header that carries Token verbatim
	// instead, e.g. "X-API-Key".
	TokenHeader string
	// PollInterval is how often the provider asks the service whether the
	// flags changed and whether it is reachable. Zero means
	// DefaultPollInterval. A negative value turns watching off: the
	// provider then emits no events, so configure the router with
	// flags.Options.NoCache, or static decisions would be cached forever.
	PollInterval time.Duration
	// RequestTimeout bounds each HTTP request to the service. Zero means
	// DefaultRequestTimeout. Ignored when Client is set.
	RequestTimeout time.Duration
	// Client, if set, is the HTTP client for every request to the service.
	Client *http.Client
	// Logger receives availability changes of the service. Nil means
	// slog.Default().
	Logger *slog.Logger
}

// Provider is an OpenFeature provider for any OFREP flag service. It
// evaluates each flag with the OFREP provider of go-sdk-contrib (one HTTP
// request per evaluation) and adds what a fail-closed gate needs from a
// remote service: provider state and events.
//
// In the background, every PollInterval, it asks the service for a bulk
// evaluation of all flags for the fixed context [ProbeTargetingKey], with
// If-None-Match. A different answer (ETag, or body when the service sends no
// ETag) is a PROVIDER_CONFIGURATION_CHANGED event; a failed request moves
// the provider to ERROR (one PROVIDER_ERROR event), and the next successful
// one back to READY (PROVIDER_READY). A flag gate only caches decisions whose
// reason is STATIC, which by definition do not depend on the evaluation
// context, so any change to a cached decision changes the probe's answer.
// A service without the bulk endpoint (404, 405 or 501) is watched for
// reachability only, and every poll is then reported as a configuration
// change, so cached decisions live at most one PollInterval.
//
// Register it with openfeature.SetNamedProviderAndWait: Init makes the
// first probe (an unreachable service fails Init and leaves the provider in
// ERROR until the service answers) and starts the watch; Shutdown stops it.
// A Provider is safe for concurrent use and can be registered once.
type Provider struct {
	base    string
	eval    *ofrep.Provider
	client  *http.Client
	headers http.Header
	every   time.Duration
	log     *slog.Logger
	events  chan openfeature.Event

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
	// watch state, owned by the watch goroutine after Init
	etag    string
	hash    [sha256.Size]byte
	bulk    bool // the service has the bulk endpoint
	healthy bool
}

var (
	_ openfeature.FeatureProvider = (*Provider)(nil)
	_ openfeature.StateHandler    = (*Provider)(nil)
	_ openfeature.EventHandler    = (*Provider)(nil)
)

// New returns a Provider for the OFREP service at baseURL (scheme, host and
// optional path prefix, without /ofrep/v1). It makes no request until Init.
func New(baseURL string, opts Options) *Provider {
	p := &Provider{
		base:    strings.TrimRight(baseURL, "/"),
		client:  opts.Client,
		headers: http.Header{"Content-Type": {"application/json"}},
		every:   opts.PollInterval,
		log:     opts.Logger,
		events:  make(chan openfeature.Event, 8),
		bulk:    true,
	}
	if p.client == nil {
		timeout := opts.RequestTimeout
		if timeout == 0 {
			timeout = DefaultRequestTimeout
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64 // one connection per concurrent evaluation, reused
		p.client = &http.Client{Timeout: timeout, Transport: tr}
	}
	if p.every == 0 {
		p.every = DefaultPollInterval
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	evalOpts := []ofrep.Option{ofrep.WithClient(p.client)}
	if opts.Token != "" {
		name, value := "Authorization", "Bearer "+opts.Token
		if opts.TokenHeader != "" {
			name, value = opts.TokenHeader, opts.Token
		}
		p.headers.Set(name, value)
		evalOpts = append(evalOpts, ofrep.WithHeader(name, value))
	}
	p.eval = ofrep.NewProvider(p.base, evalOpts...)
	return p
}

// Metadata names the provider.
func (p *Provider) Metadata() openfeature.Metadata {
	return openfeature.Metadata{Name: "roadmap OFREP"}
}

// Hooks returns no hooks.
func (p *Provider) Hooks() []openfeature.Hook { return nil }

// BooleanEvaluation evaluates flag with one OFREP request.
func (p *Provider) BooleanEvaluation(ctx context.Context, flag string, def bool, ec openfeature.FlattenedContext) openfeature.BoolResolutionDetail {
	return p.eval.BooleanEvaluation(ctx, flag, def, ec)
}

// StringEvaluation evaluates flag with one OFREP request.
func (p *Provider) StringEvaluation(ctx context.Context, flag string, def string, ec openfeature.FlattenedContext) openfeature.StringResolutionDetail {
	return p.eval.StringEvaluation(ctx, flag, def, ec)
}

// FloatEvaluation evaluates flag with one OFREP request.
func (p *Provider) FloatEvaluation(ctx context.Context, flag string, def float64, ec openfeature.FlattenedContext) openfeature.FloatResolutionDetail {
	return p.eval.FloatEvaluation(ctx, flag, def, ec)
}

// IntEvaluation evaluates flag with one OFREP request.
func (p *Provider) IntEvaluation(ctx context.Context, flag string, def int64, ec openfeature.FlattenedContext) openfeature.IntResolutionDetail {
	return p.eval.IntEvaluation(ctx, flag, def, ec)
}

// ObjectEvaluation evaluates flag with one OFREP request.
func (p *Provider) ObjectEvaluation(ctx context.Context, flag string, def any, ec openfeature.FlattenedContext) openfeature.InterfaceResolutionDetail {
	return p.eval.ObjectEvaluation(ctx, flag, def, ec)
}

// EventChannel returns the provider's events, read by the OpenFeature SDK.
func (p *Provider) EventChannel() <-chan openfeature.Event { return p.events }

// ErrUnavailable is wrapped by the error Init returns when the flag service
// does not answer.
var ErrUnavailable = errors.New("ofrepflags: flag service unavailable")

// Init probes the service once and starts watching it (unless PollInterval
// is negative). It returns an error wrapping ErrUnavailable when the probe
// fails, naming only the kind of failure (the details, URL included, go to
// the Logger, not into provider events that readiness endpoints may show);
// the watch still runs, and the provider becomes READY when the service
// answers.
func (p *Provider) Init(openfeature.EvaluationContext) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	_, err := p.probe(ctx)
	p.healthy = err == nil
	if p.every < 0 {
		close(p.done)
	} else {
		go p.watch(ctx, p.done)
	}
	if err != nil {
		p.log.Warn("flag service unavailable", "url", p.base, "err", err)
		return fmt.Errorf("%w (%s)", ErrUnavailable, failureKind(err))
	}
	return nil
}

// Shutdown stops the watch and waits for it to end.
func (p *Provider) Shutdown() {
	p.mu.Lock()
	cancel, done := p.cancel, p.done
	p.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// watch polls the service until ctx is done.
func (p *Provider) watch(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		changed, err := p.probe(ctx)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil && p.healthy:
			p.healthy = false
			p.log.Warn("flag service unavailable", "url", p.base, "err", err)
			p.emit(ctx, openfeature.ProviderError, "flag service unavailable ("+failureKind(err)+")")
		case err == nil && !p.healthy:
			p.healthy = true
			p.log.Info("flag service available again", "url", p.base)
			p.emit(ctx, openfeature.ProviderReady, "flag service available")
		case err == nil && changed:
			p.emit(ctx, openfeature.ProviderConfigChange, "flag configuration changed")
		}
	}
}

func (p *Provider) emit(ctx context.Context, t openfeature.EventType, msg string) {
	ev := openfeature.Event{
		ProviderName:         p.Metadata().Name,
		EventType:            t,
		ProviderEventDetails: openfeature.ProviderEventDetails{Message: msg},
	}
	if t == openfeature.ProviderError {
		ev.ErrorCode = openfeature.GeneralCode
	}
	select {
	case p.events <- ev:
	case <-ctx.Done():
	}
}

// failureKind names the kind of a probe failure for event messages, which
// may reach readiness endpoints: no URL, address or server text.
func failureKind(err error) string {
	var st statusError
	var ne net.Error
	switch {
	case errors.As(err, &st):
		return "HTTP " + strconv.Itoa(int(st))
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "unreachable"
}

// statusError is a probe answered with an unexpected HTTP status.
type statusError int

func (e statusError) Error() string {
	return "bulk evaluation answered " + strconv.Itoa(int(e)) + " " + http.StatusText(int(e))
}

var probeBody = []byte(`{"context":{"targetingKey":"` + ProbeTargetingKey + `"}}`)

// probe asks the service for a bulk evaluation and reports whether its
// answer differs from the previous one. Without a bulk endpoint, any answer
// from the service counts as a change.
func (p *Provider) probe(ctx context.Context) (changed bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+bulkPath, bytes.NewReader(probeBody))
	if err != nil {
		return false, err
	}
	for k, v := range p.headers {
		req.Header[k] = v
	}
	if p.etag != "" {
		req.Header.Set("If-None-Match", p.etag)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return false, err
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return false, nil
	case resp.StatusCode == http.StatusOK:
		p.bulk = true
		etag := resp.Header.Get("ETag")
		sum := sha256.Sum256(body)
		changed = etag != p.etag || (etag == "" && sum != p.hash)
		p.etag, p.hash = etag, sum
		return changed, nil
	case resp.StatusCode == http.StatusNotFound, resp.StatusCode == http.StatusMethodNotAllowed, resp.StatusCode == http.StatusNotImplemented:
		if p.bulk {
			p.bulk = false
			p.log.Info("flag service has no OFREP bulk endpoint; every poll counts as a configuration change", "url", p.base)
		}
		return true, nil
	}
	return false, statusError(resp.StatusCode)
}
