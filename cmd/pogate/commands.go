package main

import (
	"context"
	"fmt"
	"io"
	"sort"
)

// Env carries the process streams so subcommands can be tested without
// touching the real terminal.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// command is one subcommand. Each lives in its own cmd_*.go file and
// registers itself in init, so adding one never edits a shared switch.
type command struct {
	name    string
	summary string
	hidden  bool
	// run returns the process exit code: 0 success, 1 the input had problems
	// (still reported), 2 usage or unreadable input.
	run func(ctx context.Context, env *Env, args []string) int
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("pogate: subcommand registered twice: " + c.name)
	}
	commands[c.name] = c
}

func run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "pogate: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return 2
	}
	return c.run(ctx, env, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: pogate <command> [flags]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n, c := range commands {
		if !c.hidden {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}
