package portal

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web).Group("", s.requireRole(store.RoleBuyer))
		g.GET("/catalog", s.pageCatalog)
		g.GET("/catalog/stale", s.pageStaleCatalog)
		g.POST("/catalog/import", s.postCatalogImport)
	})
	addNav(40, "/catalog", "Catalog", staff(store.RoleBuyer))
}

type catalogData struct {
	Items     []store.CatalogItem
	Products  map[int64]store.Product
	Suppliers map[int64]string
	AllSups   []store.Supplier
	Stale     bool
	Result    *procure.ImportResult
	Columns   []string
}

func (s *Server) pageCatalog(c *gin.Context) { s.showCatalog(c, http.StatusOK, false, nil, nil) }

func (s *Server) pageStaleCatalog(c *gin.Context) { s.showCatalog(c, http.StatusOK, true, nil, nil) }

// showCatalog lists catalog items (or only those not reviewed for 90 days)
// with the import form; after an import with errors it shows every row
// error with its row and column.
func (s *Server) showCatalog(c *gin.Context, status int, stale bool, errs map[string]string, res *procure.ImportResult) {
	a := actorOf(c)
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := catalogData{Stale: stale, Result: res, Columns: procure.CatalogColumns}
	var total int64
	if stale {
		d.Items, total, err = s.Procure.StaleCatalog(c.Request.Context(), a, page)
	} else {
		f := store.CatalogFilter{}
		if v := c.Query("supplier_id"); v != "" {
			f.SupplierID, _ = strconv.ParseInt(v, 10, 64)
		}
		if q := strings.TrimSpace(c.Query("q")); q != "" {
			p, perr := s.Store.ProductBySKU(c.Request.Context(), q)
			if perr != nil {
				f.ProductID = -1
			} else {
				f.ProductID = p.ID
			}
		}
		if f.ProductID >= 0 {
			d.Items, total, err = s.Store.CatalogItems(c.Request.Context(), f, page)
		}
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if d.Products, err = s.productsByID(c, d.Items); err != nil {
		s.fail(c, err)
		return
	}
	if d.Suppliers, err = s.supplierNames(c); err != nil {
		s.fail(c, err)
		return
	}
	if d.AllSups, _, err = s.Store.Suppliers(c.Request.Context(), "", store.Page{Size: store.MaxPageSize}); err != nil {
		s.fail(c, err)
		return
	}
	title := "Catalog"
	if stale {
		title = "Catalog items to review"
	}
	v := s.newView(c, title)
	v.Data = d
	v.Errors = errs
	v.Pager = newPager(c, page, total)
	s.render(c, status, "catalog", v)
}

// postCatalogImport takes a CSV/TSV/XLSX upload. A file with errors is
// refused whole unless "apply the good rows" is ticked; either way every
// row error is listed.
func (s *Server) postCatalogImport(c *gin.Context) {
	up, err := formFile(c, "file", ".csv", ".tsv", ".txt", ".xlsx")
	if err != nil {
		if errs, status, ok := errorsOf(err); ok {
			s.showCatalog(c, status, false, errs, nil)
			return
		}
		s.fail(c, err)
		return
	}
	res, err := s.Procure.ImportCatalog(c.Request.Context(), actorOf(c), bytes.NewReader(up.Data), procure.ImportOptions{
		Partial: c.PostForm("partial") == "on", Filename: up.Name})
	if err != nil {
		fe := classify(err)
		if fe.Code == fault.Invalid || len(res.Errors) > 0 {
			s.showCatalog(c, http.StatusUnprocessableEntity, false, map[string]string{"file": fe.Message}, &res)
			return
		}
		s.fail(c, err)
		return
	}
	switch {
	case res.Replayed:
		s.flash(c, "warn", up.Name+" was imported before; nothing changed.")
	case len(res.Errors) > 0:
		s.flash(c, "warn", strconv.Itoa(res.Applied)+" of "+strconv.Itoa(res.Rows)+" rows imported from "+up.Name+"; "+strconv.Itoa(len(res.Errors))+" rows had errors and were skipped. Fix them and import the file again.")
	default:
		s.flash(c, "ok", strconv.Itoa(res.Applied)+" rows imported from "+up.Name+" ("+strconv.Itoa(res.ProductsCreated)+" new products).")
	}
	redirect(c, "/catalog")
}
