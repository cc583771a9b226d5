package portal

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.GET("/settings", s.requireRole(store.RoleAdmin), s.apiListSettings)
		api.PUT("/settings", s.requireRole(store.RoleAdmin), s.apiPutSetting)
		api.GET("/webhook-subscriptions", s.requireRole(store.RoleAdmin), s.apiListWebhookSubs)
		api.POST("/webhook-subscriptions", s.requireRole(store.RoleAdmin), s.apiCreateWebhookSub)
		api.DELETE("/webhook-subscriptions", s.requireRole(store.RoleAdmin), s.apiDeleteWebhookSub)
	})
}

func (s *Server) apiListSettings(c *gin.Context) {
	out, err := s.Procure.Settings(c.Request.Context(), actorOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// apiPutSetting sets one allow-listed setting; secrets are never echoed.
func (s *Server) apiPutSetting(c *gin.Context) {
	var in struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.Procure.SetSetting(c.Request.Context(), actorOf(c), in.Name, in.Value); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type webhookSubJSON struct {
	ID     int64  `json:"id"`
	URL    string `json:"url"`
	Events string `json:"events"`
	Active bool   `json:"active"`
}

func (s *Server) apiListWebhookSubs(c *gin.Context) {
	subs, err := s.Procure.WebhookSubscriptions(c.Request.Context(), actorOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]webhookSubJSON, len(subs))
	for i, w := range subs {
		out[i] = webhookSubJSON{ID: w.ID, URL: w.URL, Events: w.Events, Active: w.Active}
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

func (s *Server) apiCreateWebhookSub(c *gin.Context) {
	var in procure.WebhookSubscriptionInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	w, err := s.Procure.CreateWebhookSubscription(c.Request.Context(), actorOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, webhookSubJSON{ID: w.ID, URL: w.URL, Events: w.Events, Active: w.Active})
}

func (s *Server) apiDeleteWebhookSub(c *gin.Context) {
	// The id is a query parameter (?id=) rather than a path segment.
	id, err := strconv.ParseInt(c.Query("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(c, fieldErr("id", "give the subscription id as ?id="))
		return
	}
	if err := s.Procure.DeleteWebhookSubscription(c.Request.Context(), actorOf(c), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
