package portal

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHandlersPassTheRequestContext fails when a handler hands its
// *gin.Context to the store, the procure service or the EDI gateway as a
// context.Context. gin recycles a Context for the next request once the
// handler returns, while database/sql watches a query's context from its own
// goroutine: the race detector caught that goroutine reading a Context gin
// was already resetting. Pass c.Request.Context() instead.
func TestHandlersPassTheRequestContext(t *testing.T) {
	bad := regexp.MustCompile(`\b(s\.Store|s\.Procure|EDIGateway\(\)|\bg)\.\w+\(c[,)]`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for i, line := range strings.Split(string(src), "\n") {
			if bad.MatchString(line) {
				t.Errorf("%s:%d passes the gin.Context as a context: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked only %d files; is the test running in the portal folder?", checked)
	}
}
