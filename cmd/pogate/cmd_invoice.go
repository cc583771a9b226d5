package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/pogate/pogate/internal/docs"
)

// The invoice command lets buyers and support staff check a troublesome
// supplier file exactly as the server would read it: through the isolated
// child process, with the same limits.
func init() {
	register(command{
		name:    "invoice",
		summary: "invoice documents: `invoice extract FILE` prints the draft read from a PDF or XLSX",
		run:     runInvoice,
	})
	register(command{
		name:    docs.ChildCommand,
		summary: "internal: extract one document in an isolated child process",
		hidden:  true,
		run: func(ctx context.Context, env *Env, args []string) int {
			return docs.RunChild(ctx, env.Stdin, env.Stdout, env.Stderr, args)
		},
	})
}

func runInvoice(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] != "extract" {
		fmt.Fprintln(env.Stderr, "usage: pogate invoice extract [-hints FILE] [-timeout 20s] [-kind pdf|xlsx] FILE")
		return 2
	}
	fs := flag.NewFlagSet("invoice extract", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	hintsPath := fs.String("hints", "", "JSON layout hints learned for this supplier")
	timeout := fs.Duration("timeout", docs.DefaultLimits.Timeout, "wall-clock limit for reading the file")
	kind := fs.String("kind", "", "expected kind (pdf or xlsx); empty trusts the content only")
	layout := fs.Bool("layout", false, "also print the text layout (rows and cells) the draft was read from")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "usage: pogate invoice extract [flags] FILE")
		return 2
	}
	var hints *docs.Hints
	if *hintsPath != "" {
		raw, err := os.ReadFile(*hintsPath)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate: read hints: %v\n", err)
			return 2
		}
		hints = new(docs.Hints)
		if err := json.Unmarshal(raw, hints); err != nil {
			fmt.Fprintf(env.Stderr, "pogate: hints %s: %v\n", *hintsPath, err)
			return 2
		}
	}
	limits := docs.DefaultLimits
	limits.Timeout = max(*timeout, time.Second)
	res, err := docs.ExtractIsolated(ctx, fs.Arg(0), docs.Kind(*kind), hints, limits)
	if err != nil {
		if r, ok := docs.AsRefusal(err); ok {
			fmt.Fprintf(env.Stderr, "pogate: %s refused (%s): %s\n", fs.Arg(0), r.Code, r.Message)
		} else {
			fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
		}
		return 2
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	var out any = res.Draft
	if *layout {
		out = res
	}
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
		return 2
	}
	if res.Draft.NeedsReview {
		return 1
	}
	return 0
}
