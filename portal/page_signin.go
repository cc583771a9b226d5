package portal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/store"
)

// Sign-in throttling: failures are counted per account and per socket
// address over a sliding window. The address is the TCP peer
// (Request.RemoteAddr), never X-Forwarded-For, so a client cannot pick a
// fresh address per attempt by sending a header.
const (
	throttleWindow     = 15 * time.Minute
	maxAccountFailures = 5
	maxAddressFailures = 30
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.pages(web)
		g.GET("/signin", s.pageSignIn)
		g.POST("/signin", s.postSignIn)
		g.POST("/signout", s.postSignOut)
	})
}

type signInData struct{ Next string }

func (s *Server) pageSignIn(c *gin.Context) {
	if actorOf(c).Kind != "" {
		redirect(c, "/")
		return
	}
	v := s.newView(c, "Sign in")
	v.Data = signInData{Next: safeNext(c.Query("next"))}
	s.render(c, http.StatusOK, "signin", v)
}

// safeNext keeps a post-sign-in redirect on this site (no open redirect).
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return "/"
	}
	return n
}

func socketAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// errBadCredentials is the one answer for an unknown e-mail, a wrong
// password and a disabled account, so none can be told apart.
var errBadCredentials = errors.New("that e-mail and password do not match an active account")

func (s *Server) postSignIn(c *gin.Context) {
	email := store.NormaliseEmail(c.PostForm("email"))
	password := c.PostForm("password")
	next := safeNext(c.PostForm("next"))
	v := s.newView(c, "Sign in")
	v.Form.Set("email", email)
	v.Data = signInData{Next: next}
	if email == "" || password == "" {
		v.Errors = map[string]string{"email": "enter your e-mail and password"}
		s.render(c, http.StatusBadRequest, "signin", v)
		return
	}
	ctx := c.Request.Context()
	u, wait, err := s.checkCredentials(ctx, email, password, socketAddr(c.Request))
	switch {
	case wait > 0:
		v.Errors = map[string]string{"": fmt.Sprintf("Too many failed sign-ins. Try again in %d minutes, or reset your password.", int(wait.Round(time.Minute)/time.Minute)+1)}
		c.Header("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		s.render(c, http.StatusTooManyRequests, "signin", v)
		return
	case errors.Is(err, errBadCredentials):
		v.Errors = map[string]string{"": "That e-mail and password do not match an active account. Check both, or reset your password."}
		s.render(c, http.StatusUnauthorized, "signin", v)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	if err := s.signIn(ctx, u); err != nil {
		s.fail(c, err)
		return
	}
	redirect(c, next)
}

// checkCredentials verifies a sign-in. It returns how long to wait when the
// account or address is throttled (no password is checked then).
func (s *Server) checkCredentials(ctx context.Context, email, password, addr string) (store.User, time.Duration, error) {
	now := s.Store.Now()
	since := now.Add(-throttleWindow)
	acctKey, addrKey := "acct:"+email, "addr:"+addr
	for _, k := range []struct {
		key string
		max int64
	}{{acctKey, maxAccountFailures}, {addrKey, maxAddressFailures}} {
		n, oldest, err := s.Store.LoginFailures(ctx, k.key, since)
		if err != nil {
			return store.User{}, 0, err
		}
		if n >= k.max {
			return store.User{}, oldest.Add(throttleWindow).Sub(now), nil
		}
	}
	u, err := s.Store.UserByEmail(ctx, email)
	ok := false
	if err == nil {
		ok, _ = auth.VerifyPassword(u.PasswordHash, password)
		if !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			// An invited user with no password yet: spend the same time.
			auth.DummyVerify(password)
		}
	} else {
		auth.DummyVerify(password)
	}
	if !ok || u.DisabledAt != nil {
		if rerr := s.Store.RecordLoginFailure(ctx, acctKey, addrKey); rerr != nil {
			return store.User{}, 0, rerr
		}
		return store.User{}, 0, errBadCredentials
	}
	if err := s.Store.ClearLoginFailures(ctx, acctKey, now.Add(-24*time.Hour)); err != nil {
		return store.User{}, 0, err
	}
	return u, 0, nil
}

func (s *Server) postSignOut(c *gin.Context) {
	if err := s.signOut(c.Request.Context()); err != nil {
		s.fail(c, err)
		return
	}
	s.flash(c, "ok", "You are signed out.")
	redirect(c, "/signin")
}
