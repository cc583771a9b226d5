package main

import (
	"context"
	"strings"
	"testing"
)

func TestScorecardsCommand(t *testing.T) {
	ctx := context.Background()
	db := cliDBArgs(t)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"scorecards"}, 2, "usage: pogate scorecards recompute"},
		{"bad month", append([]string{"scorecards", "recompute", "--month", "2026-13"}, db...), 2, "YYYY-MM"},
		{"one month", append([]string{"scorecards", "recompute", "--month", "2026-03"}, db...), 0, "0 supplier months stored"},
		{"recent months", append([]string{"scorecards", "recompute"}, db...), 0, "scorecards recomputed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := execCLI(t, ctx, "", tc.args...)
			if code != tc.code || !strings.Contains(out+stderr, tc.want) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tc.code, out, stderr)
			}
		})
	}
}
