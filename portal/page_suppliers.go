package portal

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web).Group("", s.requireRole(store.RoleBuyer, store.RoleApprover, store.RoleAP))
		g.GET("/suppliers", s.pageSuppliers)
		g.GET("/suppliers/:supplier_id", s.pageSupplier)
	})
	addNav(30, "/suppliers", "Suppliers", staff(store.RoleBuyer, store.RoleApprover, store.RoleAP))
}

type suppliersData struct {
	Suppliers []store.Supplier
}

func (s *Server) pageSuppliers(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	sups, total, err := s.Store.Suppliers(c.Request.Context(), c.Query("q"), page)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "Suppliers")
	v.Data = suppliersData{Suppliers: sups}
	v.Pager = newPager(c, page, total)
	s.render(c, http.StatusOK, "suppliers", v)
}

type supplierData struct {
	Supplier store.Supplier
	Items    []store.CatalogItem
	Products map[int64]store.Product
	OpenPOs  int64
}

func (s *Server) pageSupplier(c *gin.Context) {
	id, err := idParam(c, "supplier_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	sp, err := s.Store.Supplier(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.Store.CatalogItems(c.Request.Context(), store.CatalogFilter{SupplierID: sp.ID}, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := supplierData{Supplier: sp, Items: items}
	if d.Products, err = s.productsByID(c, items); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.Store.DB(c.Request.Context()).Model(&store.PurchaseOrder{}).Where("supplier_id = ? AND status IN ?", sp.ID, store.OpenPOStatuses).Count(&d.OpenPOs).Error; err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, sp.Name)
	v.Data = d
	v.Pager = newPager(c, page, total)
	s.render(c, http.StatusOK, "supplier", v)
}

// productsByID loads the products of catalog rows for their SKU and name.
func (s *Server) productsByID(c *gin.Context, items []store.CatalogItem) (map[int64]store.Product, error) {
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ProductID)
	}
	out := map[int64]store.Product{}
	if len(ids) == 0 {
		return out, nil
	}
	var ps []store.Product
	if err := s.Store.DB(c.Request.Context()).Where("id IN ?", ids).Find(&ps).Error; err != nil {
		return nil, err
	}
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}
