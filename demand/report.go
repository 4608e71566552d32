package demand

// Report is what a Counter (or a merged [Snapshot]) saw over the [Windows]:
// per route and window, requests and the estimated number of distinct
// callers, and the top callers of deprecated routes.
type Report struct {
	// Today is the last day of every window.
	Today Day `json:"today"`
	// Routes are the counted routes, ordered by pattern and method.
	Routes []RouteReport `json:"routes"`
}

// RouteReport is one route's demand.
type RouteReport struct {
	// Method and Pattern identify the route.
	Method  string `json:"method"`
	Pattern string `json:"pattern"`
	// Name is the route's declared Name, if any.
	Name string `json:"name,omitempty"`
	// Kind says what the counts mean.
	Kind Kind `json:"kind"`
	// Windows has one entry per element of [Windows], in that order.
	Windows []Window `json:"windows"`
}

// Window is one route's counts over the last Days days, today included.
type Window struct {
	// Days is the window's length.
	Days int `json:"days"`
	// Requests counts the requests, Anonymous those without targeting key.
	Requests  uint64 `json:"requests"`
	Anonymous uint64 `json:"anonymous"`
	// Callers estimates the distinct targeting keys (standard error 1.6%).
	Callers uint64 `json:"callers"`
	// Top are the most frequent callers of a deprecated route, highest
	// first, with error bounds.
	Top []Caller `json:"topCallers,omitempty"`
}

// Report reports the Counter's buckets: Snapshot().Report().
func (c *Counter) Report() Report { return c.Snapshot().Report() }

// Report sums up the snapshot over the [Windows] ending on s.Today.
func (s *Snapshot) Report() Report {
	rep := Report{Today: s.Today, Routes: make([]RouteReport, 0, len(s.Routes))}
	for _, r := range s.Routes {
		rr := RouteReport{Method: r.Method, Pattern: r.Pattern, Name: r.Name, Kind: r.Kind}
		for _, n := range Windows {
			rr.Windows = append(rr.Windows, window(r, s.Today, n))
		}
		rep.Routes = append(rep.Routes, rr)
	}
	return rep
}

func window(r RouteSnapshot, today Day, n int) Window {
	w := Window{Days: n}
	callers := newSketch()
	var top []Caller
	var floor uint64
	capacity := 0
	for _, d := range r.Days {
		if d.Day > today || d.Day <= today-Day(n) {
			continue
		}
		w.Requests += d.Requests
		w.Anonymous += d.Anonymous
		if d.Callers != nil && d.Callers.hll != nil {
			_ = callers.Merge(d.Callers.hll) // same precision: checked when read
		}
		capacity = max(capacity, len(d.Top))
		// The ids were made by pseudonym or checked by Merge; an error
		// here leaves the summary as it was.
		if t, f, err := mergeTop(top, floor, d.Top, d.TopFloor, capacity); err == nil {
			top, floor = t, f
		}
	}
	w.Callers = callers.Estimate()
	w.Top = top
	return w
}

// Route returns the report of the route method pattern, if it was counted.
func (r Report) Route(method, pattern string) (RouteReport, bool) {
	for _, rr := range r.Routes {
		if rr.Method == method && rr.Pattern == pattern {
			return rr, true
		}
	}
	return RouteReport{}, false
}

// Window returns the route's window of n days, if it is one of [Windows].
func (rr RouteReport) Window(n int) (Window, bool) {
	for _, w := range rr.Windows {
		if w.Days == n {
			return w, true
		}
	}
	return Window{}, false
}
