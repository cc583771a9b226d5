package portal

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/config"
	"github.com/pogate/pogate/internal/demo"
	"github.com/pogate/pogate/internal/jobs"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// Cheap argon2 parameters keep a suite of sign-ins fast; production
	// parameters are covered by internal/auth.
	auth.Current = auth.Params{Memory: 64, Time: 1, Threads: 1}
	os.Exit(m.Run())
}

// webEnv is a real server on a real (SQLite or PostgreSQL) store, seeded
// with the demo brand: suppliers ACME, EDIWORKS, MAILCO and a user per role.
type webEnv struct {
	t     *testing.T
	store *store.Store
	svc   *procure.Service
	srv   *Server
	ts    *httptest.Server
	logs  *logCapture
	sup   map[string]store.Supplier
	queue *jobs.Queue
}

// drain runs every queued job (sends after approval) now.
func (e *webEnv) drain() {
	e.t.Helper()
	if _, err := e.queue.Drain(context.Background()); err != nil {
		e.t.Fatalf("drain jobs: %v", err)
	}
}

// logCapture keeps log records so a test can read a link that would have
// been e-mailed when no mailer is configured.
type logCapture struct {
	mu   sync.Mutex
	recs []string
}

func (l *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCapture) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.Key + "=" + a.Value.String()); return true })
	l.mu.Lock()
	l.recs = append(l.recs, b.String())
	l.mu.Unlock()
	return nil
}
func (l *logCapture) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCapture) WithGroup(string) slog.Handler      { return l }

var linkRe = regexp.MustCompile(`link=(\S+)`)

// lastLink returns the most recent password link logged for an e-mail.
func (l *logCapture) lastLink(t *testing.T, email string) string {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.recs) - 1; i >= 0; i-- {
		if strings.Contains(l.recs[i], "user="+email) {
			if m := linkRe.FindStringSubmatch(l.recs[i]); m != nil {
				u, err := url.Parse(m[1])
				if err != nil {
					t.Fatal(err)
				}
				return u.RequestURI()
			}
		}
	}
	t.Fatalf("no link logged for %s", email)
	return ""
}

func newWebEnv(t *testing.T) *webEnv {
	t.Helper()
	ctx := context.Background()
	st, where := storetest.OpenWithURL(t)
	logs := &logCapture{}
	log := slog.New(logs)
	svc := procure.New(st, log)
	// The real durable queue (River on the same database): commands that
	// enqueue (approve → send) work, and tests run the jobs with drain.
	qo := jobs.Options{Store: st, Log: log, Deps: jobs.Deps{Service: svc, Log: log,
		Dispatch: &procure.Dispatch{Service: svc, EDI: procure.OutboxEDI850{Dir: t.TempDir()}, BaseURL: "http://pogate.test"}}}
	if strings.HasPrefix(where, "postgres") {
		qo.DatabaseURL = where
	} else {
		qo.SQLitePath = where
	}
	q, err := jobs.New(ctx, qo)
	if err != nil {
		t.Fatalf("jobs: %v", err)
	}
	svc.Queue = q
	if _, _, err := demo.Seed(ctx, st, svc); err != nil {
		t.Fatalf("demo seed: %v", err)
	}
	cfg := config.Defaults()
	cfg.MaxUploadBytes = 2 << 20
	cfg.Addr = "pogate.test"
	srv, err := New(Deps{Config: cfg, Store: st, Procure: svc, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &webEnv{t: t, store: st, svc: svc, srv: srv, ts: ts, logs: logs, sup: map[string]store.Supplier{}, queue: q}
	for _, code := range []string{"ACME", "EDIWORKS", "MAILCO"} {
		sp, err := st.SupplierByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		e.sup[code] = sp
	}
	return e
}

// client is a browser-like HTTP client with its own cookie jar that does
// not follow redirects, so tests see each 303.
type client struct {
	t    *testing.T
	env  *webEnv
	http *http.Client
}

func (e *webEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, env: e, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn signs a demo user in and fails the test if that does not work.
func (e *webEnv) signIn(email string) *client {
	c := e.client()
	res := c.post("/signin", url.Values{"email": {email}, "password": {demo.Password}})
	if res.status != http.StatusSeeOther {
		e.t.Fatalf("sign in %s: status %d\n%s", email, res.status, res.body)
	}
	return c
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.env.ts.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.env.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// follow GETs the Location of a redirect.
func (c *client) follow(r response) response {
	c.t.Helper()
	if r.location == "" {
		c.t.Fatalf("expected a redirect, got %d", r.status)
	}
	u, _ := url.Parse(r.location)
	return c.get(u.RequestURI())
}

// setPOStatus moves a PO along its lifecycle with plain writes (the
// dispatch command is another package's; tests only need the state).
func (e *webEnv) setPOStatus(poID int64, path ...string) {
	e.t.Helper()
	err := e.store.InTx(context.Background(), func(tx *store.Tx) error {
		po, err := tx.LockPO(poID, 0)
		if err != nil {
			return err
		}
		for _, st := range path {
			fields := map[string]any{"status": st}
			if st == store.POStatusSent {
				now := e.store.Now()
				fields["sent_at"] = now
				fields["ack_due_at"] = now.Add(24 * time.Hour)
			}
			if err := tx.SavePOHeader(&po, fields); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// poOf returns the first PO of a supplier.
func (e *webEnv) poOf(code string) store.PurchaseOrder {
	e.t.Helper()
	pos, _, err := e.store.POs(context.Background(), store.POFilter{SupplierID: e.sup[code].ID}, store.Page{})
	if err != nil || len(pos) == 0 {
		e.t.Fatalf("no PO for %s: %v", code, err)
	}
	po, err := e.store.PO(context.Background(), pos[0].ID, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return po
}

func strconvI(n int64) string { return strconv.FormatInt(n, 10) }
