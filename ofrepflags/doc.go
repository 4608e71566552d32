// Package ofrepflags connects a roadmap router to a remote flag service that
// speaks the OpenFeature Remote Evaluation Protocol (OFREP): GO Feature
// Flag's relay proxy, flagd, or any other OFREP server. It is a separate
// package so that the router's core does not depend on the OFREP provider.
//
// [Provider] evaluates flags with go-sdk-contrib's OFREP provider and adds
// what many replicas on one flag service need: provider state (READY, or
// ERROR while the service is unreachable) and events
// (PROVIDER_CONFIGURATION_CHANGED when the service's flags change), so that
// the router's [github.com/roadmap-go/roadmap/flags.Gate] can cache static decisions and drop them when the
// flags change, and readiness checks can tell that the service is down.
//
// # Example
//
// Register the provider under its own domain and give the router a client:
//
//	p := ofrepflags.New("http://relay-proxy:1031", ofrepflags.Options{Token: os.Getenv("ROADMAP_OFREP_TOKEN")})
//	if err := openfeature.SetNamedProviderAndWait("api", p); err != nil {
//		log.Printf("flag service not ready yet: %v", err) // gated routes fail closed until it is
//	}
//	rt, err := router.New(routes, router.Config{Flags: openfeature.NewClient("api")})
//
// A replica sees a flip within the service's own refresh delay plus
// [Options.PollInterval]. While the service is down, planned and beta routes
// fail closed (or answer their last known decision with
// flags.Options.KeepLastKnown); live routes never evaluate flags.
package ofrepflags
