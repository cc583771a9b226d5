package portal

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.POST("/invoices", s.apiSubmitInvoice)
		api.GET("/invoices", s.apiListInvoices)
		api.GET("/invoices/:invoice_id", s.apiGetInvoice)
		api.POST("/invoices/:invoice_id/match", s.requireRole(store.RoleBuyer, store.RoleAP), s.apiRunMatch)
		api.POST("/invoices/:invoice_id/resolve", s.requireRole(store.RoleAP), s.apiResolveInvoice)
		api.GET("/purchase-orders/:po_id/invoice-draft", s.apiFlipPO)
		api.GET("/payables", s.apiListPayables)
		api.POST("/payables/export", s.requireRole(store.RoleAP), s.apiExportPayables)
	})
}

type moneyLineJSON struct {
	POLineID    int64  `json:"po_line_id,omitempty"`
	SKU         string `json:"sku,omitempty"`
	VendorPart  string `json:"vendor_part,omitempty"`
	Description string `json:"description,omitempty"`
	Quantity    int64  `json:"quantity"`
	UnitPrice   string `json:"unit_price"`
	Amount      string `json:"amount"`
}

type chargeJSON struct {
	Code        string `json:"code"`
	Description string `json:"description,omitempty"`
	Amount      string `json:"amount"`
}

type invoiceInputJSON struct {
	POID       int64           `json:"po_id,omitempty"`
	PONumber   string          `json:"po_number,omitempty"`
	SupplierID int64           `json:"supplier_id,omitempty"`
	Number     string          `json:"number"`
	Date       string          `json:"date"`
	DueDate    string          `json:"due_date,omitempty"`
	Currency   string          `json:"currency"`
	CreditNote bool            `json:"credit_note,omitempty"`
	Lines      []moneyLineJSON `json:"lines"`
	Charges    []chargeJSON    `json:"charges,omitempty"`
	Allowances []chargeJSON    `json:"allowances,omitempty"`
	Tax        string          `json:"tax,omitempty"`
	Total      string          `json:"total"`
}

// toInput converts decimal strings to exact integers, naming any bad field.
func (j invoiceInputJSON) toInput() (procure.InvoiceInput, error) {
	in := procure.InvoiceInput{POID: j.POID, PONumber: j.PONumber, SupplierID: j.SupplierID, Number: j.Number,
		Currency: strings.ToUpper(j.Currency), CreditNote: j.CreditNote, Source: "api"}
	exp, ok := matching.CurrencyExponent(in.Currency)
	if !ok {
		return in, fieldErr("currency", "unknown currency %q", j.Currency)
	}
	var err error
	if in.Date, err = time.Parse("2006-01-02", j.Date); err != nil {
		return in, fieldErr("date", "%q is not a date (YYYY-MM-DD)", j.Date)
	}
	if j.DueDate != "" {
		d, err := time.Parse("2006-01-02", j.DueDate)
		if err != nil {
			return in, fieldErr("due_date", "%q is not a date (YYYY-MM-DD)", j.DueDate)
		}
		in.DueDate = &d
	}
	amount := func(field, v string) (int64, error) {
		if v == "" {
			return 0, nil
		}
		n, err := matching.ParseScaled(v, exp)
		if err != nil {
			return 0, fieldErr(field, "%q is not an amount in %s (at most %d decimals)", v, in.Currency, exp)
		}
		return n, nil
	}
	for i, l := range j.Lines {
		f := "lines[" + strconv.Itoa(i) + "]."
		price, err := matching.ParseUnitPrice(l.UnitPrice)
		if err != nil {
			return in, fieldErr(f+"unit_price", "%q is not a price", l.UnitPrice)
		}
		amt, err := amount(f+"amount", l.Amount)
		if err != nil {
			return in, err
		}
		in.Lines = append(in.Lines, procure.InvoiceLineInput{POLineID: l.POLineID, SKU: l.SKU, VendorPart: l.VendorPart,
			Description: l.Description, Quantity: l.Quantity, UnitPriceMicros: price, AmountMinor: amt})
	}
	for name, src := range map[string][]chargeJSON{"charges": j.Charges, "allowances": j.Allowances} {
		for i, c := range src {
			amt, err := amount(name+"["+strconv.Itoa(i)+"].amount", c.Amount)
			if err != nil {
				return in, err
			}
			ci := procure.ChargeInput{Code: c.Code, Description: c.Description, AmountMinor: amt}
			if name == "charges" {
				in.Charges = append(in.Charges, ci)
			} else {
				in.Allowances = append(in.Allowances, ci)
			}
		}
	}
	if in.TaxMinor, err = amount("tax", j.Tax); err != nil {
		return in, err
	}
	if in.TotalMinor, err = amount("total", j.Total); err != nil {
		return in, err
	}
	return in, nil
}

type invoiceJSON struct {
	ID           int64              `json:"id"`
	SupplierID   int64              `json:"supplier_id"`
	POID         *int64             `json:"po_id,omitempty"`
	Number       string             `json:"number"`
	Date         string             `json:"date"`
	Currency     string             `json:"currency"`
	CreditNote   bool               `json:"credit_note"`
	Source       string             `json:"source"`
	Status       string             `json:"status"`
	Total        string             `json:"total"`
	Tax          string             `json:"tax"`
	Reasons      []string           `json:"reasons"`
	Resolution   string             `json:"resolution,omitempty"`
	ResolutionBy string             `json:"resolution_reason,omitempty"`
	Lines        []moneyLineJSON    `json:"lines,omitempty"`
	Decision     *matching.Decision `json:"decision,omitempty"`
}

func invoiceView(inv store.Invoice) invoiceJSON {
	v := invoiceJSON{ID: inv.ID, SupplierID: inv.SupplierID, POID: inv.POID, Number: inv.Number, Date: inv.InvoiceDate.Format("2006-01-02"),
		Currency: inv.Currency, CreditNote: inv.CreditNote, Source: inv.Source, Status: inv.Status, Total: money(inv.TotalMinor, inv.Currency),
		Tax: money(inv.TaxMinor, inv.Currency), Reasons: []string{}, Resolution: inv.Resolution, ResolutionBy: inv.ResolutionReason}
	if inv.MatchReasons != "" {
		v.Reasons = strings.Split(inv.MatchReasons, "\n")
	}
	for _, l := range inv.Lines {
		ml := moneyLineJSON{SKU: l.SKU, VendorPart: l.VendorPart, Description: l.Description, Quantity: l.Quantity,
			UnitPrice: matching.FormatUnitPrice(l.UnitPriceMicros), Amount: money(l.AmountMinor, inv.Currency)}
		if l.POLineID != nil {
			ml.POLineID = *l.POLineID
		}
		v.Lines = append(v.Lines, ml)
	}
	return v
}

func (s *Server) apiSubmitInvoice(c *gin.Context) {
	var j invoiceInputJSON
	if err := decodeJSON(c, &j); err != nil {
		s.fail(c, err)
		return
	}
	in, err := j.toInput()
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.Procure.SubmitInvoice(c.Request.Context(), actorOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := invoiceView(res.Invoice)
	v.Decision = &res.Decision
	c.JSON(http.StatusCreated, v)
}

func (s *Server) apiListInvoices(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.InvoiceFilter{Search: c.Query("q")}
	if v := c.Query("status"); v != "" {
		f.Statuses = strings.Split(v, ",")
	}
	if f.POID, err = queryID(c, "po_id"); err != nil {
		s.fail(c, err)
		return
	}
	if f.SupplierID, err = queryID(c, "supplier_id"); err != nil {
		s.fail(c, err)
		return
	}
	invs, total, err := s.Procure.ListInvoices(c.Request.Context(), actorOf(c), f, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(invs, total, page, invoiceView))
}

func (s *Server) apiGetInvoice(c *gin.Context) {
	id, err := idParam(c, "invoice_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.Procure.GetInvoice(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := invoiceView(inv)
	if d, err := s.Procure.LatestDecision(c.Request.Context(), inv.ID); err == nil {
		v.Decision = &d
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) apiRunMatch(c *gin.Context) {
	id, err := idParam(c, "invoice_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.Procure.RunMatch(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := invoiceView(res.Invoice)
	v.Decision = &res.Decision
	c.JSON(http.StatusOK, v)
}

func (s *Server) apiResolveInvoice(c *gin.Context) {
	id, err := idParam(c, "invoice_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		Action string `json:"action"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.Procure.ResolveException(c.Request.Context(), actorOf(c), id, in.Action, in.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, invoiceView(inv))
}

func (s *Server) apiFlipPO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	in, err := s.Procure.FlipPO(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := invoiceInputJSON{POID: in.POID, PONumber: in.PONumber, Date: in.Date.Format("2006-01-02"), Currency: in.Currency,
		Total: money(in.TotalMinor, in.Currency)}
	for _, l := range in.Lines {
		out.Lines = append(out.Lines, moneyLineJSON{POLineID: l.POLineID, VendorPart: l.VendorPart, Description: l.Description,
			Quantity: l.Quantity, UnitPrice: matching.FormatUnitPrice(l.UnitPriceMicros), Amount: money(l.AmountMinor, in.Currency)})
	}
	c.JSON(http.StatusOK, out)
}

type payableJSON struct {
	ID         int64   `json:"id"`
	InvoiceID  int64   `json:"invoice_id"`
	SupplierID int64   `json:"supplier_id"`
	Currency   string  `json:"currency"`
	Amount     string  `json:"amount"`
	Status     string  `json:"status"`
	QueuedAt   string  `json:"queued_at"`
	DueDate    *string `json:"due_date,omitempty"`
}

func (s *Server) apiListPayables(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ps, total, err := s.Procure.ListPayables(c.Request.Context(), actorOf(c), store.PayableFilter{Status: c.Query("status")}, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]payableJSON, len(ps))
	for i, p := range ps {
		out[i] = payableJSON{ID: p.ID, InvoiceID: p.InvoiceID, SupplierID: p.SupplierID, Currency: p.Currency,
			Amount: money(p.AmountMinor, p.Currency), Status: p.Status, QueuedAt: p.QueuedAt.Format(time.RFC3339)}
		if p.DueDate != nil {
			d := p.DueDate.Format("2006-01-02")
			out[i].DueDate = &d
		}
	}
	c.JSON(http.StatusOK, newList(out, total, page))
}

// apiExportPayables writes the queued payables (and marks them exported).
func (s *Server) apiExportPayables(c *gin.Context) {
	format := c.DefaultQuery("format", "csv")
	ct := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
	if ct == "" {
		s.fail(c, fieldErr("format", "must be csv or xlsx"))
		return
	}
	var buf strings.Builder
	if _, err := s.Procure.ExportPayables(c.Request.Context(), actorOf(c), format, &buf); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="payables-`+s.Store.Now().Format("20060102-150405")+`.`+format+`"`)
	c.Data(http.StatusOK, ct, []byte(buf.String()))
}
