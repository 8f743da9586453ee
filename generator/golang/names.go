package golang

// The Go names of what the server and client files declare for each
// operation, decided once for every file.

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ssegen/ssegen/generator/model"
)

// opNames are the Go names generated for one operation.
type opNames struct {
	request  string // request struct
	response string // sealed response interface; "" when the operation declares no plain response
	stream   string // server stream type; "" for plain operations
	// streamHeaders is the type of the response headers of the stream; ""
	// when it declares none.
	streamHeaders string
	// statuses maps a response to its type.
	statuses map[*model.Response]string
	// Unexported identifiers of the server.
	serve, respond, config, failure string
	// wildcards maps path parameter names to their ServeMux wildcard.
	wildcards map[string]string
	// within maps the path parameters written inside a segment to the
	// text before and after them.
	within  map[string][2]string
	pattern string
	// query is the condition of a path key such as "/pets?beta=true"; nil when none.
	query url.Values
	// body and lastEventID are the request struct's field names; "" when absent.
	body, lastEventID string
	// For a request body that is an event stream: its sealed event type,
	// the type of each event, and the function that decodes them.
	bodyEvent   string
	bodyEvents  map[*model.Event]string
	decodeEvent string
	// For a stream with a feed: the feed type, the function that makes its
	// topic, and the names of the topic's parameters as arguments.
	feed, topic string
	topicArgs   map[*model.Param]string
}

// nameOperations names the declarations of every operation and gathers
// the operations into routes.
func (g *gen) nameOperations() error {
	for _, fixed := range []string{"Handler", "UnimplementedHandler", "NewHandler"} {
		if g.names[fixed] {
			return fmt.Errorf("schema type %s collides with the generated %s; rename the schema", fixed, fixed)
		}
		g.names[fixed] = true
	}
	// Only patterns of one method and one number of segments can
	// overlap: gather routes within such a shape.
	var shapes []string
	byShape := map[string][]*route{}
	for _, op := range g.api.Operations {
		n, err := g.opNames(op)
		if err != nil {
			return err
		}
		g.ops[op] = n
		method, segs := splitPattern(n.pattern)
		shape := method + " " + strconv.Itoa(len(segs))
		if byShape[shape] == nil {
			shapes = append(shapes, shape)
		}
		byShape[shape] = append(byShape[shape], &route{pattern: n.pattern, ops: []*model.Operation{op}})
	}
	for _, shape := range shapes {
		routes, err := g.mergeRoutes(byShape[shape])
		if err != nil {
			return err
		}
		g.routes = append(g.routes, routes...)
	}
	sort.Slice(g.routes, func(i, j int) bool { return g.routes[i].pattern < g.routes[j].pattern })
	for _, ro := range g.routes {
		if len(ro.ops) > 1 {
			ro.dispatch = "route" + ro.ops[len(ro.ops)-1].Name
		}
	}
	return checkMux(g.routes)
}

// route is one ServeMux pattern and the operations it serves: one, or
// several told apart by their path and condition.
//
// http.ServeMux panics on two patterns that match some path in common
// when neither is more specific, as "GET /videos/{id}/content" and "GET
// /videos/characters/{id}". Such operations share a route whose pattern
// has a wildcard wherever theirs differ ("GET /videos/{p1}/{p2}"), and
// its dispatch method chooses as a router with static precedence would:
// literal segments before wildcards, from left to right.
type route struct {
	pattern  string
	ops      []*model.Operation // in the order dispatch tries them
	dispatch string             // handler method choosing among ops; "" for one
}

// mergeRoutes merges the routes of one shape until http.ServeMux can tell
// every two apart. Two must merge when their patterns are the same but for
// wildcard names, or overlap with neither more specific; also when one is
// more specific than a merged pattern, or the other way round, since
// ServeMux would then choose by the merged pattern and not by the
// operations' own.
func (g *gen) mergeRoutes(routes []*route) ([]*route, error) {
	for changed := true; changed; {
		changed = false
		for i := 0; i < len(routes); i++ {
			for j := i + 1; j < len(routes); {
				a, b := routes[i], routes[j]
				rel := comparePatterns(a.pattern, b.pattern)
				if rel == disjoint || rel != overlaps && rel != equivalent && !g.merged(a) && !g.merged(b) {
					j++
					continue
				}
				if err := g.merge(a, b); err != nil {
					return nil, err
				}
				routes = slices.Delete(routes, j, j+1)
				changed = true
			}
		}
	}
	return routes, nil
}

// merged reports whether ro's pattern generalizes those of its operations.
func (g *gen) merged(ro *route) bool {
	for _, op := range ro.ops {
		if g.ops[op].pattern != ro.pattern {
			return true
		}
	}
	return false
}

// merge adds the operations of b to a, generalizes a's pattern and orders
// its operations: by path precedence, then the most specific condition
// first.
func (g *gen) merge(a, b *route) error {
	for _, op := range b.ops {
		for _, prev := range a.ops {
			if comparePatterns(g.ops[prev].pattern, g.ops[op].pattern) == equivalent && condition(prev) == condition(op) {
				return fmt.Errorf("operations %s (%s %s) and %s (%s %s) have the same route", prev.Name, prev.Method, prev.Path, op.Name, op.Method, op.Path)
			}
		}
	}
	a.ops = append(a.ops, b.ops...)
	method, segs := splitPattern(g.ops[a.ops[0]].pattern)
	differ := make([]bool, len(segs))
	used := map[string]bool{}
	for _, op := range a.ops {
		_, opSegs := splitPattern(g.ops[op].pattern)
		for i, seg := range opSegs {
			differ[i] = differ[i] || seg != segs[i]
			used[seg] = true
		}
	}
	k := 0
	for i := range segs {
		if !differ[i] {
			continue
		}
		for k++; used["{p"+strconv.Itoa(k)+"}"]; k++ {
		}
		segs[i] = "{p" + strconv.Itoa(k) + "}"
	}
	a.pattern = method + " /" + strings.Join(segs, "/")
	sort.SliceStable(a.ops, func(i, j int) bool {
		if c := precedence(g.ops[a.ops[i]].pattern, g.ops[a.ops[j]].pattern); c != 0 {
			return c < 0
		}
		return len(condition(a.ops[i])) > len(condition(a.ops[j]))
	})
	return nil
}

// splitPattern splits a ServeMux pattern built by muxPattern into its
// method and path segments.
func splitPattern(pattern string) (method string, segs []string) {
	method, path, _ := strings.Cut(pattern, " /")
	return method, strings.Split(path, "/")
}

// isWildcard tells a wildcard segment; "{$}" is the literal end of a
// path with a trailing slash.
func isWildcard(seg string) bool { return strings.HasPrefix(seg, "{") && seg != "{$}" }

// relation is how the paths two patterns match compare, as in net/http's
// pattern.go.
type relation int

const (
	equivalent   relation = iota // the same paths
	moreSpecific                 // a subset of the other's
	moreGeneral                  // a superset of the other's
	overlaps                     // some in common, neither a subset
	disjoint                     // none in common
)

// comparePatterns compares the paths patterns a and b of one method
// match, for patterns of single-segment wildcards as muxPattern builds.
func comparePatterns(a, b string) relation {
	_, as := splitPattern(a)
	_, bs := splitPattern(b)
	if len(as) != len(bs) {
		return disjoint
	}
	rel := equivalent
	for i := range as {
		seg := disjoint
		switch wa, wb := isWildcard(as[i]), isWildcard(bs[i]); {
		case wa && wb, as[i] == bs[i]:
			seg = equivalent
		case wa && bs[i] != "{$}": // a wildcard does not match the empty final segment
			seg = moreGeneral
		case wb && as[i] != "{$}":
			seg = moreSpecific
		}
		switch {
		case seg == disjoint || rel == disjoint:
			return disjoint
		case rel == equivalent:
			rel = seg
		case seg != equivalent && seg != rel:
			rel = overlaps
		}
	}
	return rel
}

// precedence orders the paths of two patterns of one shape: at the first
// segment where one has a literal and the other a wildcard, the literal
// comes first.
func precedence(a, b string) int {
	_, as := splitPattern(a)
	_, bs := splitPattern(b)
	for i := range as {
		if wa, wb := isWildcard(as[i]), isWildcard(bs[i]); wa != wb {
			if wb {
				return -1
			}
			return 1
		}
	}
	return 0
}

// checkMux registers every route on an http.ServeMux, which panics on
// patterns it cannot tell apart, to report any that merging did not
// resolve, such as a HEAD and a GET route overlapping.
func checkMux(routes []*route) error {
	mux := http.NewServeMux()
	for i, ro := range routes {
		err := register(mux, ro.pattern)
		if err == nil {
			continue
		}
		op := ro.ops[0]
		for _, prev := range routes[:i] {
			pair := http.NewServeMux()
			if register(pair, prev.pattern) == nil && register(pair, ro.pattern) != nil {
				p := prev.ops[0]
				return fmt.Errorf("operations %s (%s %s) and %s (%s %s) have routes that match some paths in common, neither more specific, which http.ServeMux cannot serve together", p.Name, p.Method, p.Path, op.Name, op.Method, op.Path)
			}
		}
		return fmt.Errorf("operation %s (%s %s): route %q: %v", op.Name, op.Method, op.Path, ro.pattern, err)
	}
	return nil
}

// register registers pattern on mux, returning its panic as an error.
func register(mux *http.ServeMux, pattern string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	mux.HandleFunc(pattern, http.NotFound)
	return nil
}

// condition is what tells op apart from the other operations of its route:
// the query of its path key, and for an operation that only streams, an
// Accept header that takes text/event-stream (so a JSON and a streaming
// variant of one path, as in "/chat" and "/chat#stream", can share it). An
// operation that answers JSON or a stream serves both on its own.
func condition(op *model.Operation) string {
	_, q, _ := strings.Cut(op.Path, "?")
	q, _, _ = strings.Cut(q, "#")
	if streamOnly(op) {
		q += " accept"
	}
	return q
}

// streamOnly reports whether op answers only with an event stream.
func streamOnly(op *model.Operation) bool {
	return op.Stream != nil && !jsonOrStream(op)
}

// jsonOrStream reports whether op answers either with its event stream or
// with a plain success response (OpenAI's chat completions, whose request
// has a stream field): the handler chooses from the request, and the
// client offers a call for each.
func jsonOrStream(op *model.Operation) bool {
	return op.Stream != nil && len(op.Successes()) > 0
}

// opNames names the Go declarations of op and its route.
func (g *gen) opNames(op *model.Operation) (*opNames, error) {
	base := unexported(op.Name)
	n := &opNames{
		request:   g.declare(op.Name+"Request", op.Name+"HTTPRequest"),
		statuses:  map[*model.Response]string{},
		serve:     "serve" + op.Name,
		respond:   base + "Response",
		config:    base + "Stream",
		failure:   base + "Failure",
		wildcards: map[string]string{},
		within:    map[string][2]string{},
	}
	if len(op.Responses) > 0 {
		n.response = g.declare(op.Name+"Response", op.Name+"HTTPResponse")
		for _, r := range op.Responses {
			status := "Default"
			if r.Status != 0 {
				status = strconv.Itoa(r.Status)
			}
			n.statuses[r] = g.declare(op.Name + status + "Response")
		}
	}
	if op.Stream != nil {
		n.stream = g.declare(op.Name + "Stream")
		if len(op.Stream.Headers) > 0 {
			n.streamHeaders = g.declare(op.Name + "StreamHeaders")
			g.declare(n.streamHeaders + "Of")
		}
		if fd := op.Stream.Feed; fd != nil {
			n.feed = g.declare(op.Name + "Feed")
			n.topic = base + "Topic"
			n.topicArgs = topicArgs(fd)
		}
	}
	if op.Body != nil {
		n.body = "Body"
	}
	if op.Body != nil && op.Body.Stream != nil {
		n.bodyEvent = g.declare(op.Name + "BodyEvent")
		n.bodyEvents = map[*model.Event]string{}
		for _, ev := range op.Body.Stream.Events {
			n.bodyEvents[ev] = g.declare(op.Name+ev.GoName, op.Name+"Body"+ev.GoName)
		}
		n.decodeEvent = "decode" + op.Name + "Body"
	}
	for _, p := range op.Params {
		if p.Name == n.body {
			n.body = "RequestBody"
		}
	}
	if op.Stream != nil && op.Stream.Resume {
		n.lastEventID = "LastEventID"
		for _, p := range op.Params {
			if p.In == model.InHeader && strings.EqualFold(p.WireName, "Last-Event-ID") {
				n.lastEventID = "" // the spec declares the header: that field carries it
				break
			}
			if p.Name == n.lastEventID {
				n.lastEventID = "LastEventIDHeader" // another parameter, such as a query last_event_id
			}
		}
	}
	pattern, err := muxPattern(op, n.wildcards, n.within)
	if err != nil {
		return nil, err
	}
	n.pattern = pattern
	if path, query, ok := strings.Cut(op.Path, "?"); ok {
		if n.query, err = url.ParseQuery(query); err != nil || strings.Contains(path, "#") {
			return nil, fmt.Errorf("operation %s (%s %s): the query of the path key is not name=value pairs", op.Name, op.Method, op.Path)
		}
	}
	return n, nil
}

// muxPattern turns op's path template into a ServeMux pattern, recording
// the wildcard name of each path parameter, and the text around those
// written inside a segment, whose wildcard matches the whole segment.
func muxPattern(op *model.Operation, wildcards map[string]string, within map[string][2]string) (string, error) {
	used := map[string]bool{}
	// A query or fragment in a path key only tells apart paths that
	// are the same on the wire: route on the path.
	path, _, _ := strings.Cut(op.Path, "?")
	path, _, _ = strings.Cut(path, "#")
	segments := strings.Split(path, "/")
	for i, seg := range segments {
		if !strings.ContainsAny(seg, "{}") {
			continue
		}
		prefix, rest, _ := strings.Cut(seg, "{")
		name, suffix, closes := strings.Cut(rest, "}")
		if !closes || name == "" || strings.Count(seg, "{")+strings.Count(seg, "}") != 2 {
			return "", fmt.Errorf("operation %s (%s %s): path segment %q: a segment holds at most one path parameter {name}, which http.ServeMux routes with the whole segment", op.Name, op.Method, op.Path, seg)
		}
		w := goIdent(name)
		for used[w] {
			w += "_"
		}
		used[w] = true
		wildcards[name] = w
		if prefix != "" || suffix != "" {
			within[name] = [2]string{prefix, suffix}
		}
		segments[i] = "{" + w + "}"
	}
	path = strings.Join(segments, "/")
	if strings.HasSuffix(path, "/") {
		path += "{$}" // a trailing slash would match the whole subtree
	}
	return op.Method + " " + path, nil
}
