package flagfile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	flagdsync "github.com/open-feature/flagd/core/pkg/sync"
)

// DefaultDebounce is how long a [Source] waits after the last change in the
// file's directory before it reads the file, when Options.Debounce is zero.
const DefaultDebounce = 50 * time.Millisecond

// Options configures a [Source]. The zero value means: slog.Default() for
// logs, DefaultDebounce, no boolean-only flags, and a missing file is an
// error at Open.
type Options struct {
	// Logger receives one line per problem (a rejected edit, a deleted
	// file) and one when a good file applies again. Nil means
	// slog.Default().
	Logger *slog.Logger
	// Boolean lists flag keys that must be boolean flags; a file in which
	// one of them has a non-boolean variant is rejected (ErrType). Pass the
	// flag keys of your routes.
	Boolean []string
	// Debounce is how long to wait after the last change before reading the
	// file, so that a write in progress is read once, complete. Zero means
	// DefaultDebounce; negative means no wait.
	Debounce time.Duration
	// AllowMissing lets Open succeed when the file does not exist yet: the
	// source then serves no flags (every evaluation fails closed, routes stay
	// off) and logs that, until the file appears.
	AllowMissing bool
}

// Source is a flagd flag file that survives bad edits. It watches the
// file's directory (so it sees a file that is deleted and created again, or
// replaced by rename), validates every new version with [Validate], and hands
// only valid versions on; the last good flags stay in force in between.
// It keeps no validator between versions: each new version is checked with
// a schema and an evaluator compiled for it (a few milliseconds), so that
// they are not part of the live heap while the flags are served.
// Each problem is logged once, when it appears.
//
// Source implements flagd's sync.ISync, so it feeds a flagd in-process
// provider directly ([Source.Provider]); one Source feeds one provider. Its
// watch goroutine runs while the provider runs and stops at the provider's
// Shutdown.
//
// A Source is safe for concurrent use.
type Source struct {
	path string
	dir  string
	opts Options
	log  *slog.Logger

	mu       sync.Mutex
	good     []byte   // the flags in force
	goodSum  [32]byte // sha256 of good
	seen     string   // identity of the last version examined, to log once
	problem  error
	sinkCtx  context.Context
	sink     chan<- flagdsync.DataSync
	watcher  *fsnotify.Watcher
	started  bool
	watching bool
}

var _ flagdsync.ISync = (*Source)(nil)

// Open reads and validates the flag file at path and returns a Source whose
// flags are its content. It fails if the file is invalid, or missing unless
// opts.AllowMissing is set; the error then names the path and wraps
// ErrMissing and fs.ErrNotExist.
func Open(path string, opts Options) (*Source, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("flagfile: %w", err)
	}
	opts.Boolean = slices.Clone(opts.Boolean)
	s := &Source{path: abs, dir: filepath.Dir(abs), opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("path", abs)
	if s.opts.Debounce == 0 {
		s.opts.Debounce = DefaultDebounce
	}
	data, err := s.read()
	switch {
	case errors.Is(err, ErrMissing) && opts.AllowMissing:
		s.good = []byte(emptyFlags)
		s.goodSum = sha256.Sum256(s.good)
		s.seen = "missing"
		s.problem = err
		s.log.Warn("flag file missing; no flags until it appears, every flag evaluates off")
		return s, nil
	case err != nil:
		return nil, fmt.Errorf("flagfile: %s: %w", path, err)
	}
	if err := Validate(data, s.opts.Boolean...); err != nil {
		return nil, fmt.Errorf("flagfile: %s: %w", path, err)
	}
	s.good = data
	s.goodSum = sha256.Sum256(data)
	s.seen = fmt.Sprintf("%x", s.goodSum)
	return s, nil
}

// Path returns the absolute path of the flag file.
func (s *Source) Path() string { return s.path }

// Flags returns a copy of the flag definition in force: the last good
// version of the file.
func (s *Source) Flags() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.good)
}

// Problem returns the problem with the file's current version, or nil when
// the file in force is the file on disk.
func (s *Source) Problem() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.problem
}

// Reload reads the file now and applies it if it is valid and changed. It
// returns the file's problem, or nil. A Source reloads by itself when the
// file changes; call Reload to force a read, for example on SIGHUP.
func (s *Source) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := s.read()
	id := "missing"
	if err == nil {
		id = fmt.Sprintf("%x", sha256.Sum256(data))
	} else if !errors.Is(err, ErrMissing) {
		id = "error:" + err.Error()
	}
	if id == s.seen { // nothing new: no log, no apply
		return s.problem
	}
	s.seen = id
	if err == nil {
		// A new version: compile the schema and a flagd evaluator for it
		// and drop them again. Kept, they are about 420 KB that every
		// garbage collection marks while the flags are served; files
		// change rarely, and a check costs a few milliseconds
		// (BenchmarkSourceReload).
		err = Validate(data, s.opts.Boolean...)
	}
	if err != nil {
		s.problem = err
		if errors.Is(err, ErrMissing) {
			s.log.Warn("flag file missing; keeping the last good flags until it reappears")
		} else {
			s.log.Warn("flag file rejected; keeping the last good flags", "err", err.Error())
		}
		return err
	}
	recovered := s.problem != nil
	s.problem = nil
	sum := sha256.Sum256(data)
	if sum == s.goodSum {
		if recovered {
			s.log.Info("flag file is good again; flags unchanged")
		}
		return nil
	}
	s.good, s.goodSum = data, sum
	s.log.Info("flag file applied")
	s.send()
	return nil
}

// read returns the file's content, or an error wrapping ErrMissing.
func (s *Source) read() ([]byte, error) {
	f, err := os.Open(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %w", ErrMissing, err)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxBytes)
	}
	return data, nil
}

// send hands the flags in force to the provider, if one is attached. The
// caller holds s.mu.
func (s *Source) send() {
	if s.sink == nil {
		return
	}
	select {
	case s.sink <- flagdsync.DataSync{FlagData: string(s.good), Source: s.path}:
	case <-s.sinkCtx.Done():
	}
}

// Init implements flagd's sync.ISync: it starts watching the file's
// directory.
func (s *Source) Init(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watcher != nil {
		return nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("flagfile: %w", err)
	}
	if err := w.Add(s.dir); err != nil {
		_ = w.Close()
		return fmt.Errorf("flagfile: watch %s: %w", s.dir, err)
	}
	s.watcher = w
	return nil
}

// IsReady implements flagd's sync.ISync.
func (s *Source) IsReady() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watching
}

// ReSync implements flagd's sync.ISync: it sends the flags in force.
func (s *Source) ReSync(ctx context.Context, out chan<- flagdsync.DataSync) error {
	data := s.Flags()
	select {
	case out <- flagdsync.DataSync{FlagData: string(data), Source: s.path}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Sync implements flagd's sync.ISync: it sends the flags in force, then
// every valid new version of the file, until ctx is done. A Source syncs to
// one provider only; a second concurrent Sync returns an error.
func (s *Source) Sync(ctx context.Context, out chan<- flagdsync.DataSync) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return errors.New("flagfile: Source is already syncing to a provider")
	}
	w := s.watcher
	if w == nil {
		s.mu.Unlock()
		return errors.New("flagfile: Sync before Init")
	}
	s.started, s.watching = true, true
	s.sinkCtx, s.sink = ctx, out
	s.send()
	s.mu.Unlock()
	// The file may have changed between Open and now.
	_ = s.Reload()

	defer func() {
		_ = w.Close()
		s.mu.Lock()
		s.watching, s.sink, s.watcher = false, nil, nil
		s.mu.Unlock()
	}()
	var (
		timer   *time.Timer
		fire    <-chan time.Time
		lastErr string
	)
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("flagfile: watcher closed")
			}
			if !s.relevant(ev.Name) {
				continue
			}
			if s.opts.Debounce < 0 {
				_ = s.Reload()
				continue
			}
			if timer == nil {
				timer = time.NewTimer(s.opts.Debounce)
				fire = timer.C
			} else {
				timer.Reset(s.opts.Debounce)
			}
		case <-fire:
			timer, fire = nil, nil
			_ = s.Reload()
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New("flagfile: watcher closed")
			}
			if err.Error() != lastErr { // e.g. queue overflow: read the file to catch up
				lastErr = err.Error()
				s.log.Warn("flag file watcher error", "err", err.Error())
			}
			_ = s.Reload()
		}
	}
}

// relevant reports whether an event on name can change the file: the file
// itself, or a ".."-prefixed entry as Kubernetes uses to swap ConfigMap
// volumes atomically.
func (s *Source) relevant(name string) bool {
	name = filepath.Clean(name)
	return name == s.path || strings.HasPrefix(filepath.Base(name), "..")
}
