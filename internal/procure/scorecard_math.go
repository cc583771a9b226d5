package procure

import (
	"math/big"
	"sort"
	"time"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// scoreAcc folds one supplier's events of a month into a card. Everything
// is integer arithmetic; lead-time statistics keep their samples until
// finish.
type scoreAcc struct {
	card       store.Scorecard
	ackMinutes []int64
	leads      []int64 // observed lead times, hundredths of a day
	biases     []int64 // observed − catalog, hundredths of a day
}

func (a *scoreAcc) addSent(po store.ScorecardPO, now time.Time) {
	a.card.POsSent++
	if po.AcknowledgedAt != nil && po.SentAt != nil {
		a.card.Acks++
		a.ackMinutes = append(a.ackMinutes, int64(po.AcknowledgedAt.Sub(*po.SentAt)/time.Minute))
	}
	if po.AckDueAt == nil {
		return
	}
	switch {
	case po.AcknowledgedAt != nil:
		a.card.AckSLADue++
		if !po.AcknowledgedAt.After(*po.AckDueAt) {
			a.card.AckSLAHit++
		}
	case now.After(*po.AckDueAt):
		a.card.AckSLADue++ // overdue and still unacknowledged: a miss
	}
}

func (a *scoreAcc) addReceiptLine(rl store.ScorecardReceiptLine) {
	if rl.SentAt == nil || rl.ReceivedQty <= 0 {
		return
	}
	observed := centidays(rl.ReceivedAt.Sub(*rl.SentAt))
	a.leads = append(a.leads, observed)
	if rl.LeadTimeDays != nil {
		a.biases = append(a.biases, observed-int64(*rl.LeadTimeDays)*100)
	}
}

func (a *scoreAcc) addASNLine(l store.ScorecardASNLine) {
	a.card.ASNLines++
	a.card.ASNQty += l.Quantity
	dev := l.ReceivedQty - l.Quantity
	if dev == 0 {
		a.card.ASNLinesAccurate++
	}
	if dev < 0 {
		dev = -dev
	}
	a.card.ASNQtyDeviation += dev
}

func (a *scoreAcc) addSettled(o lineOutcome) {
	a.card.LinesSettled++
	a.card.QtyOrdered += o.ordered
	a.card.QtyReceived += min(o.received, o.ordered)
	if o.onTime {
		a.card.LinesOnTime++
	}
	if o.inFull {
		a.card.LinesInFull++
	}
	if o.onTime && o.inFull {
		a.card.LinesOTIF++
	}
}

func (a *scoreAcc) addPrice(p store.ScorecardPriceLine) {
	exp, ok := matching.CurrencyExponent(p.Currency)
	if !ok {
		return
	}
	base := matching.LineAmount(p.Quantity, p.POUnitPriceMicros, exp)
	a.card.PriceBaseMinor += base
	a.card.PriceVarianceMinor += p.AmountMinor - base
}

func (a *scoreAcc) finish() store.Scorecard {
	c := a.card
	if len(a.ackMinutes) > 0 {
		m := median(a.ackMinutes)
		c.AckMedianMinutes = &m
	}
	if len(a.leads) > 0 {
		c.LeadSamples = int64(len(a.leads))
		mean, sd := meanStddev(a.leads)
		c.LeadMeanCentidays, c.LeadStddevCentidays = &mean, &sd
	}
	if len(a.biases) > 0 {
		c.LeadCatalogSamples = int64(len(a.biases))
		bias, _ := meanStddev(a.biases)
		c.LeadBiasCentidays = &bias
	}
	return c
}

// lineOutcome is how a settled PO line did.
type lineOutcome struct {
	settledAt         time.Time
	ordered, received int64
	onTime, inFull    bool
}

// settle decides whether and when a PO line was settled (fully received or
// closed short) and how it did; false when it is still open.
func settle(h store.ScorecardLineHistory, loc *time.Location) (lineOutcome, bool) {
	o := lineOutcome{ordered: h.Line.Quantity}
	var lastDelivery *time.Time
	for _, d := range h.Receipts {
		if h.ClosedAt != nil && d.ReceivedAt.After(*h.ClosedAt) && o.received < o.ordered {
			break // nothing arrives on a closed PO; a stray row after close does not count
		}
		o.received += d.AcceptedQty
		if d.AcceptedQty > 0 {
			at := d.ReceivedAt
			lastDelivery = &at
		}
		if o.received >= o.ordered {
			o.settledAt, o.inFull = d.ReceivedAt, true
			break
		}
	}
	if !o.inFull {
		if h.ClosedAt == nil {
			return o, false
		}
		o.settledAt = *h.ClosedAt
	}
	switch {
	case lastDelivery == nil:
		o.onTime = false // closed with nothing delivered
	case h.OriginalPromisedAt == nil:
		o.onTime = true // nothing was promised, so nothing was late
	default:
		o.onTime = !lastDelivery.After(endOfDay(*h.OriginalPromisedAt, loc))
	}
	return o, true
}

// endOfDay is the last instant of t's calendar day in loc.
func endOfDay(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1).Add(-time.Nanosecond)
}

// centidays converts a duration to hundredths of a day, rounded half away
// from zero at the minute.
func centidays(d time.Duration) int64 {
	minutes := int64(d / time.Minute)
	return divRound(minutes*100, 24*60)
}

// divRound divides rounding half away from zero (b > 0).
func divRound(a, b int64) int64 {
	if a < 0 {
		return -divRound(-a, b)
	}
	return (a + b/2) / b
}

// median of integer samples; the mean of the two middle ones, rounded, for
// an even count.
func median(xs []int64) int64 {
	s := append([]int64(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return divRound(s[n/2-1]+s[n/2], 2)
}

// meanStddev is the rounded mean and the population standard deviation
// (integer square root, rounded down) of integer samples, in big integers
// so sums of squares cannot overflow.
func meanStddev(xs []int64) (mean, stddev int64) {
	n := big.NewInt(int64(len(xs)))
	sum, sumSq := new(big.Int), new(big.Int)
	for _, x := range xs {
		bx := big.NewInt(x)
		sum.Add(sum, bx)
		sumSq.Add(sumSq, new(big.Int).Mul(bx, bx))
	}
	mean = bigDivRound(sum, n).Int64()
	// σ = sqrt(n·Σx² − (Σx)²) / n
	v := new(big.Int).Mul(n, sumSq)
	v.Sub(v, new(big.Int).Mul(sum, sum))
	if v.Sign() < 0 {
		v.SetInt64(0)
	}
	return mean, new(big.Int).Quo(new(big.Int).Sqrt(v), n).Int64()
}

func bigDivRound(a, b *big.Int) *big.Int {
	q, r := new(big.Int), new(big.Int)
	q.QuoRem(a, b, r)
	r.Abs(r).Mul(r, big.NewInt(2))
	if r.Cmp(b) >= 0 {
		if a.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// ratioBP is num/den in basis points, rounded half to even; false when den is 0.
func ratioBP(num, den int64) (int64, bool) {
	if den == 0 {
		return 0, false
	}
	r := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(num), big.NewInt(10000)), big.NewInt(den))
	return roundHalfEven(r), true
}

func roundHalfEven(r *big.Rat) int64 {
	num, den := r.Num(), r.Denom()
	q, rem := new(big.Int), new(big.Int)
	q.QuoRem(num, den, rem) // truncated toward zero
	twice := new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2))
	switch c := twice.Cmp(den); {
	case c > 0, c == 0 && q.Bit(0) == 1:
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}
