package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// clientProcessEnv makes the test binary act as the client process (see
// TestMain) instead of running tests.
const clientProcessEnv = "SSEGEN_BENCH_CLIENT_PROCESS"

func TestMain(m *testing.M) {
	if os.Getenv(clientProcessEnv) == "1" {
		os.Exit(runClientProcess(os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

// clientProcess drives the clients of the loopback scenarios, which run in
// a child process (this test binary, re-executed): the benchmark process
// then holds only servers, so its CPU time, allocations and memory are the
// servers' alone, and the clients do not share its Go scheduler and garbage
// collector. It answers one line per command:
//
//	stream READER URL -> "ok EVENTS CPU_NS": read the stream at URL with the
//	                     named reader, checking every event; CPU_NS is the
//	                     client process's CPU time meanwhile
//	open ADDR N       -> "ok": N connections sent a stream request to ADDR
//	                     and hold still, never reading
//	close             -> "ok": the open connections are closed
//
// and the commands of the fan-out scenario (see BenchmarkFanOut):
//
//	fanout ADDR N     -> "ok": N subscribers GET ADDR's stream and read it
//	stall ADDR        -> "ok": one more subscriber sends its request and
//	                     never reads
//	ready             -> "ok all" once every subscriber received an event,
//	                     "ok some" before
//	mark              -> "ok": the events received so far are forgotten
//	collect E         -> "ok T1 ... TE": once every subscriber received E
//	                     events since the last mark, when the last one
//	                     received each (Unix nanoseconds); then marks
type clientProcess struct {
	in  io.WriteCloser
	out *bufio.Reader
}

func startClientProcess(tb testing.TB) *clientProcess {
	tb.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), clientProcessEnv+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		in.Close() // the child exits at the end of its input
		if err := cmd.Wait(); err != nil {
			tb.Errorf("client process: %v", err)
		}
	})
	return &clientProcess{in: in, out: bufio.NewReader(out)}
}

// stream reads the stream at url with rd in the client process and returns
// the number of events and the client's CPU time.
func (c *clientProcess) stream(rd reader, url string) (events int, cpu time.Duration, err error) {
	reply, err := c.do("stream " + rd.name + " " + url)
	if err != nil {
		return 0, 0, err
	}
	if _, err := fmt.Sscan(reply, &events, &cpu); err != nil {
		return 0, 0, fmt.Errorf("client process: stream: reply %q: %v", reply, err)
	}
	return events, cpu, nil
}

func (c *clientProcess) open(addr string, n int) error {
	_, err := c.do(fmt.Sprintf("open %s %d", addr, n))
	return err
}

func (c *clientProcess) close() error {
	_, err := c.do("close")
	return err
}

// do sends cmd and returns what follows "ok" in the reply.
func (c *clientProcess) do(cmd string) (string, error) {
	if _, err := fmt.Fprintln(c.in, cmd); err != nil {
		return "", err
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("client process: %q: %w", cmd, err)
	}
	reply, ok := strings.CutPrefix(strings.TrimSpace(line), "ok")
	if !ok {
		return "", fmt.Errorf("client process: %q: %s", cmd, line)
	}
	return strings.TrimSpace(reply), nil
}

// runClientProcess is the client process's command loop.
func runClientProcess(in io.Reader, out io.Writer) int {
	var conns []net.Conn
	var fanout *fanoutClients
	closeAll := func() {
		for _, c := range conns {
			c.Close()
		}
		conns = conns[:0]
		if fanout != nil {
			fanout.close()
			fanout = nil
		}
	}
	defer closeAll()
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var (
			reply string
			err   error
		)
		switch f := strings.Fields(sc.Text()); {
		case len(f) == 3 && f[0] == "stream":
			reply, err = streamCommand(f[1], f[2])
		case len(f) == 3 && f[0] == "open":
			var n int
			if n, err = strconv.Atoi(f[2]); err == nil {
				conns, err = dialIdle(f[1], n)
			}
		case len(f) == 1 && f[0] == "close":
			closeAll()
		case len(f) == 3 && f[0] == "fanout" && fanout == nil:
			var n int
			if n, err = strconv.Atoi(f[2]); err == nil {
				fanout = startFanoutClients(f[1], n)
			}
		case len(f) == 2 && f[0] == "stall" && fanout != nil:
			err = fanout.openStall(f[1])
		case len(f) == 1 && f[0] == "ready" && fanout != nil:
			reply = "some"
			if fanout.ready() {
				reply = "all"
			}
		case len(f) == 1 && f[0] == "mark" && fanout != nil:
			fanout.mark()
		case len(f) == 2 && f[0] == "collect" && fanout != nil:
			var e int
			if e, err = strconv.Atoi(f[1]); err == nil {
				reply, err = fanout.collect(e)
			}
		default:
			err = fmt.Errorf("unknown command %q", sc.Text())
		}
		if err != nil {
			closeAll()
			fmt.Fprintln(out, "error:", err)
			continue
		}
		fmt.Fprintln(out, "ok", reply)
	}
	return 0
}

func streamCommand(readerName, url string) (string, error) {
	i := slices.IndexFunc(readers, func(rd reader) bool { return rd.name == readerName })
	if i < 0 {
		return "", fmt.Errorf("no reader %q", readerName)
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	cpu0, _ := processCPU()
	n, err := consume(context.Background(), &http.Client{Transport: tr}, url, readers[i])
	cpu1, _ := processCPU()
	if err != nil {
		return "", err
	}
	return fmt.Sprint(n, " ", int64(cpu1-cpu0)), nil
}

// dialIdle opens n connections to addr, a few at a time so the listen
// backlog never overflows, and sends each a stream request.
func dialIdle(addr string, n int) ([]net.Conn, error) {
	req := []byte("GET /idle HTTP/1.1\r\nHost: " + addr + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n")
	conns := make([]net.Conn, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	const workers = 8
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				c, err := net.Dial("tcp", addr)
				if err == nil {
					_, err = c.Write(req)
					conns[i] = c
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
		return nil, err
	}
	return conns, nil
}
