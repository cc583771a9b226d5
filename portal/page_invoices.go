package portal

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web)
		invoicer := s.requireRole(store.RoleSupplier, store.RoleAP)
		g.GET("/pos/:po_id/invoice", invoicer, s.pageFlipInvoice)
		g.POST("/pos/:po_id/invoice", invoicer, s.postFlipInvoice)
		g.GET("/invoices", s.requireRole(store.RoleSupplier, store.RoleAP, store.RoleBuyer), s.pageInvoices)
		g.GET("/invoices/:invoice_id", s.requireRole(store.RoleSupplier, store.RoleAP, store.RoleBuyer), s.pageInvoice)
		g.POST("/invoices/:invoice_id/resolve", s.requireRole(store.RoleAP), s.postResolveInvoice)
		g.GET("/payables", s.requireRole(store.RoleAP), s.pagePayables)
		g.POST("/payables/export", s.requireRole(store.RoleAP), s.postExportPayables)
	})
	addNav(45, "/invoices", "Invoices", func(a store.Actor) bool { return a.IsSupplier() || a.HasRole(store.RoleAP, store.RoleBuyer) })
	addNav(46, "/invoices?status=exception", "Exceptions", staff(store.RoleAP))
	addNav(47, "/payables", "Payables", staff(store.RoleAP))
	poActionHooks = append(poActionHooks, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) []poAction {
		if a.IsSupplier() && invoiceable(po) {
			return []poAction{{Href: "/pos/" + strconv.FormatInt(po.ID, 10) + "/invoice", Label: "Create invoice from this order"}}
		}
		return nil
	})
	poSectionHooks = append(poSectionHooks, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) (poSection, bool) {
		invs, _, err := s.Procure.ListInvoices(c.Request.Context(), a, store.InvoiceFilter{POID: po.ID}, store.Page{Size: 20})
		if err != nil || len(invs) == 0 {
			return poSection{}, false
		}
		sec := poSection{Title: "Invoices"}
		for _, inv := range invs {
			sec.Rows = append(sec.Rows, dashRow{Href: "/invoices/" + strconv.FormatInt(inv.ID, 10), Label: inv.Number,
				Detail: moneyLabel(inv.TotalMinor, inv.Currency) + " " + firstLine(inv.MatchReasons), Status: inv.Status})
		}
		return sec, true
	})
	poRelated = append(poRelated, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) (string, []int64) {
		var ids []int64
		q := s.Store.DB(c.Request.Context()).Model(&store.Invoice{}).Where("po_id = ?", po.ID)
		if sc := scopeOf(a); sc != 0 {
			q = q.Where("supplier_id = ?", sc)
		}
		if err := q.Pluck("id", &ids).Error; err != nil {
			return "", nil
		}
		return "invoice", ids
	})
	dashPanels = append(dashPanels, func(s *Server, c *gin.Context, a store.Actor) (dashPanel, bool) {
		if !a.IsSupplier() && !a.HasRole(store.RoleAP) {
			return dashPanel{}, false
		}
		p := dashPanel{Title: "Invoices needing attention", MoreHref: "/invoices?status=exception", MoreLabel: "All exceptions",
			Empty: "No invoice is in exception."}
		if a.IsSupplier() {
			p.Title, p.MoreHref, p.MoreLabel, p.Empty = "Your invoices", "/invoices", "All your invoices", "No invoices yet. Open an order and create the invoice from it."
		}
		f := store.InvoiceFilter{}
		if !a.IsSupplier() {
			f.Statuses = []string{store.InvoiceException}
		}
		invs, _, err := s.Procure.ListInvoices(c.Request.Context(), a, f, store.Page{Size: dashLimit})
		if err != nil {
			return dashPanel{}, false
		}
		for _, inv := range invs {
			p.Rows = append(p.Rows, dashRow{Href: "/invoices/" + strconv.FormatInt(inv.ID, 10), Label: inv.Number,
				Detail: firstLine(inv.MatchReasons), Status: inv.Status})
		}
		return p, true
	})
}

func invoiceable(po store.PurchaseOrder) bool {
	switch po.Status {
	case store.POStatusSent, store.POStatusAcknowledged, store.POStatusPartiallyReceived, store.POStatusReceived:
		return true
	}
	return false
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

type flipData struct {
	PO    store.PurchaseOrder
	Input procure.InvoiceInput
}

func (s *Server) pageFlipInvoice(c *gin.Context) { s.showFlip(c, http.StatusOK, nil) }

// showFlip renders the PO turned into an invoice: lines pre-filled with
// what was received (or ordered) and not yet invoiced, at the PO price; the
// supplier confirms or edits before submitting.
func (s *Server) showFlip(c *gin.Context, status int, errs map[string]string) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	a := actorOf(c)
	po, err := s.Procure.GetPO(c.Request.Context(), a, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	in, err := s.Procure.FlipPO(c.Request.Context(), a, id)
	if err != nil {
		if fe, st, ok := errorsOf(err); ok && errs == nil {
			s.showPO(c, id, st, fe)
			return
		}
		if errs == nil {
			s.fail(c, err)
			return
		}
	}
	v := s.newView(c, "Invoice for "+po.Number)
	v.Data = flipData{PO: po, Input: in}
	v.Errors = errs
	if errs != nil {
		_ = c.Request.ParseForm()
		v.Form = c.Request.PostForm
	} else {
		v.Form.Set("date", v.ISODay(s.Store.Now()))
		for _, l := range in.Lines {
			k := strconv.FormatInt(l.POLineID, 10)
			v.Form.Set("qty_"+k, strconv.FormatInt(l.Quantity, 10))
			v.Form.Set("price_"+k, matching.FormatUnitPrice(l.UnitPriceMicros))
		}
	}
	s.render(c, status, "invoice_flip", v)
}

func (s *Server) postFlipInvoice(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	a := actorOf(c)
	in, err := s.Procure.FlipPO(c.Request.Context(), a, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	errs := map[string]string{}
	in.Number = strings.TrimSpace(c.PostForm("number"))
	if in.Number == "" {
		errs["number"] = "enter your invoice number"
	}
	if d := formDate(c, "date", s.brandLocation(c), errs); d != nil {
		in.Date = *d
	} else if errs["date"] == "" {
		in.Date = s.Store.Now()
	}
	in.DueDate = formDate(c, "due_date", s.brandLocation(c), errs)
	exp, _ := matching.CurrencyExponent(in.Currency)
	lines := in.Lines[:0]
	in.TotalMinor = 0
	for _, l := range in.Lines {
		k := strconv.FormatInt(l.POLineID, 10)
		q, err := strconv.ParseInt(strings.TrimSpace(c.PostForm("qty_"+k)), 10, 64)
		if err != nil || q < 0 {
			errs["qty_"+k] = "enter a whole number"
			continue
		}
		p, err := matching.ParseUnitPrice(strings.TrimSpace(c.PostForm("price_" + k)))
		if err != nil {
			errs["price_"+k] = "enter a price such as 12.50"
			continue
		}
		if q == 0 {
			continue
		}
		l.Quantity, l.UnitPriceMicros = q, p
		l.AmountMinor = matching.LineAmount(q, p, exp)
		in.TotalMinor += l.AmountMinor
		lines = append(lines, l)
	}
	in.Lines = lines
	if len(errs) == 0 && len(in.Lines) == 0 {
		errs[""] = "every line is 0: nothing to invoice"
	}
	if len(errs) > 0 {
		s.showFlip(c, http.StatusBadRequest, errs)
		return
	}
	res, err := s.Procure.SubmitInvoice(c.Request.Context(), a, in)
	if err != nil {
		if fe, st, ok := errorsOf(err); ok {
			s.showFlip(c, st, fe)
			return
		}
		s.fail(c, err)
		return
	}
	s.flash(c, "ok", "Invoice "+res.Invoice.Number+" submitted: "+strings.ReplaceAll(res.Invoice.Status, "_", " ")+".")
	redirect(c, "/invoices/"+strconv.FormatInt(res.Invoice.ID, 10))
}

type invoicesData struct {
	Invoices  []store.Invoice
	Suppliers map[int64]string
	Statuses  []string
}

var invoiceStatuses = []string{store.InvoiceException, store.InvoiceAwaitingReceipt, store.InvoiceMatched, store.InvoiceAccepted, store.InvoiceRejected, store.InvoiceCreditRequested}

func (s *Server) pageInvoices(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.InvoiceFilter{Search: c.Query("q")}
	if st := c.Query("status"); st != "" {
		f.Statuses = []string{st}
	}
	invs, total, err := s.Procure.ListInvoices(c.Request.Context(), actorOf(c), f, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := invoicesData{Invoices: invs, Statuses: invoiceStatuses}
	if d.Suppliers, err = s.supplierNames(c); err != nil {
		s.fail(c, err)
		return
	}
	title := "Invoices"
	if c.Query("status") == store.InvoiceException {
		title = "Invoice exceptions"
	}
	v := s.newView(c, title)
	v.Data = d
	v.Pager = newPager(c, page, total)
	s.render(c, http.StatusOK, "invoices", v)
}

type invoiceData struct {
	Invoice  store.Invoice
	PO       *store.PurchaseOrder
	Reasons  []string
	Supplier string
}

func (s *Server) pageInvoice(c *gin.Context) {
	id, err := idParam(c, "invoice_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.showInvoice(c, id, http.StatusOK, nil)
}

func (s *Server) showInvoice(c *gin.Context, id int64, status int, errs map[string]string) {
	a := actorOf(c)
	inv, err := s.Procure.GetInvoice(c.Request.Context(), a, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := invoiceData{Invoice: inv}
	for _, r := range strings.Split(inv.MatchReasons, "\n") {
		if r = strings.TrimSpace(r); r != "" {
			d.Reasons = append(d.Reasons, r)
		}
	}
	if inv.POID != nil {
		if po, err := s.Procure.GetPO(c.Request.Context(), a, *inv.POID); err == nil {
			d.PO = &po
		}
	}
	if names, err := s.supplierNames(c); err == nil {
		d.Supplier = names[inv.SupplierID]
	}
	v := s.newView(c, "Invoice "+inv.Number)
	v.Data = d
	v.Errors = errs
	if errs != nil {
		_ = c.Request.ParseForm()
		v.Form = c.Request.PostForm
	}
	s.render(c, status, "invoice", v)
}

func (s *Server) postResolveInvoice(c *gin.Context) {
	id, err := idParam(c, "invoice_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.Procure.ResolveException(c.Request.Context(), actorOf(c), id, c.PostForm("action"), c.PostForm("reason"))
	if err != nil {
		if fe, st, ok := errorsOf(err); ok {
			s.showInvoice(c, id, st, fe)
			return
		}
		s.fail(c, err)
		return
	}
	s.flash(c, "ok", "Invoice "+inv.Number+" is "+strings.ReplaceAll(inv.Status, "_", " ")+".")
	redirect(c, "/invoices/"+strconv.FormatInt(inv.ID, 10))
}

type payablesData struct {
	Payables  []store.Payable
	Suppliers map[int64]string
}

func (s *Server) pagePayables(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.PayableFilter{Status: c.DefaultQuery("status", "queued")}
	if f.Status == "all" {
		f.Status = ""
	}
	ps, total, err := s.Procure.ListPayables(c.Request.Context(), actorOf(c), f, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := payablesData{Payables: ps}
	if d.Suppliers, err = s.supplierNames(c); err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "Payables")
	v.Data = d
	v.Pager = newPager(c, page, total)
	s.render(c, http.StatusOK, "payables", v)
}

// postExportPayables downloads the queued payables as CSV (or XLSX) and
// marks them exported. The export is built in memory first so a failure
// leaves nothing half-downloaded and nothing marked.
func (s *Server) postExportPayables(c *gin.Context) {
	format := c.DefaultPostForm("format", "csv")
	var buf bytes.Buffer
	n, err := s.Procure.ExportPayables(c.Request.Context(), actorOf(c), format, &buf)
	if err != nil {
		s.fail(c, err)
		return
	}
	if n == 0 {
		s.flash(c, "warn", "Nothing was waiting for export.")
		redirect(c, "/payables")
		return
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	name := "payables-" + s.Store.Now().Format("20060102-150405") + "." + format
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, ct, buf.Bytes())
}
