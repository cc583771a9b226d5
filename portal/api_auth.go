package portal

import (
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

const actorKey = "pogate.actor"

// apiAuth accepts "Authorization: Bearer pgt_..." API tokens; browsers'
// cookies are never credentials for the API.
func (s *Server) apiAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || strings.TrimSpace(secret) == "" {
			c.Header("WWW-Authenticate", `Bearer realm="pogate"`)
			s.fail(c, fault.New(fault.Unauthorized, "send an API token as 'Authorization: Bearer <token>' (create one with 'pogate token create')"))
			return
		}
		tok, err := s.Store.TokenByHash(c.Request.Context(), auth.HashToken(strings.TrimSpace(secret)))
		if err != nil {
			c.Header("WWW-Authenticate", `Bearer realm="pogate", error="invalid_token"`)
			s.fail(c, fault.New(fault.Unauthorized, "the API token is unknown or revoked"))
			return
		}
		c.Set(actorKey, tok.Actor())
		c.Next()
	}
}

// actorOf returns who is calling; set by apiAuth or the session middleware.
func actorOf(c *gin.Context) store.Actor {
	if v, ok := c.Get(actorKey); ok {
		return v.(store.Actor)
	}
	return store.Actor{}
}

// setActor records the caller (used by session middleware).
func setActor(c *gin.Context, a store.Actor) { c.Set(actorKey, a) }

// requireRole aborts unless the caller has one of roles.
func (s *Server) requireRole(roles ...store.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !actorOf(c).HasRole(roles...) {
			s.fail(c, fault.New(fault.Forbidden, "your role may not do this"))
			return
		}
		c.Next()
	}
}
