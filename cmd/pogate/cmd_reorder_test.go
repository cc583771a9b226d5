package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/demo"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// demoStore migrates and seeds the database the CLI args point at.
func demoStore(t *testing.T, args []string) {
	t.Helper()
	ctx := context.Background()
	opts := store.Options{SQLitePath: filepath.Join(args[len(args)-1], "pogate.db")}
	if args[0] == "--database-url" {
		opts = store.Options{DatabaseURL: args[1]}
	}
	s, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := demo.Seed(ctx, s, procure.New(s, nil)); err != nil {
		t.Fatal(err)
	}
}

func TestReorderSalesStockSettingCommands(t *testing.T) {
	ctx := context.Background()
	args := cliDBArgs(t)
	demoStore(t, args)

	code, out, stderr := execCLI(t, ctx, "", append([]string{"reorder", "--dry-run"}, args...)...)
	if code != 0 || !strings.Contains(out, "dry run (nothing ordered)") || !strings.Contains(out, "ROP=") {
		t.Fatalf("reorder --dry-run: %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = execCLI(t, ctx, "", append([]string{"reorder"}, args...)...)
	if code != 0 || !strings.Contains(out, "created draft PO-") {
		t.Fatalf("reorder: %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = execCLI(t, ctx, "", append([]string{"reorder", "--json", "--dry-run"}, args...)...)
	if code != 0 || !strings.Contains(out, `"proposals": []`) || !strings.Contains(out, "already on PO-") {
		t.Fatalf("second run should skip SKUs on the new drafts: %d\n%.2000s", code, out)
	}

	dir := t.TempDir()
	sales := filepath.Join(dir, "orders.csv")
	os.WriteFile(sales, []byte("Name,Created at,Financial Status,Cancelled at,Lineitem quantity,Lineitem sku\n#1,2026-03-01 10:00:00 -0500,paid,,2,NW-001\n#2,2026-03-01 11:00:00 -0500,refunded,,5,NW-002\n"), 0o600)
	code, out, stderr = execCLI(t, ctx, "", append(append([]string{"import", "sales", "--format", "shopify"}, args...), sales)...)
	if code != 0 || !strings.Contains(out, "1 applied") || !strings.Contains(out, "1 cancelled/refunded lines excluded") {
		t.Fatalf("import sales: %d %s %s", code, out, stderr)
	}
	code, _, stderr = execCLI(t, ctx, "", append(append([]string{"import", "sales"}, args...), sales)...)
	if code == 0 || !strings.Contains(stderr, "--format") {
		t.Fatalf("import sales without --format: %d %s", code, stderr)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("date,sku,quantity\n2026-03-01,NW-001,1\n2026-3-x,NW-001,1\n"), 0o600)
	code, _, stderr = execCLI(t, ctx, "", append(append([]string{"import", "sales", "--format", "generic"}, args...), bad)...)
	if code != 1 || !strings.Contains(stderr, "row 3, column date") {
		t.Fatalf("bad date: %d %s", code, stderr)
	}
	stock := filepath.Join(dir, "stock.csv")
	os.WriteFile(stock, []byte("sku,location,on_hand,allocated\nNW-001,MAIN,500,20\n"), 0o600)
	code, out, stderr = execCLI(t, ctx, "", append(append([]string{"import", "stock"}, args...), stock)...)
	if code != 0 || !strings.Contains(out, "1 applied") {
		t.Fatalf("import stock: %d %s %s", code, out, stderr)
	}
	code, out, stderr = execCLI(t, ctx, "shpss_cli_secret_0123456789\n", append(append([]string{"setting"}, args...), "set", "shopify.webhook_secret", "-")...)
	if code != 0 {
		t.Fatalf("setting set: %d %s %s", code, out, stderr)
	}
	code, out, _ = execCLI(t, ctx, "", append(append([]string{"setting"}, args...), "list")...)
	if code != 0 || !strings.Contains(out, "shopify.webhook_secret = (set)") || strings.Contains(out, "shpss_cli_secret") {
		t.Fatalf("setting list: %d %s", code, out)
	}
}
