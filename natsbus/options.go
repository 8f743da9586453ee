package natsbus

import (
	"time"

	"github.com/ssegen/ssegen/runtime"
)

// Defaults of a Bus's stream.
const (
	DefaultStream  = "SSEGEN_FEEDS"
	DefaultPrefix  = "ssegen.feeds"
	DefaultMaxMsgs = 1_000_000
	DefaultMaxAge  = 24 * time.Hour
)

// Option configures a Bus.
type Option func(*config)

type config struct {
	stream   string
	prefix   string
	maxMsgs  int64
	maxAge   time.Duration
	maxBytes int64
	replicas int
	memory   bool
	hub      []runtime.HubOption
}

// WithStream names the JetStream stream that stores the events of every
// topic. The default is DefaultStream. Instances that share feeds must name
// the same stream and prefix.
func WithStream(name string) Option { return func(c *config) { c.stream = name } }

// WithSubjectPrefix sets the subjects of the stream: a topic's events are
// published on PREFIX.TOPIC. The default is DefaultPrefix.
func WithSubjectPrefix(prefix string) Option { return func(c *config) { c.prefix = prefix } }

// WithMaxMsgs keeps at most n events in the stream, all topics together;
// the oldest go first. The default is DefaultMaxMsgs; n ≤ 0 sets no limit.
func WithMaxMsgs(n int64) Option { return func(c *config) { c.maxMsgs = n } }

// WithMaxAge drops events older than d from the stream. The default is
// DefaultMaxAge; d ≤ 0 sets no limit.
func WithMaxAge(d time.Duration) Option { return func(c *config) { c.maxAge = d } }

// WithMaxBytes keeps at most n bytes of events in the stream; the oldest
// go first. There is no limit by default.
func WithMaxBytes(n int64) Option { return func(c *config) { c.maxBytes = n } }

// WithReplicas stores the stream on n servers of a JetStream cluster
// (1, the default, 3 or 5).
func WithReplicas(n int) Option { return func(c *config) { c.replicas = n } }

// WithMemoryStorage keeps the stream in the servers' memory instead of
// files: faster, but a restart of nats-server loses the history, and the
// ids given before it resume with a gap.
func WithMemoryStorage() Option { return func(c *config) { c.memory = true } }

// WithHub sets the bounds of each topic's local fan-out in this process:
// how many recent events it keeps to resume clients without asking
// JetStream, and how far a subscriber may fall behind before it is cut off
// (see runtime.Hub).
func WithHub(opts ...runtime.HubOption) Option {
	return func(c *config) { c.hub = append(c.hub, opts...) }
}

func newConfig(opts []Option) config {
	c := config{stream: DefaultStream, prefix: DefaultPrefix, maxMsgs: DefaultMaxMsgs, maxAge: DefaultMaxAge, replicas: 1}
	for _, opt := range opts {
		opt(&c)
	}
	return c
}
