package portal

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

var ginParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// TestEveryAPIRouteIsDocumented loads portal/openapi.yaml and compares its
// operations with the router's /api/v1 routes in both directions: an
// undocumented route would skip request validation and surprise clients; a
// documented path without a route is a promise the server does not keep.
func TestEveryAPIRouteIsDocumented(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openapiYAML)
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[strings.ToUpper(method)+" /api/v1"+path] = true
		}
	}
	e := newWebEnv(t)
	routed := map[string]bool{}
	for _, r := range e.srv.Engine().Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead {
			continue
		}
		key := r.Method + " " + ginParam.ReplaceAllString(r.Path, "{$1}")
		routed[key] = true
		if !documented[key] {
			t.Errorf("route %s is not documented in portal/openapi.yaml", key)
		}
	}
	var extra []string
	for k := range documented {
		if !routed[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	// Documented but unrouted is reported, not failed: helpers land the
	// document and the handlers in separate commits.
	for _, k := range extra {
		t.Logf("portal/openapi.yaml documents %s but no route serves it (yet)", k)
	}
	if len(routed) == 0 {
		t.Fatal("no /api/v1 routes found")
	}
	t.Logf("%d API operations routed and documented", len(routed))
}
