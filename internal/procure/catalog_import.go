package procure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/tabular"
	"github.com/pogate/pogate/matching"
)

// CatalogColumns are the columns a catalog file may have; the first five are required.
var CatalogColumns = []string{"supplier_code", "sku", "supplier_part", "unit_price", "lead_time_days",
	"currency", "moq", "order_multiple", "purchase_unit", "units_per_purchase_unit", "price_breaks",
	"valid_from", "valid_to", "product_name", "gtin", "category"}

var catalogAliases = map[string]string{
	"supplier": "supplier_code", "vendor": "supplier_code", "vendor_code": "supplier_code",
	"vendor_part": "supplier_part", "supplier_sku": "supplier_part", "price": "unit_price",
	"lead_time": "lead_time_days", "min_order_qty": "moq", "minimum_order_quantity": "moq",
	"pack_size": "order_multiple", "multiple": "order_multiple", "name": "product_name",
	"upc": "gtin", "ean": "gtin",
}

// RowError is one problem in an import file, named by row and column.
type RowError struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"`
}

func (e RowError) String() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Reason)
	}
	return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Reason)
}

// ImportOptions tune an import.
type ImportOptions struct {
	// Partial applies the good rows of a file that has bad ones; by default
	// a file with any error applies nothing.
	Partial bool
	// Filename is recorded with the import.
	Filename string
	// Progress, if set, is told how many rows are done out of how many.
	Progress func(done, total int)
	// MaxErrors stops collecting errors after this many (default 1000).
	MaxErrors int
}

// ImportResult says what an import did.
type ImportResult struct {
	Rows            int        `json:"rows"`
	Applied         int        `json:"applied"`
	ProductsCreated int        `json:"products_created"`
	Errors          []RowError `json:"errors"`
	// Replayed is true when the same file was imported before (nothing done).
	Replayed bool `json:"replayed"`
}

// ErrImportRejected is returned (wrapped in a fault) when a file has errors and
// Partial is off; the result still lists every error.
var ErrImportRejected = fault.New(fault.Invalid, "the file has errors; nothing was imported")

// ImportCatalog reads a CSV/TSV/XLSX catalog and upserts its items in one
// transaction. Every bad row is reported with row number, column and reason.
func (s *Service) ImportCatalog(ctx context.Context, actor store.Actor, r io.Reader, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	if err := require(actor, store.RoleBuyer); err != nil {
		return res, err
	}
	if opt.MaxErrors <= 0 {
		opt.MaxErrors = 1000
	}
	h := sha256.New()
	table, err := tabular.Read(io.TeeReader(r, h), tabular.DefaultLimits)
	if err != nil {
		return res, fault.Wrap(fault.Invalid, err, "cannot read the catalog file")
	}
	sum := hex.EncodeToString(h.Sum(nil))
	cols, err := table.Index([]string{"supplier_code", "sku", "supplier_part", "unit_price", "lead_time_days"}, catalogAliases)
	if err != nil {
		return res, fault.Wrap(fault.Invalid, err, "wrong columns")
	}
	res.Rows = len(table.Rows)
	suppliers, err := s.Store.SupplierIDsByCode(ctx)
	if err != nil {
		return res, err
	}
	supplierCurrency := map[int64]string{}
	products, err := s.Store.ProductIDsBySKU(ctx)
	if err != nil {
		return res, err
	}
	type parsed struct {
		item    store.CatalogItem
		sku     string
		newProd *store.Product
	}
	good := make([]parsed, 0, len(table.Rows))
	seen := make(map[[2]string]int, len(table.Rows))
	seenPart := make(map[[2]string]int, len(table.Rows))
	newSKUs := map[string]bool{}
	addErr := func(row int, col, format string, args ...any) {
		if len(res.Errors) < opt.MaxErrors {
			res.Errors = append(res.Errors, RowError{Row: row, Column: col, Reason: fmt.Sprintf(format, args...)})
		}
	}
	now := s.now()
	for i, row := range table.Rows {
		if opt.Progress != nil && i%1000 == 0 {
			opt.Progress(i, len(table.Rows))
		}
		errsBefore := len(res.Errors)
		code := cols.Get(row, "supplier_code")
		sku := cols.Get(row, "sku")
		part := cols.Get(row, "supplier_part")
		supID, ok := suppliers[code]
		switch {
		case code == "":
			addErr(row.Number, "supplier_code", "is empty")
		case !ok:
			addErr(row.Number, "supplier_code", "unknown supplier code %q", code)
		}
		if sku == "" {
			addErr(row.Number, "sku", "is empty")
		}
		if part == "" {
			addErr(row.Number, "supplier_part", "is empty")
		}
		key := [2]string{code, sku}
		if prev, dup := seen[key]; dup && sku != "" {
			addErr(row.Number, "sku", "duplicate SKU %q for supplier %s (also on row %d)", sku, code, prev)
		} else {
			seen[key] = row.Number
		}
		pkey := [2]string{code, part}
		if prev, dup := seenPart[pkey]; dup && part != "" {
			addErr(row.Number, "supplier_part", "duplicate supplier part %q for supplier %s (also on row %d)", part, code, prev)
		} else {
			seenPart[pkey] = row.Number
		}
		item := store.CatalogItem{SupplierID: supID, SupplierPart: part, LastReviewedAt: now}
		price, err := matching.ParseUnitPrice(cols.Get(row, "unit_price"))
		if err != nil || price < 0 {
			addErr(row.Number, "unit_price", "%q is not a price (use digits with a dot for decimals, e.g. 12.50)", cols.Get(row, "unit_price"))
		}
		item.UnitPriceMicros = price
		intCol := func(name string, def int64, minVal int64) int64 {
			v := cols.Get(row, name)
			if v == "" {
				return def
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				addErr(row.Number, name, "%q is not a whole number", v)
				return def
			}
			if n < minVal {
				addErr(row.Number, name, "must be at least %d, got %d", minVal, n)
			}
			return n
		}
		item.MOQ = intCol("moq", 1, 1)
		item.OrderMultiple = intCol("order_multiple", 1, 1)
		item.UnitsPerPurchaseUnit = intCol("units_per_purchase_unit", 1, 1)
		if cols.Get(row, "lead_time_days") == "" {
			addErr(row.Number, "lead_time_days", "is empty")
		}
		item.LeadTimeDays = int(intCol("lead_time_days", 0, 0))
		item.PurchaseUnit = strings.ToUpper(cols.Get(row, "purchase_unit"))
		if item.PurchaseUnit == "" {
			item.PurchaseUnit = "EA"
		}
		item.Currency = strings.ToUpper(cols.Get(row, "currency"))
		if item.Currency == "" && supID != 0 {
			cur, ok := supplierCurrency[supID]
			if !ok {
				sp, _ := s.Store.Supplier(ctx, supID)
				cur = sp.Currency
				supplierCurrency[supID] = cur
			}
			item.Currency = cur
		}
		if _, ok := matching.CurrencyExponent(item.Currency); !ok && item.Currency != "" {
			addErr(row.Number, "currency", "unknown currency %q", item.Currency)
		}
		for _, name := range []string{"valid_from", "valid_to"} {
			if v := cols.Get(row, name); v != "" {
				t, err := parseDate(v)
				if err != nil {
					addErr(row.Number, name, "%q is not a date (use YYYY-MM-DD)", v)
					continue
				}
				if name == "valid_from" {
					item.ValidFrom = &t
				} else {
					item.ValidTo = &t
				}
			}
		}
		if v := cols.Get(row, "price_breaks"); v != "" {
			bs, err := parsePriceBreaks(v)
			if err != nil {
				addErr(row.Number, "price_breaks", "%v", err)
			}
			item.PriceBreaks = bs
		}
		p := parsed{item: item, sku: sku}
		if pid, ok := products[sku]; ok {
			p.item.ProductID = pid
		} else if sku != "" && !newSKUs[sku] {
			name := cols.Get(row, "product_name")
			if name == "" {
				addErr(row.Number, "sku", "unknown SKU %q; add a product_name column to create it", sku)
			} else {
				np := &store.Product{SKU: sku, Name: name, GTIN: cols.Get(row, "gtin"), Category: cols.Get(row, "category")}
				if err := np.Validate(); err != nil {
					addErr(row.Number, fieldOf(err), "%s", messageOf(err))
				}
				p.newProd = np
			}
		} else if sku != "" {
			// An earlier row of this file creates the product; reuse it.
			p.newProd = &store.Product{SKU: sku}
		}
		if len(res.Errors) == errsBefore {
			if err := p.item.Validate(); err != nil {
				addErr(row.Number, fieldOf(err), "%s", messageOf(err))
			}
		}
		if len(res.Errors) == errsBefore {
			good = append(good, p)
			if p.newProd != nil && p.newProd.Name != "" {
				newSKUs[sku] = true
			}
		}
	}
	if opt.Progress != nil {
		opt.Progress(len(table.Rows), len(table.Rows))
	}
	if len(res.Errors) > 0 && !opt.Partial {
		return res, ErrImportRejected
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		fresh, err := tx.RecordImport(store.ImportFile{Kind: "catalog", SHA256: sum, Filename: opt.Filename, RowsTotal: int64(res.Rows), RowsApplied: int64(len(good))})
		if err != nil {
			return err
		}
		if !fresh {
			res.Replayed = true
			return nil
		}
		// Create the new products first so their ids can be used.
		created := map[string]int64{}
		var newProducts []store.Product
		for _, p := range good {
			if p.newProd != nil {
				if _, dup := created[p.sku]; !dup {
					created[p.sku] = 0
					np := *p.newProd
					np.Active = true
					newProducts = append(newProducts, np)
				}
			}
		}
		if len(newProducts) > 0 {
			if err := tx.DB().CreateInBatches(&newProducts, tx.BatchSize()).Error; err != nil {
				return fault.Wrap(fault.Conflict, err, "creating products")
			}
			for _, np := range newProducts {
				created[np.SKU] = np.ID
			}
		}
		res.ProductsCreated = len(newProducts)
		items := make([]store.CatalogItem, len(good))
		for i, p := range good {
			items[i] = p.item
			if p.newProd != nil {
				items[i].ProductID = created[p.sku]
			}
		}
		if err := tx.UpsertCatalogItems(items); err != nil {
			return err
		}
		res.Applied = len(items)
		return tx.Audit(actor, "catalog.imported", "import", 0, 0, nil, map[string]any{"file": opt.Filename, "sha256": sum, "rows": res.Rows, "applied": res.Applied, "errors": len(res.Errors)})
	})
	return res, err
}

// StaleCatalog lists items not reviewed for 90 days.
func (s *Service) StaleCatalog(ctx context.Context, actor store.Actor, page store.Page) ([]store.CatalogItem, int64, error) {
	if err := require(actor, store.RoleBuyer); err != nil {
		return nil, 0, err
	}
	return s.Store.CatalogItems(ctx, store.CatalogFilter{StaleBefore: s.now().AddDate(0, 0, -90)}, page)
}

// parsePriceBreaks reads "100:9.50;500:9.00" (minimum purchase units : unit price).
func parsePriceBreaks(v string) ([]store.PriceBreak, error) {
	var out []store.PriceBreak
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '|' }) {
		q, p, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("%q: write each break as quantity:price, separated by ';' (e.g. 100:9.50;500:9.00)", part)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(q), 10, 64)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q: the quantity must be a whole number of at least 1", part)
		}
		price, err := matching.ParseUnitPrice(strings.TrimSpace(p))
		if err != nil || price < 0 {
			return nil, fmt.Errorf("%q: %q is not a price", part, p)
		}
		out = append(out, store.PriceBreak{MinQty: n, UnitPriceMicros: price})
	}
	return out, nil
}

func parseDate(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04:05Z07:00", "2006/01/02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", v)
}

func fieldOf(err error) string {
	var fe *fault.Error
	if ok := asFault(err, &fe); ok {
		return fe.Field
	}
	return ""
}

func messageOf(err error) string {
	var fe *fault.Error
	if ok := asFault(err, &fe); ok {
		return fe.Message
	}
	return err.Error()
}
