package procure

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// CloseResult says what closing a PO short did with the open remainder.
type CloseResult struct {
	// Policy is the supplier's backorder policy that was applied.
	Policy string
	// Remaining is the open quantity per PO line id when the PO closed.
	Remaining map[int64]int64
	// Backorder is the new PO for the remainder (policy "backorder").
	Backorder *store.PurchaseOrder
	// Cancelled is the total quantity cancelled (policy "cancel").
	Cancelled int64
}

// CloseReceipt closes a PO whose receipts fell short and applies the
// supplier's backorder policy to what is still open: "backorder" creates a
// linked PO for the remainder at the same prices, expected after the
// catalog lead time and approved like the original; "cancel" cancels the
// remainder on the lines. The original PO becomes closed either way.
func (s *Service) CloseReceipt(ctx context.Context, actor store.Actor, poID int64, reason string) (CloseResult, store.PurchaseOrder, error) {
	var (
		out CloseResult
		po  store.PurchaseOrder
	)
	if err := require(actor, store.RoleWarehouse, store.RoleBuyer); err != nil {
		return out, po, err
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClaimWrite(); err != nil {
			return err
		}
		var err error
		if po, err = poForActor(tx, actor, poID, ""); err != nil {
			return err
		}
		if po.Lines, err = tx.LockPOLines(po.ID); err != nil {
			return err
		}
		out, err = s.closeTx(ctx, tx, actor, &po, reason)
		return err
	})
	return out, po, err
}

// closeTx closes a locked PO (lines loaded) and handles its remainder.
func (s *Service) closeTx(ctx context.Context, tx *store.Tx, actor store.Actor, po *store.PurchaseOrder, reason string) (CloseResult, error) {
	out := CloseResult{Remaining: map[int64]int64{}}
	anyReceived := false
	for _, l := range po.Lines {
		if l.ReceivedQty > 0 {
			anyReceived = true
		}
		if q := l.OpenQty(); q > 0 {
			out.Remaining[l.ID] = q
		}
	}
	switch po.Status {
	case store.POStatusPartiallyReceived, store.POStatusReceived:
	case store.POStatusSent, store.POStatusAcknowledged:
		if !anyReceived {
			return out, fault.New(fault.Conflict, "nothing has been received on purchase order %s; cancel it instead of closing it", po.Number)
		}
	default:
		return out, fault.New(fault.Conflict, "purchase order %s is %s and cannot be closed", po.Number, strings.ReplaceAll(po.Status, "_", " "))
	}
	var sup store.Supplier
	if err := tx.DB().Take(&sup, po.SupplierID).Error; err != nil {
		return out, fmt.Errorf("procure: supplier of %s: %w", po.Number, err)
	}
	before := receivedSnapshot(*po)
	if len(out.Remaining) > 0 {
		out.Policy = sup.BackorderPolicy
		switch sup.BackorderPolicy {
		case store.BackorderCreate:
			bo, err := s.createBackorder(ctx, tx, actor, *po)
			if err != nil {
				return out, err
			}
			out.Backorder = &bo
		case store.BackorderCancel:
			for i := range po.Lines {
				l := &po.Lines[i]
				q := out.Remaining[l.ID]
				if q == 0 {
					continue
				}
				l.CancelledQty += q
				out.Cancelled += q
				if err := tx.UpdatePOLine(l.ID, map[string]any{"cancelled_qty": l.CancelledQty}); err != nil {
					return out, err
				}
			}
		default:
			return out, fault.New(fault.Conflict, "supplier %s has no valid backorder policy (%q); set backorder or cancel", sup.Code, sup.BackorderPolicy)
		}
	}
	lines := po.Lines
	if err := tx.SavePOHeader(po, map[string]any{"status": store.POStatusClosed}); err != nil {
		return out, err
	}
	po.Lines = lines
	closedASNs, err := tx.CloseOpenASNsOfPO(po.ID)
	if err != nil {
		return out, err
	}
	after := receivedSnapshot(*po)
	after["policy"] = out.Policy
	if r := strings.TrimSpace(reason); r != "" {
		after["reason"] = r
	}
	if out.Backorder != nil {
		after["backorder"] = out.Backorder.Number
	}
	if out.Cancelled > 0 {
		after["cancelled_qty"] = out.Cancelled
	}
	if len(closedASNs) > 0 {
		after["closed_asns"] = closedASNs
	}
	return out, tx.Audit(actor, "po.closed", "purchase_order", po.ID, po.SupplierID, before, after)
}

// createBackorder writes the backorder PO for the open remainder of po:
// same supplier, location and unit prices, linked by parent_id, expected
// after the catalog lead time from today, and approved (the spend was
// approved on the original), then queued for sending like any approved PO.
func (s *Service) createBackorder(ctx context.Context, tx *store.Tx, actor store.Actor, po store.PurchaseOrder) (store.PurchaseOrder, error) {
	exp, ok := matching.CurrencyExponent(po.Currency)
	if !ok {
		return store.PurchaseOrder{}, fault.New(fault.Conflict, "purchase order %s has an unknown currency %q", po.Number, po.Currency)
	}
	now := tx.Now()
	bo := store.PurchaseOrder{SupplierID: po.SupplierID, LocationID: po.LocationID, ParentID: &po.ID,
		Status: store.POStatusApproved, Currency: po.Currency, BuyerID: po.BuyerID, ApprovedAt: &now,
		ApprovalRule: "backorder of " + po.Number, Source: "backorder",
		Notes: fmt.Sprintf("Backorder of %s for the quantity not delivered.", po.Number)}
	for _, l := range po.Lines {
		q := l.OpenQty()
		if q == 0 {
			continue
		}
		amount, err := matching.CheckedLineAmount(q, l.UnitPriceMicros, exp)
		if err != nil {
			return bo, fmt.Errorf("procure: backorder amount of %s line %d: %w", po.Number, l.LineNo, err)
		}
		expected := backorderExpected(tx, po, l, now)
		bo.Lines = append(bo.Lines, store.POLine{ProductID: l.ProductID, CatalogItemID: l.CatalogItemID,
			SupplierPart: l.SupplierPart, Description: l.Description, Quantity: q, Unit: l.Unit,
			UnitsPerPurchaseUnit: l.UnitsPerPurchaseUnit, UnitPriceMicros: l.UnitPriceMicros, AmountMinor: amount,
			PromisedAt: &expected, ExpectedAt: &expected})
		bo.TotalMinor += amount
	}
	bo.ExpectedAt = latestExpected(bo.Lines)
	if err := tx.InsertPO(&bo); err != nil {
		return bo, err
	}
	if err := tx.Audit(actor, "po.created", "purchase_order", bo.ID, bo.SupplierID, nil, poSnapshot(bo)); err != nil {
		return bo, err
	}
	if err := tx.Audit(actor, "po.approved", "purchase_order", bo.ID, bo.SupplierID,
		map[string]string{"status": store.POStatusDraft}, map[string]string{"status": bo.Status, "rule": bo.ApprovalRule}); err != nil {
		return bo, err
	}
	// Sent like any approved PO: the po.approved event for webhooks and the
	// send job, both in this transaction. A process without a job queue
	// (some CLI runs, unit tests) leaves it approved for the next send.
	if err := s.Publish(tx, "po.approved", "purchase_order", bo.ID, bo.SupplierID, poEvent(bo)); err != nil {
		return bo, err
	}
	if s.Queue == nil {
		s.Log.Warn("backorder PO approved but not queued for sending: no job queue in this process", "po", bo.Number, "parent", po.Number)
		return bo, nil
	}
	return bo, s.Queue.EnqueueTx(ctx, tx, SendPOJob{POID: bo.ID})
}

// backorderExpected is today plus the catalog lead time of the line's item;
// without a catalog item, the lead time the original line was given.
func backorderExpected(tx *store.Tx, po store.PurchaseOrder, l store.POLine, now time.Time) time.Time {
	if l.CatalogItemID != nil {
		var item store.CatalogItem
		if err := tx.DB().Select("id", "lead_time_days").Take(&item, *l.CatalogItemID).Error; err == nil && item.LeadTimeDays > 0 {
			return now.AddDate(0, 0, item.LeadTimeDays)
		}
	}
	if l.PromisedAt != nil {
		start := po.CreatedAt
		if po.SentAt != nil {
			start = *po.SentAt
		}
		if d := l.PromisedAt.Sub(start); d > 0 {
			return now.Add(d)
		}
	}
	return now
}
