package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/pogate/pogate/internal/procure"
)

func init() {
	register(command{name: "reorder", summary: "run the reorder engine now: reorder [--dry-run] [--json]", run: runReorder})
}

func runReorder(ctx context.Context, env *Env, args []string) int {
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("reorder", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	dry := fs.Bool("dry-run", false, "show what would be ordered; create no purchase order")
	asJSON := fs.Bool("json", false, "print the full result (every input of every proposal) as JSON")
	if !parseFlags(fs, env, args) {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(env.Stderr, "usage: pogate reorder [--dry-run] [--json]")
		return 2
	}
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	res, err := a.procure.RunReorder(ctx, cliActor(), procure.ReorderOptions{DryRun: *dry})
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate reorder: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(env.Stderr, "pogate reorder: %v\n", err)
			return 1
		}
		return 0
	}
	printReorder(env, res)
	return 0
}

func printReorder(env *Env, res procure.ReorderResult) {
	mode := "run"
	if res.DryRun {
		mode = "dry run (nothing ordered)"
	}
	fmt.Fprintf(env.Stdout, "reorder %s #%d: %d SKUs, window %d days, review %d days, z %s", mode, res.RunID, res.SKUsConsidered,
		res.Settings.WindowDays, res.Settings.ReviewDays, res.Settings.Z)
	if res.Settings.SafetyStockDays != "" {
		fmt.Fprintf(env.Stdout, ", safety stock %s days", res.Settings.SafetyStockDays)
	}
	fmt.Fprintf(env.Stdout, "\n%d proposals, %d skipped\n\n", len(res.Proposals), res.SkippedTotal)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SKU\tSUPPLIER\tQTY\tUNIT PRICE\td/day\tσ\tL\tSS\tROP\tPOSITION")
	for _, p := range res.Proposals {
		fmt.Fprintf(tw, "%s\t%s\t%d %s\t%s %s\t%s\t%s\t%d\t%d\t%d\t%d\n", p.SKU, p.SupplierCode, p.Quantity, p.PurchaseUnit,
			p.UnitPrice, p.Currency, p.DemandPerDay, p.Sigma, p.LeadTimeDays, p.SafetyStock, p.ReorderPoint, p.Position)
	}
	tw.Flush()
	for _, p := range res.Proposals {
		fmt.Fprintf(env.Stdout, "\n%s: %s\n", p.SKU, p.Explanation)
	}
	if len(res.Skipped) > 0 {
		fmt.Fprintln(env.Stdout, "\nskipped:")
		for _, s := range res.Skipped {
			fmt.Fprintf(env.Stdout, "  %s: %s\n", s.SKU, s.Reason)
		}
	}
	for _, o := range res.Orders {
		fmt.Fprintf(env.Stdout, "\ncreated draft %s (supplier %d): %d lines, %s %s", o.Number, o.SupplierID, o.Lines, o.Total, o.Currency)
	}
	if len(res.Orders) > 0 {
		fmt.Fprintln(env.Stdout)
	}
}
