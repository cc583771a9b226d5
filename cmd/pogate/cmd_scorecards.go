package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/pogate/pogate/internal/procure"
)

func init() {
	register(command{name: "scorecards", summary: "supplier scorecards: scorecards recompute [--month YYYY-MM] (default: this and last month)", run: runScorecards})
}

// runScorecards recomputes stored scorecards now, as the nightly job does;
// with --month only that month.
func runScorecards(ctx context.Context, env *Env, args []string) int {
	const usage = "usage: pogate scorecards recompute [--month YYYY-MM]"
	if len(args) == 0 || args[0] != "recompute" {
		fmt.Fprintln(env.Stderr, usage)
		return 2
	}
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("scorecards recompute", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	month := fs.String("month", "", "the month to recompute, YYYY-MM (brand time zone); default this and last month")
	if !parseFlags(fs, env, args[1:]) {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(env.Stderr, usage)
		return 2
	}
	if *month != "" {
		if _, _, err := procure.ParseMonth(*month); err != nil {
			fmt.Fprintf(env.Stderr, "pogate scorecards: %v\n", err)
			return 2
		}
	}
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	var (
		n   int
		err error
	)
	if *month != "" {
		n, err = a.procure.RecomputeScorecards(ctx, cliActor(), *month)
	} else {
		n, err = a.procure.RecomputeRecentScorecards(ctx, cliActor())
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate scorecards: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "scorecards recomputed: %d supplier months stored\n", n)
	return 0
}
