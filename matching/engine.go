package matching

import "strings"

// RoundingAllowancePerLine is the slack, in minor units, granted for each
// rounded figure: a supplier who rounds per unit (3 × 0.33 = 0.99) instead of
// per line (3 × 0.333 = 1.00) is one minor unit off, which is arithmetic, not
// a price dispute. Header totals get one unit per line, charge and allowance.
const RoundingAllowancePerLine = 1

// smallPO is the PO size up to which lines are found by a linear scan; above
// it a map is built once per run. Most POs are small, and a scan over a few
// dozen IDs beats hashing.
const smallPO = 32

// Match runs the three-way match for one invoice and returns the decision.
// It is pure: no I/O, no clock, no shared state; the same Input always gives
// the same Decision, and no input (other than a nil pointer) makes it panic.
func Match(in *Input) Decision {
	var d Decision
	MatchInto(&d, in)
	return d
}

// MatchInto is Match writing into d, reusing d's slices: a caller that
// matches many invoices in a loop allocates nothing for matched invoices.
// Everything d held before is overwritten (keep a copy if you need it).
func MatchInto(d *Decision, in *Input) {
	lines := d.Lines[:0]
	if n := len(in.Invoice.Lines); cap(lines) < n {
		lines = make([]LineResult, 0, n) // one allocation instead of append's doublings
	}
	*d = Decision{Lines: lines, Reasons: d.Reasons[:0], Version: EngineVersion}
	var buf [smallPO]int64
	m := matcher{in: in, d: d}
	if n := len(in.PO.Lines); n <= smallPO {
		m.consumed = buf[:n]
	} else {
		m.consumed = make([]int64, n)
	}
	m.run()
}

// matcher carries the state of one run.
type matcher struct {
	in *Input
	d  *Decision
	// currencyOK: both currencies are known and equal, so invoice prices and
	// PO prices are comparable. Otherwise price and amount checks are skipped
	// (the currency reason already makes the invoice an exception).
	currencyOK  bool
	exp         int
	header      ResolvedPolicy
	skuPolicies bool
	// consumed is, per PO line index, the quantity earlier lines of this
	// invoice already took, so two lines on one PO line cannot both claim
	// the same received goods.
	consumed []int64
	index    map[int64]int
	awaiting bool
	failed   bool
}

func (m *matcher) run() {
	m.header = m.in.Tolerances.For("")
	m.skuPolicies = len(m.in.Tolerances.SKU) > 0
	m.checkCurrency()
	m.checkHeaderFields()
	for i := range m.in.Invoice.Lines {
		m.matchLine(i)
	}
	m.checkTotals()
	m.checkCharges()
	m.checkDuplicates()
	switch {
	case m.failed:
		m.d.Outcome = Exception
	case m.awaiting:
		m.d.Outcome = AwaitingReceipt
	default:
		m.d.Outcome = Matched
	}
}

// addHeader records a header reason; every header reason is an exception.
func (m *matcher) addHeader(r Reason) {
	m.failed = true
	m.d.Reasons = append(m.d.Reasons, r)
}

// nextLine appends a LineResult, reusing the reason slice a previous run
// left in the same slot.
func (m *matcher) nextLine() *LineResult {
	n := len(m.d.Lines)
	var reasons []Reason
	if n < cap(m.d.Lines) {
		reasons = m.d.Lines[:n+1][n].Reasons[:0]
	}
	m.d.Lines = append(m.d.Lines, LineResult{Line: n + 1, Outcome: Matched, Reasons: reasons})
	return &m.d.Lines[n]
}

// addLine records a line reason and updates both the line and the run.
func (m *matcher) addLine(lr *LineResult, r Reason) {
	r.Line = lr.Line
	r.POLineID = lr.POLineID
	lr.Reasons = append(lr.Reasons, r)
	if r.Code == CodeAwaitingReceipt {
		m.awaiting = true
		if lr.Outcome == Matched {
			lr.Outcome = AwaitingReceipt
		}
		return
	}
	m.failed = true
	lr.Outcome = Exception
}

func (m *matcher) matchLine(i int) {
	il := &m.in.Invoice.Lines[i]
	lr := m.nextLine()
	lr.Invoiced = il.Qty
	lr.PriceMicros = il.UnitPriceMicros
	lr.Amount = il.Amount

	idx := m.findPOLine(il)
	if idx < 0 {
		m.addLine(lr, Reason{Code: CodeUnknownItem, Message: msgUnknownItem(lr.Line, il)})
		return
	}
	pl := &m.in.PO.Lines[idx]
	lr.POLineID = pl.ID
	lr.SKU = pl.SKU
	lr.Ordered = pl.OrderedQty
	lr.Received = pl.ReceivedQty
	lr.POPriceMicros = pl.UnitPriceMicros
	if pl.OrderedQty < 0 || pl.ReceivedQty < 0 || pl.InvoicedQty < 0 || pl.UnitPriceMicros < 0 {
		m.addLine(lr, Reason{Code: CodeInvalidPOLine, Message: msgInvalidPOLine(lr.Line, pl)})
		return
	}
	if !m.validLine(lr, il) {
		return
	}

	pol := &m.header
	var skuPol ResolvedPolicy
	if m.skuPolicies {
		skuPol = m.in.Tolerances.For(pl.SKU)
		pol = &skuPol
	}
	m.checkArithmetic(lr)
	if m.currencyOK {
		m.checkPrice(lr, &pol.UnitPrice)
		m.checkAmount(lr, &pol.Amount)
	}
	if m.in.Invoice.CreditNote {
		m.checkCreditQuantity(lr, pl, idx, &pol.Quantity)
	} else {
		m.checkQuantity(lr, pl, idx, &pol.Quantity)
	}
}

// validLine rejects figures no real invoice line has. Zero quantity is
// rejected too: extractors must drop comment lines, not send them as items.
func (m *matcher) validLine(lr *LineResult, il *InvoiceLine) bool {
	ok := true
	if il.Qty <= 0 {
		m.addLine(lr, Reason{Code: CodeInvalidQuantity, Message: msgInvalid(lr.Line, "quantity", FormatScaled(il.Qty, 0), "must be positive")})
		ok = false
	}
	if il.UnitPriceMicros < 0 {
		m.addLine(lr, Reason{Code: CodeInvalidPrice, Message: msgInvalid(lr.Line, "unit price", FormatUnitPrice(il.UnitPriceMicros), "must not be negative")})
		ok = false
	}
	if il.Amount < 0 {
		m.addLine(lr, Reason{Code: CodeInvalidAmount, Message: msgInvalid(lr.Line, "amount", FormatScaled(il.Amount, m.exp), "must not be negative")})
		ok = false
	}
	return ok
}

// checkArithmetic compares the stated amount with the line's own quantity ×
// price: a mismatch is the supplier's arithmetic, independent of the PO.
func (m *matcher) checkArithmetic(lr *LineResult) {
	computed, err := CheckedLineAmount(lr.Invoiced, lr.PriceMicros, m.exp)
	if err != nil {
		m.addLine(lr, Reason{Code: CodeArithmeticOverflow, Message: msgOverflow(lr.Line)})
		return
	}
	lr.ComputedAmount = computed
	diff := lr.Amount - computed // both non-negative: cannot overflow
	if diff >= -RoundingAllowancePerLine && diff <= RoundingAllowancePerLine {
		return
	}
	f := &Figure{Measure: MeasureAmount, Scale: m.exp, Expected: computed, Actual: lr.Amount,
		Difference: diff, Allowed: RoundingAllowancePerLine, Rounding: RoundingAllowancePerLine, Side: sideOf(diff)}
	m.addLine(lr, Reason{Code: CodeAmountMismatch, Message: msgAmountMismatch(lr, f), Figure: f})
}

func (m *matcher) checkPrice(lr *LineResult, band *ResolvedBand) {
	diff := lr.PriceMicros - lr.POPriceMicros // both non-negative
	if diff == 0 {
		return
	}
	bound := pickBound(band, diff)
	allowed := bound.Allowance(lr.POPriceMicros)
	if absI(diff) <= allowed {
		return
	}
	f := &Figure{Measure: MeasureUnitPrice, Scale: PriceScale, Expected: lr.POPriceMicros, Actual: lr.PriceMicros,
		Difference: diff, Allowed: allowed, Side: sideOf(diff), Tolerance: bound}
	code := CodePriceOverTolerance
	if diff < 0 {
		code = CodePriceUnderTolerance
	}
	m.addLine(lr, Reason{Code: code, Message: msgPrice(lr, f), Figure: f})
}

func (m *matcher) checkAmount(lr *LineResult, band *ResolvedBand) {
	expected, err := CheckedLineAmount(lr.Invoiced, lr.POPriceMicros, m.exp)
	if err != nil {
		m.addLine(lr, Reason{Code: CodeArithmeticOverflow, Message: msgOverflow(lr.Line)})
		return
	}
	lr.ExpectedAmount = expected
	diff := lr.Amount - expected
	if diff == 0 {
		return
	}
	bound := pickBound(band, diff)
	if !bound.PercentBP.Set && !bound.Absolute.Set {
		// The amount band is a cap on top of the price tolerance; set
		// nowhere, there is no cap. (With an exact price the arithmetic
		// check already holds the amount to qty × PO price ± rounding.)
		return
	}
	allowed := satAdd(bound.Allowance(expected), RoundingAllowancePerLine)
	if absI(diff) <= allowed {
		return
	}
	f := &Figure{Measure: MeasureAmount, Scale: m.exp, Expected: expected, Actual: lr.Amount,
		Difference: diff, Allowed: allowed, Rounding: RoundingAllowancePerLine, Side: sideOf(diff), Tolerance: bound}
	code := CodeAmountOverTolerance
	if diff < 0 {
		code = CodeAmountUnderTolerance
	}
	m.addLine(lr, Reason{Code: code, Message: msgAmountTolerance(lr, f), Figure: f})
}

// checkQuantity allocates the invoiced quantity against what was received
// and not yet invoiced (on earlier invoices or earlier lines of this one).
// Within that, the line matches. Beyond it, but within what was ordered and
// not yet invoiced while goods are still expected, the line waits for a
// receipt. Otherwise it is an exception: over receipt when the line's
// receiving is closed, over order when even the order does not cover it.
func (m *matcher) checkQuantity(lr *LineResult, pl *POLine, idx int, band *ResolvedBand) {
	before := satAdd(pl.InvoicedQty, m.consumed[idx])
	m.consumed[idx] = satAdd(m.consumed[idx], lr.Invoiced)
	lr.InvoicedBefore = before
	lr.QuantityEffect = lr.Invoiced
	available := satSub(pl.ReceivedQty, before)
	lr.Available = available
	up := band.Upper
	allowed := up.Allowance(max(available, 0))
	if lr.Invoiced <= satAdd(available, allowed) {
		return
	}
	if pl.ReceiptClosed {
		f := qtyFigure(available, lr.Invoiced, allowed, up)
		m.addLine(lr, Reason{Code: CodeQtyOverReceipt, Message: msgQtyOverReceipt(lr, f), Figure: f})
		return
	}
	open := satSub(pl.OrderedQty, before)
	openAllowed := up.Allowance(max(open, 0))
	if lr.Invoiced > satAdd(open, openAllowed) {
		f := qtyFigure(open, lr.Invoiced, openAllowed, up)
		m.addLine(lr, Reason{Code: CodeQtyOverOrder, Message: msgQtyOverOrder(lr, f), Figure: f})
		return
	}
	f := qtyFigure(available, lr.Invoiced, allowed, up)
	m.addLine(lr, Reason{Code: CodeAwaitingReceipt, Message: msgAwaiting(lr, f), Figure: f})
}

// checkCreditQuantity: a credit note may credit at most what was invoiced
// and not yet credited. It never waits for goods.
func (m *matcher) checkCreditQuantity(lr *LineResult, pl *POLine, idx int, band *ResolvedBand) {
	creditable := satSub(pl.InvoicedQty, m.consumed[idx])
	m.consumed[idx] = satAdd(m.consumed[idx], lr.Invoiced)
	lr.InvoicedBefore = creditable
	lr.Available = creditable
	lr.QuantityEffect = -lr.Invoiced
	up := band.Upper
	allowed := up.Allowance(max(creditable, 0))
	if lr.Invoiced <= satAdd(creditable, allowed) {
		return
	}
	f := qtyFigure(creditable, lr.Invoiced, allowed, up)
	m.addLine(lr, Reason{Code: CodeCreditOverInvoiced, Message: msgCreditOver(lr, f), Figure: f})
}

func qtyFigure(expected, actual, allowed int64, bound ResolvedBound) *Figure {
	return &Figure{Measure: MeasureQuantity, Expected: expected, Actual: actual,
		Difference: satSub(actual, expected), Allowed: allowed, Side: SideUpper, Tolerance: bound}
}

func pickBound(b *ResolvedBand, diff int64) ResolvedBound {
	if diff > 0 {
		return b.Upper
	}
	return b.Lower
}

func sideOf(diff int64) Side {
	if diff < 0 {
		return SideLower
	}
	return SideUpper
}

func absI(v int64) int64 {
	if v < 0 {
		if v == -v { // MinInt64
			return 1<<63 - 1
		}
		return -v
	}
	return v
}

// findPOLine resolves an invoice line to a PO line index, or -1. A PO line
// ID wins; otherwise the SKU, then the vendor part, then either reference
// against the other field (suppliers often print their own part number in
// the SKU column). When several PO lines carry the reference, the first
// that still has room for the quantity is taken (received and not invoiced;
// for a credit note, invoiced and not credited), else the first one.
func (m *matcher) findPOLine(il *InvoiceLine) int {
	if il.POLineID != 0 {
		return m.indexOf(il.POLineID)
	}
	sku, part := strings.TrimSpace(il.SKU), strings.TrimSpace(il.VendorPart)
	if idx := m.findBy(sku, il.Qty, func(pl *POLine) string { return pl.SKU }); idx >= 0 {
		return idx
	}
	if idx := m.findBy(part, il.Qty, func(pl *POLine) string { return pl.VendorPart }); idx >= 0 {
		return idx
	}
	if idx := m.findBy(sku, il.Qty, func(pl *POLine) string { return pl.VendorPart }); idx >= 0 {
		return idx
	}
	return m.findBy(part, il.Qty, func(pl *POLine) string { return pl.SKU })
}

func (m *matcher) findBy(ref string, qty int64, field func(*POLine) string) int {
	if ref == "" {
		return -1
	}
	first := -1
	lines := m.in.PO.Lines
	for i := range lines {
		pl := &lines[i]
		if !strings.EqualFold(strings.TrimSpace(field(pl)), ref) {
			continue
		}
		if first < 0 {
			first = i
		}
		room := satSub(satSub(pl.ReceivedQty, pl.InvoicedQty), m.consumed[i])
		if m.in.Invoice.CreditNote {
			room = satSub(pl.InvoicedQty, m.consumed[i]) // what can still be credited
		}
		if room >= qty {
			return i
		}
	}
	return first
}

func (m *matcher) indexOf(id int64) int {
	lines := m.in.PO.Lines
	if len(lines) <= smallPO {
		for i := range lines {
			if lines[i].ID == id {
				return i
			}
		}
		return -1
	}
	if m.index == nil {
		m.index = make(map[int64]int, len(lines))
		for i := len(lines) - 1; i >= 0; i-- { // first occurrence wins
			m.index[lines[i].ID] = i
		}
	}
	if i, ok := m.index[id]; ok {
		return i
	}
	return -1
}
