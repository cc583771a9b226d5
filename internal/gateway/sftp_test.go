package gateway

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/store"
	"golang.org/x/crypto/ssh"
)

type sftpFixture struct {
	*fixture
	addr    string
	hostKey ssh.PublicKey
	other   store.EDIPartner
	key     ssh.Signer
}

func newSFTPFixture(t *testing.T) *sftpFixture {
	t.Helper()
	saved := auth.Current
	auth.Current = auth.Params{Memory: 64, Time: 1, Threads: 1}
	t.Cleanup(func() { auth.Current = saved })
	fx := newFixture(t)
	sf := &sftpFixture{fixture: fx, other: fx.addPartner("OTHER", "OTHERSUPPLY", "BRAND")}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	sf.key, _ = ssh.NewSignerFromKey(priv)
	hash, err := auth.HashPassword("acme-secret-pw")
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.s.SetEDICredential(fx.ctx, store.System("test"), &store.EDICredential{PartnerID: fx.partner.ID, Username: "acme",
		PasswordHash: hash, AuthorizedKeys: string(ssh.MarshalAuthorizedKey(sf.key.PublicKey()))}); err != nil {
		t.Fatal(err)
	}
	hash2, _ := auth.HashPassword("other-secret-pw")
	if err := fx.s.SetEDICredential(fx.ctx, store.System("test"), &store.EDICredential{PartnerID: sf.other.ID, Username: "other", PasswordHash: hash2}); err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(fx.dataDir, "edi", "ssh_host_ed25519_key")
	srv, err := fx.g.NewSFTPServer(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	sf.addr = ln.Addr().String()
	// The host key persists: a second server over the same path presents it.
	signer, err := loadOrCreateHostKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	sf.hostKey = signer.PublicKey()
	if st, _ := os.Stat(keyPath); st.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v", st.Mode().Perm())
	}
	// Something for each partner to find in its outbox.
	fx.g.EnsureFolders(fx.partner)
	fx.g.EnsureFolders(sf.other)
	os.WriteFile(filepath.Join(fx.g.PartnerDir(fx.partner), Outbox, "997-acme.edi"), []byte("acme's 997"), 0o640)
	os.WriteFile(filepath.Join(fx.g.PartnerDir(sf.other), Outbox, "997-other.edi"), []byte("other's 997"), 0o640)
	os.WriteFile(filepath.Join(fx.g.PartnerDir(sf.other), Inbox, "other-pending.edi"), []byte("other's upload"), 0o640)
	return sf
}

func (sf *sftpFixture) dial(t *testing.T, user string, method ssh.AuthMethod) (*sftp.Client, error) {
	t.Helper()
	conn, err := ssh.Dial("tcp", sf.addr, &ssh.ClientConfig{User: user, Auth: []ssh.AuthMethod{method},
		HostKeyCallback: ssh.FixedHostKey(sf.hostKey), Timeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	c, err := sftp.NewClient(conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	t.Cleanup(func() { c.Close(); conn.Close() })
	return c, nil
}

func names(t *testing.T, c *sftp.Client, dir string) []string {
	t.Helper()
	fis, err := c.ReadDir(dir)
	if err != nil {
		t.Fatalf("list %s: %v", dir, err)
	}
	var out []string
	for _, fi := range fis {
		out = append(out, fi.Name())
	}
	sort.Strings(out)
	return out
}

func TestSFTPAuthentication(t *testing.T) {
	sf := newSFTPFixture(t)
	if _, err := sf.dial(t, "acme", ssh.Password("acme-secret-pw")); err != nil {
		t.Fatalf("password login: %v", err)
	}
	if _, err := sf.dial(t, "acme", ssh.PublicKeys(sf.key)); err != nil {
		t.Fatalf("key login: %v", err)
	}
	for _, c := range []struct {
		user string
		auth ssh.AuthMethod
	}{
		{"acme", ssh.Password("wrong-password")},
		{"acme", ssh.Password("other-secret-pw")},
		{"other", ssh.Password("acme-secret-pw")},
		{"other", ssh.PublicKeys(sf.key)},
		{"nobody", ssh.Password("acme-secret-pw")},
	} {
		if _, err := sf.dial(t, c.user, c.auth); err == nil {
			t.Errorf("login as %s with the wrong secret succeeded", c.user)
		}
	}
}

// Partner A sees only its own inbox and outbox; no path, however it climbs,
// lists, reads, writes or removes anything of partner B or of the host.
func TestSFTPConfinement(t *testing.T) {
	sf := newSFTPFixture(t)
	c, err := sf.dial(t, "acme", ssh.Password("acme-secret-pw"))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, c, "/"); strings.Join(got, ",") != "inbox,outbox" {
		t.Fatalf("root = %v", got)
	}
	if got := names(t, c, "/outbox"); strings.Join(got, ",") != "997-acme.edi" {
		t.Fatalf("outbox = %v", got)
	}
	for _, dir := range []string{"/..", "../..", "/../..", "/outbox/../..", "..", "."} {
		if got := names(t, c, dir); strings.Join(got, ",") != "inbox,outbox" {
			t.Errorf("list %q escaped: %v", dir, got)
		}
	}
	otherDir := PartnerFolder(sf.other)
	escapes := []string{
		"/../" + otherDir + "/outbox/997-other.edi",
		"../" + otherDir + "/outbox/997-other.edi",
		"/outbox/../../" + otherDir + "/outbox/997-other.edi",
		"/inbox/../../../" + otherDir + "/inbox/other-pending.edi",
		"/" + otherDir + "/outbox/997-other.edi",
		"/outbox/../../../../../../etc/passwd",
		"/../../pogate.db",
		"/outbox/..\\..\\" + otherDir + "\\outbox\\997-other.edi",
	}
	for _, p := range escapes {
		if f, err := c.Open(p); err == nil {
			b, _ := io.ReadAll(f)
			f.Close()
			t.Errorf("read %q: got %q", p, b)
		}
		if _, err := c.Stat(p); err == nil {
			t.Errorf("stat %q succeeded", p)
		}
		if err := c.Remove(p); err == nil {
			t.Errorf("remove %q succeeded", p)
		}
		if f, err := c.Create(p); err == nil {
			f.Write([]byte("intrusion"))
			f.Close()
		}
		if _, err := c.ReadDir(filepath.Dir(p)); err == nil && strings.Contains(p, otherDir) {
			if got := names(t, c, filepath.Dir(p)); strings.Contains(strings.Join(got, ","), "other") {
				t.Errorf("listing %q shows B's files: %v", filepath.Dir(p), got)
			}
		}
	}
	if err := c.Symlink("/"+otherDir+"/outbox/997-other.edi", "/inbox/link.edi"); err == nil {
		t.Error("symlink allowed")
	}
	if err := c.Mkdir("/inbox/sub"); err == nil {
		t.Error("mkdir allowed")
	}
	if err := c.Rename("/outbox/997-acme.edi", "/inbox/x.edi"); err == nil {
		t.Error("rename across folders allowed")
	}
	if _, err := c.Create("/outbox/planted.edi"); err == nil {
		t.Error("upload into the outbox allowed")
	}
	// B's folders and the data dir are untouched.
	for _, sub := range []string{Inbox, Outbox, Archive, Failed} {
		entries, _ := os.ReadDir(filepath.Join(sf.g.PartnerDir(sf.other), sub))
		for _, e := range entries {
			if e.Name() != "997-other.edi" && e.Name() != "other-pending.edi" {
				t.Errorf("B's %s gained %s", sub, e.Name())
			}
		}
	}
	if b, _ := os.ReadFile(filepath.Join(sf.g.PartnerDir(sf.other), Outbox, "997-other.edi")); string(b) != "other's 997" {
		t.Errorf("B's outbox file changed: %q", b)
	}
	filepath.WalkDir(sf.dataDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("intrusion")) && !strings.HasPrefix(p, sf.g.PartnerDir(sf.partner)) {
				t.Errorf("written outside A's folders: %s", p)
			}
		}
		return nil
	})
	// A can fetch and delete its own 997.
	f, err := c.Open("/outbox/997-acme.edi")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "acme's 997" {
		t.Fatalf("own outbox file = %q", b)
	}
	if err := c.Remove("/outbox/997-acme.edi"); err != nil {
		t.Fatalf("removing own 997: %v", err)
	}
}

// An upload is processed when the client closes it, as the partner whose
// login it came through; the 997 appears in the outbox for download.
func TestSFTPUploadIsIngested(t *testing.T) {
	sf := newSFTPFixture(t)
	c, err := sf.dial(t, "acme", ssh.PublicKeys(sf.key))
	if err != nil {
		t.Fatal(err)
	}
	raw := readFixture(t, "855-ack-po1001.edi")
	f, err := c.Create("/inbox/855.edi")
	if err != nil {
		t.Fatal(err)
	}
	// Write in two halves: nothing is visible or processed before Close.
	f.Write(raw[:len(raw)/2])
	if got := names(t, c, "/inbox"); len(got) != 0 {
		t.Fatalf("a half upload is visible: %v", got)
	}
	if files, _, _ := sf.s.EDIFiles(sf.ctx, store.EDIFileFilter{Direction: store.EDIInbound}, store.Page{}); len(files) != 0 {
		t.Fatal("a half upload was stored")
	}
	f.Write(raw[len(raw)/2:])
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	files, _, err := sf.s.EDIFiles(sf.ctx, store.EDIFileFilter{Direction: store.EDIInbound}, store.Page{})
	if err != nil || len(files) != 1 {
		t.Fatalf("stored %d files (%v)", len(files), err)
	}
	got := files[0]
	if got.Status != store.EDIFileApplied || got.Source != SourceSFTP || *got.PartnerID != sf.partner.ID || got.ReceivedBy != "sftp:acme" {
		t.Fatalf("file %+v", got)
	}
	stored, _ := sf.s.EDIFileRaw(sf.ctx, got.ID, 0)
	if !bytes.Equal(stored, raw) {
		t.Fatal("stored bytes differ from the upload")
	}
	out := names(t, c, "/outbox")
	if len(out) != 2 || !strings.HasPrefix(out[0], "997-") {
		t.Fatalf("outbox = %v", out)
	}
	if acks, _, _ := sf.core.counts(); acks != 1 {
		t.Fatalf("applied %d times", acks)
	}
	// Upload-then-rename clients: the .part name is held until renamed.
	p, err := c.Create("/inbox/856.edi.part")
	if err != nil {
		t.Fatal(err)
	}
	p.Write(readFixture(t, "856-ship-po1001.edi"))
	p.Close()
	if err := c.Rename("/inbox/856.edi.part", "/inbox/856.edi"); err != nil {
		t.Fatal(err)
	}
	pl := sf.g.NewPoller()
	pl.PollOnce(sf.ctx)
	ids, err := pl.PollOnce(sf.ctx)
	if err != nil {
		t.Fatal(err)
	}
	renamed := 0
	for _, id := range ids {
		if f := sf.file(id); f.Filename == "856.edi" && f.Status == store.EDIFileApplied {
			renamed++
		}
	}
	if renamed != 1 {
		t.Fatalf("renamed upload taken %d times (ids %v)", renamed, ids)
	}
	// Another partner's login uploading A's file is refused by the sender check.
	c2, err := sf.dial(t, "other", ssh.Password("other-secret-pw"))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := c2.Create("/inbox/spoof.edi")
	w.Write(bytes.Replace(raw, []byte("000000202"), []byte("000000299"), 2))
	w.Close()
	spoof, _, _ := sf.s.EDIFiles(sf.ctx, store.EDIFileFilter{Search: "spoof"}, store.Page{})
	if len(spoof) != 1 || spoof[0].Status != store.EDIFileFailed || *spoof[0].SupplierID != sf.other.SupplierID {
		t.Fatalf("spoofed upload: %+v", spoof)
	}
	if acks, _, _ := sf.core.counts(); acks != 1 {
		t.Fatalf("spoofed 855 applied")
	}
}
