package portal

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
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
	key, reusable := s.poListCacheKey(c, v)
	if reusable {
		if body, ok := s.pageCache.get("pos", key, v.now); ok {
			writePage(c, http.StatusOK, body)
			return
		}
	}
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.POFilter{Search: c.Query("q"), Sort: c.Query("sort"), Summary: true}
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
		d.POs, total, err = s.Procure.ListPOs(c.Request.Context(), a, f, page)
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
		if d.AllSups, _, err = s.Store.Suppliers(c.Request.Context(), "", store.Page{Size: store.MaxPageSize}); err != nil {
			s.fail(c, err)
			return
		}
	}
	v.Data = d
	v.Form = c.Request.URL.Query()
	body, ok := s.renderPage(c, "pos", v)
	if !ok {
		return
	}
	if reusable && status == http.StatusOK {
		s.pageCache.put(key, body, v.nextChange)
	}
	writePage(c, status, body)
}

// poListCacheKey names everything a supplier user's PO list page is
// rendered from, so a page stored under it can be sent again instead of
// rendered: the supplier's PO list version (read with the session in the
// same query, and moved in the same transaction as any change to the
// supplier's orders), the query string, and every other field of the view
// (who is signed in, their role and supplier's name, the brand settings
// and time zone). The rows are read after the version, so a stored page is
// never older than its key says. Not for staff, whose list spans every
// supplier and would need a version that every order change moves, nor
// for a view carrying a one-time flash message.
func (s *Server) poListCacheKey(c *gin.Context, v *view) (string, bool) {
	version, ok := store.SessionPOListVersion(c.Request.Context())
	if !ok || !v.Actor.IsSupplier() || len(v.Flashes) > 0 || len(v.Errors) > 0 {
		return "", false
	}
	var b strings.Builder
	b.Grow(256)
	for _, part := range []string{strconv.FormatInt(v.Actor.SupplierID, 10), strconv.FormatInt(version, 10),
		c.Request.URL.Path, c.Request.URL.RawQuery,
		string(v.Actor.Kind), strconv.FormatInt(v.Actor.ID, 10), v.Actor.Label, string(v.Actor.Role), v.Actor.Channel,
		v.UserName, v.SupplierName, v.TZName, v.Title, s.brandKey(v.Brand)} {
		// Length-prefixed, so no text inside a part can shift the
		// boundary between two parts.
		b.WriteString(strconv.Itoa(len(part)))
		b.WriteByte(':')
		b.WriteString(part)
	}
	return b.String(), true
}

// POList renders the rows of the PO list table. It is Go rather than
// per-cell template actions because this is the portal's busiest page (a
// supplier's whole order book, 50 rows at a time): html/template spent
// about 45 µs per row on reflection and contextual escaping, more than the
// database and HTTP together. Every value goes through
// template.HTMLEscapeString and sits in element text or a quoted attribute,
// which is what the template's escaping amounted to here.
func (v *view) POList(pos []store.PurchaseOrder, supplierNames map[int64]string) template.HTML {
	var b strings.Builder
	b.Grow(len(pos) * 400)
	esc := template.HTMLEscapeString
	for i := range pos {
		po := &pos[i]
		b.WriteString("<tr")
		if po.Status == "sent" && v.Overdue(po.AckDueAt) {
			b.WriteString(` class="late"`)
		}
		b.WriteString(">\n    <td><a href=\"/pos/")
		b.WriteString(strconv.FormatInt(po.ID, 10))
		b.WriteString(`">`)
		b.WriteString(esc(po.Number))
		b.WriteString("</a></td>\n    ")
		if !v.IsSupplier() {
			b.WriteString("<td>" + esc(supplierNames[po.SupplierID]) + "</td>")
		}
		b.WriteString("\n    <td>")
		b.WriteString(string(statusBadge(po.Status)))
		b.WriteString("</td>\n    <td>" + esc(v.Day(po.CreatedAt)) + "</td>\n    <td>")
		if po.Status == "sent" {
			b.WriteString(esc(v.When(po.AckDueAt)))
		}
		b.WriteString("</td>\n    <td>" + esc(v.Day(po.ExpectedAt)) + "</td>\n    <td class=\"num\">")
		b.WriteString(esc(moneyLabel(po.TotalMinor, po.Currency)))
		b.WriteString("</td>\n  </tr>\n  ")
	}
	return template.HTML(b.String())
}

// statusBadge is a PO, invoice or line status as a labelled badge (the
// "status" partial and the PO list rows).
func statusBadge(status string) template.HTML {
	s := template.HTMLEscapeString(status)
	return template.HTML(`<span class="status status-` + s + `">` + strings.ReplaceAll(s, "_", " ") + `</span>`)
}
