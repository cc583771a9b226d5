package gateway

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// Folder names under DataDir/edi/<partner>/.
const (
	Inbox   = "inbox"
	Outbox  = "outbox"
	Archive = "archive"
	Failed  = "failed"
)

// PartnerFolder is the folder name of a partner: "<qualifier>-<isa id>"
// in lower case with anything but letters, digits, '-' and '_' replaced,
// e.g. "zz-ediworks". (qualifier, id) is unique, so the name is too.
func PartnerFolder(p store.EDIPartner) string {
	return safeName(strings.ToLower(p.ISAQualifier + "-" + p.ISAID))
}

// PartnerDir is the partner's folder, "" when the gateway has no DataDir.
func (g *Gateway) PartnerDir(p store.EDIPartner) string {
	if g.root == "" {
		return ""
	}
	return filepath.Join(g.root, PartnerFolder(p))
}

// EnsureFolders creates the partner's inbox, outbox, archive and failed
// folders.
func (g *Gateway) EnsureFolders(p store.EDIPartner) error {
	dir := g.PartnerDir(p)
	if dir == "" {
		return nil
	}
	for _, sub := range []string{Inbox, Outbox, Archive, Failed} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return fmt.Errorf("gateway: creating %s: %w", filepath.Join(dir, sub), err)
		}
	}
	return nil
}

func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(isAlnum(c) || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	out := strings.Trim(string(b), ".")
	if out == "" {
		return "_"
	}
	return out
}

// stage puts a file in the partner's outbox once tx commits: it is written
// under a hidden temporary name and renamed into place, so partners (and
// the SFTP listing) never see half a file, and a rolled-back or retried
// transaction leaves nothing behind. The database row is the record; a
// crash between commit and rename loses only the outbox copy, which the
// raw endpoint still serves.
func (g *Gateway) stage(tx *store.Tx, p store.EDIPartner, name string, data []byte) {
	if g.PartnerDir(p) == "" {
		return
	}
	tx.AfterCommit(func() {
		if err := g.writeOutbox(p, name, data); err != nil {
			g.log.Error("edi: writing to the outbox", "partner", p.Name, "file", name, "err", err)
		}
	})
}

func (g *Gateway) writeOutbox(p store.EDIPartner, name string, data []byte) error {
	if err := g.EnsureFolders(p); err != nil {
		return err
	}
	final := filepath.Join(g.PartnerDir(p), Outbox, name)
	tmp := filepath.Join(g.PartnerDir(p), Outbox, "."+name+".tmp")
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return fmt.Errorf("gateway: staging %s: %w", final, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("gateway: placing %s: %w", final, err)
	}
	return nil
}

// ignoredName reports names a poller must never read: hidden files and the
// usual in-progress suffixes of uploads and editors.
func ignoredName(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~") {
		return true
	}
	lower := strings.ToLower(name)
	for _, suf := range []string{".tmp", ".part", ".partial", ".filepart", ".crdownload", ".swp", ".lock"} {
		if strings.HasSuffix(lower, suf) {
			return true
		}
	}
	return false
}

// Poller watches every partner's inbox. A file is read only when it is
// not hidden or marked in progress, and its size and modification time are
// the same on two consecutive polls: a writer still appending changes one
// of them, so a half-written file is never read. Processed files move to
// archive (or failed) with their file id in front of the name.
type Poller struct {
	g    *Gateway
	mu   sync.Mutex
	seen map[string]fileStamp
}

type fileStamp struct {
	size int64
	mod  time.Time
}

// NewPoller returns a poller for g's folders.
func (g *Gateway) NewPoller() *Poller { return &Poller{g: g, seen: map[string]fileStamp{}} }

// PollOnce looks at every partner's inbox once and ingests the files that
// were stable since the previous poll. It returns the ids of the files it
// stored.
func (pl *Poller) PollOnce(ctx context.Context) ([]int64, error) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.g.root == "" {
		return nil, nil
	}
	partners, err := pl.g.store.EDIPartners(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	var errs []error
	present := map[string]bool{}
	for _, p := range partners {
		if err := pl.g.EnsureFolders(p); err != nil {
			errs = append(errs, err)
			continue
		}
		got, err := pl.pollPartner(ctx, p, present)
		ids = append(ids, got...)
		errs = append(errs, err)
	}
	for path := range pl.seen {
		if !present[path] {
			delete(pl.seen, path)
		}
	}
	return ids, errors.Join(errs...)
}

func (pl *Poller) pollPartner(ctx context.Context, p store.EDIPartner, present map[string]bool) ([]int64, error) {
	dir := filepath.Join(pl.g.PartnerDir(p), Inbox)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("gateway: reading %s: %w", dir, err)
	}
	var ids []int64
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || ignoredName(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		info, err := e.Info()
		if err != nil {
			continue
		}
		present[path] = true
		now := fileStamp{size: info.Size(), mod: info.ModTime()}
		before, known := pl.seen[path]
		pl.seen[path] = now
		if !known || before != now || now.size == 0 {
			continue
		}
		id, err := pl.take(ctx, p, path, e.Name())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		delete(pl.seen, path)
		ids = append(ids, id)
	}
	return ids, errors.Join(errs...)
}

// take ingests one stable file and moves it out of the inbox. Once the
// bytes are stored the file leaves the inbox even if processing failed
// half-way (Tick finishes it), so it is never stored twice.
func (pl *Poller) take(ctx context.Context, p store.EDIPartner, path, name string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("gateway: reading %s: %w", path, err)
	}
	src := Source{Kind: SourceFolder, PartnerID: p.ID, By: "folder:" + PartnerFolder(p)}
	id, err := pl.g.Receive(ctx, src, name, data)
	if err != nil {
		if fault.Is(err, fault.TooLarge) || fault.Is(err, fault.Invalid) {
			pl.g.log.Warn("edi: inbox file refused", "path", path, "err", err)
			return 0, moveUnique(path, filepath.Join(pl.g.PartnerDir(p), Failed), "refused-"+time.Now().UTC().Format("20060102T150405")+"-"+name)
		}
		return 0, err
	}
	procErr := pl.g.Process(ctx, id, src)
	dest := Archive
	if f, err := pl.g.store.EDIFileByID(ctx, id, 0); err == nil && f.Status == store.EDIFileFailed {
		dest = Failed
	}
	if err := moveUnique(path, filepath.Join(pl.g.PartnerDir(p), dest), fmt.Sprintf("%d-%s", id, name)); err != nil {
		return id, err
	}
	return id, procErr
}

func moveUnique(from, dir, name string) error {
	to := filepath.Join(dir, name)
	for i := 1; ; i++ {
		if _, err := os.Lstat(to); errors.Is(err, os.ErrNotExist) {
			break
		}
		to = filepath.Join(dir, fmt.Sprintf("%d-%s", i, name))
	}
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("gateway: moving %s to %s: %w", from, dir, err)
	}
	return nil
}

// Run polls every interval until ctx ends, and runs Tick every tickEvery
// polls (never when tickEvery is 0: a periodic TickJob does it). Errors are
// logged, never fatal: the next poll tries again.
func (pl *Poller) Run(ctx context.Context, interval time.Duration, tickEvery int) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for n := 0; ; n++ {
		if _, err := pl.PollOnce(ctx); err != nil && ctx.Err() == nil {
			pl.g.log.Error("edi: polling inboxes", "err", err)
		}
		if tickEvery > 0 && n%tickEvery == 0 {
			if err := pl.g.Tick(ctx); err != nil && ctx.Err() == nil {
				pl.g.log.Error("edi: periodic work", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
