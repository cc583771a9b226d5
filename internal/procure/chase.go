package procure

import (
	"context"
	"fmt"
	"strings"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// ChaseResult says what one chase run did.
type ChaseResult struct {
	Chased    []string // PO numbers reminded (first chase, at due + 1 h)
	Escalated []string // PO numbers escalated (second chase)
}

// Chase flags sent POs whose acknowledgement is overdue by the grace hour
// (hour 25 with the default 24 h SLA) and, EscalateAfter later, escalates
// those still unacknowledged. Each PO is marked (chased_at / escalated_at),
// audited and given its e-mail jobs in one transaction, so a rerun, or a
// second replica, never chases a PO twice for the same level.
func (d *Dispatch) Chase(ctx context.Context) (ChaseResult, error) {
	var res ChaseResult
	now := d.Service.now()
	ids, err := d.Service.Store.OverduePOIDs(ctx, now.Add(-d.chaseGrace()), 500)
	if err != nil {
		return res, err
	}
	for _, id := range ids {
		num, err := d.chaseOne(ctx, id, 1)
		if err != nil {
			return res, err
		}
		if num != "" {
			res.Chased = append(res.Chased, num)
		}
	}
	ids, err = d.Service.Store.EscalationPOIDs(ctx, now.Add(-d.escalateAfter()), 500)
	if err != nil {
		return res, err
	}
	for _, id := range ids {
		num, err := d.chaseOne(ctx, id, 2)
		if err != nil {
			return res, err
		}
		if num != "" {
			res.Escalated = append(res.Escalated, num)
		}
	}
	return res, nil
}

// chaseOne re-checks the PO under its lock and marks one chase level.
func (d *Dispatch) chaseOne(ctx context.Context, poID int64, level int) (string, error) {
	number := ""
	err := d.Service.Store.InTx(ctx, func(tx *store.Tx) error {
		po, err := tx.LockPO(poID, 0)
		if err != nil {
			return err
		}
		now := tx.Now()
		if po.Status != store.POStatusSent || po.AcknowledgedAt != nil || po.AckDueAt == nil {
			return nil
		}
		field, action := "chased_at", "po.chased"
		if level == 1 {
			if po.ChasedAt != nil || po.AckDueAt.Add(d.chaseGrace()).After(now) {
				return nil
			}
		} else {
			wf, err := tx.POWorkflow(po.ID)
			if err != nil {
				return err
			}
			if po.ChasedAt == nil || wf.EscalatedAt != nil || po.ChasedAt.Add(d.escalateAfter()).After(now) {
				return nil
			}
			field, action = "escalated_at", "po.escalated"
		}
		lines := po.Lines
		if err := tx.SavePOHeader(&po, map[string]any{field: now}); err != nil {
			return err
		}
		po.Lines = lines
		late := now.Sub(*po.AckDueAt).Round(1e9)
		if err := tx.Audit(store.System("chase"), action, "purchase_order", po.ID, po.SupplierID, nil,
			map[string]any{"level": level, "ack_due_at": po.AckDueAt, "overdue": late.String()}); err != nil {
			return err
		}
		if err := d.Service.Publish(tx, action, "purchase_order", po.ID, po.SupplierID, map[string]any{
			"po_id": po.ID, "number": po.Number, "level": level, "ack_due_at": po.AckDueAt}); err != nil {
			return err
		}
		for _, to := range []string{"supplier", "buyer"} {
			if err := d.Service.enqueue(ctx, tx, ChaseMailJob{POID: po.ID, Level: level, To: to}); err != nil {
				return err
			}
		}
		number = po.Number
		return nil
	})
	return number, err
}

// SendChaseMail e-mails one chase: the reminder to the supplier, or the
// notice to the PO's buyer (all buyers when it has none). A PO acknowledged
// in the meantime gets no mail.
func (d *Dispatch) SendChaseMail(ctx context.Context, job ChaseMailJob) error {
	po, err := d.Service.Store.PO(ctx, job.POID, 0)
	if err != nil {
		return err
	}
	if po.AcknowledgedAt != nil || po.Status != store.POStatusSent {
		return nil
	}
	if d.Service.Mail == nil {
		return fault.New(fault.Unavailable, "no mailer is configured; the chase of %s cannot be e-mailed", po.Number)
	}
	sup, err := d.Service.Store.Supplier(ctx, po.SupplierID)
	if err != nil {
		return err
	}
	brand, err := d.Service.Store.Brand(ctx)
	if err != nil {
		return err
	}
	due := po.AckDueAt.UTC().Format("2006-01-02 15:04 UTC")
	what := "Reminder"
	if job.Level >= 2 {
		what = "Second reminder (escalated)"
	}
	var m Mail
	switch job.To {
	case "supplier":
		if sup.Email == "" {
			d.Service.Log.Warn("chase: supplier has no e-mail address", "supplier", sup.Code, "po", po.Number)
			return nil
		}
		m = Mail{To: []string{sup.Email}, Subject: fmt.Sprintf("%s: please acknowledge purchase order %s", what, po.Number),
			Text: fmt.Sprintf("Dear %s,\n\nour purchase order %s (sent %s, total %s) was due to be acknowledged by %s and we have "+
				"no acknowledgement yet.\nPlease confirm quantities, prices and dates%s.\n\n%s\n",
				nonEmpty(sup.ContactName, sup.Name), po.Number, po.SentAt.UTC().Format("2006-01-02"), money(po.TotalMinor, po.Currency),
				due, d.portalHint(po), brand.Name)}
	case "buyer":
		to, err := d.buyerAddresses(ctx, po)
		if err != nil {
			return err
		}
		if len(to) == 0 {
			d.Service.Log.Warn("chase: no buyer to notify", "po", po.Number)
			return nil
		}
		m = Mail{To: to, Subject: fmt.Sprintf("%s sent to %s: %s has not acknowledged %s", what, sup.Code, sup.Name, po.Number),
			Text: fmt.Sprintf("%s was due to be acknowledged by %s (%s) by %s. pogate has e-mailed the supplier a %s.\n",
				po.Number, sup.Name, sup.Code, due, strings.ToLower(what))}
	default:
		return fmt.Errorf("chase mail: unknown recipient %q", job.To)
	}
	return d.Service.Mail.Send(ctx, m)
}

func (d *Dispatch) buyerAddresses(ctx context.Context, po store.PurchaseOrder) ([]string, error) {
	var users []store.User
	var err error
	if po.BuyerID != nil {
		users, err = d.Service.Store.UsersByID(ctx, *po.BuyerID)
	}
	if err == nil && len(users) == 0 {
		users, err = d.Service.Store.UsersWithRole(ctx, store.RoleBuyer)
	}
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(users))
	for _, u := range users {
		if u.Email != "" {
			out = append(out, u.Email)
		}
	}
	return out, nil
}
