module github.com/roadmap-go/roadmap

// go 1.26 is what github.com/open-feature/go-sdk v1.20.0 requires; nothing
// in roadmap itself needs more.
go 1.26.0

require (
	github.com/go-chi/chi/v5 v5.5.0
	github.com/open-feature/go-sdk v1.20.0
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
)

require (
	go.uber.org/mock v0.6.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
