package procure

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// ErrDispatchInProgress means another worker holds the PO's send lease; the
// job should try again later rather than send a second copy.
var ErrDispatchInProgress = errors.New("procure: the purchase order is being sent by another worker")

// EDIRenderer renders an approved PO as an X12 850 for the supplier's EDI
// partner and puts it where the gateway picks outbound files up. It runs
// inside the send's final transaction (control numbers are taken there), and
// returns a reference (file name, control number) kept with the attempt.
// The EDI gateway provides the production one; OutboxEDI850 is a folder
// implementation.
type EDIRenderer interface {
	Render850(ctx context.Context, tx *store.Tx, po store.PurchaseOrder, sup store.Supplier) (reference string, err error)
}

// Dispatch sends approved POs by the supplier's channel and chases late
// acknowledgements. It wraps the Service with what only background work needs.
type Dispatch struct {
	Service *Service
	// EDI renders 850s for EDI suppliers; nil makes EDI sends fail visibly.
	EDI EDIRenderer
	// BaseURL is the portal address used in e-mailed links.
	BaseURL string
	// ClaimFor is the send lease (default 10 min): a worker that dies while
	// sending blocks a retry for at most this long.
	ClaimFor time.Duration
	// ChaseGrace is the time after ack_due_at before the first chase (1 h).
	ChaseGrace time.Duration
	// EscalateAfter is the time after the first chase before the second
	// (default 24 h).
	EscalateAfter time.Duration
}

func (d *Dispatch) claimFor() time.Duration { return durationOr(d.ClaimFor, 10*time.Minute) }
func (d *Dispatch) chaseGrace() time.Duration {
	return durationOr(d.ChaseGrace, time.Hour)
}
func (d *Dispatch) escalateAfter() time.Duration { return durationOr(d.EscalateAfter, 24*time.Hour) }

func durationOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// sendClaim is what a worker holds between claiming and finishing a send.
type sendClaim struct {
	po        store.PurchaseOrder
	supplier  store.Supplier
	attemptID int64
}

// Send delivers one approved PO. It is idempotent: a PO already sent (or no
// longer approved) is left alone, and a PO another worker is sending returns
// ErrDispatchInProgress. A failure is recorded on the PO (attempts and last
// error) and returned, so the job retries with backoff.
func (d *Dispatch) Send(ctx context.Context, poID int64) error {
	claim, done, err := d.claim(ctx, poID)
	if err != nil || done {
		return err
	}
	ref, err := d.deliver(ctx, claim)
	if err == nil {
		err = d.markSent(ctx, claim, ref)
	}
	if err != nil {
		if ferr := d.recordFailure(ctx, claim, err); ferr != nil {
			return errors.Join(err, ferr)
		}
		return fmt.Errorf("send %s by %s: %w", claim.po.Number, claim.supplier.Channel, err)
	}
	return nil
}

// claim takes the PO's send lease in a short transaction, so the slow part
// (SMTP) runs without holding a database lock.
func (d *Dispatch) claim(ctx context.Context, poID int64) (sendClaim, bool, error) {
	var c sendClaim
	done := false
	err := d.Service.Store.InTx(ctx, func(tx *store.Tx) error {
		po, err := tx.LockPO(poID, 0)
		var fe *fault.Error
		if errors.As(err, &fe) && fe.Code == fault.NotFound {
			done = true // deleted since: nothing to send
			return nil
		}
		if err != nil {
			return err
		}
		if po.Status != store.POStatusApproved {
			done = true // sent already, or cancelled: nothing to do
			return nil
		}
		wf, err := tx.POWorkflow(po.ID)
		if err != nil {
			return err
		}
		now := tx.Now()
		if wf.DispatchClaimedUntil != nil && wf.DispatchClaimedUntil.After(now) {
			return ErrDispatchInProgress
		}
		sup, err := d.Service.Store.Supplier(ctx, po.SupplierID)
		if err != nil {
			return err
		}
		lines := po.Lines
		if err := tx.SavePOHeader(&po, map[string]any{"dispatch_claimed_until": now.Add(d.claimFor()),
			"dispatch_attempts": wf.DispatchAttempts + 1, "dispatch_channel": sup.Channel}); err != nil {
			return err
		}
		po.Lines = lines
		att := store.PODispatch{POID: po.ID, SupplierID: po.SupplierID, Attempt: wf.DispatchAttempts + 1,
			Channel: sup.Channel, Outcome: store.DispatchInProgress, StartedAt: now}
		if err := tx.InsertDispatch(&att); err != nil {
			return err
		}
		c = sendClaim{po: po, supplier: sup, attemptID: att.ID}
		return nil
	})
	return c, done, err
}

// deliver does the channel's work that happens outside the database.
func (d *Dispatch) deliver(ctx context.Context, c sendClaim) (string, error) {
	switch c.supplier.Channel {
	case store.ChannelPortal:
		return "portal", nil
	case store.ChannelEDI:
		if d.EDI == nil {
			return "", fault.New(fault.Unavailable, "no EDI renderer is configured; %s cannot be sent as an 850", c.po.Number)
		}
		return "", nil // rendered in markSent's transaction (control numbers)
	case store.ChannelEmail:
		return d.emailPO(ctx, c)
	default:
		return "", fault.New(fault.Invalid, "supplier %s has unknown channel %q", c.supplier.Code, c.supplier.Channel)
	}
}

func (d *Dispatch) emailPO(ctx context.Context, c sendClaim) (string, error) {
	if strings.TrimSpace(c.supplier.Email) == "" {
		return "", fault.New(fault.Invalid, "supplier %s has no e-mail address; add one to send %s", c.supplier.Code, c.po.Number)
	}
	if d.Service.Mail == nil {
		return "", fault.New(fault.Unavailable, "no mailer is configured; %s cannot be e-mailed", c.po.Number)
	}
	brand, err := d.Service.Store.Brand(ctx)
	if err != nil {
		return "", err
	}
	pdf, err := RenderPOPDF(c.po, c.supplier, brand)
	if err != nil {
		return "", err
	}
	name := c.po.Number + ".pdf"
	text := fmt.Sprintf("Dear %s,\n\nplease find our purchase order %s attached (%d lines, total %s).\n"+
		"Please acknowledge it within %d hours%s.\n\n%s\n", nonEmpty(c.supplier.ContactName, c.supplier.Name), c.po.Number,
		len(c.po.Lines), money(c.po.TotalMinor, c.po.Currency), ackSLAHours(c.supplier, brand), d.portalHint(c.po), brand.Name)
	err = d.Service.Mail.Send(ctx, Mail{To: []string{c.supplier.Email}, Subject: "Purchase order " + c.po.Number + " from " + brand.Name,
		Text: text, Attachments: []Attachment{{Name: name, ContentType: "application/pdf", Data: pdf}}})
	if err != nil {
		return "", err
	}
	return "email:" + c.supplier.Email, nil
}

func (d *Dispatch) portalHint(po store.PurchaseOrder) string {
	if d.BaseURL == "" {
		return ""
	}
	return fmt.Sprintf(" in the supplier portal: %s/supplier/purchase-orders/%d", strings.TrimRight(d.BaseURL, "/"), po.ID)
}

// markSent records the send: status sent, sent_at, ack_due_at, the attempt's
// outcome, the audit event and the po.sent event.
func (d *Dispatch) markSent(ctx context.Context, c sendClaim, ref string) error {
	brand, err := d.Service.Store.Brand(ctx)
	if err != nil {
		return err
	}
	return d.Service.Store.InTx(ctx, func(tx *store.Tx) error {
		po, err := tx.LockPO(c.po.ID, 0)
		if err != nil {
			return err
		}
		if po.Status != store.POStatusApproved {
			return fault.New(fault.Conflict, "purchase order %s became %s while it was being sent", po.Number, humanStatus(po.Status))
		}
		if c.supplier.Channel == store.ChannelEDI {
			if ref, err = d.EDI.Render850(ctx, tx, po, c.supplier); err != nil {
				return fmt.Errorf("render 850: %w", err)
			}
		}
		now := tx.Now()
		due := now.Add(time.Duration(ackSLAHours(c.supplier, brand)) * time.Hour)
		lines := po.Lines
		if err := tx.SavePOHeader(&po, map[string]any{"status": store.POStatusSent, "sent_at": now, "ack_due_at": due,
			"dispatch_claimed_until": nil, "last_dispatch_error": ""}); err != nil {
			return err
		}
		po.Lines = lines
		if err := tx.FinishDispatch(c.attemptID, store.DispatchSent, ref, ""); err != nil {
			return err
		}
		after := map[string]any{"status": po.Status, "channel": c.supplier.Channel, "reference": ref, "sent_at": now, "ack_due_at": due}
		if err := tx.Audit(store.System("dispatch"), "po.sent", "purchase_order", po.ID, po.SupplierID,
			map[string]any{"status": store.POStatusApproved}, after); err != nil {
			return err
		}
		return d.Service.Publish(tx, "po.sent", "purchase_order", po.ID, po.SupplierID, poEvent(po))
	})
}

// recordFailure makes a failed attempt visible on the PO and frees the
// lease so the retry can claim it.
func (d *Dispatch) recordFailure(ctx context.Context, c sendClaim, cause error) error {
	msg := cause.Error()
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	return d.Service.Store.InTx(ctx, func(tx *store.Tx) error {
		po, err := tx.LockPO(c.po.ID, 0)
		if err != nil {
			return err
		}
		lines := po.Lines
		if err := tx.SavePOHeader(&po, map[string]any{"dispatch_claimed_until": nil, "last_dispatch_error": msg}); err != nil {
			return err
		}
		po.Lines = lines
		if err := tx.FinishDispatch(c.attemptID, store.DispatchFailed, "", msg); err != nil {
			return err
		}
		return tx.Audit(store.System("dispatch"), "po.send_failed", "purchase_order", po.ID, po.SupplierID, nil,
			map[string]any{"channel": c.supplier.Channel, "error": msg})
	})
}

func ackSLAHours(sup store.Supplier, brand store.BrandSettings) int {
	if sup.AckSLAHours > 0 {
		return sup.AckSLAHours
	}
	if brand.AckSLAHours > 0 {
		return brand.AckSLAHours
	}
	return 24
}

func nonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// Dispatches lists the send attempts of a PO the actor may see.
func (s *Service) Dispatches(ctx context.Context, actor store.Actor, poID int64) ([]store.PODispatch, store.POWorkflow, error) {
	if _, err := s.Store.PO(ctx, poID, scope(actor)); err != nil {
		return nil, store.POWorkflow{}, err
	}
	wf, err := s.Store.POWorkflowOf(ctx, poID, scope(actor))
	if err != nil {
		return nil, wf, err
	}
	ds, err := s.Store.PODispatches(ctx, poID, scope(actor))
	return ds, wf, err
}
