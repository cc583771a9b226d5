package procure

import (
	"context"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// ReceiptDraft is a receipt form pre-filled for the warehouse page: from an
// ASN (expected = what the ASN still has in transit) or from a PO
// (expected = what is open). Input turns it, as edited, into a ReceiptInput.
type ReceiptDraft struct {
	POID       int64              `json:"po_id"`
	PONumber   string             `json:"po_number"`
	POStatus   string             `json:"po_status"`
	SupplierID int64              `json:"supplier_id"`
	ASNID      int64              `json:"asn_id,omitempty"`
	ASNNumber  string             `json:"asn_number,omitempty"`
	ShipmentID string             `json:"shipment_id,omitempty"`
	Carrier    string             `json:"carrier,omitempty"`
	Tracking   string             `json:"tracking,omitempty"`
	ExpectedAt *time.Time         `json:"expected_at,omitempty"`
	LocationID int64              `json:"location_id,omitempty"`
	Lines      []ReceiptDraftLine `json:"lines"`
}

// ReceiptDraftLine is one PO line on the form. Received starts at Expected.
type ReceiptDraftLine struct {
	POLineID      int64  `json:"po_line_id"`
	LineNo        int    `json:"line_no"`
	ProductID     int64  `json:"product_id"`
	SKU           string `json:"sku"`
	GTIN          string `json:"gtin"`
	SupplierPart  string `json:"supplier_part"`
	Description   string `json:"description"`
	Unit          string `json:"unit"`
	UnitsPerUnit  int64  `json:"units_per_purchase_unit"`
	Ordered       int64  `json:"ordered"`
	AlreadyIn     int64  `json:"already_received"`
	Cancelled     int64  `json:"cancelled"`
	Open          int64  `json:"open"`
	Expected      int64  `json:"expected"`
	MaxAcceptable int64  `json:"max_acceptable"`
	Received      int64  `json:"received"`
}

// Input is the receipt the draft describes, with quantities as edited.
func (d ReceiptDraft) Input() ReceiptInput {
	in := ReceiptInput{POID: d.POID, ASNID: d.ASNID, LocationID: d.LocationID}
	for _, l := range d.Lines {
		in.Lines = append(in.Lines, ReceiptLineInput{LineRef: LineRef{POLineID: l.POLineID}, Received: l.Received})
	}
	return in
}

// ReceiptDraftFromASN pre-fills a receipt from an open ASN.
func (s *Service) ReceiptDraftFromASN(ctx context.Context, actor store.Actor, asnID int64) (ReceiptDraft, error) {
	var d ReceiptDraft
	if err := require(actor, store.RoleWarehouse, store.RoleBuyer); err != nil {
		return d, err
	}
	a, err := s.Store.ASN(ctx, asnID, 0)
	if err != nil {
		return d, err
	}
	if a.Status != store.ASNStatusOpen {
		return d, fault.New(fault.Conflict, "ship notice %s is already %s; receive further goods against its purchase order", a.Number, a.Status)
	}
	d, err = s.draftFor(ctx, a.POID)
	if err != nil {
		return d, err
	}
	d.ASNID, d.ASNNumber, d.ShipmentID, d.Carrier, d.Tracking, d.ExpectedAt = a.ID, a.Number, a.ShipmentID, a.Carrier, a.Tracking, a.ExpectedAt
	onASN := map[int64]int64{}
	for _, l := range a.Lines {
		onASN[l.POLineID] = l.InTransit()
	}
	kept := d.Lines[:0]
	for _, l := range d.Lines {
		q, ok := onASN[l.POLineID]
		if !ok {
			continue
		}
		l.Expected, l.Received = q, q
		kept = append(kept, l)
	}
	d.Lines = kept
	return d, nil
}

// ReceiptDraftFromPO pre-fills a receipt with every open line of a PO.
func (s *Service) ReceiptDraftFromPO(ctx context.Context, actor store.Actor, poID int64) (ReceiptDraft, error) {
	if err := require(actor, store.RoleWarehouse, store.RoleBuyer); err != nil {
		return ReceiptDraft{}, err
	}
	d, err := s.draftFor(ctx, poID)
	if err != nil {
		return d, err
	}
	kept := d.Lines[:0]
	for _, l := range d.Lines {
		if l.Open > 0 {
			l.Expected, l.Received = l.Open, l.Open
			kept = append(kept, l)
		}
	}
	d.Lines = kept
	return d, nil
}

func (s *Service) draftFor(ctx context.Context, poID int64) (ReceiptDraft, error) {
	po, err := s.Store.PO(ctx, poID, 0)
	if err != nil {
		return ReceiptDraft{}, err
	}
	if err := receivable(po); err != nil {
		return ReceiptDraft{}, err
	}
	d := ReceiptDraft{POID: po.ID, PONumber: po.Number, POStatus: po.Status, SupplierID: po.SupplierID, ExpectedAt: po.ExpectedAt}
	if po.LocationID != nil {
		d.LocationID = *po.LocationID
	}
	var ps []store.Product
	if ids := productIDsOf(po.Lines); len(ids) > 0 {
		if err := s.Store.DB(ctx).Where("id IN ?", ids).Find(&ps).Error; err != nil {
			return d, err
		}
	}
	byID := map[int64]store.Product{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	rules, err := s.Store.ToleranceRules(ctx, po.SupplierID, productIDsOf(po.Lines))
	if err != nil {
		return d, err
	}
	tol := qtyToleranceFrom(rules)
	for _, l := range po.Lines {
		p := byID[l.ProductID]
		d.Lines = append(d.Lines, ReceiptDraftLine{POLineID: l.ID, LineNo: l.LineNo, ProductID: l.ProductID, SKU: p.SKU,
			GTIN: p.GTIN, SupplierPart: l.SupplierPart, Description: l.Description, Unit: l.Unit,
			UnitsPerUnit: l.UnitsPerPurchaseUnit, Ordered: l.Quantity, AlreadyIn: l.ReceivedQty, Cancelled: l.CancelledQty,
			Open: l.OpenQty(), MaxAcceptable: max(l.Quantity-l.CancelledQty+tol.allowance(l)-l.ReceivedQty, 0)})
	}
	return d, nil
}
