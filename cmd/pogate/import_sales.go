package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/pogate/pogate/internal/procure"
)

// `pogate import sales --format generic|shopify|amazon|ebay FILE` and
// `pogate import stock FILE` (columns sku, on_hand, optional location, allocated).
func init() {
	importers["sales"] = importSales
	importers["stock"] = func(ctx context.Context, a *app, _ *Env, r io.Reader, _ string, opt procure.ImportOptions, _ []string) (procure.ImportResult, error) {
		return a.procure.ImportStock(ctx, cliActor(), r, opt)
	}
}

func importSales(ctx context.Context, a *app, env *Env, r io.Reader, name string, opt procure.ImportOptions, extra []string) (procure.ImportResult, error) {
	if len(extra) == 0 || extra[0] == "" {
		return procure.ImportResult{}, fmt.Errorf("give the file's format with --format (%s)", strings.Join(procure.SalesFormats(), ", "))
	}
	res, err := a.procure.ImportSales(ctx, cliActor(), r, extra[0], opt)
	if err == nil && !res.Replayed {
		fmt.Fprintf(env.Stdout, "%s (%s): %d cancelled/refunded lines excluded, %d lines already known\n", name, res.Format, res.Excluded, res.AlreadyKnown)
	}
	return res.ImportResult, err
}
