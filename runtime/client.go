package runtime

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client sends the requests of a generated client: it builds them from the
// base URL, encodes bodies and decodes answers with the API's codecs, and
// opens event streams. Generated clients hold one; it is safe for
// concurrent use.
type Client struct {
	baseURL string
	baseErr error // a base URL that does not parse, reported by every request

	http          *http.Client
	header        http.Header
	editors       []RequestEditor
	codecs        []Option // collected by the options, resolved into options
	options       *Options
	reconnect     reconnectPolicy
	readerOptions []ReaderOption
	readTimeout   time.Duration // 0: each stream's default; < 0: none
	onReconnect   func(Reconnect)
}

// RequestEditor changes a request just before it is sent, typically to add
// credentials. It runs for every request, and for every connection attempt
// of an event stream, so short-lived tokens can be refreshed between
// reconnections.
type RequestEditor func(ctx context.Context, req *http.Request) error

// ClientOption configures a Client (and so a generated client).
type ClientOption func(*Client)

// WithHTTPClient sends requests with hc instead of http.DefaultClient.
// Event streams live as long as the caller reads them, so hc should have no
// Timeout; bound plain calls with their context instead.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *Client) { c.http = hc }
}

// WithHeader adds a header to every request, e.g. a User-Agent. Headers
// the operation itself sets (parameters, Content-Type, Accept) take
// precedence.
func WithHeader(key, value string) ClientOption {
	return func(c *Client) { c.header.Add(key, value) }
}

// WithRequestEditor runs edit on every request before it is sent; editors
// run in the order they were given.
func WithRequestEditor(edit RequestEditor) ClientOption {
	return func(c *Client) { c.editors = append(c.editors, edit) }
}

// WithMaxReconnects sets how many consecutive reconnection attempts a
// resumable event stream makes without receiving an event before it gives
// up (default 10). An attempt that delivers an event resets the count. A
// negative n never gives up; 0 turns reconnection off.
func WithMaxReconnects(n int) ClientOption {
	return func(c *Client) { c.reconnect.maxAttempts = n }
}

// WithReconnectBackoff sets the exponential backoff between reconnection
// attempts: the first waits base (or the server's retry hint when it sent
// one), each further one twice as long, up to max, with random jitter so
// that clients dropped together do not return together. Defaults: 1s, 30s.
// The wait is never shorter than the server's retry hint.
func WithReconnectBackoff(base, max time.Duration) ClientOption {
	return func(c *Client) {
		c.reconnect.base = base
		c.reconnect.max = max
	}
}

// WithReadTimeout makes an event stream count its connection as dropped
// when nothing arrives on it for d: no event, no heartbeat comment. A dead
// proxy or a half-open TCP connection otherwise leaves a reader waiting
// forever. A resumable stream then reconnects with Last-Event-ID; another
// fails with ErrReadTimeout. It replaces the operation's own default (two
// heartbeat intervals where the spec declares a heartbeat; none
// otherwise); d <= 0 turns the timeout off.
func WithReadTimeout(d time.Duration) ClientOption {
	if d <= 0 {
		d = -1
	}
	return func(c *Client) { c.readTimeout = d }
}

// Reconnect describes a reconnection attempt of an event stream, for a
// WithOnReconnect hook.
type Reconnect struct {
	// Attempt counts the attempts since the last event arrived, from 1.
	Attempt int
	// Delay is how long the stream waits before the attempt.
	Delay time.Duration
	// LastEventID is the Last-Event-ID the attempt sends.
	LastEventID string
	// Err is why the previous connection, or attempt, ended.
	Err error
}

// WithOnReconnect makes every resumable event stream call fn before each
// reconnection attempt, for logging or showing "reconnecting…". It runs
// in the goroutine reading the stream, so it must not block.
func WithOnReconnect(fn func(Reconnect)) ClientOption {
	return func(c *Client) { c.onReconnect = fn }
}

// WithReaderOptions configures the Reader of every event stream, for
// example WithMaxEventSize for events larger than the default 1 MiB, or
// WithCommentHandler to see the heartbeat comments servers send.
func WithReaderOptions(opts ...ReaderOption) ClientOption {
	return func(c *Client) { c.readerOptions = append(c.readerOptions, opts...) }
}

// WithClientCodec makes the client encode and decode codec.ContentType()
// with codec, as WithCodec does for handlers.
func WithClientCodec(codec Codec) ClientOption {
	return func(c *Client) { c.codecs = append(c.codecs, WithCodec(codec)) }
}

// NewClient returns a Client for the API at baseURL, e.g.
// "https://api.example.com/v1"; operation paths are appended to it.
func NewClient(baseURL string, opts ...ClientOption) *Client {
	c := &Client{
		baseURL:   strings.TrimSuffix(baseURL, "/"),
		http:      http.DefaultClient,
		header:    make(http.Header),
		reconnect: reconnectPolicy{maxAttempts: 10, base: time.Second, max: 30 * time.Second},
	}
	if _, err := url.Parse(c.baseURL); err != nil {
		c.baseErr = fmt.Errorf("runtime: client base URL: %w", err)
	}
	for _, opt := range opts {
		opt(c)
	}
	c.options = NewOptions(c.codecs...)
	return c
}

// NewRequest returns a request for the operation at path, a path template
// of the spec ("/pets/{petId}") appended to the base URL, with the
// parameters in args (nil for none) and the client's default headers. When
// contentType is not empty, body is encoded with that content type's codec
// and sent; the request can be replayed (GetBody is set).
func (c *Client) NewRequest(ctx context.Context, method, path string, args *Args, contentType string, body any) (*http.Request, error) {
	if c.baseErr != nil {
		return nil, c.baseErr
	}
	if args != nil && args.err != nil {
		return nil, args.err
	}
	// A spec's path may carry a fixed query ("/responses?beta=true") that
	// tells operations apart; the parameters join it.
	path, query, _ := strings.Cut(path, "?")
	query, _, _ = strings.Cut(query, "#")
	path, _, _ = strings.Cut(path, "#")
	if args != nil && len(args.query) > 0 {
		if query != "" {
			query += "&"
		}
		query += args.query.Encode()
	}
	u := c.baseURL + args.expandPath(path)
	if query != "" {
		u += "?" + query
	}
	var r io.Reader
	if rd, ok := body.(io.Reader); ok {
		r = rd // a streamed body, such as EventBody's
	} else if contentType != "" {
		codec, err := c.options.Codec(contentType)
		if err != nil {
			return nil, fmt.Errorf("runtime: %s %s: request body: %w", method, path, err)
		}
		data, err := codec.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("runtime: %s %s: encode request body as %s: %w", method, path, contentType, err)
		}
		if mediaType(contentType) == "multipart/form-data" {
			if b, ok := multipartBoundary(data); ok {
				contentType = mime.FormatMediaType("multipart/form-data", map[string]string{"boundary": b})
			}
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	for k, v := range c.header {
		req.Header[k] = append([]string(nil), v...)
	}
	if args != nil {
		for k, v := range args.header {
			req.Header[k] = v
		}
		for _, ck := range args.cookies {
			req.AddCookie(ck)
		}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req, nil
}

// Do runs the request editors on req and sends it. The caller closes the
// response body.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	for _, edit := range c.editors {
		if err := edit(req.Context(), req); err != nil {
			return nil, fmt.Errorf("runtime: %s %s: request editor: %w", req.Method, req.URL.Path, err)
		}
	}
	return c.http.Do(req)
}

// Decode reads the body of resp into v with the codec of contentType, the
// content type the operation declares for resp's status. An event stream
// where the operation declares another body is not read, since it may
// never end: Decode returns a *ResponseError for it (a JSON-or-stream
// operation whose request asked for the stream).
func (c *Client) Decode(resp *http.Response, contentType string, v any) error {
	if ct := resp.Header.Get("Content-Type"); isEventStream(ct) && !isEventStream(contentType) {
		return fmt.Errorf("runtime: %sdecode %d response: %w", requestOf(resp), resp.StatusCode, &ResponseError{StatusCode: resp.StatusCode, ContentType: ct})
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("runtime: %sread %d response: %w", requestOf(resp), resp.StatusCode, err)
	}
	if err := c.Unmarshal(contentType, data, v); err != nil {
		return fmt.Errorf("runtime: %sdecode %d response: %w", requestOf(resp), resp.StatusCode, err)
	}
	return nil
}

// requestOf names the request of resp for error messages: "GET /pets: ".
func requestOf(resp *http.Response) string {
	if resp.Request == nil || resp.Request.URL == nil {
		return ""
	}
	return resp.Request.Method + " " + resp.Request.URL.Path + ": "
}

// Unmarshal decodes data (a response body or an event's data) into v with
// the codec of contentType.
func (c *Client) Unmarshal(contentType string, data []byte, v any) error {
	return c.options.Unmarshal(contentType, data, v)
}

// An Unmarshaler decodes data of a content type: a Client, or the Options
// of a handler.
type Unmarshaler interface {
	Unmarshal(contentType string, data []byte, v any) error
}

// DecodeEvent decodes the data of ev into a T with the codec of
// contentType, the content type the operation declares for the event.
func DecodeEvent[T any](u Unmarshaler, ev Event, contentType string) (T, error) {
	var v T
	if err := u.Unmarshal(contentType, ev.Data, &v); err != nil {
		return v, fmt.Errorf("runtime: decode %q event: %w", ev.Type, err)
	}
	return v, nil
}

// ResponseHeaders returns Params that decode the headers of resp with
// Scalar, Array and the others, the way a server decodes header parameters;
// Err reports what did not decode.
func ResponseHeaders(resp *http.Response) *Params {
	return NewParams(&http.Request{Header: resp.Header})
}

// maxErrorBody is how much of an unexpected response's body a
// ResponseError keeps: enough for a problem document or an HTML title.
const maxErrorBody = 1 << 10

// ResponseError is a response the operation does not declare: a status it
// does not list, an event stream answered with something else than
// text/event-stream, or a plain answer that came as an event stream.
type ResponseError struct {
	StatusCode  int
	ContentType string
	// Body is the start of the response body, at most 1 KiB.
	Body []byte
}

func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "unexpected response: %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.ContentType != "" {
		fmt.Fprintf(&b, " (Content-Type %s)", e.ContentType)
	}
	if body := bytes.TrimSpace(e.Body); len(body) > 0 {
		fmt.Fprintf(&b, ": %q", body)
	}
	return b.String()
}

// UnexpectedResponse reads the start of resp's body and returns a
// *ResponseError for it. Generated clients call it for statuses the
// operation does not declare.
func UnexpectedResponse(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return &ResponseError{StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: body}
}

// isEventStream tells whether a Content-Type header names text/event-stream
// (parameters such as charset are allowed).
func isEventStream(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "text/event-stream"
}
