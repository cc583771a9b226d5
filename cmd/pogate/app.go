package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/pogate/pogate/internal/config"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// app is what most subcommands need: validated config, an open and
// migrated store, and the command service.
type app struct {
	cfg     config.Config
	store   *store.Store
	procure *procure.Service
	log     *slog.Logger
}

// commonFlags binds the settings every database-using subcommand accepts.
func commonFlags(fs *flag.FlagSet, cfg *config.Config) {
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "PostgreSQL URL (default: embedded SQLite in --data) [POGATE_DATABASE_URL]")
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data folder for the SQLite file and documents [POGATE_DATA_DIR]")
}

// loadConfig reads defaults, then the environment; flags are parsed after.
func loadConfig(env *Env) (config.Config, bool) {
	cfg, err := config.FromEnv(config.Defaults(), nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate: configuration: %v\n", err)
		return cfg, false
	}
	return cfg, true
}

// parseFlags parses and reports flag errors in one place (exit code 2).
func parseFlags(fs *flag.FlagSet, env *Env, args []string) bool {
	fs.SetOutput(env.Stderr)
	return fs.Parse(args) == nil
}

func openApp(ctx context.Context, env *Env, cfg config.Config, migrate bool) (*app, int) {
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(env.Stderr, "pogate: configuration: %v\n", err)
		return nil, 2
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: logLevel()}))
	st, err := store.Open(ctx, store.Options{DatabaseURL: cfg.DatabaseURL, SQLitePath: cfg.SQLitePath(), Logger: log})
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
		return nil, 1
	}
	if migrate {
		if err := st.Migrate(ctx); err != nil {
			st.Close()
			fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
			return nil, 1
		}
	}
	a := &app{cfg: cfg, store: st, procure: procure.New(st, log), log: log}
	for _, h := range appHooks {
		if err := h(ctx, a); err != nil {
			st.Close()
			fmt.Fprintf(env.Stderr, "pogate: %v\n", err)
			return nil, 1
		}
	}
	return a, 0
}

// appHooks complete the app after the store opens (mailer, job queue); each
// lives in its own app_*.go file and appends itself in init.
var appHooks []func(ctx context.Context, a *app) error

func (a *app) Close() { a.store.Close() }

func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("POGATE_LOG_LEVEL"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// cliActor is who a command-line action is recorded as in the audit trail.
func cliActor() store.Actor {
	label := "cli"
	if u := os.Getenv("USER"); u != "" {
		label = "cli:" + u
	}
	return store.Actor{Kind: store.ActorSystem, Label: label, Role: store.RoleAdmin, Channel: "cli"}
}
