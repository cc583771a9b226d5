package portal

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// Link lifetimes: a reset is for someone waiting at the screen; an invite
// may sit in an inbox over a weekend.
const (
	resetLinkTTL  = time.Hour
	inviteLinkTTL = 7 * 24 * time.Hour
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.pages(web)
		g.GET("/password/forgot", s.pageForgot)
		g.POST("/password/forgot", s.postForgot)
		g.GET("/password/reset", s.pageSetPassword(store.LinkReset))
		g.POST("/password/reset", s.postSetPassword(store.LinkReset))
		g.GET("/invite/accept", s.pageSetPassword(store.LinkInvite))
		g.POST("/invite/accept", s.postSetPassword(store.LinkInvite))
	})
}

func (s *Server) pageForgot(c *gin.Context) {
	s.render(c, http.StatusOK, "forgot", s.newView(c, "Reset your password"))
}

// postForgot always answers the same, so the form cannot be used to find
// out which e-mails have accounts.
func (s *Server) postForgot(c *gin.Context) {
	email := store.NormaliseEmail(c.PostForm("email"))
	if !strings.Contains(email, "@") {
		v := s.newView(c, "Reset your password")
		v.Form.Set("email", email)
		v.Errors = map[string]string{"email": "enter the e-mail address you sign in with"}
		s.render(c, http.StatusBadRequest, "forgot", v)
		return
	}
	ctx := c.Request.Context()
	if u, err := s.Store.UserByEmail(ctx, email); err == nil && u.DisabledAt == nil {
		if err := s.sendPasswordLink(ctx, u, store.LinkReset, store.System("portal")); err != nil {
			s.Log.Error("password reset link", "user", u.ID, "error", err)
		}
	}
	s.flash(c, "ok", "If an account uses that e-mail, a link to set a new password is on its way. It works once, for one hour.")
	redirect(c, "/signin")
}

// sendPasswordLink creates a one-time link and e-mails it. Without a mailer
// (development) the link is logged so a local user can still reset.
func (s *Server) sendPasswordLink(ctx context.Context, u store.User, purpose string, actor store.Actor) error {
	secret := auth.RandomToken(32)
	ttl, path, subject := resetLinkTTL, "/password/reset", "Set a new pogate password"
	if purpose == store.LinkInvite {
		ttl, path, subject = inviteLinkTTL, "/invite/accept", "You are invited to the supplier portal"
	}
	if err := s.Store.CreatePasswordLink(ctx, actor, u.ID, purpose, auth.HashToken(secret), ttl); err != nil {
		return err
	}
	link := s.baseURL() + path + "?token=" + url.QueryEscape(secret)
	text := fmt.Sprintf("Hello %s,\n\nOpen this link to set your password:\n\n%s\n\nThe link works once and expires in %s. If you did not expect this e-mail, ignore it.\n",
		nameOr(u), link, humanDuration(ttl))
	if purpose == store.LinkInvite {
		text = fmt.Sprintf("Hello %s,\n\nYou have been invited to sign in to the purchase-order portal as %s.\nOpen this link to choose your password:\n\n%s\n\nThe link works once and expires in %s.\n",
			nameOr(u), u.Email, link, humanDuration(ttl))
	}
	if s.Procure == nil || s.Procure.Mail == nil {
		s.Log.Warn("no mailer configured; password link logged instead of e-mailed", "user", u.Email, "purpose", purpose, "link", link)
		return nil
	}
	return s.Procure.Mail.Send(ctx, procure.Mail{To: []string{u.Email}, Subject: subject, Text: text})
}

func nameOr(u store.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

func humanDuration(d time.Duration) string {
	if d >= 24*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%d minutes", int(d/time.Minute))
}

func (s *Server) baseURL() string {
	if b := strings.TrimRight(s.Config.BaseURL, "/"); b != "" {
		return b
	}
	return "http://" + s.Config.Addr
}

type setPasswordData struct {
	Token   string
	Purpose string
	Email   string
	Action  string
}

func (s *Server) pageSetPassword(purpose string) gin.HandlerFunc {
	return func(c *gin.Context) {
		token := c.Query("token")
		u, err := s.Store.PasswordLinkUser(c.Request.Context(), auth.HashToken(token), purpose)
		if err != nil {
			s.fail(c, err)
			return
		}
		v := s.newView(c, titleFor(purpose))
		v.Data = setPasswordData{Token: token, Purpose: purpose, Email: u.Email, Action: c.Request.URL.Path}
		s.render(c, http.StatusOK, "setpassword", v)
	}
}

func titleFor(purpose string) string {
	if purpose == store.LinkInvite {
		return "Welcome — choose your password"
	}
	return "Choose a new password"
}

func (s *Server) postSetPassword(purpose string) gin.HandlerFunc {
	return func(c *gin.Context) {
		token := c.PostForm("token")
		pw, confirm := c.PostForm("password"), c.PostForm("confirm")
		hash := auth.HashToken(token)
		u, err := s.Store.PasswordLinkUser(c.Request.Context(), hash, purpose)
		if err != nil {
			s.fail(c, err)
			return
		}
		errs := map[string]string{}
		if len(pw) < auth.MinPasswordLength {
			errs["password"] = fmt.Sprintf("use at least %d characters", auth.MinPasswordLength)
		} else if pw != confirm {
			errs["confirm"] = "the two passwords differ"
		}
		var phc string
		if len(errs) == 0 {
			if phc, err = auth.HashPassword(pw); err != nil {
				errs["password"] = err.Error()
			}
		}
		if len(errs) > 0 {
			v := s.newView(c, titleFor(purpose))
			v.Errors = errs
			v.Data = setPasswordData{Token: token, Purpose: purpose, Email: u.Email, Action: c.Request.URL.Path}
			s.render(c, http.StatusBadRequest, "setpassword", v)
			return
		}
		if _, err := s.Store.UsePasswordLink(c.Request.Context(), hash, purpose, phc); err != nil {
			s.fail(c, err)
			return
		}
		// Setting a password signs out every other session (done in the store)
		// and this browser too: the user signs in with the new password.
		if err := s.signOut(c.Request.Context()); err != nil {
			s.fail(c, err)
			return
		}
		s.flash(c, "ok", "Your password is set. Sign in with it now.")
		redirect(c, "/signin")
	}
}
