package flagfile_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/flagfile"
)

func ExampleSource() {
	dir, _ := os.MkdirTemp("", "flagfile-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "flags.json")
	_ = os.WriteFile(path, []byte(`{"flags": {"beta": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}`), 0o644)

	quiet := slog.New(slog.DiscardHandler)
	src, err := flagfile.Open(path, flagfile.Options{Logger: quiet, Boolean: []string{"beta"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	provider, err := src.Provider()
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = openfeature.SetNamedProviderAndWait("flagfile-example", provider)
	defer openfeature.SetNamedProviderAndWait("flagfile-example", openfeature.NoopProvider{})
	client := openfeature.NewClient("flagfile-example")

	// A broken edit is rejected; the last good flags stay in force.
	_ = os.WriteFile(path, []byte(`{"flags": {"beta": `), 0o644)
	fmt.Println("reload:", src.Reload() != nil)
	on, _ := client.BooleanValue(context.Background(), "beta", false, openfeature.EvaluationContext{})
	fmt.Println("beta:", on)
	// Output:
	// reload: true
	// beta: true
}

func ExampleValidate() {
	err := flagfile.Validate([]byte(`{"flags": {"beta": {"state": "ENABLED", "variants": {"on": "yes"}, "defaultVariant": "on"}}}`), "beta")
	fmt.Println(err)
	// Output:
	// flag of the wrong type: flag "beta" must be boolean, its variants are string
}
