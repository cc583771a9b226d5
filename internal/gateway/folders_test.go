package gateway

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/store"
)

// A file still being written is never read: the poller waits until size
// and modification time hold still over two polls, and never looks at
// hidden or .part/.tmp names. The complete file is ingested once and moved
// to archive.
func TestPollerNeverReadsHalfWrittenFile(t *testing.T) {
	fx := newFixture(t)
	pl := fx.g.NewPoller()
	if _, err := pl.PollOnce(fx.ctx); err != nil { // creates the folders
		t.Fatal(err)
	}
	inbox := filepath.Join(fx.g.PartnerDir(fx.partner), Inbox)
	raw := readFixture(t, "856-ship-po1001.edi")
	path := filepath.Join(inbox, "ship.edi")
	half := len(raw) / 2
	if err := os.WriteFile(path, raw[:half], 0o640); err != nil {
		t.Fatal(err)
	}
	poll := func() []int64 {
		t.Helper()
		ids, err := pl.PollOnce(fx.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if ids := poll(); len(ids) != 0 {
		t.Fatalf("first sight of a file ingested it: %v", ids)
	}
	// The writer appends the rest before the next poll.
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fh.Write(raw[half:])
	fh.Close()
	if ids := poll(); len(ids) != 0 {
		t.Fatalf("a growing file was ingested: %v", ids)
	}
	ids := poll()
	if len(ids) != 1 {
		t.Fatalf("stable file not ingested: %v", ids)
	}
	f := fx.file(ids[0])
	if f.Status != store.EDIFileApplied || f.SizeBytes != int64(len(raw)) || f.Source != SourceFolder {
		t.Fatalf("file %+v", f)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("ingested file left in the inbox")
	}
	archived, _ := os.ReadDir(filepath.Join(fx.g.PartnerDir(fx.partner), Archive))
	if len(archived) != 1 || !strings.HasSuffix(archived[0].Name(), "-ship.edi") {
		t.Fatalf("archive = %v", archived)
	}
	if ids := poll(); len(ids) != 0 {
		t.Fatalf("ingested again: %v", ids)
	}
	if _, asns, _ := fx.core.counts(); asns != 1 {
		t.Fatalf("ASN applied %d times", asns)
	}
}

// Upload tools that write under a temporary name and rename into place:
// the temporary name is never read, the final one is.
func TestPollerIgnoresPartAndHiddenNames(t *testing.T) {
	fx := newFixture(t)
	pl := fx.g.NewPoller()
	pl.PollOnce(fx.ctx)
	inbox := filepath.Join(fx.g.PartnerDir(fx.partner), Inbox)
	raw := readFixture(t, "855-ack-po1001.edi")
	for _, name := range []string{"ack.edi.part", ".ack.edi", "ack.edi.tmp", "ack.filepart"} {
		if err := os.WriteFile(filepath.Join(inbox, name), raw, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		if ids, err := pl.PollOnce(fx.ctx); err != nil || len(ids) != 0 {
			t.Fatalf("poll %d read in-progress names: %v %v", i, ids, err)
		}
	}
	if err := os.Rename(filepath.Join(inbox, "ack.edi.part"), filepath.Join(inbox, "ack.edi")); err != nil {
		t.Fatal(err)
	}
	pl.PollOnce(fx.ctx)
	ids, err := pl.PollOnce(fx.ctx)
	if err != nil || len(ids) != 1 {
		t.Fatalf("renamed file: %v %v", ids, err)
	}
	if f := fx.file(ids[0]); f.Filename != "ack.edi" || f.Status != store.EDIFileApplied {
		t.Fatalf("file %s %s", f.Filename, f.Status)
	}
}

// A file that fails goes to failed/, visible in the database with its error.
func TestPollerMovesFailedFiles(t *testing.T) {
	fx := newFixture(t)
	pl := fx.g.NewPoller()
	pl.PollOnce(fx.ctx)
	inbox := filepath.Join(fx.g.PartnerDir(fx.partner), Inbox)
	os.WriteFile(filepath.Join(inbox, "junk.edi"), []byte("not x12 at all"), 0o640)
	pl.PollOnce(fx.ctx)
	ids, err := pl.PollOnce(fx.ctx)
	if err != nil || len(ids) != 1 {
		t.Fatalf("%v %v", ids, err)
	}
	if f := fx.file(ids[0]); f.Status != store.EDIFileFailed || f.ErrorText == "" {
		t.Fatalf("file %s %q", f.Status, f.ErrorText)
	}
	failed, _ := os.ReadDir(filepath.Join(fx.g.PartnerDir(fx.partner), Failed))
	if len(failed) != 1 {
		t.Fatalf("failed/ = %v", failed)
	}
}

func TestIgnoredName(t *testing.T) {
	cases := map[string]bool{
		"order.edi": false, "ORDER.X12": false, "856_2026.txt": false,
		".hidden": true, "x.edi.part": true, "x.TMP": true, "x.partial": true, "~lock.edi": true, "x.filepart": true,
	}
	for name, want := range cases {
		if got := ignoredName(name); got != want {
			t.Errorf("ignoredName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestPartnerFolder(t *testing.T) {
	cases := []struct{ q, id, want string }{
		{"ZZ", "EDIWORKS", "zz-ediworks"},
		{"01", "123456789", "01-123456789"},
		{"ZZ", "../ETC", "zz-.._etc"},
		{"ZZ", "A B/C", "zz-a_b_c"},
	}
	for _, c := range cases {
		got := PartnerFolder(store.EDIPartner{ISAQualifier: c.q, ISAID: c.id})
		if got != c.want {
			t.Errorf("PartnerFolder(%s,%s) = %q, want %q", c.q, c.id, got, c.want)
		}
		if strings.ContainsAny(got, "/\\") || got == ".." {
			t.Errorf("PartnerFolder(%s,%s) = %q escapes", c.q, c.id, got)
		}
	}
}
