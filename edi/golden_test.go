package edi

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the current output")

// goldenSamples are one shared sample per typed set.
var goldenSamples = []string{
	"850/850-oopfactory-aojuk-4010-crlf.edi",
	"850/850-edinet-issue135-tilde-component-newline-term.edi",
	"855/855-nodex12-4010-ack-lines.edi",
	"856/856-ediengine-crossdock-4010-hl-sopi.edi",
	"856/856-nodex12-1edisource-4060-hl-soi.edi",
	"810/810-edinet-4010-sac-tds-bom-tabs-a.edi",
	"810/810-oopfactory-walmart-cr-term-sac-tds.edi",
	"997/997-staedi-5010-rejected-ak3-ak4.edi",
}

func checkGolden(t *testing.T, name string, f *File) {
	t.Helper()
	got, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: JSON differs from golden file %s (run with -update after checking the diff)\n%s", name, path, firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n got  " + al[i] + "\n want " + bl[i]
		}
	}
	return "lengths differ"
}

func TestGoldenFixtures(t *testing.T) {
	for _, p := range fixtureFiles(t) {
		name := "fixture-" + strings.TrimSuffix(filepath.Base(p), ".edi")
		t.Run(name, func(t *testing.T) { checkGolden(t, name, parseFile(t, p)) })
	}
}

func TestGoldenSamples(t *testing.T) {
	dir := samplesDir(t)
	for _, s := range goldenSamples {
		name := "sample-" + strings.TrimSuffix(filepath.Base(s), ".edi")
		t.Run(name, func(t *testing.T) { checkGolden(t, name, parseFile(t, filepath.Join(dir, s))) })
	}
}
