package portal

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/templates"
)

// Session policy. The idle timeout ends a forgotten session on a shared
// warehouse tablet; the absolute one bounds a stolen cookie's life.
const (
	SessionIdleTimeout     = 30 * time.Minute
	SessionAbsoluteTimeout = 12 * time.Hour
	sessionCookieName      = "pogate_session"

	sessUserID   = "user_id"
	sessSignedAt = "signed_in_at"
	sessFlash    = "flash"
	userKey      = "pogate.user"
)

// sessionManagers maps each Server to its session manager; Server is the
// lead's type, so the web layer keeps its own state beside it.
var sessionManagers sync.Map // *Server -> *scs.SessionManager

func (s *Server) sessions() *scs.SessionManager {
	if v, ok := sessionManagers.Load(s); ok {
		return v.(*scs.SessionManager)
	}
	return nil
}

func init() {
	setupHooks = append(setupHooks, setupWeb)
	pageError = renderPageError
}

// setupWeb builds the session manager on the database, wraps the whole
// engine with it (as gin middleware scs would lose the cookie header), and
// installs the middleware that turns a session into an actor.
func setupWeb(s *Server) error {
	if _, err := loadPageSets(); err != nil {
		return err
	}
	sm := scs.New()
	sm.Codec = sessionCodec{}
	st := s.Store.Sessions()
	st.OwnerOf = func(b []byte) int64 {
		_, values, err := sm.Codec.Decode(b)
		if err != nil {
			return 0
		}
		id, _ := values[sessUserID].(int64)
		return id
	}
	// Re-write an unchanged session at most every 5 minutes: the idle
	// timeout may end up to 5 minutes early, and a page view costs no write.
	st.SkipTouch = 5 * time.Minute
	sm.Store = st
	sm.HashTokenInStore = true
	sm.IdleTimeout = SessionIdleTimeout
	sm.Lifetime = SessionAbsoluteTimeout
	sm.Cookie.Name = sessionCookieName
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = s.Config.SecureCookies
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.Log.Error("session store", "path", r.URL.Path, "error", err)
		http.Error(w, "The session store is unavailable; try again in a moment.", http.StatusServiceUnavailable)
	}
	sessionManagers.Store(s, sm)
	s.Wrap(func(next http.Handler) http.Handler {
		withSessions := sm.LoadAndSave(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Machines and assets never carry a session: skipping them keeps
			// the API cookie-free and saves a database read per request.
			if !usesSession(r.URL.Path) {
				next.ServeHTTP(w, r)
				return
			}
			withSessions.ServeHTTP(w, r.WithContext(store.WithSessionMemo(r.Context())))
		})
	})
	s.engine.Use(s.sessionActor()) // for NoRoute error pages
	s.engine.StaticFS("/static", http.FS(mustSub(templates.FS, "static")))
	return nil
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	return sub
}

func usesSession(p string) bool {
	for _, pre := range []string{"/api/", "/static/", "/healthz", "/metrics"} {
		if strings.HasPrefix(p, pre) {
			return false
		}
	}
	return true
}

// sessionActor sets the actor from the session for page requests. A user
// disabled since signing in, or past the absolute timeout, is signed out.
func (s *Server) sessionActor() gin.HandlerFunc {
	return func(c *gin.Context) {
		sm := s.sessions()
		if _, done := c.Get(userKey); done || sm == nil || !usesSession(c.Request.URL.Path) {
			c.Next()
			return
		}
		ctx := c.Request.Context()
		uid := sm.GetInt64(ctx, sessUserID)
		if uid == 0 {
			c.Next()
			return
		}
		var u store.User
		var err error
		if mu, sp, ok := store.SessionUser(ctx); ok && mu.ID == uid {
			// Read with the session in one query.
			u = *mu
			if sp != nil {
				c.Set(supplierKey, *sp)
			}
		} else {
			u, err = s.Store.UserByID(ctx, uid)
		}
		signedAt := time.Unix(sm.GetInt64(ctx, sessSignedAt), 0)
		if err != nil || u.DisabledAt != nil || s.Store.Now().Sub(signedAt) > SessionAbsoluteTimeout {
			_ = sm.Destroy(ctx)
			c.Next()
			return
		}
		c.Set(userKey, u)
		setActor(c, u.Actor("portal"))
		c.Next()
	}
}

// pages is the group of page routes: the session's user becomes the actor.
// (The web group is created before setup hooks run, so engine-level
// middleware would not reach it; NoRoute pages get it from engine.Use.)
func (s *Server) pages(web *gin.RouterGroup) *gin.RouterGroup {
	return web.Group("", s.sessionActor())
}

// signedIn is the group of pages that need a signed-in user: others are
// sent to the sign-in page and come back after.
func (s *Server) signedIn(web *gin.RouterGroup) *gin.RouterGroup {
	return s.pages(web).Group("", func(c *gin.Context) {
		if actorOf(c).Kind != "" {
			c.Next()
			return
		}
		next := c.Request.URL.Path
		if c.Request.Method != http.MethodGet {
			next = "/"
		} else if c.Request.URL.RawQuery != "" {
			next += "?" + c.Request.URL.RawQuery
		}
		c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(next))
		c.Abort()
	})
}

func (s *Server) flash(c *gin.Context, kind, text string) {
	sm := s.sessions()
	if sm == nil {
		return
	}
	ctx := c.Request.Context()
	// Plain strings only: scs's gob codec needs no type registration then.
	msg := kind + "\x00" + text
	if prev := sm.GetString(ctx, sessFlash); prev != "" {
		msg = prev + "\x01" + msg
	}
	sm.Put(ctx, sessFlash, msg)
}

func (s *Server) popFlashes(c *gin.Context) []flash {
	sm := s.sessions()
	if sm == nil || !sm.Exists(c.Request.Context(), sessFlash) {
		return nil
	}
	raw := strings.Split(sm.PopString(c.Request.Context(), sessFlash), "\x01")
	out := make([]flash, 0, len(raw))
	for _, r := range raw {
		k, t, _ := strings.Cut(r, "\x00")
		out = append(out, flash{Kind: k, Text: t})
	}
	return out
}

// redirect answers a successful POST (Post/Redirect/Get).
func redirect(c *gin.Context, to string) {
	c.Redirect(http.StatusSeeOther, to)
}

// signIn renews the session token (against fixation) and records the user.
func (s *Server) signIn(ctx context.Context, u store.User) error {
	sm := s.sessions()
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, sessUserID, u.ID)
	sm.Put(ctx, sessSignedAt, s.Store.Now().Unix())
	return nil
}

// signOut renews the token and forgets the user.
func (s *Server) signOut(ctx context.Context) error {
	sm := s.sessions()
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Remove(ctx, sessUserID)
	sm.Remove(ctx, sessSignedAt)
	return nil
}

// navFor is the menu of a role. Entries appear only for pages that exist.
func navFor(a store.Actor, current string) []navItem {
	var items []navItem
	add := func(href, label string) {
		cur := href == current || (href != "/" && strings.HasPrefix(current, href+"/"))
		items = append(items, navItem{Href: href, Label: label, Current: cur})
	}
	add("/", "Dashboard")
	add("/pos", "Orders")
	for _, n := range extraNav {
		if n.show(a) {
			add(n.href, n.label)
		}
	}
	return items
}

// navEntry is a menu entry added by a page file for the roles that may use it.
type navEntry struct {
	order       int
	href, label string
	show        func(store.Actor) bool
}

var extraNav []navEntry

// addNav registers a menu entry; entries are kept sorted by order.
func addNav(order int, href, label string, show func(store.Actor) bool) {
	e := navEntry{order: order, href: href, label: label, show: show}
	i := len(extraNav)
	for i > 0 && extraNav[i-1].order > order {
		i--
	}
	extraNav = append(extraNav, navEntry{})
	copy(extraNav[i+1:], extraNav[i:])
	extraNav[i] = e
}

func staff(roles ...store.Role) func(store.Actor) bool {
	return func(a store.Actor) bool { return !a.IsSupplier() && a.HasRole(roles...) }
}

func supplierOnly(a store.Actor) bool { return a.IsSupplier() }

// renderPageError is pageError: an HTML page with a way back.
func renderPageError(s *Server, c *gin.Context, status int, fe *fault.Error) {
	s.renderError(c, status, fe)
}

type errorPage struct {
	Status  int
	Heading string
	Message string
}

func (s *Server) renderError(c *gin.Context, status int, fe *fault.Error) {
	heading := map[int]string{
		http.StatusNotFound: "Not found", http.StatusForbidden: "Not allowed", http.StatusUnauthorized: "Please sign in",
		http.StatusRequestEntityTooLarge: "File too large", http.StatusTooManyRequests: "Too many attempts",
		http.StatusConflict: "Changed meanwhile", http.StatusBadRequest: "Cannot do that",
	}[status]
	if heading == "" {
		heading = "Something went wrong"
	}
	v := s.newView(c, heading)
	v.Data = errorPage{Status: status, Heading: heading, Message: fe.Message}
	s.render(c, status, "error", v)
	c.Abort()
}
