package procure

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// Scorecards are computed per supplier per calendar month of the brand's
// time zone, from events only (DESIGN.md section 5). Each measure is
// attributed to the month of the event that decides it:
//
//   - acknowledgement time and SLA: the month the PO was sent. The SLA counts
//     a PO once it was acknowledged or its ack_due_at has passed; it is hit
//     when the first acknowledgement came no later than ack_due_at.
//   - on time, in full, OTIF and fill rates: the month a PO line was settled,
//     that is fully received (good quantity ≥ ordered) or closed short. A
//     line is on time when the delivery that settled it (the last one before
//     settlement) arrived by the end of the original promised day in the
//     brand's time zone; in full when its good quantity reached the ordered
//     quantity. The quantity fill rate caps each line at its ordered
//     quantity, so an over-delivery elsewhere cannot hide a short line; a
//     backordered remainder counts as not filled on the original PO (the
//     backorder PO is scored on its own).
//   - lead time: the month of the receipt (sent_at → received_at, per
//     receipt line, against the catalog lead time of the line's item).
//   - ASN accuracy: the month the ASN was settled (received, or closed with
//     its PO); per ASN line, announced quantity vs what arrived of it.
//   - invoice exception rate, price variance: the month the invoice arrived
//     and was first matched; an invoice counts as an exception when its
//     first match was one, whatever AP decided later.
//
// The original promised date is the line's promised_at unless a date change
// was accepted, in which case it is the date before the first accepted
// change.

// ScorecardsJob recomputes the scorecards of a month (YYYY-MM; empty means
// the current and the previous month). internal/jobs runs it nightly.
type ScorecardsJob struct {
	Month string `json:"month,omitempty"`
}

func (ScorecardsJob) Kind() string { return "scorecards.recompute" }

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (year int, month time.Month, err error) {
	t, perr := time.Parse("2006-01", strings.TrimSpace(s))
	if perr != nil {
		return 0, 0, fault.FieldErr("month", "must be a month as YYYY-MM, got %q", s)
	}
	return t.Year(), t.Month(), nil
}

// brandLocation is the brand's time zone; UTC when unset or unknown.
func (s *Service) brandLocation(ctx context.Context) (*time.Location, error) {
	brand, err := s.Store.Brand(ctx)
	if err != nil {
		return nil, err
	}
	if brand.TimeZone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(brand.TimeZone)
	if err != nil {
		s.Log.Warn("brand time zone unknown; scorecards use UTC", "time_zone", brand.TimeZone, "err", err)
		return time.UTC, nil
	}
	return loc, nil
}

// RecomputeScorecards recomputes the stored scorecards of one month
// (YYYY-MM) for every supplier and returns how many rows it stored. Empty
// months store nothing. Staff only.
func (s *Service) RecomputeScorecards(ctx context.Context, actor store.Actor, month string) (int, error) {
	if err := require(actor, store.RoleBuyer, store.RoleAP); err != nil {
		return 0, err
	}
	y, m, err := ParseMonth(month)
	if err != nil {
		return 0, err
	}
	loc, err := s.brandLocation(ctx)
	if err != nil {
		return 0, err
	}
	start := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	cards, err := s.computeScorecards(ctx, start, start.AddDate(0, 1, 0), loc)
	if err != nil {
		return 0, err
	}
	key := start.Format("2006-01")
	n := 0
	for _, c := range cards {
		if !c.Empty() {
			n++
		}
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ReplaceScorecards(key, cards); err != nil {
			return err
		}
		return tx.Audit(actor, "scorecards.recomputed", "scorecard", 0, 0, nil, map[string]any{"month": key, "suppliers": n})
	})
	return n, err
}

// RecomputeRecentScorecards recomputes the current and the previous month
// (the nightly run: late receipts and invoices still move last month).
func (s *Service) RecomputeRecentScorecards(ctx context.Context, actor store.Actor) (int, error) {
	loc, err := s.brandLocation(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now().In(loc)
	this := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	total := 0
	for _, m := range []time.Time{this.AddDate(0, -1, 0), this} {
		n, err := s.RecomputeScorecards(ctx, actor, m.Format("2006-01"))
		if err != nil {
			return total, fmt.Errorf("scorecards %s: %w", m.Format("2006-01"), err)
		}
		total += n
	}
	return total, nil
}

// computeScorecards reads the events of [from, to) and folds them into one
// card per supplier.
func (s *Service) computeScorecards(ctx context.Context, from, to time.Time, loc *time.Location) ([]store.Scorecard, error) {
	acc := map[int64]*scoreAcc{}
	get := func(id int64) *scoreAcc {
		a := acc[id]
		if a == nil {
			a = &scoreAcc{card: store.Scorecard{SupplierID: id}}
			acc[id] = a
		}
		return a
	}
	now := s.now()
	pos, err := s.Store.ScorecardPOsSent(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, po := range pos {
		get(po.SupplierID).addSent(po, now)
	}
	rls, err := s.Store.ScorecardReceiptLines(ctx, from, to)
	if err != nil {
		return nil, err
	}
	touched := map[int64]bool{}
	for _, rl := range rls {
		get(rl.SupplierID).addReceiptLine(rl)
		touched[rl.POID] = true
	}
	closed, err := s.Store.ScorecardClosedPOs(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for id := range closed {
		touched[id] = true
	}
	hist, err := s.Store.ScorecardLineHistories(ctx, sortedKeys(touched))
	if err != nil {
		return nil, err
	}
	for _, h := range hist {
		o, ok := settle(h, loc)
		if ok && !o.settledAt.Before(from) && o.settledAt.Before(to) {
			get(h.Line.SupplierID).addSettled(o)
		}
	}
	asnLines, err := s.Store.ScorecardASNLines(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, l := range asnLines {
		get(l.SupplierID).addASNLine(l)
	}
	invs, err := s.Store.ScorecardInvoices(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, inv := range invs {
		a := get(inv.SupplierID)
		a.card.Invoices++
		if inv.FirstOutcome == string(matching.Exception) {
			a.card.InvoicesException++
		}
	}
	prices, err := s.Store.ScorecardPriceLines(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, p := range prices {
		get(p.SupplierID).addPrice(p)
	}
	out := make([]store.Scorecard, 0, len(acc))
	for _, id := range sortedKeys(acc) {
		out = append(out, acc[id].finish())
	}
	return out, nil
}

func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// ScorecardFilter selects stored months; From and To are YYYY-MM, inclusive.
type ScorecardFilter struct {
	SupplierID int64
	From, To   string
}

// Scorecards lists stored scorecards the actor may see: a supplier sees
// only its own, whatever SupplierID it asks for.
func (s *Service) Scorecards(ctx context.Context, actor store.Actor, f ScorecardFilter) ([]ScorecardView, error) {
	if sc := scope(actor); sc != 0 {
		f.SupplierID = sc
	}
	for _, m := range []*string{&f.From, &f.To} {
		if *m == "" {
			continue
		}
		y, mo, err := ParseMonth(*m)
		if err != nil {
			return nil, err
		}
		*m = fmt.Sprintf("%04d-%02d", y, int(mo))
	}
	cards, err := s.Store.Scorecards(ctx, store.ScorecardFilter{SupplierID: f.SupplierID, From: f.From, To: f.To})
	if err != nil {
		return nil, err
	}
	out := make([]ScorecardView, 0, len(cards))
	for _, c := range cards {
		out = append(out, NewScorecardView(c))
	}
	return out, nil
}
