package edi

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// samplesDir finds ../shared/edi-samples by walking up from the package
// directory to the repo root and looking beside it.
func samplesDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(filepath.Dir(dir), "shared", "edi-samples")
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				return cand
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	t.Skip("shared X12 samples not found (expected a sibling folder shared/edi-samples next to the repo root)")
	return ""
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
