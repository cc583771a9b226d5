package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	register(command{name: "token", summary: "create an API token: token create --name N --role R [--supplier CODE]", run: runToken})
}

func runToken(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(env.Stderr, "usage: pogate token create --name N --role R [--supplier CODE]")
		return 2
	}
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	name := fs.String("name", "", "what the token is for (e.g. inventory-sync)")
	role := fs.String("role", "", "admin, buyer, approver, warehouse, ap or supplier")
	supplier := fs.String("supplier", "", "supplier code (required for role supplier)")
	if !parseFlags(fs, env, args[1:]) {
		return 2
	}
	if *name == "" || *role == "" {
		fmt.Fprintln(env.Stderr, "pogate token create: --name and --role are required")
		return 2
	}
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	secret, hash, prefix := auth.NewToken()
	t := store.APIToken{Name: *name, Role: store.Role(*role), TokenHash: hash, Prefix: prefix}
	if *supplier != "" {
		sp, err := a.store.SupplierByCode(ctx, *supplier)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate token create: unknown supplier code %q\n", *supplier)
			return 1
		}
		t.SupplierID = &sp.ID
	}
	if err := a.store.CreateToken(ctx, cliActor(), &t); err != nil {
		fmt.Fprintf(env.Stderr, "pogate token create: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "%s\n", secret)
	fmt.Fprintf(env.Stderr, "token %q (%s) created; it is shown once, only its hash is stored\n", t.Name, t.Role)
	return 0
}
