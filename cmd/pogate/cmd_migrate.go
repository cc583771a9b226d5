package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
)

func init() {
	register(command{name: "migrate", summary: "apply migrations (up) or list them (status)", run: runMigrate})
}

func runMigrate(ctx context.Context, env *Env, args []string) int {
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	fs.Usage = func() { fmt.Fprintln(env.Stderr, "usage: pogate migrate [flags] [up|status]"); fs.PrintDefaults() }
	// The action may come before or after the flags ("migrate status --data X").
	action := "up"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	if !parseFlags(fs, env, args) {
		return 2
	}
	if fs.NArg() > 0 {
		action = fs.Arg(0)
	}
	if action != "up" && action != "status" {
		fmt.Fprintf(env.Stderr, "pogate migrate: unknown action %q; use up or status\n", action)
		return 2
	}
	a, code := openApp(ctx, env, cfg, false)
	if code != 0 {
		return code
	}
	defer a.Close()
	if action == "up" {
		if err := a.store.Migrate(ctx); err != nil {
			fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
			return 1
		}
	}
	sts, err := a.store.MigrationStatuses(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
		return 1
	}
	for _, s := range sts {
		state := "pending"
		if s.Applied {
			state = "applied"
		}
		fmt.Fprintf(env.Stdout, "%05d  %-8s %s\n", s.Version, state, s.Source)
	}
	return 0
}
