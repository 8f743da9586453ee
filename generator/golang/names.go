package golang

// The Go names of what the server and client files declare for each
// operation, decided once for every file.

import (
	"fmt"
	"net/url"
	"regexp"
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
}

// nameOperations names the declarations of every operation and checks
// that the routes are distinct.
func (g *gen) nameOperations() error {
	for _, fixed := range []string{"Handler", "UnimplementedHandler", "NewHandler"} {
		if g.names[fixed] {
			return fmt.Errorf("schema type %s collides with the generated %s; rename the schema", fixed, fixed)
		}
		g.names[fixed] = true
	}
	byRoute := map[string]*route{}
	for _, op := range g.api.Operations {
		n, err := g.opNames(op)
		if err != nil {
			return err
		}
		g.ops[op] = n
		// Patterns that differ only in wildcard names conflict in ServeMux.
		key := wildcardName.ReplaceAllString(n.pattern, "{}")
		ro := byRoute[key]
		if ro == nil {
			ro = &route{pattern: n.pattern}
			byRoute[key] = ro
			g.routes = append(g.routes, ro)
		}
		if err := ro.add(op, n); err != nil {
			return err
		}
	}
	sort.Slice(g.routes, func(i, j int) bool { return g.routes[i].pattern < g.routes[j].pattern })
	for _, ro := range g.routes {
		if len(ro.ops) > 1 {
			ro.dispatch = "route" + ro.ops[len(ro.ops)-1].Name
		}
	}
	return nil
}

// route is one ServeMux pattern and the operations it serves: one, or
// several told apart by their condition.
type route struct {
	pattern  string
	ops      []*model.Operation // those with a condition first
	dispatch string             // handler method choosing among ops; "" for one
}

// add adds op, whose names are n, to the route.
func (ro *route) add(op *model.Operation, n *opNames) error {
	for _, prev := range ro.ops {
		if n.pattern != ro.pattern || condition(prev) == condition(op) {
			return fmt.Errorf("operations %s (%s %s) and %s (%s %s) have the same route", prev.Name, prev.Method, prev.Path, op.Name, op.Method, op.Path)
		}
	}
	ro.ops = append(ro.ops, op)
	// Most specific condition first, the operation without one last.
	sort.SliceStable(ro.ops, func(i, j int) bool { return len(condition(ro.ops[i])) > len(condition(ro.ops[j])) })
	return nil
}

// condition is what tells op apart from the other operations of its route:
// the query of its path key, and for a stream, an Accept header that takes
// text/event-stream (so a JSON and a streaming variant of one path, as in
// "/chat" and "/chat#stream", can share it).
func condition(op *model.Operation) string {
	_, q, _ := strings.Cut(op.Path, "?")
	q, _, _ = strings.Cut(q, "#")
	if streams(op) {
		q += " accept"
	}
	return q
}

// streams reports whether op answers with an event stream, annotated or
// not.
func streams(op *model.Operation) bool {
	for _, r := range op.Responses {
		if r.ContentType == "text/event-stream" {
			return true
		}
	}
	return op.Stream != nil
}

// jsonOrStream reports whether op answers either with its event stream or
// with a plain success response (OpenAI's chat completions, whose request
// has a stream field): the handler chooses from the request, and the
// client offers a call for each.
func jsonOrStream(op *model.Operation) bool {
	return op.Stream != nil && len(successes(op)) > 0
}

// isError tells the responses the client returns as errors: 4xx, 5xx and
// default.
func isError(r *model.Response) bool { return r.Status == 0 || r.Status >= 400 }

// successes returns op's plain responses that are not errors.
func successes(op *model.Operation) []*model.Response {
	var out []*model.Response
	for _, r := range op.Responses {
		if !isError(r) {
			out = append(out, r)
		}
	}
	return out
}

var wildcardName = regexp.MustCompile(`\{[^}$]+\}`)

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
			if p.Name == n.lastEventID || p.In == model.InHeader && strings.EqualFold(p.WireName, "Last-Event-ID") {
				n.lastEventID = "" // the spec declares the header: that field carries it
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
