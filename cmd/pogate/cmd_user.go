package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	register(command{name: "user", summary: "add a user: user add --email E --role R [--supplier CODE] [--password-stdin]", run: runUser})
}

func runUser(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(env.Stderr, "usage: pogate user add --email E --role admin|buyer|approver|warehouse|ap|supplier [--supplier CODE] [--name N] [--password-stdin]")
		return 2
	}
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	email := fs.String("email", "", "e-mail address (the sign-in name)")
	role := fs.String("role", "", "admin, buyer, approver, warehouse, ap or supplier")
	supplier := fs.String("supplier", "", "supplier code (required for role supplier)")
	name := fs.String("name", "", "display name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	if !parseFlags(fs, env, args[1:]) {
		return 2
	}
	if *email == "" || *role == "" {
		fmt.Fprintln(env.Stderr, "pogate user add: --email and --role are required")
		return 2
	}
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	u := store.User{Email: *email, Name: *name, Role: store.Role(*role)}
	if *supplier != "" {
		sp, err := a.store.SupplierByCode(ctx, *supplier)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate user add: unknown supplier code %q\n", *supplier)
			return 1
		}
		u.SupplierID = &sp.ID
	}
	password, generated := "", false
	if *fromStdin {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			fmt.Fprintln(env.Stderr, "pogate user add: no password on standard input")
			return 2
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = auth.RandomPassword(), true
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate user add: %v\n", err)
		return 1
	}
	u.PasswordHash = hash
	if err := a.store.CreateUser(ctx, cliActor(), &u); err != nil {
		fmt.Fprintf(env.Stderr, "pogate user add: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "user %s (%s) created\n", u.Email, u.Role)
	if generated {
		fmt.Fprintf(env.Stdout, "password (shown once): %s\n", password)
	}
	return 0
}
