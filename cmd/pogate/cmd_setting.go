package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"
)

func init() {
	register(command{name: "setting", summary: "run-time settings: setting list | setting set NAME VALUE (VALUE - reads stdin)", run: runSetting})
}

// runSetting lists or sets the allow-listed settings (shopify.webhook_secret,
// reorder.safety_stock_days). "-" as the value reads it from stdin, so a
// secret never lands in the shell history.
func runSetting(ctx context.Context, env *Env, args []string) int {
	cfg, ok := loadConfig(env)
	if !ok {
		return 2
	}
	fs := flag.NewFlagSet("setting", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	if !parseFlags(fs, env, args) {
		return 2
	}
	rest := fs.Args()
	usage := func() int {
		fmt.Fprintln(env.Stderr, "usage: pogate setting list | pogate setting set NAME VALUE   (VALUE - reads one line from stdin)")
		return 2
	}
	if len(rest) == 0 || (rest[0] == "set" && len(rest) != 3) || (rest[0] != "set" && rest[0] != "list") {
		return usage()
	}
	a, code := openApp(ctx, env, cfg, true)
	if code != 0 {
		return code
	}
	defer a.Close()
	if rest[0] == "list" {
		views, err := a.procure.Settings(ctx, cliActor())
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate setting: %v\n", err)
			return 1
		}
		for _, v := range views {
			val := v.Value
			if v.Secret {
				val = map[bool]string{true: "(set)", false: "(not set)"}[v.Set]
			}
			fmt.Fprintf(env.Stdout, "%s = %s\n    %s\n", v.Name, val, v.Description)
		}
		return 0
	}
	value := rest[2]
	if value == "-" {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			fmt.Fprintln(env.Stderr, "pogate setting: nothing on stdin")
			return 2
		}
		value = strings.TrimRight(line, "\r\n")
	}
	if err := a.procure.SetSetting(ctx, cliActor(), rest[1], value); err != nil {
		fmt.Fprintf(env.Stderr, "pogate setting: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "%s saved\n", rest[1])
	return 0
}
