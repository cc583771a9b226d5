package docs

import (
	"context"
	"os"
	"testing"
)

// childEnv makes the test binary act as the extraction child: ExtractIsolated
// in these tests re-executes the test binary itself, the same way the
// server re-executes pogate with its hidden subcommand.
const childEnv = "POGATE_DOCS_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(RunChild(context.Background(), os.Stdin, os.Stdout, os.Stderr, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// testLimits are the default limits with the test binary as the child and
// a short wall clock, so hostile-file tests finish quickly.
func testLimits() Limits {
	l := DefaultLimits
	l.Timeout = 5e9
	l.Runner = &Runner{Path: os.Args[0], Env: []string{childEnv + "=1"}}
	return l
}
