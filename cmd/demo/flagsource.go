package main

import (
	"fmt"
	"log/slog"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/flagfile"
)

// fileProvider returns the demo's provider for the flagd flag file at path.
// It uses a flagfile.Source rather than flagd's own file mode, so that a
// broken edit, a deleted file or a file replaced by rename never loses the
// last good flags: problems are logged once and the next valid edit applies.
// The flags of the demo's routes must be boolean. A file that is missing or
// invalid at start-up is an error that names the path.
func fileProvider(path string, logger *slog.Logger) (openfeature.FeatureProvider, error) {
	var boolean []string
	for _, r := range routes() {
		if r.Flag != "" {
			boolean = append(boolean, r.Flag)
		}
	}
	src, err := flagfile.Open(path, flagfile.Options{Logger: logger, Boolean: boolean})
	if err != nil {
		return nil, fmt.Errorf("-flags: %w", err)
	}
	return src.Provider()
}
