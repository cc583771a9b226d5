package portal

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		s.signedIn(web).GET("/pos", s.pagePOList)
	})
}

type poListData struct {
	POs       []store.PurchaseOrder
	Suppliers map[int64]string
	Statuses  []string
	Sorts     []string
	AllSups   []store.Supplier
}

// pagePOList lists the POs the actor may see: a supplier user only their
// supplier's (the scope comes from the session, never the query).
func (s *Server) pagePOList(c *gin.Context) {
	a := actorOf(c)
	v := s.newView(c, "Purchase orders")
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.POFilter{Search: c.Query("q"), Sort: c.Query("sort")}
	errs := map[string]string{}
	if st := c.Query("status"); st != "" {
		f.Statuses = []string{st}
		if st == "open" {
			f.Statuses = store.OpenPOStatuses
		}
	}
	if !a.IsSupplier() {
		if sid := c.Query("supplier_id"); sid != "" {
			if f.SupplierID, err = strconv.ParseInt(sid, 10, 64); err != nil {
				errs["supplier_id"] = "choose a supplier from the list"
			}
		}
	}
	for name, dst := range map[string]*time.Time{"from": &f.CreatedFrom, "to": &f.CreatedTo} {
		if val := c.Query(name); val != "" {
			t, perr := time.ParseInLocation("2006-01-02", val, v.loc)
			if perr != nil {
				errs[name] = "use a date such as 2026-03-31"
				continue
			}
			if name == "to" {
				t = t.AddDate(0, 0, 1)
			}
			*dst = t
		}
	}
	if _, ok := map[string]bool{"": true, "newest": true, "oldest": true, "number": true, "total": true, "ack_due": true, "expected": true, "status": true}[f.Sort]; !ok {
		errs["sort"] = "choose a sort order from the list"
		f.Sort = ""
	}
	d := poListData{Statuses: store.POStatuses, Sorts: store.POSortKeys()}
	status := http.StatusOK
	if len(errs) > 0 {
		v.Errors, status = errs, http.StatusBadRequest
	} else {
		var total int64
		d.POs, total, err = s.Procure.ListPOs(c, a, f, page)
		if err != nil {
			s.fail(c, err)
			return
		}
		v.Pager = newPager(c, page, total)
	}
	if d.Suppliers, err = s.supplierNames(c); err != nil {
		s.fail(c, err)
		return
	}
	if !a.IsSupplier() {
		if d.AllSups, _, err = s.Store.Suppliers(c, "", store.Page{Size: store.MaxPageSize}); err != nil {
			s.fail(c, err)
			return
		}
	}
	v.Data = d
	v.Form = c.Request.URL.Query()
	s.render(c, status, "pos", v)
}
