package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pogate/pogate/internal/procure"
)

func init() {
	register(command{name: "import", summary: "import a file: import catalog [--partial] FILE", run: runImport})
}

// importers maps the kind word to its command; other kinds (sales, stock)
// add themselves here from their own files.
var importers = map[string]func(ctx context.Context, a *app, env *Env, r io.Reader, name string, opt procure.ImportOptions, extra []string) (procure.ImportResult, error){
	"catalog": func(ctx context.Context, a *app, _ *Env, r io.Reader, name string, opt procure.ImportOptions, _ []string) (procure.ImportResult, error) {
		return a.procure.ImportCatalog(ctx, cliActor(), r, opt)
	},
}

func runImport(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || importers[args[0]] == nil {
		fmt.Fprintln(env.Stderr, "usage: pogate import <kind> [--partial] FILE   (kinds: catalog)")
		return 2
	}
	kind := args[0]
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	commonFlags(fs, &cfg)
	partial := fs.Bool("partial", false, "apply the good rows of a file that has bad ones")
	format := fs.String("format", "", "file format for sales imports (generic, shopify, amazon, ebay)")
	if !parseFlags(fs, env, args[1:]) {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(env.Stderr, "pogate import %s: give exactly one file\n", kind)
		return 2
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate import %s: %v\n", kind, err)
		return 2
	}
	defer f.Close()
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	bar := newProgressBar(env.Stderr)
	opt := procure.ImportOptions{Partial: *partial, Filename: filepath.Base(path), Progress: bar.update}
	var extra []string
	if *format != "" {
		extra = append(extra, *format)
	}
	res, err := importers[kind](ctx, a, env, f, filepath.Base(path), opt, extra)
	bar.done()
	for _, e := range res.Errors {
		fmt.Fprintf(env.Stderr, "%s: %s\n", filepath.Base(path), e.String())
	}
	if err != nil {
		if errors.Is(err, procure.ErrImportRejected) {
			fmt.Fprintf(env.Stderr, "pogate import %s: %d error(s); nothing was imported (fix the rows, or use --partial to import the good ones)\n", kind, len(res.Errors))
			return 1
		}
		fmt.Fprintf(env.Stderr, "pogate import %s: %v\n", kind, err)
		return 1
	}
	if res.Replayed {
		fmt.Fprintf(env.Stdout, "%s was imported before; nothing changed\n", filepath.Base(path))
		return 0
	}
	fmt.Fprintf(env.Stdout, "%d rows read, %d applied, %d new products, %d rejected\n", res.Rows, res.Applied, res.ProductsCreated, len(res.Errors))
	if len(res.Errors) > 0 {
		return 1
	}
	return 0
}

// progressBar draws on a terminal only; in logs and pipes it stays quiet.
type progressBar struct {
	w       io.Writer
	enabled bool
	last    int
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	enabled := false
	if ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			enabled = true
		}
	}
	return &progressBar{w: w, enabled: enabled, last: -1}
}

func (p *progressBar) update(done, total int) {
	if !p.enabled || total < 2000 {
		return
	}
	pct := done * 100 / total
	if pct == p.last {
		return
	}
	p.last = pct
	const width = 30
	filled := pct * width / 100
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %d/%d rows", strings.Repeat("#", filled), strings.Repeat(".", width-filled), pct, done, total)
}

func (p *progressBar) done() {
	if p.enabled && p.last >= 0 {
		fmt.Fprintln(p.w)
	}
}
