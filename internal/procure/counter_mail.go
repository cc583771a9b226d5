package procure

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// SendCounterMail e-mails the supplier the buyer's counter to one of its
// line changes: what it proposed, what the buyer proposes, and the note.
// EDI suppliers get it as an 860 once the gateway writes them; until then
// the e-mail reaches them too.
func (d *Dispatch) SendCounterMail(ctx context.Context, job CounterMailJob) error {
	var c store.POLineChange
	if err := d.Service.Store.DB(ctx).Take(&c, job.ChangeID).Error; err != nil {
		return fmt.Errorf("counter mail: change %d: %w", job.ChangeID, err)
	}
	if c.Status != store.ChangeCountered {
		return nil
	}
	po, err := d.Service.Store.PO(ctx, c.POID, 0)
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Code == fault.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	sup, err := d.Service.Store.Supplier(ctx, po.SupplierID)
	if err != nil {
		return err
	}
	if sup.Email == "" || d.Service.Mail == nil {
		d.Service.Log.Warn("counter mail not sent: no supplier address or mailer", "po", po.Number, "supplier", sup.Code)
		return nil
	}
	var theirs, ours []string
	if c.NewQuantity != nil {
		theirs = append(theirs, fmt.Sprintf("quantity %d", *c.NewQuantity))
	}
	if c.NewUnitPriceMicros != nil {
		theirs = append(theirs, "unit price "+matching.FormatUnitPrice(*c.NewUnitPriceMicros))
	}
	if c.NewDate != nil {
		theirs = append(theirs, "date "+c.NewDate.UTC().Format("2006-01-02"))
	}
	if c.CounterQuantity != nil {
		ours = append(ours, fmt.Sprintf("quantity %d", *c.CounterQuantity))
	}
	if c.CounterUnitPriceMicros != nil {
		ours = append(ours, "unit price "+matching.FormatUnitPrice(*c.CounterUnitPriceMicros))
	}
	if c.CounterDate != nil {
		ours = append(ours, "date "+c.CounterDate.UTC().Format("2006-01-02"))
	}
	proposal := strings.ReplaceAll(c.Kind, "_", " ")
	if len(theirs) > 0 {
		proposal += " (" + strings.Join(theirs, ", ") + ")"
	}
	counter := "keep the order as it stands"
	if len(ours) > 0 {
		counter = strings.Join(ours, ", ")
	}
	return d.Service.Mail.Send(ctx, Mail{To: []string{sup.Email},
		Subject: fmt.Sprintf("Counter-proposal on purchase order %s line %d", po.Number, c.LineNo),
		Text: fmt.Sprintf("Dear %s,\n\nyou proposed %s for line %d of %s. We propose instead: %s.\n\n%s\n\nPlease acknowledge the line again%s.\n",
			nonEmpty(sup.ContactName, sup.Name), proposal, c.LineNo, po.Number, counter, c.ResolutionNote, d.portalHint(po))})
}
