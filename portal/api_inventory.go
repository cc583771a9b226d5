package portal

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.PUT("/stock-levels", s.requireRole(store.RoleBuyer, store.RoleWarehouse), s.apiPutStock)
		api.GET("/inventory-positions", s.requireRole(staffRoles...), s.apiInventoryPositions)
	})
}

// apiPutStock replaces on-hand and allocated for each (SKU, location) of a
// JSON array, all or nothing.
func (s *Server) apiPutStock(c *gin.Context) {
	var in []procure.StockInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	n, err := s.Procure.SetStockLevels(c.Request.Context(), actorOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"updated": n})
}

func (s *Server) apiInventoryPositions(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	out, total, err := s.Procure.InventoryPositions(c.Request.Context(), actorOf(c), procure.PositionFilter{SKU: c.Query("sku")}, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(out, total, page))
}
