package router

import (
	"net/http"
	"strings"
)

// Method indexes of the nine methods of RFC 9110 and RFC 5789 (PATCH), the
// ones chi routes without RegisterMethod.
const (
	mGet = iota
	mHead
	mPost
	mPut
	mPatch
	mDelete
	mOptions
	mTrace
	mConnect
	numMethods
)

var methodNames = [numMethods]string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodTrace, http.MethodConnect,
}

// methodIndex returns the index of a standard method, or -1. Methods are
// case-sensitive (RFC 9110 §9.1): "get" is not GET.
func methodIndex(m string) int {
	switch m {
	case http.MethodGet:
		return mGet
	case http.MethodHead:
		return mHead
	case http.MethodPost:
		return mPost
	case http.MethodPut:
		return mPut
	case http.MethodPatch:
		return mPatch
	case http.MethodDelete:
		return mDelete
	case http.MethodOptions:
		return mOptions
	case http.MethodTrace:
		return mTrace
	case http.MethodConnect:
		return mConnect
	}
	return -1
}

// isToken reports whether s is an RFC 9110 token (the syntax of a method).
func isToken(s string) bool {
	const tchar = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	return s != "" && strings.Trim(s, tchar) == ""
}

// KnownMethods is middleware that answers 501 Not Implemented to request
// methods the server does not recognise (RFC 9110 §9.1), instead of chi's 405.
// [Router] already does this for the requests it routes; use KnownMethods on
// a parent chi router that mounts it, so that unknown methods on every path
// get 501:
//
//	r := chi.NewRouter()
//	r.Use(router.KnownMethods)
//	r.Mount("/", rt)
func KnownMethods(next http.Handler) http.Handler {
	unknownMethod := newUnknownMethod()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if methodIndex(r.Method) < 0 {
			unknownMethod.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allowValue returns the Allow header value listing the methods in mask
// (bit i for methodNames[i]), or nil for none.
func allowValue(mask uint16) []string {
	var names []string
	for i, m := range methodNames {
		if mask&(1<<i) != 0 {
			names = append(names, m)
		}
	}
	if names == nil {
		return nil
	}
	return []string{strings.Join(names, ", ")}
}
