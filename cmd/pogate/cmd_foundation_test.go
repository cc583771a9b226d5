package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/store/storetest"
)

// execCLI runs a subcommand in-process with captured streams.
func execCLI(t *testing.T, ctx context.Context, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(ctx, &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

// cliDBArgs points a command at a fresh database: a temp SQLite folder, or a
// fresh PostgreSQL schema when POGATE_TEST_DATABASE_URL is set.
func cliDBArgs(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("POGATE_DATABASE_URL", "")
	if url := storetest.EmptyPostgres(t); url != "" {
		return []string{"--database-url", url, "--data", dir}
	}
	return []string{"--data", dir}
}

func cliFreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestUnknownCommandAndFlag(t *testing.T) {
	code, _, stderr := execCLI(t, context.Background(), "", "frobnicate")
	if code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %q", code, stderr)
	}
	code, _, stderr = execCLI(t, context.Background(), "", "serve", "--colour=blue")
	if code != 2 || !strings.Contains(stderr, "flag provided but not defined: -colour") {
		t.Fatalf("unknown flag: %d %q", code, stderr)
	}
	code, out, _ := execCLI(t, context.Background(), "", "version")
	if code != 0 || !strings.HasPrefix(out, "pogate ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestMalformedDatabaseURLIsNamed(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"mysql://root@localhost/db", `scheme "mysql" is not supported`},
		{"postgres://", "has no host"},
		{"postgres://db.example:5432", "names no database"},
		{"postgres://%zz", "cannot parse"},
	} {
		code, _, stderr := execCLI(t, context.Background(), "", "migrate", "--database-url", tc.url, "--data", t.TempDir())
		if code != 2 || !strings.Contains(stderr, "POGATE_DATABASE_URL") || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: %d %q", tc.url, code, stderr)
		}
	}
	t.Setenv("POGATE_SMTP_PORT", "twenty-five")
	code, _, stderr := execCLI(t, context.Background(), "", "migrate", "--data", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "POGATE_SMTP_PORT") {
		t.Fatalf("bad env: %d %q", code, stderr)
	}
}

// serve --demo starts on an empty folder, answers /healthz, serves the API
// with the printed token and shuts down gracefully on cancel.
func TestServeDemoHealthzAndGracefulShutdown(t *testing.T) {
	args := cliDBArgs(t)
	addr := cliFreeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, append([]string{"serve", "--demo", "--addr", addr}, args...))
	}()
	deadline := time.Now().Add(60 * time.Second)
	var healthy bool
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				healthy = true
				break
			}
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s %s", code, out.String(), errb.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !healthy {
		t.Fatalf("no healthy answer: %s %s", out.String(), errb.String())
	}
	var token string
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "API token (buyer): ") {
			token = strings.TrimPrefix(line, "API token (buyer): ")
		}
	}
	if !strings.Contains(out.String(), "buyer@demo.pogate") || token == "" {
		t.Fatalf("demo logins not printed: %s", out.String())
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/purchase-orders", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("API with demo token: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit %d: %s", code, errb.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(out.String(), "shutting down") {
		t.Fatalf("no shutdown message: %s", out.String())
	}
}

func TestUserTokenMigrateAndCatalogImportCommands(t *testing.T) {
	ctx := context.Background()
	args := cliDBArgs(t)
	code, out, stderr := execCLI(t, ctx, "", append([]string{"migrate", "status"}, args...)...)
	if code != 0 || !strings.Contains(out, "pending") {
		t.Fatalf("status before: %d %s %s", code, out, stderr)
	}
	code, out, stderr = execCLI(t, ctx, "", append([]string{"migrate", "up"}, args...)...)
	if code != 0 || strings.Contains(out, "pending") || !strings.Contains(out, "applied") {
		t.Fatalf("migrate up: %d %s %s", code, out, stderr)
	}
	code, out, stderr = execCLI(t, ctx, "correct-horse-battery\n", append([]string{"user", "add", "--email", "Buyer@Example.com", "--role", "buyer", "--password-stdin"}, args...)...)
	if code != 0 || !strings.Contains(out, "buyer@example.com") || strings.Contains(out, "password") {
		t.Fatalf("user add: %d %s %s", code, out, stderr)
	}
	code, _, stderr = execCLI(t, ctx, "", append([]string{"user", "add", "--email", "x@example.com", "--role", "wizard"}, args...)...)
	if code != 1 || !strings.Contains(stderr, `unknown role "wizard"`) {
		t.Fatalf("bad role: %d %s", code, stderr)
	}
	code, _, stderr = execCLI(t, ctx, "", append([]string{"user", "add", "--email", "s@example.com", "--role", "supplier", "--supplier", "NOPE"}, args...)...)
	if code != 1 || !strings.Contains(stderr, `unknown supplier code "NOPE"`) {
		t.Fatalf("unknown supplier: %d %s", code, stderr)
	}
	code, out, _ = execCLI(t, ctx, "", append([]string{"token", "create", "--name", "sync", "--role", "buyer"}, args...)...)
	if code != 0 || !strings.HasPrefix(out, "pgt_") {
		t.Fatalf("token: %d %s", code, out)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	rows := []string{"supplier_code,sku,supplier_part,unit_price,lead_time_days,product_name"}
	for i := 0; i < 8; i++ {
		rows = append(rows, fmt.Sprintf("NOSUP,S-%d,P-%d,1.00,5,Thing", i, i))
	}
	os.WriteFile(bad, []byte(strings.Join(rows, "\n")), 0o600)
	code, _, stderr = execCLI(t, ctx, "", append(append([]string{"import", "catalog"}, args...), bad)...)
	if code != 1 || !strings.Contains(stderr, `bad.csv: row 7, column supplier_code: unknown supplier code "NOSUP"`) || !strings.Contains(stderr, "nothing was imported") {
		t.Fatalf("import bad: %d %s", code, stderr)
	}
	code, _, stderr = execCLI(t, ctx, "", append(append([]string{"import", "catalog"}, args...), filepath.Join(dir, "missing.csv"))...)
	if code != 2 || !strings.Contains(stderr, "no such file") {
		t.Fatalf("missing file: %d %s", code, stderr)
	}
}
