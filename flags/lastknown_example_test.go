package flags_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/flags"
)

// With KeepLastKnown, a user keeps the decision made for them before the
// flag service went down; a user never seen fails closed.
func ExampleOptions_keepLastKnown() {
	service := &switchableFlags{byKey: map[string]map[string]bool{"users-patch": {"alice": true}}}
	gate := flags.NewGate(service, flags.Options{KeepLastKnown: 10_000, Logger: slog.New(slog.DiscardHandler)})
	defer gate.Close()
	ctx := context.Background()
	alice, erin := openfeature.NewEvaluationContext("alice", nil), openfeature.NewEvaluationContext("erin", nil)

	fmt.Println(gate.Evaluate(ctx, "users-patch", alice).On)

	service.set(openfeature.GeneralCode) // the flag service is down
	d := gate.Evaluate(ctx, "users-patch", alice)
	fmt.Println(d.On, d.LastKnown, d.ErrorCode)
	d = gate.Evaluate(ctx, "users-patch", erin)
	fmt.Println(d.On, d.LastKnown, d.ErrorCode)
	// Output:
	// true
	// true true GENERAL
	// false false GENERAL
}
