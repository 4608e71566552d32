module github.com/roadmap-go/roadmap/tools/typedclients/go

go 1.26.8

require (
	github.com/oapi-codegen/runtime v1.9.0
	github.com/roadmap-go/roadmap v0.0.0
)

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
)

replace github.com/roadmap-go/roadmap => ../../..
