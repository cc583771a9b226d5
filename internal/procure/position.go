package procure

import (
	"context"
	"fmt"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"gorm.io/gorm"
)

// InventoryPosition is one SKU's stock picture. All figures are stock units.
//
//   - OnHand, Allocated: summed over locations (from the inventory system).
//   - OnOrder: open quantity (ordered − received − cancelled) × units per
//     purchase unit of lines on approved, sent, acknowledged and partially
//     received POs. Drafts and POs waiting for approval are not on order yet.
//   - InTransit: the part of OnOrder already shipped on an ASN (a subset of
//     OnOrder, shown so an inventory system can tell "coming" from "promised").
//   - Position = OnHand + OnOrder − Allocated: what the reorder engine compares
//     with the reorder point.
//   - AvailableToPromise = OnHand − Allocated: what can be sold today.
type InventoryPosition struct {
	ProductID          int64  `json:"product_id"`
	SKU                string `json:"sku"`
	Name               string `json:"name"`
	OnHand             int64  `json:"on_hand"`
	OnOrder            int64  `json:"on_order"`
	InTransit          int64  `json:"in_transit"`
	Allocated          int64  `json:"allocated"`
	Position           int64  `json:"position"`
	AvailableToPromise int64  `json:"available_to_promise"`
}

// PositionFilter narrows InventoryPositions.
type PositionFilter struct {
	SKU string
}

// InventoryPositions lists positions by SKU, one page at a time. Staff only:
// stock is the brand's own data.
func (s *Service) InventoryPositions(ctx context.Context, actor store.Actor, f PositionFilter, page store.Page) ([]InventoryPosition, int64, error) {
	if err := require(actor, store.RoleBuyer, store.RoleApprover, store.RoleWarehouse, store.RoleAP); err != nil {
		return nil, 0, err
	}
	q := s.Store.DB(ctx).Model(&store.Product{})
	if f.SKU != "" {
		q = q.Where("sku = ?", f.SKU)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("procure: count products: %w", err)
	}
	var products []store.Product
	offset := 0
	if page.Number > 1 {
		offset = (page.Number - 1) * page.Limit()
	}
	if err := q.Select("id", "sku", "name").Order("sku").Limit(page.Limit()).Offset(offset).Find(&products).Error; err != nil {
		return nil, 0, fmt.Errorf("procure: list products: %w", err)
	}
	if f.SKU != "" && len(products) == 0 {
		return nil, 0, fault.New(fault.NotFound, "product %s not found", f.SKU)
	}
	ids := make([]int64, len(products))
	for i, p := range products {
		ids[i] = p.ID
	}
	figs, err := s.stockFigures(ctx, s.Store.DB(ctx), ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]InventoryPosition, len(products))
	for i, p := range products {
		out[i] = figs[p.ID].position(p)
	}
	return out, total, nil
}

// stockFigure is the raw numbers behind a position.
type stockFigure struct {
	OnHand, Allocated, OnOrder, InTransit int64
}

func (f stockFigure) position(p store.Product) InventoryPosition {
	return InventoryPosition{ProductID: p.ID, SKU: p.SKU, Name: p.Name, OnHand: f.OnHand, OnOrder: f.OnOrder,
		InTransit: f.InTransit, Allocated: f.Allocated, Position: f.OnHand + f.OnOrder - f.Allocated,
		AvailableToPromise: f.OnHand - f.Allocated}
}

// stockFigures reads on hand, allocated, on order and in transit for the
// given products (all products when ids is nil) with one aggregate query
// each, never one query per SKU.
func (s *Service) stockFigures(ctx context.Context, db *gorm.DB, ids []int64) (map[int64]stockFigure, error) {
	out := map[int64]stockFigure{}
	if ids != nil && len(ids) == 0 {
		return out, nil
	}
	type stockRow struct {
		ProductID int64
		OnHand    int64
		Allocated int64
	}
	var stock []stockRow
	q := db.Model(&store.StockLevel{}).Select("product_id, SUM(on_hand) AS on_hand, SUM(allocated) AS allocated").Group("product_id")
	if ids != nil {
		q = q.Where("product_id IN ?", ids)
	}
	if err := q.Scan(&stock).Error; err != nil {
		return nil, fmt.Errorf("procure: stock levels: %w", err)
	}
	for _, r := range stock {
		f := out[r.ProductID]
		f.OnHand, f.Allocated = r.OnHand, r.Allocated
		out[r.ProductID] = f
	}
	onOrder, err := onOrderByProduct(db, ids)
	if err != nil {
		return nil, err
	}
	for pid, n := range onOrder {
		f := out[pid]
		f.OnOrder = n
		out[pid] = f
	}
	transit, err := inTransitByProduct(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	for pid, n := range transit {
		f := out[pid]
		f.InTransit = n
		out[pid] = f
	}
	return out, nil
}

// openQtyExpr is a line's open quantity in stock units.
const openQtyExpr = "(l.quantity - l.received_qty - l.cancelled_qty) * l.units_per_purchase_unit"

// onOrderByProduct sums open quantities of lines on POs whose status counts
// as on order (store.OpenPOStatuses).
func onOrderByProduct(db *gorm.DB, ids []int64) (map[int64]int64, error) {
	type row struct {
		ProductID int64
		Qty       int64
	}
	var rows []row
	q := db.Table("po_lines AS l").Joins("JOIN purchase_orders AS p ON p.id = l.po_id").
		Select("l.product_id AS product_id, SUM("+openQtyExpr+") AS qty").
		Where("p.status IN ? AND l.quantity - l.received_qty - l.cancelled_qty > 0", store.OpenPOStatuses).
		Group("l.product_id")
	if ids != nil {
		q = q.Where("l.product_id IN ?", ids)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("procure: on-order quantities: %w", err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.ProductID] = r.Qty
	}
	return out, nil
}
