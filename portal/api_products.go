package portal

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/store"
)

// Products and stock are the brand's own data: suppliers do not list them.
var staffRoles = []store.Role{store.RoleBuyer, store.RoleApprover, store.RoleWarehouse, store.RoleAP}

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.GET("/products", s.requireRole(staffRoles...), s.apiListProducts)
		api.POST("/products", s.requireRole(store.RoleBuyer), s.apiCreateProduct)
		api.GET("/products/:product_id", s.requireRole(staffRoles...), s.apiGetProduct)
		api.GET("/stock-levels", s.requireRole(staffRoles...), s.apiListStock)
	})
}

func (s *Server) apiListProducts(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ps, total, err := s.Store.Products(c.Request.Context(), c.Query("q"), page)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(ps, total, page, productView))
}

func (s *Server) apiGetProduct(c *gin.Context) {
	id, err := idParam(c, "product_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.Store.Product(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, productView(p))
}

func (s *Server) apiCreateProduct(c *gin.Context) {
	var in struct {
		SKU       string `json:"sku"`
		Name      string `json:"name"`
		GTIN      string `json:"gtin"`
		StockUnit string `json:"stock_unit"`
		Category  string `json:"category"`
	}
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	p := store.Product{SKU: in.SKU, Name: in.Name, GTIN: in.GTIN, StockUnit: in.StockUnit, Category: in.Category}
	if err := s.Store.CreateProduct(c.Request.Context(), actorOf(c), &p); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, productView(p))
}

func (s *Server) apiListStock(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var pid int64
	if pid, err = queryID(c, "product_id"); err != nil {
		s.fail(c, err)
		return
	}
	sl, err := s.Store.StockLevels(c.Request.Context(), pid, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	total, err := s.Store.CountStockLevels(c.Request.Context(), pid)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]stockLevelJSON, len(sl))
	for i, l := range sl {
		out[i] = stockLevelJSON{ProductID: l.ProductID, LocationID: l.LocationID, OnHand: l.OnHand, Allocated: l.Allocated, UpdatedAt: l.UpdatedAt}
	}
	c.JSON(http.StatusOK, newList(out, total, page))
}
