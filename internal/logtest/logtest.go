// Package logtest captures log/slog output in tests, for asserting what a
// component logged while servers and providers log from goroutines of their
// own.
package logtest

import (
	"bytes"
	"log/slog"
	"sync"
)

// Buffer collects log output. It is safe for concurrent use; the zero value
// is an empty buffer ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Logger returns a logger that writes text records (level=WARN msg=...
// key=value) to b.
func (b *Buffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, nil))
}
