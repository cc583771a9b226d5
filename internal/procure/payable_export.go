package procure

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
	"github.com/xuri/excelize/v2"
)

// PayableRow is one line of the accounting export.
type PayableRow struct {
	PayableID     int64
	SupplierCode  string
	SupplierName  string
	InvoiceNumber string
	InvoiceDate   string
	PONumber      string
	Currency      string
	Amount        string
	DueDate       string
}

// ListPayables returns the payable queue for accounts payable.
func (s *Service) ListPayables(ctx context.Context, actor store.Actor, f store.PayableFilter, page store.Page) ([]store.Payable, int64, error) {
	if sc := scope(actor); sc != 0 {
		f.SupplierID = sc
	} else if err := require(actor, store.RoleAP); err != nil {
		return nil, 0, err
	}
	return s.Store.Payables(ctx, f, page)
}

// ExportPayables writes the queued payables as CSV or XLSX and marks them
// exported in the same transaction, so a payable is exported once. Text
// cells that a spreadsheet would run as a formula are neutralised.
func (s *Service) ExportPayables(ctx context.Context, actor store.Actor, format string, w io.Writer) (int, error) {
	if err := require(actor, store.RoleAP); err != nil {
		return 0, err
	}
	if format != "csv" && format != "xlsx" {
		return 0, fault.FieldErr("format", "must be csv or xlsx")
	}
	var rows []PayableRow
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var ps []store.Payable
		if err := tx.DB().Where("status = ?", "queued").Order("id").Find(&ps).Error; err != nil {
			return fault.Wrap(fault.Internal, err, "reading payables")
		}
		ids := make([]int64, 0, len(ps))
		for _, p := range ps {
			inv, err := tx.LockInvoice(p.InvoiceID, 0)
			if err != nil {
				return err
			}
			sp, err := tx.Supplier(p.SupplierID)
			if err != nil {
				return err
			}
			var poNumber string
			if inv.POID != nil {
				tx.DB().Model(&store.PurchaseOrder{}).Select("number").Where("id = ?", *inv.POID).Scan(&poNumber)
			}
			exp, _ := matching.CurrencyExponent(p.Currency)
			row := PayableRow{PayableID: p.ID, SupplierCode: sp.Code, SupplierName: sp.Name, InvoiceNumber: inv.Number,
				InvoiceDate: inv.InvoiceDate.Format("2006-01-02"), PONumber: poNumber, Currency: p.Currency, Amount: matching.FormatScaled(p.AmountMinor, exp)}
			if p.DueDate != nil {
				row.DueDate = p.DueDate.Format("2006-01-02")
			}
			rows = append(rows, row)
			ids = append(ids, p.ID)
		}
		if err := tx.MarkPayablesExported(ids); err != nil {
			return err
		}
		return tx.Audit(actor, "payables.exported", "payable", 0, 0, nil, map[string]any{"count": len(ids), "format": format})
	})
	if err != nil {
		return 0, err
	}
	header := []string{"payable_id", "supplier_code", "supplier_name", "invoice_number", "invoice_date", "po_number", "currency", "amount", "due_date"}
	record := func(r PayableRow) []string {
		return []string{fmt.Sprint(r.PayableID), SafeCell(r.SupplierCode), SafeCell(r.SupplierName), SafeCell(r.InvoiceNumber), r.InvoiceDate,
			SafeCell(r.PONumber), r.Currency, r.Amount, r.DueDate}
	}
	if format == "csv" {
		cw := csv.NewWriter(w)
		cw.Write(header)
		for _, r := range rows {
			cw.Write(record(r))
		}
		cw.Flush()
		return len(rows), cw.Error()
	}
	x := excelize.NewFile()
	defer x.Close()
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		x.SetCellStr("Sheet1", cell, h)
	}
	for ri, r := range rows {
		for ci, v := range record(r) {
			cell, _ := excelize.CoordinatesToCellName(ci+1, ri+2)
			// Strings, never formulas: SetCellStr stores text as text.
			x.SetCellStr("Sheet1", cell, v)
		}
	}
	return len(rows), x.Write(w)
}

// SafeCell neutralises a value a spreadsheet would treat as a formula
// (leading = + - @, tab or carriage return) by prefixing an apostrophe.
func SafeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
