package gateway

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/store"
	"golang.org/x/crypto/ssh"
)

// SFTPServer is the embedded SFTP server partners drop files on. Each
// login sees a virtual root with two folders, /inbox and /outbox, mapped to
// its own partner's folders; no path can name anything else, because every
// request path is reduced to (area, file name) before it touches the disk.
// Uploads are written under a hidden temporary name and handed to the
// pipeline (or renamed into the inbox) only when the client closes them, so
// a half-uploaded file is never read.
type SFTPServer struct {
	g   *Gateway
	cfg *ssh.ServerConfig

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	closed bool
	wg     sync.WaitGroup
}

const partnerExt = "pogate-partner-id"

// NewSFTPServer builds the server with the host key at hostKeyPath (an
// ed25519 key, created with mode 0600 when missing and reused after).
func (g *Gateway) NewSFTPServer(hostKeyPath string) (*SFTPServer, error) {
	signer, err := loadOrCreateHostKey(hostKeyPath)
	if err != nil {
		return nil, err
	}
	s := &SFTPServer{g: g, conns: map[net.Conn]bool{}}
	s.cfg = &ssh.ServerConfig{
		PasswordCallback:  s.checkPassword,
		PublicKeyCallback: s.checkKey,
		MaxAuthTries:      3,
		ServerVersion:     "SSH-2.0-pogate",
	}
	s.cfg.AddHostKey(signer)
	return s, nil
}

// HostKeyPath is where serve keeps the SFTP host key.
func HostKeyPath(dataDir string) string { return filepath.Join(dataDir, "edi", "ssh_host_ed25519_key") }

func loadOrCreateHostKey(p string) (ssh.Signer, error) {
	if b, err := os.ReadFile(p); err == nil {
		s, err := ssh.ParsePrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("gateway: SFTP host key %s is unreadable: %w", p, err)
		}
		return s, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("gateway: SFTP host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("gateway: generating the SFTP host key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "pogate sftp host key")
	if err != nil {
		return nil, fmt.Errorf("gateway: encoding the SFTP host key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return nil, fmt.Errorf("gateway: SFTP host key folder: %w", err)
	}
	if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("gateway: saving the SFTP host key: %w", err)
	}
	return ssh.NewSignerFromKey(priv)
}

func (s *SFTPServer) checkPassword(meta ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
	c, err := s.g.store.EDICredentialByUsername(context.Background(), meta.User())
	if err != nil || c.PasswordHash == "" {
		auth.DummyVerify(string(pw))
		return nil, errors.New("unknown user or wrong password")
	}
	ok, err := auth.VerifyPassword(c.PasswordHash, string(pw))
	if err != nil || !ok {
		return nil, errors.New("unknown user or wrong password")
	}
	return permissionsFor(c), nil
}

func (s *SFTPServer) checkKey(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	c, err := s.g.store.EDICredentialByUsername(context.Background(), meta.User())
	if err != nil {
		return nil, errors.New("unknown user or key")
	}
	want := key.Marshal()
	rest := []byte(c.AuthorizedKeys)
	for len(strings.TrimSpace(string(rest))) > 0 {
		pub, _, _, next, err := ssh.ParseAuthorizedKey(rest)
		if err != nil {
			break
		}
		if string(pub.Marshal()) == string(want) {
			return permissionsFor(c), nil
		}
		rest = next
	}
	return nil, errors.New("unknown user or key")
}

func permissionsFor(c store.EDICredential) *ssh.Permissions {
	return &ssh.Permissions{Extensions: map[string]string{partnerExt: strconv.FormatInt(c.PartnerID, 10)}}
}

// Serve accepts connections on ln until Close.
func (s *SFTPServer) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return net.ErrClosed
	}
	s.ln = ln
	s.mu.Unlock()
	for {
		conn, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			return fmt.Errorf("gateway: SFTP accept: %w", err)
		}
		if !s.track(conn, true) {
			conn.Close()
			return nil
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.track(conn, false)
			s.handle(conn)
		}()
	}
}

func (s *SFTPServer) track(c net.Conn, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.closed {
			return false
		}
		s.conns[c] = true
		return true
	}
	delete(s.conns, c)
	return true
}

// Close stops accepting, drops open sessions and waits for them.
func (s *SFTPServer) Close() error {
	s.mu.Lock()
	s.closed = true
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *SFTPServer) handle(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	sc, chans, reqs, err := ssh.NewServerConn(conn, s.cfg)
	if err != nil {
		return
	}
	conn.SetDeadline(time.Time{})
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	partnerID, _ := strconv.ParseInt(sc.Permissions.Extensions[partnerExt], 10, 64)
	p, err := s.g.store.EDIPartnerByID(context.Background(), partnerID)
	if err != nil {
		s.g.log.Warn("sftp: login without a partner", "user", sc.User(), "err", err)
		return
	}
	if err := s.g.EnsureFolders(p); err != nil {
		s.g.log.Error("sftp: partner folders", "err", err)
		return
	}
	s.g.log.Info("sftp session", "user", sc.User(), "partner", p.Name, "remote", conn.RemoteAddr().String())
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "only session channels")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go s.session(ch, creqs, p, sc.User())
	}
}

func (s *SFTPServer) session(ch ssh.Channel, reqs <-chan *ssh.Request, p store.EDIPartner, user string) {
	defer ch.Close()
	for req := range reqs {
		if req.Type == "subsystem" && len(req.Payload) >= 4 && string(req.Payload[4:]) == "sftp" {
			req.Reply(true, nil)
			fsys := &partnerFS{g: s.g, p: p, dir: s.g.PartnerDir(p), user: user}
			h := sftp.Handlers{FileGet: fsys, FilePut: fsys, FileCmd: fsys, FileList: fsys}
			rs := sftp.NewRequestServer(ch, h)
			if err := rs.Serve(); err != nil && !errors.Is(err, io.EOF) {
				s.g.log.Debug("sftp: session ended", "err", err)
			}
			rs.Close()
			return
		}
		req.Reply(false, nil)
	}
}

// partnerFS is one partner's view: "/", "/inbox", "/outbox" and the plain
// files directly inside those two folders. Nothing else exists.
type partnerFS struct {
	g    *Gateway
	p    store.EDIPartner
	dir  string
	user string
}

// target is a request path reduced to what it may name.
type target struct {
	area string // "", Inbox or Outbox
	name string // "" for a folder
}

var errDenied = sftp.ErrSSHFxPermissionDenied

// resolve reduces a client path to (area, name). It cleans the path as an
// absolute one, so "..", "//" and friends cannot climb above the virtual
// root, then accepts only the shapes listed on partnerFS.
func resolve(p string) (target, error) {
	clean := path.Clean("/" + strings.ReplaceAll(p, "\\", "/"))
	parts := strings.Split(strings.TrimPrefix(clean, "/"), "/")
	switch {
	case clean == "/":
		return target{}, nil
	case len(parts) > 2:
		return target{}, sftp.ErrSSHFxNoSuchFile
	}
	if parts[0] != Inbox && parts[0] != Outbox {
		return target{}, sftp.ErrSSHFxNoSuchFile
	}
	t := target{area: parts[0]}
	if len(parts) == 2 {
		if parts[1] == "" || parts[1] == "." || parts[1] == ".." {
			return target{}, sftp.ErrSSHFxNoSuchFile
		}
		t.name = parts[1]
	}
	return t, nil
}

func (fsys *partnerFS) real(t target) string {
	if t.area == "" {
		return fsys.dir
	}
	if t.name == "" {
		return filepath.Join(fsys.dir, t.area)
	}
	return filepath.Join(fsys.dir, t.area, t.name)
}

// regular opens nothing but plain files that are not hidden staging files.
func (fsys *partnerFS) regular(t target) (os.FileInfo, error) {
	if t.name == "" || strings.HasPrefix(t.name, ".") {
		return nil, sftp.ErrSSHFxNoSuchFile
	}
	fi, err := os.Lstat(fsys.real(t))
	if err != nil || !fi.Mode().IsRegular() {
		return nil, sftp.ErrSSHFxNoSuchFile
	}
	return fi, nil
}

// Fileread serves downloads from the outbox (and the partner's own
// not-yet-collected inbox files).
func (fsys *partnerFS) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	t, err := resolve(r.Filepath)
	if err != nil {
		return nil, err
	}
	if _, err := fsys.regular(t); err != nil {
		return nil, err
	}
	return os.Open(fsys.real(t))
}

// Filewrite accepts uploads into the inbox only.
func (fsys *partnerFS) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	t, err := resolve(r.Filepath)
	if err != nil {
		return nil, err
	}
	if t.area != Inbox || t.name == "" || strings.HasPrefix(t.name, ".") {
		return nil, errDenied
	}
	tmp, err := os.CreateTemp(fsys.real(target{area: Inbox}), ".upload-*.part")
	if err != nil {
		return nil, fmt.Errorf("cannot store the upload")
	}
	return &upload{fsys: fsys, f: tmp, name: t.name, max: fsys.g.max}, nil
}

// upload is an SFTP upload in progress, hidden until Close.
type upload struct {
	fsys *partnerFS
	f    *os.File
	name string
	max  int64
	size int64
	mu   sync.Mutex
	bad  bool
}

func (u *upload) WriteAt(b []byte, off int64) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if off+int64(len(b)) > u.max {
		u.bad = true
		return 0, fmt.Errorf("the file exceeds %d bytes", u.max)
	}
	n, err := u.f.WriteAt(b, off)
	if end := off + int64(n); end > u.size {
		u.size = end
	}
	return n, err
}

// Close finishes the upload: an in-progress name (x.part) is renamed into
// the inbox for the client's own rename to complete; any other name is
// stored and processed at once, then archived. If the database cannot
// take it now, it goes into the inbox and the poller takes it later.
func (u *upload) Close() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	tmp := u.f.Name()
	if err := u.f.Close(); err != nil || u.bad {
		os.Remove(tmp)
		if u.bad {
			return fmt.Errorf("the file exceeds %d bytes and was discarded", u.max)
		}
		return fmt.Errorf("the upload could not be saved")
	}
	inbox := u.fsys.real(target{area: Inbox})
	if ignoredName(u.name) {
		return moveUnique(tmp, inbox, u.name)
	}
	data, err := os.ReadFile(tmp)
	if err != nil {
		return moveUnique(tmp, inbox, u.name)
	}
	src := Source{Kind: SourceSFTP, PartnerID: u.fsys.p.ID, By: "sftp:" + u.fsys.user}
	id, err := u.fsys.g.Receive(context.Background(), src, u.name, data)
	if err != nil {
		u.fsys.g.log.Warn("sftp: upload not stored, left for the poller", "name", u.name, "err", err)
		return moveUnique(tmp, inbox, u.name)
	}
	if err := moveUnique(tmp, filepath.Join(u.fsys.dir, Archive), fmt.Sprintf("%d-%s", id, u.name)); err != nil {
		os.Remove(tmp)
	}
	if err := u.fsys.g.Process(context.Background(), id, src); err != nil {
		u.fsys.g.log.Error("sftp: processing upload (Tick retries)", "file_id", id, "err", err)
	}
	return nil
}

// Filecmd allows removing files (collected 997s in the outbox, own uploads
// in the inbox), renaming within the inbox (upload-then-rename clients) and
// setting times; never directories, links or moves between folders.
func (fsys *partnerFS) Filecmd(r *sftp.Request) error {
	t, err := resolve(r.Filepath)
	if err != nil {
		return err
	}
	switch r.Method {
	case "Setstat":
		if t.area == "" {
			return errDenied
		}
		return nil
	case "Remove":
		if _, err := fsys.regular(t); err != nil {
			return err
		}
		return os.Remove(fsys.real(t))
	case "Rename":
		to, err := resolve(r.Target)
		if err != nil {
			return err
		}
		if t.area != Inbox || to.area != Inbox || to.name == "" || strings.HasPrefix(to.name, ".") {
			return errDenied
		}
		if _, err := fsys.regular(t); err != nil {
			return err
		}
		if _, err := os.Lstat(fsys.real(to)); err == nil {
			return sftp.ErrSSHFxFailure
		}
		return os.Rename(fsys.real(t), fsys.real(to))
	}
	return errDenied
}

// PosixRename is Rename (openssh's posix-rename@openssh.com).
func (fsys *partnerFS) PosixRename(r *sftp.Request) error {
	r.Method = "Rename"
	return fsys.Filecmd(r)
}

// Filelist answers List and Stat within the virtual tree; hidden staging
// files are never listed.
func (fsys *partnerFS) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	t, err := resolve(r.Filepath)
	if err != nil {
		return nil, err
	}
	switch r.Method {
	case "List":
		switch {
		case t.area == "":
			return listerAt{folderInfo(Inbox), folderInfo(Outbox)}, nil
		case t.name != "":
			return nil, sftp.ErrSSHFxNoSuchFile
		}
		entries, err := os.ReadDir(fsys.real(t))
		if err != nil {
			return nil, sftp.ErrSSHFxNoSuchFile
		}
		var out listerAt
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") || !e.Type().IsRegular() {
				continue
			}
			if fi, err := e.Info(); err == nil {
				out = append(out, fi)
			}
		}
		return out, nil
	case "Stat", "Lstat":
		if t.area == "" {
			return listerAt{folderInfo("/")}, nil
		}
		if t.name == "" {
			return listerAt{folderInfo(t.area)}, nil
		}
		fi, err := fsys.regular(t)
		if err != nil {
			return nil, err
		}
		return listerAt{fi}, nil
	}
	return nil, sftp.ErrSSHFxOpUnsupported
}

type listerAt []os.FileInfo

func (l listerAt) ListAt(dst []os.FileInfo, off int64) (int, error) {
	if off >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(dst, l[off:])
	if off+int64(n) >= int64(len(l)) {
		return n, io.EOF
	}
	return n, nil
}

// folderInfo describes a virtual folder without exposing the real one.
type folderInfo string

func (f folderInfo) Name() string       { return string(f) }
func (f folderInfo) Size() int64        { return 0 }
func (f folderInfo) Mode() os.FileMode  { return os.ModeDir | 0o750 }
func (f folderInfo) ModTime() time.Time { return time.Time{} }
func (f folderInfo) IsDir() bool        { return true }
func (f folderInfo) Sys() any           { return nil }
