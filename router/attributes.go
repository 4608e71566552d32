package router

// Attributes the router adds to every flag evaluation context, so that flag
// rules can target by route. Names have no dots because flagd's JsonLogic
// reads dots as nesting.
const (
	// AttrRoute is the route's Name.
	AttrRoute = "roadmapRoute"
	// AttrMethod is the route's method, e.g. "PATCH".
	AttrMethod = "roadmapMethod"
	// AttrPattern is the route's chi pattern, e.g. "/api/users/{id}".
	AttrPattern = "roadmapPattern"
	// AttrStage is the route's declared stage, e.g. "beta".
	AttrStage = "roadmapStage"
	// AttrOptIn is the list ([]any of strings) of beta features the client
	// opted into with the opt-in header (see Config.OptInHeader); empty when
	// none. A flag can require it, e.g. in flagd:
	//
	//	{"in": ["users-patch", {"var": "roadmapOptIn"}]}
	AttrOptIn = "roadmapOptIn"
)
