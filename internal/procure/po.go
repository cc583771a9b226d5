package procure

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// DraftLine is one requested line of a draft PO. Either CatalogItemID or
// ProductID (with the supplier's catalog item found from it) names the item;
// UnitPriceMicros 0 takes the catalog price at that quantity.
type DraftLine struct {
	ProductID       int64      `json:"product_id"`
	SKU             string     `json:"sku,omitempty"`
	Quantity        int64      `json:"quantity"`
	UnitPriceMicros int64      `json:"-"`
	UnitPrice       string     `json:"unit_price,omitempty"`
	ExpectedAt      *time.Time `json:"expected_at,omitempty"`
}

// DraftPO is the input of CreateDraft and UpdateDraft.
type DraftPO struct {
	SupplierID int64       `json:"supplier_id"`
	LocationID *int64      `json:"location_id,omitempty"`
	Notes      string      `json:"notes,omitempty"`
	Lines      []DraftLine `json:"lines"`
	// Source says where the draft came from (manual, reorder, backorder).
	Source   string `json:"-"`
	ParentID *int64 `json:"-"`
}

// CreateDraft builds a draft PO priced from the supplier's catalog.
func (s *Service) CreateDraft(ctx context.Context, actor store.Actor, in DraftPO) (store.PurchaseOrder, error) {
	var po store.PurchaseOrder
	if err := require(actor, store.RoleBuyer); err != nil {
		return po, err
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		po, err = s.createDraftTx(ctx, tx, actor, in)
		return err
	})
	return po, err
}

func (s *Service) createDraftTx(ctx context.Context, tx *store.Tx, actor store.Actor, in DraftPO) (store.PurchaseOrder, error) {
	sup, err := tx.Supplier(in.SupplierID)
	if err != nil {
		return store.PurchaseOrder{}, fault.FieldErr("supplier_id", "supplier %d not found", in.SupplierID)
	}
	lines, total, err := s.priceLines(tx, sup, in.Lines)
	if err != nil {
		return store.PurchaseOrder{}, err
	}
	po := store.PurchaseOrder{
		SupplierID: sup.ID, LocationID: in.LocationID, ParentID: in.ParentID, Status: store.POStatusDraft,
		Currency: sup.Currency, TotalMinor: total, Source: in.Source, Notes: strings.TrimSpace(in.Notes), Lines: lines,
	}
	if actor.Kind == store.ActorUser && actor.ID > 0 {
		id := actor.ID
		po.BuyerID = &id
	}
	po.ExpectedAt = latestExpected(lines)
	if err := tx.InsertPO(&po); err != nil {
		return po, err
	}
	return po, tx.Audit(actor, "po.created", "purchase_order", po.ID, po.SupplierID, nil, poSnapshot(po))
}

// priceLines resolves each line against the supplier's catalog and computes
// amounts (half-even, once per line) and the total.
func (s *Service) priceLines(tx *store.Tx, sup store.Supplier, in []DraftLine) ([]store.POLine, int64, error) {
	if len(in) == 0 {
		return nil, 0, fault.FieldErr("lines", "a purchase order needs at least one line")
	}
	exp, ok := matching.CurrencyExponent(sup.Currency)
	if !ok {
		return nil, 0, fault.FieldErr("currency", "unknown currency %q on supplier %s", sup.Currency, sup.Code)
	}
	now := tx.Now()
	var total int64
	out := make([]store.POLine, 0, len(in))
	seen := map[int64]int{}
	for i, l := range in {
		field := func(name string) string { return "lines[" + strconv.Itoa(i) + "]." + name }
		if l.ProductID == 0 && l.SKU != "" {
			var p store.Product
			if err := tx.DB().Where("sku = ?", l.SKU).Take(&p).Error; err != nil {
				return nil, 0, fault.FieldErr(field("sku"), "unknown SKU %q", l.SKU)
			}
			l.ProductID = p.ID
		}
		if l.ProductID == 0 {
			return nil, 0, fault.FieldErr(field("product_id"), "name a product by product_id or sku")
		}
		if prev, dup := seen[l.ProductID]; dup {
			return nil, 0, fault.FieldErr(field("product_id"), "product is already on line %d; change that line's quantity instead", prev+1)
		}
		seen[l.ProductID] = i
		if l.Quantity <= 0 {
			return nil, 0, fault.FieldErr(field("quantity"), "must be a positive whole number, got %d", l.Quantity)
		}
		var item store.CatalogItem
		err := tx.DB().Preload("PriceBreaks").Where("supplier_id = ? AND product_id = ?", sup.ID, l.ProductID).Take(&item).Error
		if err != nil {
			return nil, 0, fault.FieldErr(field("product_id"), "supplier %s has no catalog item for product %d", sup.Code, l.ProductID)
		}
		price := l.UnitPriceMicros
		if l.UnitPrice != "" {
			p, err := matching.ParseUnitPrice(l.UnitPrice)
			if err != nil || p < 0 {
				return nil, 0, fault.FieldErr(field("unit_price"), "%q is not a price", l.UnitPrice)
			}
			price = p
		}
		if price == 0 {
			price = item.PriceFor(l.Quantity)
		}
		amount, err := matching.CheckedLineAmount(l.Quantity, price, exp)
		if err != nil {
			return nil, 0, fault.FieldErr(field("quantity"), "quantity × price is too large")
		}
		expected := l.ExpectedAt
		if expected == nil {
			e := now.AddDate(0, 0, item.LeadTimeDays)
			expected = &e
		}
		itemID := item.ID
		var product store.Product
		if err := tx.DB().Take(&product, l.ProductID).Error; err != nil {
			return nil, 0, fault.FieldErr(field("product_id"), "product %d not found", l.ProductID)
		}
		out = append(out, store.POLine{
			LineNo: i + 1, ProductID: l.ProductID, CatalogItemID: &itemID, SupplierPart: item.SupplierPart,
			Description: product.Name, Quantity: l.Quantity, Unit: item.PurchaseUnit,
			UnitsPerPurchaseUnit: item.UnitsPerPurchaseUnit, UnitPriceMicros: price, AmountMinor: amount,
			PromisedAt: expected, ExpectedAt: expected,
		})
		total += amount
	}
	return out, total, nil
}

// UpdateDraft replaces the lines and notes of a draft PO.
func (s *Service) UpdateDraft(ctx context.Context, actor store.Actor, poID int64, in DraftPO) (store.PurchaseOrder, error) {
	var po store.PurchaseOrder
	if err := require(actor, store.RoleBuyer); err != nil {
		return po, err
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		po, err = tx.LockPO(poID, scope(actor))
		if err != nil {
			return err
		}
		if po.Status != store.POStatusDraft {
			return fault.New(fault.Conflict, "purchase order %s is %s; only drafts can be edited", po.Number, po.Status)
		}
		before := poSnapshot(po)
		sup, err := tx.Supplier(po.SupplierID)
		if err != nil {
			return err
		}
		lines, total, err := s.priceLines(tx, sup, in.Lines)
		if err != nil {
			return err
		}
		if err := tx.ReplacePOLines(&po, lines); err != nil {
			return err
		}
		fields := map[string]any{"total_minor": total, "notes": strings.TrimSpace(in.Notes), "expected_at": latestExpected(lines)}
		if in.LocationID != nil {
			fields["location_id"] = *in.LocationID
		}
		lines = po.Lines
		if err := tx.SavePOHeader(&po, fields); err != nil {
			return err
		}
		po.Lines = lines
		return tx.Audit(actor, "po.updated", "purchase_order", po.ID, po.SupplierID, before, poSnapshot(po))
	})
	return po, err
}

// Cancel cancels a PO that has not been received.
func (s *Service) Cancel(ctx context.Context, actor store.Actor, poID int64, reason string) (store.PurchaseOrder, error) {
	var po store.PurchaseOrder
	if err := require(actor, store.RoleBuyer); err != nil {
		return po, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return po, fault.FieldErr("reason", "say why the order is cancelled; the supplier sees it")
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		po, err = tx.LockPO(poID, scope(actor))
		if err != nil {
			return err
		}
		if !store.CanTransition(po.Status, store.POStatusCancelled) {
			return fault.New(fault.Conflict, "purchase order %s is %s and cannot be cancelled", po.Number, strings.ReplaceAll(po.Status, "_", " "))
		}
		for _, l := range po.Lines {
			if l.ReceivedQty > 0 {
				return fault.New(fault.Conflict, "purchase order %s already has goods received; close it instead of cancelling", po.Number)
			}
		}
		before := po.Status
		lines := po.Lines
		if err := tx.SavePOHeader(&po, map[string]any{"status": store.POStatusCancelled}); err != nil {
			return err
		}
		po.Lines = lines
		return tx.Audit(actor, "po.cancelled", "purchase_order", po.ID, po.SupplierID, map[string]string{"status": before}, map[string]string{"status": po.Status, "reason": reason})
	})
	return po, err
}

// GetPO returns a PO the actor may see.
func (s *Service) GetPO(ctx context.Context, actor store.Actor, id int64) (store.PurchaseOrder, error) {
	return s.Store.PO(ctx, id, scope(actor))
}

// ListPOs lists POs the actor may see.
func (s *Service) ListPOs(ctx context.Context, actor store.Actor, f store.POFilter, page store.Page) ([]store.PurchaseOrder, int64, error) {
	if sc := scope(actor); sc != 0 {
		f.SupplierID = sc
	}
	return s.Store.POs(ctx, f, page)
}

func latestExpected(lines []store.POLine) *time.Time {
	var t *time.Time
	for _, l := range lines {
		if l.ExpectedAt != nil && (t == nil || l.ExpectedAt.After(*t)) {
			t = l.ExpectedAt
		}
	}
	return t
}

// poSnapshot is what the audit trail keeps of a PO: enough to show what changed.
func poSnapshot(po store.PurchaseOrder) map[string]any {
	lines := make([]map[string]any, 0, len(po.Lines))
	for _, l := range po.Lines {
		lines = append(lines, map[string]any{"line": l.LineNo, "product_id": l.ProductID, "qty": l.Quantity,
			"unit_price": matching.FormatUnitPrice(l.UnitPriceMicros), "amount_minor": l.AmountMinor})
	}
	return map[string]any{"number": po.Number, "status": po.Status, "total_minor": po.TotalMinor, "currency": po.Currency, "lines": lines}
}
