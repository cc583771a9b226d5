package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/pogate/pogate/internal/jobs"
)

// `pogate jobs drain|chase` works background jobs once, without serve:
// handy on a laptop, in cron, or to flush a queue before an upgrade.
func init() {
	register(command{name: "jobs", summary: "work queued background jobs once (drain) or run the acknowledgement chase now (chase)", run: runJobs})
}

func runJobs(ctx context.Context, env *Env, args []string) int {
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("jobs", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: pogate jobs [flags] drain|chase\n  drain  work every queued job now (sends, chase mails, ...)\n  chase  flag overdue acknowledgements now, then send the reminders")
		fs.PrintDefaults()
	}
	if !parseFlags(fs, env, args) {
		return 2
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "drain" && fs.Arg(0) != "chase") {
		fs.Usage()
		return 2
	}
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	q, ok := a.procure.Queue.(*jobs.Queue)
	if !ok {
		fmt.Fprintln(env.Stderr, "pogate: no job queue configured")
		return 1
	}
	defer q.Stop(context.Background())
	if fs.Arg(0) == "chase" {
		res, err := newDispatch(a).Chase(ctx)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate: chase: %v\n", err)
			return 1
		}
		fmt.Fprintf(env.Stdout, "chased %d purchase orders %v, escalated %d %v\n", len(res.Chased), res.Chased, len(res.Escalated), res.Escalated)
	}
	n, err := q.Drain(ctx)
	fmt.Fprintf(env.Stdout, "%d jobs worked\n", n)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
		return 1
	}
	return 0
}
