package edi

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// samplesPath finds ../shared/edi-samples by walking up from the package
// directory to the repo root (go.mod) and looking beside it.
func samplesPath() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(dir), "shared", "edi-samples")
			st, err := os.Stat(cand)
			return cand, err == nil && st.IsDir()
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func samplesDir(t testing.TB) string {
	t.Helper()
	dir, ok := samplesPath()
	if !ok {
		t.Skip("shared X12 samples not found (expected a sibling folder shared/edi-samples next to the repo root)")
	}
	return dir
}

// sampleFiles lists every sample as "set/name.edi".
func sampleFiles(t testing.TB) (string, []string) {
	dir := samplesDir(t)
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".edi") {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return dir, files
}

func parseFile(t testing.TB, path string) *File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	file, err := Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return file
}

// allErrors flattens every error in a file.
func allErrors(f *File) []*Error {
	out := append([]*Error(nil), f.Errors...)
	for _, ic := range f.Interchanges {
		out = append(out, ic.Errors...)
		for _, g := range ic.Groups {
			out = append(out, g.Errors...)
			for _, tx := range g.Transactions {
				out = append(out, tx.Errors...)
			}
		}
	}
	return out
}

// sampleFilesOptional lists the shared samples, or nothing when absent.
func sampleFilesOptional(t testing.TB) (string, []string) {
	if _, ok := samplesPath(); !ok {
		return "", nil
	}
	return sampleFiles(t)
}

// fixtureFiles lists the project's own fixtures in testdata/*.edi.
func fixtureFiles(t testing.TB) []string {
	m, err := filepath.Glob(filepath.Join("testdata", "*.edi"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	sort.Strings(m)
	return m
}
