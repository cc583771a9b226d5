package docs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ChildCommand is the hidden pogate subcommand that runs RunChild.
const ChildCommand = "invoice-extract-child"

// Runner says how to start the extraction child: a program and the
// arguments that make it call RunChild. Tests point it at their own test
// binary (see TestMain) or at a freshly built pogate.
type Runner struct {
	Path string
	Args []string
	Env  []string // extra environment, appended to the parent's
}

// DefaultRunner re-executes the running program with the hidden child
// subcommand.
func DefaultRunner() (*Runner, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own executable: %w", err)
	}
	return &Runner{Path: exe, Args: []string{ChildCommand}}, nil
}

// childReply is the JSON the child writes to stdout: a result or a refusal.
type childReply struct {
	Result  *Result  `json:"result,omitempty"`
	Refusal *Refusal `json:"refusal,omitempty"`
}

// ExtractIsolated extracts the document at path in a child process, so a
// file that crashes, hangs or bombs the parsers costs that child and never
// the caller. It enforces the upload size before anything is started, the
// wall clock and output size from here, and the memory limit inside the
// child (RLIMIT_DATA). A refused or unreadable file returns a *Refusal.
func ExtractIsolated(ctx context.Context, path string, kind Kind, hints *Hints, limits Limits) (*Result, error) {
	limits = limits.withDefaults()
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", path, err)
	}
	if st.Size() > limits.MaxInputBytes {
		return nil, refuse(RefusedTooLarge, "the file is %d bytes; the limit is %d", st.Size(), limits.MaxInputBytes)
	}
	runner := limits.Runner
	if runner == nil {
		if runner, err = DefaultRunner(); err != nil {
			return nil, err
		}
	}
	var stdin bytes.Buffer
	if hints != nil {
		if err := json.NewEncoder(&stdin).Encode(hints); err != nil {
			return nil, fmt.Errorf("encode hints: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, limits.Timeout)
	defer cancel()
	args := append(append([]string(nil), runner.Args...),
		"-kind", string(kind),
		"-mem", strconv.FormatUint(limits.MemoryBytes, 10),
		"-max-bytes", strconv.FormatInt(limits.MaxInputBytes, 10),
		"-max-pages", strconv.Itoa(limits.MaxPages),
		"-max-rows", strconv.Itoa(limits.MaxRows),
		"-unzip", strconv.FormatInt(limits.UnzipSize, 10),
		"-unzip-xml", strconv.FormatInt(limits.UnzipXMLSize, 10),
		"--", path)
	cmd := exec.CommandContext(ctx, runner.Path, args...)
	// The child gets a bare environment: it needs no configuration, and a
	// reader subverted by a crafted file should find no database URL or
	// API key to leak.
	cmd.Env = append([]string{"GOTRACEBACK=single"}, runner.Env...)
	cmd.Stdin = &stdin
	// Going over the output limit kills the child at once: otherwise it
	// would block on a full pipe until the wall clock ran out.
	stdout := &cappedBuffer{limit: limits.MaxOutputBytes, onOverflow: cancel}
	stderr := &cappedBuffer{limit: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	started := time.Now()
	runErr := cmd.Run()
	if stdout.overflow {
		return nil, refuse(RefusedTooLarge, "the extraction produced more than %d bytes of output", limits.MaxOutputBytes)
	}
	if ctx.Err() == context.DeadlineExceeded {
		return nil, refuse(RefusedTimeout, "reading the file took longer than %s; it may be damaged or crafted to hang the reader", limits.Timeout)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("extract %s: %w", path, err)
	}
	if runErr != nil {
		return nil, refuse(RefusedCrashed, "the reader stopped after %s (%v)%s; the file may be damaged or crafted", time.Since(started).Round(time.Millisecond), runErr, crashHint(stderr.String()))
	}
	var reply childReply
	if err := json.Unmarshal(stdout.Bytes(), &reply); err != nil {
		return nil, refuse(RefusedCrashed, "the reader returned unusable output: %v", err)
	}
	if reply.Refusal != nil {
		return nil, reply.Refusal
	}
	if reply.Result == nil {
		return nil, refuse(RefusedCrashed, "the reader returned no result")
	}
	return reply.Result, nil
}

// crashHint picks the first meaningful line of the child's stderr so the
// reason says "out of memory" or "stack exceeds limit" instead of exit 2.
func crashHint(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		// A Go program at its address-space limit dies in several ways:
		// "fatal error: out of memory", a runtime: message, or SIGSEGV
		// inside the collector when an mmap fails.
		if strings.HasPrefix(line, "fatal error:") || strings.HasPrefix(line, "runtime:") || strings.HasPrefix(line, "panic:") || strings.HasPrefix(line, "SIG") {
			return ": " + line
		}
	}
	return ""
}

// cappedBuffer keeps at most limit bytes and remembers that more came, so
// a child cannot make the parent hold gigabytes of output. It must not
// embed bytes.Buffer: io.Copy would find Buffer.ReadFrom and bypass Write,
// and with it the limit.
type cappedBuffer struct {
	buf        bytes.Buffer
	limit      int64
	overflow   bool
	onOverflow func()
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	room := c.limit - int64(c.buf.Len())
	if int64(len(p)) > room {
		c.overflow = true
		if c.onOverflow != nil {
			c.onOverflow()
		}
		if room > 0 {
			c.buf.Write(p[:room])
		}
		return 0, errors.New("output limit exceeded")
	}
	return c.buf.Write(p)
}

func (c *cappedBuffer) Bytes() []byte  { return c.buf.Bytes() }
func (c *cappedBuffer) String() string { return c.buf.String() }

// RunChild is the body of the hidden child subcommand: it applies the
// memory limit to its own process before touching the file, reads hints
// from stdin, extracts, and writes one JSON reply to stdout. The exit code
// is 0 whenever a reply was written, refusals included.
func RunChild(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet(ChildCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", "", "pdf or xlsx; empty sniffs the content")
	mem := fs.Uint64("mem", DefaultLimits.MemoryBytes, "address-space limit in bytes")
	var limits Limits
	fs.Int64Var(&limits.MaxInputBytes, "max-bytes", 0, "")
	fs.IntVar(&limits.MaxPages, "max-pages", 0, "")
	fs.IntVar(&limits.MaxRows, "max-rows", 0, "")
	fs.Int64Var(&limits.UnzipSize, "unzip", 0, "")
	fs.Int64Var(&limits.UnzipXMLSize, "unzip-xml", 0, "")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: pogate "+ChildCommand+" [flags] FILE")
		return 2
	}
	if err := limitMemory(*mem); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", ChildCommand, err)
		return 2
	}
	// Deep recursion in a crafted file should die quickly and small, not
	// after growing a gigabyte of stack.
	debug.SetMaxStack(64 << 20)
	var hints *Hints
	if raw, _ := io.ReadAll(io.LimitReader(stdin, 1<<20)); len(bytes.TrimSpace(raw)) > 0 {
		hints = new(Hints)
		if err := json.Unmarshal(raw, hints); err != nil {
			fmt.Fprintf(stderr, "%s: bad hints: %v\n", ChildCommand, err)
			return 2
		}
	}
	reply := childReply{}
	data, err := readLimited(fs.Arg(0), limits.withDefaults().MaxInputBytes)
	if err == nil {
		reply.Result, err = Extract(ctx, data, Kind(*kind), hints, limits)
	}
	if err != nil {
		r, ok := AsRefusal(err)
		if !ok {
			r = refuse(RefusedMalformed, "%v", err)
		}
		reply = childReply{Refusal: r}
	}
	if err := json.NewEncoder(stdout).Encode(reply); err != nil {
		fmt.Fprintf(stderr, "%s: write reply: %v\n", ChildCommand, err)
		return 2
	}
	return 0
}

// limitMemory caps the child's writable memory (RLIMIT_DATA), and tells
// the Go collector about the cap so it works harder before the kernel says
// no. RLIMIT_AS was tried first and made healthy children die at random:
// it also counts the runtime's large PROT_NONE address-space reservations,
// which RLIMIT_DATA (Linux ≥ 4.7) leaves out.
func limitMemory(bytes uint64) error {
	if bytes == 0 {
		return nil
	}
	lim := &syscall.Rlimit{Cur: bytes, Max: bytes}
	if err := syscall.Setrlimit(syscall.RLIMIT_DATA, lim); err != nil {
		return fmt.Errorf("set memory limit: %w", err)
	}
	debug.SetMemoryLimit(int64(bytes) / 2)
	return nil
}
