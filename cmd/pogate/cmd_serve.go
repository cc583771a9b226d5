package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/pogate/pogate/internal/demo"
	"github.com/pogate/pogate/portal"
)

func init() {
	register(command{name: "serve", summary: "migrate, then serve the portal and the API", run: runServe})
}

// serveHooks start background parts of serve (job workers, EDI folders,
// SFTP). Each lives in its own serve_*.go file and appends itself in init;
// the returned stop runs at shutdown.
var serveHooks []func(ctx context.Context, a *app, srv *portal.Server) (stop func(), err error)

// Main is the serve command's lifecycle: parse, run until a signal, close.
type Main struct {
	app      *app
	listener net.Listener
	server   *http.Server
}

func runServe(ctx context.Context, env *Env, args []string) int {
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address host:port [POGATE_ADDR]")
	fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "seed a demo brand on an empty database and print the demo logins [POGATE_DEMO]")
	if !parseFlags(fs, env, args) {
		return 2
	}
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	if cfg.Demo {
		seeded, logins, err := demo.Seed(ctx, a.store, a.procure)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate: demo data: %v\n", err)
			return 1
		}
		if seeded {
			if err := demo.Flows(ctx, a.store, a.procure); err != nil {
				fmt.Fprintf(env.Stderr, "pogate: demo data: %v\n", err)
				return 1
			}
			if _, err := demo.QueueApprovedSends(ctx, a.store, a.procure.Queue); err != nil {
				fmt.Fprintf(env.Stderr, "pogate: demo data: %v\n", err)
				return 1
			}
			fmt.Fprintln(env.Stdout, "Demo data seeded. Sign in with any of these (password for all:", demo.Password+"):")
			for _, l := range logins {
				fmt.Fprintf(env.Stdout, "  %-10s %s\n", l.Role, l.Email)
			}
			fmt.Fprintf(env.Stdout, "API token (buyer): %s\n", demoTokenLine(logins))
		} else {
			fmt.Fprintln(env.Stdout, "Demo data already present; logins as printed on the first run (password "+demo.Password+").")
		}
	}
	srv, err := portal.New(portal.Deps{Config: cfg, Store: a.store, Procure: a.procure, Log: a.log})
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
		return 1
	}
	for _, hook := range serveHooks {
		stop, err := hook(ctx, a, srv)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
			return 1
		}
		if stop != nil {
			defer stop()
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate: cannot listen on %s: %v (set --addr or POGATE_ADDR)\n", cfg.Addr, err)
		return 1
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 1 << 20}
	fmt.Fprintf(env.Stdout, "pogate serving on http://%s (database: %s)\n", ln.Addr(), a.store.Dialect())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
			return 1
		}
	case <-ctx.Done():
		fmt.Fprintln(env.Stdout, "pogate: shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			fmt.Fprintf(env.Stderr, "pogate: shutdown: %v\n", err)
			return 1
		}
	}
	return 0
}

func demoTokenLine(logins []demo.Login) string {
	for _, l := range logins {
		if l.Token != "" {
			return l.Token
		}
	}
	return "(none)"
}
