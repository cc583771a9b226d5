package store

import (
	"context"
	"time"
)

// Scorecard is one supplier's month (YYYY-MM in the brand's time zone).
// Every field is a count or an integer sum so that ratios can be derived
// exactly when read; the few statistics that are not ratios (median
// acknowledgement time, lead-time mean, spread and bias) are integers in
// minutes or hundredths of a day, nil when the month had no sample.
type Scorecard struct {
	ID         int64 `gorm:"primaryKey"`
	SupplierID int64
	Month      string

	POsSent          int64 `gorm:"column:pos_sent"`
	Acks             int64
	AckMedianMinutes *int64
	AckSLADue        int64 `gorm:"column:ack_sla_due"`
	AckSLAHit        int64 `gorm:"column:ack_sla_hit"`

	LinesSettled int64
	LinesOnTime  int64
	LinesInFull  int64
	LinesOTIF    int64 `gorm:"column:lines_otif"`
	QtyOrdered   int64
	QtyReceived  int64

	LeadSamples         int64
	LeadMeanCentidays   *int64
	LeadStddevCentidays *int64
	LeadCatalogSamples  int64
	LeadBiasCentidays   *int64

	ASNLines         int64 `gorm:"column:asn_lines"`
	ASNLinesAccurate int64 `gorm:"column:asn_lines_accurate"`
	ASNQty           int64 `gorm:"column:asn_qty"`
	ASNQtyDeviation  int64 `gorm:"column:asn_qty_deviation"`

	Invoices          int64
	InvoicesException int64

	PriceBaseMinor     int64
	PriceVarianceMinor int64

	ComputedAt time.Time
}

func (Scorecard) TableName() string { return "scorecards" }

// Empty reports a month without any activity worth a row.
func (c Scorecard) Empty() bool {
	return c.POsSent == 0 && c.Acks == 0 && c.AckSLADue == 0 && c.LinesSettled == 0 && c.LeadSamples == 0 &&
		c.ASNLines == 0 && c.Invoices == 0
}

func init() { RegisterModel(&Scorecard{}) }

// ReplaceScorecards swaps the stored rows of one month for cards (empty
// cards are skipped), so a recompute is idempotent and a month that lost all
// its activity loses its rows.
func (tx *Tx) ReplaceScorecards(month string, cards []Scorecard) error {
	if err := tx.db.Where("month = ?", month).Delete(&Scorecard{}).Error; err != nil {
		return notFound(err, "scorecards")
	}
	keep := make([]Scorecard, 0, len(cards))
	for _, c := range cards {
		if c.Empty() {
			continue
		}
		c.ID, c.Month, c.ComputedAt = 0, month, tx.Now()
		keep = append(keep, c)
	}
	if len(keep) == 0 {
		return nil
	}
	return notFound(tx.db.CreateInBatches(&keep, tx.BatchSize()).Error, "scorecards")
}

// ScorecardFilter narrows a scorecard listing; From and To are inclusive
// YYYY-MM months, empty for open ends.
type ScorecardFilter struct {
	SupplierID int64
	From, To   string
}

// Scorecards lists stored months, by supplier then month.
func (s *Store) Scorecards(ctx context.Context, f ScorecardFilter) ([]Scorecard, error) {
	q := s.db.WithContext(ctx).Model(&Scorecard{})
	if f.SupplierID != 0 {
		q = q.Where("supplier_id = ?", f.SupplierID)
	}
	if f.From != "" {
		q = q.Where("month >= ?", f.From)
	}
	if f.To != "" {
		q = q.Where("month <= ?", f.To)
	}
	var out []Scorecard
	err := q.Order("supplier_id, month").Find(&out).Error
	return out, notFound(err, "scorecards")
}

// Event rows the scorecard reads. They are narrow projections so a month of
// a busy brand stays a handful of indexed queries.

// ScorecardPO is a sent PO's acknowledgement facts.
type ScorecardPO struct {
	ID             int64
	SupplierID     int64
	SentAt         *time.Time
	AckDueAt       *time.Time
	AcknowledgedAt *time.Time
}

// ScorecardPOsSent lists POs sent in [from, to).
func (s *Store) ScorecardPOsSent(ctx context.Context, from, to time.Time) ([]ScorecardPO, error) {
	var out []ScorecardPO
	err := s.db.WithContext(ctx).Model(&PurchaseOrder{}).Select("id", "supplier_id", "sent_at", "ack_due_at", "acknowledged_at").
		Where("sent_at >= ? AND sent_at < ?", from, to).Order("id").Find(&out).Error
	return out, notFound(err, "purchase orders")
}

// ScorecardReceiptLine is one delivered line with what the scorecard needs
// of its PO line and PO.
type ScorecardReceiptLine struct {
	ID           int64
	SupplierID   int64
	POID         int64 `gorm:"column:po_id"`
	POLineID     int64 `gorm:"column:po_line_id"`
	ReceivedQty  int64
	AcceptedQty  int64
	ReceivedAt   time.Time
	SentAt       *time.Time
	LeadTimeDays *int
}

// ScorecardReceiptLines lists receipt lines received in [from, to) with the
// PO's sent time and the catalog lead time of the line's item.
func (s *Store) ScorecardReceiptLines(ctx context.Context, from, to time.Time) ([]ScorecardReceiptLine, error) {
	var out []ScorecardReceiptLine
	err := s.db.WithContext(ctx).Table("receipt_lines rl").
		Select("rl.id, rl.supplier_id, rl.po_id, rl.po_line_id, rl.received_qty, rl.accepted_qty, rl.received_at, "+
			"po.sent_at, ci.lead_time_days").
		Joins("JOIN purchase_orders po ON po.id = rl.po_id").
		Joins("JOIN po_lines pl ON pl.id = rl.po_line_id").
		Joins("LEFT JOIN catalog_items ci ON ci.id = pl.catalog_item_id").
		Where("rl.received_at >= ? AND rl.received_at < ?", from, to).Order("rl.id").Scan(&out).Error
	return out, notFound(err, "receipt lines")
}

// ScorecardClosedPOs returns the ids of POs closed (short) in [from, to)
// with the time of their close, from the audit trail.
func (s *Store) ScorecardClosedPOs(ctx context.Context, from, to time.Time) (map[int64]time.Time, error) {
	var rows []struct {
		EntityID int64
		At       time.Time
	}
	err := s.db.WithContext(ctx).Model(&AuditEvent{}).Select("entity_id", "at").
		Where("entity = ? AND action = ? AND at >= ? AND at < ?", "purchase_order", "po.closed", from, to).Order("id").Scan(&rows).Error
	out := make(map[int64]time.Time, len(rows))
	for _, r := range rows {
		if _, seen := out[r.EntityID]; !seen {
			out[r.EntityID] = r.At
		}
	}
	return out, notFound(err, "audit events")
}

// ScorecardLineHistory is a PO line with every delivery against it and the
// close of its PO, if any: enough to tell when and how it was settled.
type ScorecardLineHistory struct {
	Line     POLine
	Receipts []ScorecardDelivery
	ClosedAt *time.Time
	// OriginalPromisedAt is the promised date before any accepted date
	// change (po_line_changes keep the old date).
	OriginalPromisedAt *time.Time
}

// ScorecardDelivery is the good quantity of one receipt line and when it came.
type ScorecardDelivery struct {
	AcceptedQty int64
	ReceivedAt  time.Time
}

// ScorecardLineHistories loads the full history of the lines of poIDs.
func (s *Store) ScorecardLineHistories(ctx context.Context, poIDs []int64) ([]ScorecardLineHistory, error) {
	if len(poIDs) == 0 {
		return nil, nil
	}
	db := s.db.WithContext(ctx)
	var lines []POLine
	if err := db.Where("po_id IN ?", poIDs).Order("id").Find(&lines).Error; err != nil {
		return nil, notFound(err, "purchase order lines")
	}
	var rls []struct {
		POLineID    int64 `gorm:"column:po_line_id"`
		AcceptedQty int64
		ReceivedAt  time.Time
	}
	if err := db.Model(&ReceiptLine{}).Select("po_line_id", "accepted_qty", "received_at").
		Where("po_id IN ?", poIDs).Order("received_at, id").Scan(&rls).Error; err != nil {
		return nil, notFound(err, "receipt lines")
	}
	var closes []struct {
		EntityID int64
		At       time.Time
	}
	if err := db.Model(&AuditEvent{}).Select("entity_id", "at").
		Where("entity = ? AND action = ? AND entity_id IN ?", "purchase_order", "po.closed", poIDs).Order("id").Scan(&closes).Error; err != nil {
		return nil, notFound(err, "audit events")
	}
	var changes []struct {
		POLineID int64 `gorm:"column:po_line_id"`
		OldDate  *time.Time
	}
	if err := db.Model(&POLineChange{}).Select("po_line_id", "old_date").
		Where("po_id IN ? AND kind IN ? AND status = ? AND old_date IS NOT NULL", poIDs, []string{AckDateChanged, AckBackordered}, ChangeAccepted).
		Order("id").Scan(&changes).Error; err != nil {
		return nil, notFound(err, "purchase order line changes")
	}
	closedAt := map[int64]time.Time{}
	for _, c := range closes {
		if _, seen := closedAt[c.EntityID]; !seen {
			closedAt[c.EntityID] = c.At
		}
	}
	byLine := map[int64][]ScorecardDelivery{}
	for _, r := range rls {
		byLine[r.POLineID] = append(byLine[r.POLineID], ScorecardDelivery{AcceptedQty: r.AcceptedQty, ReceivedAt: r.ReceivedAt})
	}
	original := map[int64]*time.Time{}
	for _, c := range changes {
		if _, seen := original[c.POLineID]; !seen {
			original[c.POLineID] = c.OldDate
		}
	}
	out := make([]ScorecardLineHistory, 0, len(lines))
	for _, l := range lines {
		h := ScorecardLineHistory{Line: l, Receipts: byLine[l.ID], OriginalPromisedAt: l.PromisedAt}
		if at, ok := closedAt[l.POID]; ok {
			h.ClosedAt = &at
		}
		if d, ok := original[l.ID]; ok {
			h.OriginalPromisedAt = d
		}
		out = append(out, h)
	}
	return out, nil
}

// ScorecardInvoice is an invoice received in the month with the outcome of
// its first match run.
type ScorecardInvoice struct {
	ID           int64
	SupplierID   int64
	Currency     string
	CreditNote   bool
	FirstOutcome string
}

// ScorecardInvoices lists invoices whose first match run (made when the
// invoice arrived, on the store clock) fell in [from, to), with its outcome.
func (s *Store) ScorecardInvoices(ctx context.Context, from, to time.Time) ([]ScorecardInvoice, error) {
	var out []ScorecardInvoice
	err := s.db.WithContext(ctx).Table("invoices i").
		Select("i.id, i.supplier_id, i.currency, i.credit_note, mr.outcome AS first_outcome").
		Joins("JOIN match_runs mr ON mr.id = (SELECT MIN(m2.id) FROM match_runs m2 WHERE m2.invoice_id = i.id)").
		Where("mr.run_at >= ? AND mr.run_at < ?", from, to).Order("i.id").Scan(&out).Error
	return out, notFound(err, "invoices")
}

// ScorecardPriceLine is an invoice line billed against a PO line, with the
// PO's unit price for it.
type ScorecardPriceLine struct {
	SupplierID        int64
	Currency          string
	Quantity          int64
	AmountMinor       int64
	POUnitPriceMicros int64
}

// ScorecardPriceLines lists the PO-referenced lines of invoices (not credit
// notes) whose first match run fell in [from, to).
func (s *Store) ScorecardPriceLines(ctx context.Context, from, to time.Time) ([]ScorecardPriceLine, error) {
	var out []ScorecardPriceLine
	err := s.db.WithContext(ctx).Table("invoice_lines il").
		Select("i.supplier_id, i.currency, il.quantity, il.amount_minor, pl.unit_price_micros AS po_unit_price_micros").
		Joins("JOIN invoices i ON i.id = il.invoice_id").
		Joins("JOIN po_lines pl ON pl.id = il.po_line_id").
		Joins("JOIN match_runs mr ON mr.id = (SELECT MIN(m2.id) FROM match_runs m2 WHERE m2.invoice_id = i.id)").
		Where("mr.run_at >= ? AND mr.run_at < ? AND i.credit_note = ?", from, to, false).Order("il.id").Scan(&out).Error
	return out, notFound(err, "invoice lines")
}

// ScorecardASNLine is an announced line of a settled ASN and what arrived of it.
type ScorecardASNLine struct {
	SupplierID  int64
	Quantity    int64
	ReceivedQty int64
}

// ScorecardASNLines lists the lines of ASNs settled in [from, to): received
// (at received_at) or closed with their PO (at the close).
func (s *Store) ScorecardASNLines(ctx context.Context, from, to time.Time) ([]ScorecardASNLine, error) {
	var out []ScorecardASNLine
	err := s.db.WithContext(ctx).Table("asn_lines al").
		Select("al.supplier_id, al.quantity, al.received_qty").
		Joins("JOIN asns a ON a.id = al.asn_id").
		Where("(a.status = ? AND a.received_at >= ? AND a.received_at < ?) OR (a.status = ? AND a.updated_at >= ? AND a.updated_at < ?)",
			ASNStatusReceived, from, to, ASNStatusClosed, from, to).Order("al.id").Scan(&out).Error
	return out, notFound(err, "ASN lines")
}
