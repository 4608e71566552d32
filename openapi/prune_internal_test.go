package openapi

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
)

// TestEachOperation: eachOperation lists what PathItem.Operations lists,
// additional operations included, a fixed field winning over an additional
// operation of its method.
func TestEachOperation(t *testing.T) {
	op := func(id string) *openapi3.Operation { return &openapi3.Operation{OperationID: id} }
	tests := []struct {
		name string
		item *openapi3.PathItem
	}{
		{name: "empty", item: &openapi3.PathItem{}},
		{name: "fixed", item: &openapi3.PathItem{Get: op("get"), Put: op("put"), Query: op("query"), Connect: op("connect")}},
		{name: "additional", item: &openapi3.PathItem{Get: op("get"), AdditionalOperations: map[string]*openapi3.Operation{
			"PURGE": op("purge"), "GET": op("shadowed"), "POST": op("post"), "LINK": nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]*openapi3.Operation{}
			eachOperation(tt.item, func(method string, op *openapi3.Operation) {
				_, twice := got[method]
				assert.False(t, twice, "got %s twice", method)
				got[method] = op
			})
			assert.Equal(t, tt.item.Operations(), got)
		})
	}
}
