package procure_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func faultCode(err error) fault.Code {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	return ""
}

func TestSubmitAtThresholdAutoApprovesAndSends(t *testing.T) {
	w := newFlowWorld(t)
	po := w.draft(w.buyer, w.portal, 200) // 200 × 10.00 = 2,000.00: at the threshold
	got, dec, err := w.svc.Submit(w.ctx, w.buyer, po.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !dec.Auto || got.Status != store.POStatusApproved || got.ApprovalRule != "auto:brand_threshold" {
		t.Fatalf("status %s rule %q decision %+v", got.Status, got.ApprovalRule, dec)
	}
	if n := w.auditCount(po.ID, "po.approved"); n != 1 {
		t.Errorf("po.approved audit events = %d", n)
	}
	if evs := w.events("po.approved"); len(evs) != 1 || evs[0].EntityID != po.ID || !strings.Contains(evs[0].PayloadJSON, po.Number) {
		t.Errorf("po.approved outbox events = %+v", evs)
	}
	if n := w.drain(); n != 1 {
		t.Fatalf("jobs worked = %d, want the one send", n)
	}
	sent := w.po(po.ID)
	if sent.Status != store.POStatusSent || sent.SentAt == nil || !sent.SentAt.Equal(flowStart) {
		t.Fatalf("after the send job: status %s sent_at %v", sent.Status, sent.SentAt)
	}
	if sent.AckDueAt == nil || !sent.AckDueAt.Equal(flowStart.Add(24*60*60*1e9)) {
		t.Errorf("ack_due_at = %v, want sent + 24 h", sent.AckDueAt)
	}
}

func TestAboveThresholdWaitsForAnotherApprover(t *testing.T) {
	w := newFlowWorld(t)
	po := w.draft(w.buyer, w.portal, 201) // 2,010.00
	got, dec, err := w.svc.Submit(w.ctx, w.buyer, po.ID)
	if err != nil {
		t.Fatal(err)
	}
	if dec.Auto || got.Status != store.POStatusPendingApproval || got.ApprovalRule != "route:brand_threshold" {
		t.Fatalf("status %s rule %q", got.Status, got.ApprovalRule)
	}
	if n := w.drain(); n != 1 {
		t.Fatalf("%d jobs queued for a PO waiting for approval, want its approval mail", n)
	}
	msgs := w.smtp.Messages()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "approver@northwind.test" ||
		!strings.Contains(msgs[0].Subject, "Approval needed: "+po.Number) || !strings.Contains(msgs[0].Text, "brand threshold") {
		t.Fatalf("approval mail: %+v", msgs)
	}
	// The PO's own buyer may not approve it, even with an approver's powers.
	ownAsAdmin := w.buyer
	ownAsAdmin.Role = store.RoleAdmin
	if _, err := w.svc.Approve(w.ctx, ownAsAdmin, po.ID, ""); faultCode(err) != fault.Forbidden || !strings.Contains(err.Error(), "buyer") {
		t.Fatalf("self-approval: %v", err)
	}
	// A plain buyer has no approval role.
	if _, err := w.svc.Approve(w.ctx, w.buyer2, po.ID, ""); faultCode(err) != fault.Forbidden {
		t.Fatalf("buyer approving: %v", err)
	}
	if s := w.po(po.ID).Status; s != store.POStatusPendingApproval {
		t.Fatalf("refused approvals changed the status to %s", s)
	}
	approved, err := w.svc.Approve(w.ctx, w.approver, po.ID, "ok for Q2")
	if err != nil {
		t.Fatal(err)
	}
	if approved.Status != store.POStatusApproved || approved.ApprovalRule != "approver:brand_threshold" || approved.ApprovedBy == nil || *approved.ApprovedBy != w.approver.ID {
		t.Fatalf("approved: %+v", approved)
	}
	if _, err := w.svc.Approve(w.ctx, w.admin, po.ID, ""); faultCode(err) != fault.Conflict {
		t.Fatalf("second approval: %v", err)
	}
	if n := w.drain(); n != 1 {
		t.Fatalf("jobs = %d", n)
	}
	if s := w.po(po.ID).Status; s != store.POStatusSent {
		t.Fatalf("status after send = %s", s)
	}
}

func TestSubmitterMayNotApproveEither(t *testing.T) {
	w := newFlowWorld(t)
	po := w.draft(w.buyer, w.portal, 500)
	submitter := w.admin // an admin submits the buyer's PO...
	if _, _, err := w.svc.Submit(w.ctx, submitter, po.ID); err != nil {
		t.Fatal(err)
	}
	// ...and may not then approve it himself.
	if _, err := w.svc.Approve(w.ctx, submitter, po.ID, ""); faultCode(err) != fault.Forbidden || !strings.Contains(err.Error(), "submitted") {
		t.Fatalf("submitter approving: %v", err)
	}
}

func TestRejectReturnsToDraftWithReason(t *testing.T) {
	w := newFlowWorld(t)
	po := w.draft(w.buyer, w.portal, 300)
	if _, _, err := w.svc.Submit(w.ctx, w.buyer, po.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Reject(w.ctx, w.approver, po.ID, "  "); faultCode(err) != fault.Invalid {
		t.Fatalf("reject without reason: %v", err)
	}
	got, err := w.svc.Reject(w.ctx, w.approver, po.ID, "split it across two months")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.POStatusDraft || got.ApprovalRule != "rejected:brand_threshold" {
		t.Fatalf("after reject: %s %q", got.Status, got.ApprovalRule)
	}
	wf, err := w.st.POWorkflowOf(w.ctx, po.ID, 0)
	if err != nil || wf.RejectedReason != "split it across two months" {
		t.Fatalf("workflow %+v %v", wf, err)
	}
	if n := w.auditCount(po.ID, "po.rejected"); n != 1 {
		t.Errorf("po.rejected events = %d", n)
	}
	// The buyer can fix it and submit again.
	if _, err := w.svc.UpdateDraft(w.ctx, w.buyer, po.ID, procure.DraftPO{Lines: []procure.DraftLine{{ProductID: w.products[0].ID, Quantity: 150}}}); err != nil {
		t.Fatal(err)
	}
	again, dec, err := w.svc.Submit(w.ctx, w.buyer, po.ID)
	if err != nil || !dec.Auto || again.Status != store.POStatusApproved {
		t.Fatalf("resubmit: %v %+v %s", err, dec, again.Status)
	}
}

func TestCategoryThresholdRoutesToApprover(t *testing.T) {
	w := newFlowWorld(t)
	limit := int64(50000) // 500.00 for lamps
	if err := w.st.SetCategoryThreshold(w.ctx, w.admin, "Lamps", &limit); err != nil {
		t.Fatal(err)
	}
	po, err := w.svc.CreateDraft(w.ctx, w.buyer, procure.DraftPO{SupplierID: w.portal.ID, Lines: []procure.DraftLine{
		{ProductID: w.products[0].ID, Quantity: 10}, {ProductID: w.products[1].ID, Quantity: 30}}}) // 100 + 600 = 700.00
	if err != nil {
		t.Fatal(err)
	}
	got, dec, err := w.svc.Submit(w.ctx, w.buyer, po.ID)
	if err != nil {
		t.Fatal(err)
	}
	if dec.Auto || got.ApprovalRule != "route:category_threshold:Lamps" {
		t.Fatalf("rule %q decision %+v", got.ApprovalRule, dec)
	}
}

func TestSubmitRefusesNonDrafts(t *testing.T) {
	w := newFlowWorld(t)
	po := w.draft(w.buyer, w.portal, 1)
	if _, _, err := w.svc.Submit(w.ctx, w.buyer, po.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Submit(w.ctx, w.buyer, po.ID); faultCode(err) != fault.Conflict {
		t.Fatalf("second submit: %v", err)
	}
	supplier := store.Actor{Kind: store.ActorUser, ID: 999, Role: store.RoleSupplier, SupplierID: w.portal.ID}
	if _, _, err := w.svc.Submit(w.ctx, supplier, po.ID); faultCode(err) != fault.Forbidden {
		t.Fatalf("supplier submitting: %v", err)
	}
}
