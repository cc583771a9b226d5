package portal

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web).Group("/admin", s.requireRole(store.RoleAdmin))
		g.GET("/users", s.pageUsers)
		g.POST("/users/invite", s.postInviteUser)
		g.POST("/users/:user_id/disable", s.postUserDisabled(true))
		g.POST("/users/:user_id/enable", s.postUserDisabled(false))
	})
	addNav(90, "/admin/users", "Users", staff(store.RoleAdmin))
}

type usersData struct {
	Users     []store.User
	Suppliers map[int64]string
	All       []store.Supplier
	Roles     []store.Role
}

func (s *Server) pageUsers(c *gin.Context) {
	v := s.newView(c, "Users")
	if !s.fillUsers(c, v) {
		return
	}
	s.render(c, http.StatusOK, "users", v)
}

func (s *Server) fillUsers(c *gin.Context, v *view) bool {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return false
	}
	q := s.Store.DB(c.Request.Context()).Model(&store.User{})
	if t := strings.TrimSpace(c.Query("q")); t != "" {
		like := "%" + strings.ToLower(likeEscape(t)) + "%"
		q = q.Where("LOWER(email) LIKE ? ESCAPE '\\' OR LOWER(name) LIKE ? ESCAPE '\\'", like, like)
	}
	if r := c.Query("role"); r != "" {
		q = q.Where("role = ?", r)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		s.fail(c, err)
		return false
	}
	var users []store.User
	if err := q.Order("email").Limit(page.Limit()).Offset(offsetOf(page)).Find(&users).Error; err != nil {
		s.fail(c, err)
		return false
	}
	sups, _, err := s.Store.Suppliers(c.Request.Context(), "", store.Page{Size: store.MaxPageSize})
	if err != nil {
		s.fail(c, err)
		return false
	}
	names := map[int64]string{}
	for _, sp := range sups {
		names[sp.ID] = sp.Code
	}
	v.Data = usersData{Users: users, Suppliers: names, All: sups, Roles: store.Roles}
	v.Pager = newPager(c, page, total)
	return true
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func offsetOf(p store.Page) int {
	if p.Number <= 1 {
		return 0
	}
	return (p.Number - 1) * p.Limit()
}

// postInviteUser creates a user without a usable password and e-mails a
// one-time link to choose one.
func (s *Server) postInviteUser(c *gin.Context) {
	a := actorOf(c)
	u := store.User{Email: c.PostForm("email"), Name: strings.TrimSpace(c.PostForm("name")), Role: store.Role(c.PostForm("role")),
		PasswordHash: "!invited:" + auth.RandomToken(16)}
	if v := c.PostForm("supplier_id"); v != "" && v != "0" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err == nil {
			if _, err = s.Store.Supplier(c.Request.Context(), id); err == nil {
				u.SupplierID = &id
			}
		}
		if err != nil {
			s.reshowUsers(c, map[string]string{"supplier_id": "choose a supplier from the list"})
			return
		}
	}
	if err := s.Store.CreateUser(c.Request.Context(), a, &u); err != nil {
		if errs, _, ok := errorsOf(err); ok {
			s.reshowUsers(c, errs)
			return
		}
		s.fail(c, err)
		return
	}
	if err := s.sendPasswordLink(c.Request.Context(), u, store.LinkInvite, a); err != nil {
		s.flash(c, "warn", "The user was created but the invitation could not be e-mailed: "+err.Error()+". Disable and invite again later.")
		redirect(c, "/admin/users")
		return
	}
	s.flash(c, "ok", "Invitation sent to "+u.Email+". The link works once, for 7 days.")
	redirect(c, "/admin/users")
}

func (s *Server) reshowUsers(c *gin.Context, errs map[string]string) {
	v := s.newView(c, "Users")
	v.Errors = errs
	_ = c.Request.ParseForm()
	v.Form = c.Request.PostForm
	if !s.fillUsers(c, v) {
		return
	}
	s.render(c, http.StatusBadRequest, "users", v)
}

// postUserDisabled disables a user and ends all their sessions at once, or
// enables them again.
func (s *Server) postUserDisabled(disabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := idParam(c, "user_id")
		if err != nil {
			s.fail(c, err)
			return
		}
		a := actorOf(c)
		if disabled && id == a.ID {
			s.flash(c, "error", "You cannot disable your own account.")
			redirect(c, "/admin/users")
			return
		}
		u, err := s.Store.UserByID(c.Request.Context(), id)
		if err != nil {
			s.fail(c, err)
			return
		}
		if err := s.Store.SetUserDisabled(c.Request.Context(), a, id, disabled); err != nil {
			s.fail(c, err)
			return
		}
		if disabled {
			n, err := s.Store.EndUserSessions(c.Request.Context(), id)
			if err != nil {
				s.fail(c, err)
				return
			}
			s.flash(c, "ok", u.Email+" is disabled; "+strconv.FormatInt(n, 10)+" open session(s) ended.")
		} else {
			s.flash(c, "ok", u.Email+" can sign in again.")
		}
		redirect(c, "/admin/users")
	}
}
