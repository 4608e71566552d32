module github.com/roadmap-go/roadmap/roadmappage

// go 1.26.0: what github.com/open-feature/go-sdk requires, as in the root module.
go 1.26.0

replace github.com/roadmap-go/roadmap => ..

replace github.com/roadmap-go/roadmap/demand => ../demand

require (
	github.com/go-chi/chi/v5 v5.5.0
	github.com/open-feature/go-sdk v1.20.0
	github.com/roadmap-go/roadmap v0.0.0-00010101000000-000000000000
	github.com/roadmap-go/roadmap/demand v0.0.0-00010101000000-000000000000
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/axiomhq/hyperloglog v0.3.0 // indirect
	github.com/dchest/siphash v1.2.3 // indirect
	github.com/dgryski/go-metro v0.0.0-20250106013310-edb8663e5e33 // indirect
	github.com/kamstrup/intmap v0.5.2 // indirect
	go.uber.org/mock v0.6.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
