package procure

import (
	"context"
	"strings"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// Submit asks for approval of a draft. The approval rules (decideApproval)
// either approve it at once, queueing the send in the same transaction, or
// leave it pending for an approver. Either way the audit event names the
// rule that decided.
func (s *Service) Submit(ctx context.Context, actor store.Actor, poID int64) (store.PurchaseOrder, ApprovalDecision, error) {
	var (
		po  store.PurchaseOrder
		dec ApprovalDecision
	)
	if err := require(actor, store.RoleBuyer); err != nil {
		return po, dec, err
	}
	brand, err := s.Store.Brand(ctx)
	if err != nil {
		return po, dec, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		po, err = tx.LockPO(poID, scope(actor))
		if err != nil {
			return err
		}
		if po.Status != store.POStatusDraft {
			return fault.New(fault.Conflict, "purchase order %s is %s; only a draft can be submitted", po.Number, humanStatus(po.Status))
		}
		if len(po.Lines) == 0 || po.TotalMinor <= 0 {
			return fault.New(fault.Invalid, "purchase order %s has no priced lines; add lines before submitting", po.Number)
		}
		sup, err := s.Store.Supplier(ctx, po.SupplierID)
		if err != nil {
			return err
		}
		if !sup.Active {
			return fault.New(fault.Conflict, "supplier %s is inactive; reactivate it or move the lines to another supplier", sup.Code)
		}
		productIDs := make([]int64, len(po.Lines))
		for i, l := range po.Lines {
			productIDs[i] = l.ProductID
		}
		cats, err := tx.CategoryThresholdsFor(productIDs)
		if err != nil {
			return err
		}
		dec = decideApproval(approvalInputs{Total: po.TotalMinor, Currency: po.Currency, Brand: brand, Supplier: sup, CategoryLimits: cats})
		before := map[string]any{"status": po.Status}
		fields := map[string]any{"rejected_reason": ""}
		if actor.Kind == store.ActorUser && actor.ID != 0 {
			fields["submitted_by"] = actor.ID
		}
		lines := po.Lines
		if dec.Auto {
			fields["status"] = store.POStatusApproved
			fields["approved_at"] = tx.Now()
			fields["approval_rule"] = "auto:" + dec.Rule
		} else {
			fields["status"] = store.POStatusPendingApproval
			fields["approval_rule"] = "route:" + dec.Rule
		}
		if err := tx.SavePOHeader(&po, fields); err != nil {
			return err
		}
		po.Lines = lines
		after := map[string]any{"status": po.Status, "rule": po.ApprovalRule, "reason": dec.Reason, "total_minor": po.TotalMinor, "currency": po.Currency}
		if err := tx.Audit(actor, "po.submitted", "purchase_order", po.ID, po.SupplierID, before, after); err != nil {
			return err
		}
		if !dec.Auto {
			return s.enqueue(ctx, tx, ApprovalMailJob{POID: po.ID})
		}
		return s.approvedTx(ctx, tx, store.System("approval"), po, dec.Reason)
	})
	return po, dec, err
}

// Approve is an approver's yes to a PO waiting for approval. The PO's own
// buyer, and whoever submitted it, may not approve it.
func (s *Service) Approve(ctx context.Context, actor store.Actor, poID int64, note string) (store.PurchaseOrder, error) {
	var po store.PurchaseOrder
	if err := require(actor, store.RoleApprover); err != nil {
		return po, err
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		po, err = s.lockPending(tx, actor, poID)
		if err != nil {
			return err
		}
		rule := strings.TrimPrefix(po.ApprovalRule, "route:")
		fields := map[string]any{"status": store.POStatusApproved, "approved_at": tx.Now(), "approval_rule": "approver:" + rule}
		if actor.Kind == store.ActorUser && actor.ID != 0 {
			fields["approved_by"] = actor.ID
		}
		lines := po.Lines
		if err := tx.SavePOHeader(&po, fields); err != nil {
			return err
		}
		po.Lines = lines
		return s.approvedTx(ctx, tx, actor, po, strings.TrimSpace(note))
	})
	return po, err
}

// Reject sends a PO waiting for approval back to draft with the reason,
// which its buyer sees.
func (s *Service) Reject(ctx context.Context, actor store.Actor, poID int64, reason string) (store.PurchaseOrder, error) {
	var po store.PurchaseOrder
	if err := require(actor, store.RoleApprover); err != nil {
		return po, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return po, fault.FieldErr("reason", "say why the order is rejected; the buyer sees it")
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		po, err = s.lockPending(tx, actor, poID)
		if err != nil {
			return err
		}
		rule := strings.TrimPrefix(po.ApprovalRule, "route:")
		lines := po.Lines
		if err := tx.SavePOHeader(&po, map[string]any{"status": store.POStatusDraft, "approval_rule": "rejected:" + rule, "rejected_reason": reason}); err != nil {
			return err
		}
		po.Lines = lines
		return tx.Audit(actor, "po.rejected", "purchase_order", po.ID, po.SupplierID,
			map[string]any{"status": store.POStatusPendingApproval}, map[string]any{"status": po.Status, "rule": po.ApprovalRule, "reason": reason})
	})
	return po, err
}

// lockPending locks a PO that waits for approval and refuses self-approval.
func (s *Service) lockPending(tx *store.Tx, actor store.Actor, poID int64) (store.PurchaseOrder, error) {
	po, err := tx.LockPO(poID, scope(actor))
	if err != nil {
		return po, err
	}
	if po.Status != store.POStatusPendingApproval {
		return po, fault.New(fault.Conflict, "purchase order %s is %s, not waiting for approval", po.Number, humanStatus(po.Status))
	}
	if actor.Kind == store.ActorUser {
		if po.BuyerID != nil && *po.BuyerID == actor.ID {
			return po, fault.New(fault.Forbidden, "you are the buyer of %s; another approver must decide on it", po.Number)
		}
		wf, err := tx.POWorkflow(po.ID)
		if err != nil {
			return po, err
		}
		if wf.SubmittedBy != nil && *wf.SubmittedBy == actor.ID {
			return po, fault.New(fault.Forbidden, "you submitted %s for approval; another approver must decide on it", po.Number)
		}
	}
	return po, nil
}

// approvedTx finishes an approval inside its transaction: audit, the
// po.approved event and the send job.
func (s *Service) approvedTx(ctx context.Context, tx *store.Tx, actor store.Actor, po store.PurchaseOrder, note string) error {
	after := map[string]any{"status": po.Status, "rule": po.ApprovalRule}
	if note != "" {
		after["note"] = note
	}
	if err := tx.Audit(actor, "po.approved", "purchase_order", po.ID, po.SupplierID,
		map[string]any{"status": store.POStatusPendingApproval}, after); err != nil {
		return err
	}
	if err := s.Publish(tx, "po.approved", "purchase_order", po.ID, po.SupplierID, poEvent(po)); err != nil {
		return err
	}
	return s.enqueue(ctx, tx, SendPOJob{POID: po.ID})
}

// poEvent is the payload of PO events: what an inventory system needs to
// count incoming stock.
func poEvent(po store.PurchaseOrder) map[string]any {
	lines := make([]map[string]any, 0, len(po.Lines))
	for _, l := range po.Lines {
		lines = append(lines, map[string]any{"line": l.LineNo, "product_id": l.ProductID, "quantity": l.Quantity,
			"units_per_purchase_unit": l.UnitsPerPurchaseUnit, "expected_at": l.ExpectedAt})
	}
	return map[string]any{"po_id": po.ID, "number": po.Number, "supplier_id": po.SupplierID, "status": po.Status,
		"currency": po.Currency, "total_minor": po.TotalMinor, "expected_at": po.ExpectedAt, "lines": lines}
}

func humanStatus(s string) string { return strings.ReplaceAll(s, "_", " ") }
