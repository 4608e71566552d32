package demand

import (
	"errors"
	"fmt"
)

// ErrSnapshot is wrapped by every error about a snapshot that cannot be
// read or merged: bad JSON, a sketch that does not decode, snapshots hashed
// with different secrets.
var ErrSnapshot = errors.New("demand: bad snapshot")

// ErrKeyMismatch is wrapped (with ErrSnapshot) by Merge when the snapshots
// were hashed with different secrets (Options.Secret): their sketches count
// the same caller as two, so the union would be wrong.
var ErrKeyMismatch = errors.New("demand: snapshots hashed with different secrets")

func errorf(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrSnapshot}, a...)...)
}
