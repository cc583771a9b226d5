package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at link time (-ldflags "-X main.version=...") for releases.
var version = "dev"

func init() {
	register(command{name: "version", summary: "print the version", run: func(_ context.Context, env *Env, _ []string) int {
		v := version
		if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		fmt.Fprintf(env.Stdout, "pogate %s\n", v)
		return 0
	}})
}
