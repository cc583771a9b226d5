package main

// Database-backed EDI commands (the file-only ones are `pogate edi ...`):
// send a purchase order as an 850 through the gateway, feed a file through
// the inbound pipeline, and set a trading partner's SFTP login.

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/gateway"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	register(command{name: "edi-send", summary: "write a purchase order as an 850 to its partner's outbox: edi-send --po PO-000123", run: runEDISend})
	register(command{name: "edi-ingest", summary: "run X12 files through the inbound EDI pipeline: edi-ingest FILE...", run: runEDIIngest})
	register(command{name: "edi-login", summary: "set a trading partner's SFTP login: edi-login --partner ZZ/ID --user NAME [--password-stdin] [--key FILE]", run: runEDILogin})
}

func runEDISend(ctx context.Context, env *Env, args []string) int {
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("edi-send", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	number := fs.String("po", "", "purchase order number")
	if !parseFlags(fs, env, args) {
		return 2
	}
	if *number == "" {
		fmt.Fprintln(env.Stderr, "pogate edi-send: --po is required")
		return 2
	}
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	po, err := a.store.POByNumber(ctx, *number, 0)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi-send: %v\n", err)
		return 1
	}
	sent, err := ediGateway(a).Send850(ctx, cliActor(), po.ID)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi-send: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stderr, "850 for %s written as %s (control number %d, EDI file %d)\n", po.Number, sent.File.Filename, *sent.File.ControlNumber, sent.File.ID)
	env.Stdout.Write(sent.Bytes)
	return 0
}

func runEDIIngest(ctx context.Context, env *Env, args []string) int {
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("edi-ingest", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	if !parseFlags(fs, env, args) {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(env.Stderr, "usage: pogate edi-ingest FILE...")
		return 2
	}
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	g := ediGateway(a)
	exit := 0
	for _, path := range fs.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate edi-ingest: %v\n", err)
			return 2
		}
		f, err := g.Ingest(ctx, gateway.Source{Kind: gateway.SourceUpload, By: cliActor().Label}, filepath.Base(path), data)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate edi-ingest: %s: %v\n", path, err)
			exit = 1
			continue
		}
		fmt.Fprintf(env.Stdout, "%s\tfile %d\t%s", path, f.ID, f.Status)
		if f.ErrorText != "" {
			fmt.Fprintf(env.Stdout, "\t%s", strings.ReplaceAll(f.ErrorText, "\n", " | "))
		}
		fmt.Fprintln(env.Stdout)
		if f.Status == store.EDIFileFailed {
			exit = 1
		}
	}
	return exit
}

func runEDILogin(ctx context.Context, env *Env, args []string) int {
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("edi-login", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	partner := fs.String("partner", "", "the partner's ISA qualifier and id, e.g. ZZ/EDIWORKS")
	user := fs.String("user", "", "SFTP username")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	keyFile := fs.String("key", "", "file of public keys in authorized_keys form")
	if !parseFlags(fs, env, args) {
		return 2
	}
	qual, id, found := strings.Cut(*partner, "/")
	if !found || *user == "" || (!*pwStdin && *keyFile == "") {
		fmt.Fprintln(env.Stderr, "pogate edi-login: --partner QUAL/ID, --user and --password-stdin or --key are required")
		return 2
	}
	cred := store.EDICredential{Username: *user}
	if *pwStdin {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			fmt.Fprintf(env.Stderr, "pogate edi-login: reading the password: %v\n", err)
			return 2
		}
		hash, err := auth.HashPassword(strings.TrimRight(line, "\r\n"))
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate edi-login: %v\n", err)
			return 1
		}
		cred.PasswordHash = hash
	}
	if *keyFile != "" {
		b, err := os.ReadFile(*keyFile)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate edi-login: %v\n", err)
			return 2
		}
		cred.AuthorizedKeys = string(b)
	}
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	p, err := a.store.EDIPartnerByISA(ctx, strings.TrimSpace(qual), strings.TrimSpace(id))
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi-login: %v\n", err)
		return 1
	}
	cred.PartnerID = p.ID
	if err := a.store.SetEDICredential(ctx, cliActor(), &cred); err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi-login: %v\n", err)
		return 1
	}
	if err := ediGateway(a).EnsureFolders(p); err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi-login: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stderr, "SFTP login %q set for partner %s (%s/%s); folders under %s\n", cred.Username, p.Name, p.ISAQualifier, p.ISAID, ediGateway(a).PartnerDir(p))
	return 0
}
