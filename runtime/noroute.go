package runtime

import (
	"net/http"
	"slices"
	"strings"
)

// NoRoute returns the handler for the requests that no route of mux
// serves, to register as mux's catch-all pattern "/". Where http.ServeMux
// would answer them in text/plain, it answers like every other error of a
// generated handler, with application/problem+json: 405 Method Not Allowed,
// with an Allow header, when mux serves the path with another of methods
// (the methods of its routes), and 404 Not Found otherwise.
//
// A route that serves only some of the paths its pattern matches, one of
// SharedRoute, calls it for the others, and counts for a method only on
// those paths.
func NoRoute(mux *http.ServeMux, methods ...string) http.Handler {
	probe := slices.Clone(methods)
	if slices.Contains(probe, http.MethodGet) && !slices.Contains(probe, http.MethodHead) {
		probe = append(probe, http.MethodHead) // GET routes serve HEAD too
	}
	slices.Sort(probe)
	return &noRoute{mux: mux, methods: probe}
}

type noRoute struct {
	mux     *http.ServeMux
	methods []string // sorted
}

func (n *noRoute) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if allowed := n.allowed(r); len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		WriteProblem(w, http.StatusMethodNotAllowed, "", r.Method+" is not one of "+strings.Join(allowed, ", "))
		return
	}
	WriteProblem(w, http.StatusNotFound, "", "")
}

// allowed returns the methods mux serves r's path for, by routes other
// than the one that did not serve r: the catch-all, or a shared route.
func (n *noRoute) allowed(r *http.Request) []string {
	_, own := n.mux.Handler(r)
	var allowed []string
	for _, m := range n.methods {
		probe := *r
		probe.Method = m
		h, pattern := n.mux.Handler(&probe)
		if pattern == own || pattern == "/" || pattern == "" {
			continue
		}
		if shared, ok := h.(*sharedRoute); ok && !shared.serves(&probe) {
			continue
		}
		allowed = append(allowed, m)
	}
	return allowed
}

// SharedRoute returns the handler of a route that serves several
// operations whose patterns http.ServeMux cannot tell apart, such as
// /videos/{video_id}/content and /videos/characters/{id}, registered under
// a pattern that matches them all (/videos/{p1}/{p2}); paths are the
// operations' own. serve picks the operation of a request, and answers
// those of no operation with NoRoute, which knows from paths whether the
// route serves a path with another method.
func SharedRoute(serve http.HandlerFunc, paths ...string) http.Handler {
	route := &sharedRoute{serve: serve}
	for _, path := range paths {
		// One mux each: the paths overlap, which one ServeMux refuses.
		mux := http.NewServeMux()
		mux.Handle(path, http.NotFoundHandler())
		route.paths = append(route.paths, mux)
	}
	return route
}

type sharedRoute struct {
	serve http.HandlerFunc
	paths []*http.ServeMux
}

func (s *sharedRoute) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.serve(w, r) }

// serves reports whether one of the route's paths matches r's.
func (s *sharedRoute) serves(r *http.Request) bool {
	for _, mux := range s.paths {
		if _, pattern := mux.Handler(r); pattern != "" {
			return true
		}
	}
	return false
}
