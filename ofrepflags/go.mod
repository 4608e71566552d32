module github.com/roadmap-go/roadmap/ofrepflags

// go 1.26.0: what github.com/open-feature/go-sdk requires, as in the root module.
go 1.26.0

replace github.com/roadmap-go/roadmap => ..

require (
	github.com/open-feature/go-sdk v1.20.0
	github.com/open-feature/go-sdk-contrib/providers/ofrep v0.1.7
	github.com/roadmap-go/roadmap v0.0.0-00010101000000-000000000000
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
)

require (
	github.com/go-chi/chi/v5 v5.5.0 // indirect
	go.uber.org/mock v0.6.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/text v0.44.0 // indirect
)
