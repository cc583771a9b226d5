package portal

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.GET("/purchase-orders", s.apiListPOs)
		api.POST("/purchase-orders", s.requireRole(store.RoleBuyer), s.apiCreatePO)
		api.GET("/purchase-orders/:po_id", s.apiGetPO)
		api.PUT("/purchase-orders/:po_id", s.requireRole(store.RoleBuyer), s.apiUpdatePO)
		api.POST("/purchase-orders/:po_id/cancel", s.requireRole(store.RoleBuyer), s.apiCancelPO)
	})
}

func (s *Server) apiListPOs(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.POFilter{Search: c.Query("q"), Sort: c.Query("sort")}
	if v := c.Query("status"); v != "" {
		f.Statuses = strings.Split(v, ",")
	}
	if f.SupplierID, err = queryID(c, "supplier_id"); err != nil {
		s.fail(c, err)
		return
	}
	for name, dst := range map[string]*time.Time{"created_from": &f.CreatedFrom, "created_to": &f.CreatedTo} {
		if v := c.Query(name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				s.fail(c, fieldErr(name, "%q is not a date (YYYY-MM-DD)", v))
				return
			}
			*dst = t
		}
	}
	pos, total, err := s.Procure.ListPOs(c.Request.Context(), actorOf(c), f, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(pos, total, page, poView))
}

func (s *Server) apiGetPO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.GetPO(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, poView(po))
}

func (s *Server) apiCreatePO(c *gin.Context) {
	var in procure.DraftPO
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.CreateDraft(c.Request.Context(), actorOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/purchase-orders/"+strconv.FormatInt(po.ID, 10))
	c.JSON(http.StatusCreated, poView(po))
}

func (s *Server) apiUpdatePO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in procure.DraftPO
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.UpdateDraft(c.Request.Context(), actorOf(c), id, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, poView(po))
}

func (s *Server) apiCancelPO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.Cancel(c.Request.Context(), actorOf(c), id, in.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, poView(po))
}
