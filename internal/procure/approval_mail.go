package procure

import (
	"context"
	"fmt"
	"strings"

	"github.com/pogate/pogate/internal/store"
)

// SendApprovalMail tells every approver (but never the PO's own buyer, who
// may not approve it) that a PO waits for approval, with the rule that sent
// it there. A PO decided in the meantime gets no mail.
func (d *Dispatch) SendApprovalMail(ctx context.Context, job ApprovalMailJob) error {
	po, err := d.Service.Store.PO(ctx, job.POID, 0)
	if err != nil {
		return err
	}
	if po.Status != store.POStatusPendingApproval {
		return nil
	}
	if d.Service.Mail == nil {
		d.Service.Log.Warn("approval mail: no mailer configured", "po", po.Number)
		return nil
	}
	users, err := d.Service.Store.UsersWithRole(ctx, store.RoleApprover)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		if users, err = d.Service.Store.UsersWithRole(ctx, store.RoleAdmin); err != nil {
			return err
		}
	}
	var to []string
	for _, u := range users {
		if u.Email != "" && (po.BuyerID == nil || *po.BuyerID != u.ID) {
			to = append(to, u.Email)
		}
	}
	if len(to) == 0 {
		d.Service.Log.Warn("approval mail: nobody may approve", "po", po.Number)
		return nil
	}
	sup, err := d.Service.Store.Supplier(ctx, po.SupplierID)
	if err != nil {
		return err
	}
	rule := strings.TrimPrefix(po.ApprovalRule, "route:")
	link := ""
	if d.BaseURL != "" {
		link = fmt.Sprintf("\nOpen it: %s/purchase-orders/%d\n", strings.TrimRight(d.BaseURL, "/"), po.ID)
	}
	return d.Service.Mail.Send(ctx, Mail{To: to,
		Subject: fmt.Sprintf("Approval needed: %s to %s, %s", po.Number, sup.Code, money(po.TotalMinor, po.Currency)),
		Text: fmt.Sprintf("Purchase order %s to %s (%s) for %s with %d lines waits for approval (rule: %s).\n%s",
			po.Number, sup.Name, sup.Code, money(po.TotalMinor, po.Currency), len(po.Lines), humanStatus(rule), link)})
}
