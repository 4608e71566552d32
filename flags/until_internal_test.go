package flags

import (
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
)

func TestUntilOf(t *testing.T) {
	end := time.Date(2029, 9, 4, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		meta openfeature.FlagMetadata
		want time.Time
	}{
		{"none", nil, time.Time{}},
		{"RFC 3339", openfeature.FlagMetadata{MetadataUntil: "2029-09-04T15:00:00Z"}, end},
		{"Unix seconds (JSON number)", openfeature.FlagMetadata{MetadataUntil: float64(end.Unix())}, end},
		{"Unix seconds (int64)", openfeature.FlagMetadata{MetadataUntil: end.Unix()}, end},
		{"not a time", openfeature.FlagMetadata{MetadataUntil: "soon"}, time.Time{}},
		{"wrong type", openfeature.FlagMetadata{MetadataUntil: true}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := untilOf(tt.meta)
			assert.True(t, tt.want.Equal(got), "got %v, want %v", got, tt.want)
		})
	}
}
