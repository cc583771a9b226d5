package matching

import (
	"bytes"
	"strings"
	"time"
)

// checkCurrency fixes the exponent every amount is read with and decides
// whether prices are comparable at all.
func (m *matcher) checkCurrency() {
	inv, po := m.in.Invoice.Currency, m.in.PO.Currency
	invCur, invOK := LookupCurrency(inv)
	poCur, poOK := LookupCurrency(po)
	switch {
	case invOK:
		m.d.Currency = invCur
	case poOK:
		m.d.Currency = Currency{Code: inv, Exponent: poCur.Exponent}
	default:
		m.d.Currency = Currency{Code: inv, Exponent: 2}
	}
	m.exp = m.d.Currency.Exponent
	if !invOK {
		m.addHeader(Reason{Code: CodeUnknownCurrency, Message: msgUnknownCurrency("invoice", inv)})
	}
	if !poOK {
		m.addHeader(Reason{Code: CodeUnknownCurrency, Message: msgUnknownCurrency("PO", po)})
	}
	if invOK && poOK && invCur.Code != poCur.Code {
		m.addHeader(Reason{Code: CodeCurrencyMismatch, Message: msgCurrencyMismatch(invCur.Code, poCur.Code)})
	}
	m.currencyOK = invOK && poOK && invCur.Code == poCur.Code
}

// checkHeaderFields covers what must be present before figures mean anything.
func (m *matcher) checkHeaderFields() {
	inv := &m.in.Invoice
	if inv.SupplierID != m.in.PO.SupplierID {
		m.addHeader(Reason{Code: CodeSupplierMismatch, Message: msgSupplierMismatch(inv.SupplierID, m.in.PO.SupplierID)})
	}
	if len(inv.UnconfidentFields) > 0 {
		m.addHeader(Reason{Code: CodeNotConfidentExtraction, Message: msgUnconfident(inv.UnconfidentFields)})
	}
	if inv.Date.IsZero() {
		m.addHeader(Reason{Code: CodeMissingInvoiceDate, Message: "the invoice has no date"})
	}
	if len(inv.Lines) == 0 {
		m.addHeader(Reason{Code: CodeNoLines, Message: "the invoice has no lines to match against the PO"})
	}
}

// checkTotals verifies total = lines + charges − allowances + tax within one
// minor unit per rounded figure, and fixes what the document is payable.
func (m *matcher) checkTotals() {
	inv := &m.in.Invoice
	t := &m.d.Totals
	for i := range inv.Lines {
		t.Lines = satAdd(t.Lines, inv.Lines[i].Amount)
	}
	negative := t.Lines < 0 || inv.Tax < 0 || inv.Total < 0
	for i := range inv.Charges {
		t.Charges = satAdd(t.Charges, inv.Charges[i].Amount)
		negative = negative || inv.Charges[i].Amount < 0
	}
	for i := range inv.Allowances {
		t.Allowances = satAdd(t.Allowances, inv.Allowances[i].Amount)
		negative = negative || inv.Allowances[i].Amount < 0
	}
	t.Tax = inv.Tax
	t.Computed = satAdd(satSub(satAdd(t.Lines, t.Charges), t.Allowances), t.Tax)
	t.Stated = inv.Total
	t.Difference = satSub(t.Stated, t.Computed)
	t.Allowed = int64(RoundingAllowancePerLine * max(1, len(inv.Lines)+len(inv.Charges)+len(inv.Allowances)))
	m.d.Payable = inv.Total
	if inv.CreditNote {
		m.d.Payable = satSub(0, inv.Total)
	}
	if negative {
		m.addHeader(Reason{Code: CodeInvalidAmount, Message: "the invoice states a negative total, tax, charge or allowance (credit notes state positive figures)"})
	}
	if absI(t.Difference) > t.Allowed {
		f := &Figure{Measure: MeasureAmount, Scale: m.exp, Expected: t.Computed, Actual: t.Stated,
			Difference: t.Difference, Allowed: t.Allowed, Rounding: t.Allowed, Side: sideOf(t.Difference)}
		m.addHeader(Reason{Code: CodeTotalMismatch, Message: msgTotal(t, m.exp), Figure: f})
	}
}

// checkCharges compares each charge code on the invoice with what the PO
// agreed for that code (0 when the PO has none), upper side only. Credit
// notes refund charges and are not held to the PO's agreement.
func (m *matcher) checkCharges() {
	inv := &m.in.Invoice
	if inv.CreditNote || !m.currencyOK {
		return
	}
	for i := range inv.Charges {
		code := strings.TrimSpace(inv.Charges[i].Code)
		if seenCode(inv.Charges[:i], code) {
			continue
		}
		invoiced := sumCode(inv.Charges[i:], code)
		agreed := sumCode(m.in.PO.Charges, code)
		diff := satSub(invoiced, agreed)
		if diff <= 0 {
			continue
		}
		bound := m.header.Charges.Upper
		allowed := bound.Allowance(agreed)
		if diff <= allowed {
			continue
		}
		f := &Figure{Measure: MeasureAmount, Scale: m.exp, Expected: agreed, Actual: invoiced,
			Difference: diff, Allowed: allowed, Side: SideUpper, Tolerance: bound}
		m.addHeader(Reason{Code: CodeChargeOverAgreed, Message: msgCharge(code, f), Figure: f})
	}
}

func seenCode(charges []Charge, code string) bool {
	for i := range charges {
		if strings.EqualFold(strings.TrimSpace(charges[i].Code), code) {
			return true
		}
	}
	return false
}

func sumCode(charges []Charge, code string) int64 {
	var s int64
	for i := range charges {
		if strings.EqualFold(strings.TrimSpace(charges[i].Code), code) {
			s = satAdd(s, charges[i].Amount)
		}
	}
	return s
}

// checkDuplicates flags an earlier live document of the same kind (invoice
// or credit note) with the same normalised number, and, with a different
// number, one with the same currency and total dated within the
// near-duplicate window. Numbers are normalised into stack buffers, so the
// usual case of a few priors costs no allocation.
func (m *matcher) checkDuplicates() {
	inv := &m.in.Invoice
	var ownBuf, priorBuf [64]byte
	own := appendNormalisedNumber(ownBuf[:0], inv.Number)
	if len(own) == 0 {
		m.addHeader(Reason{Code: CodeMissingInvoiceNumber, Message: "the invoice has no number (letters or digits) to check for duplicates"})
	}
	window := m.header.NearDuplicateDays.Value
	ownDay, ownDated := civilDay(inv.Date)
	for i := range m.in.Priors {
		p := &m.in.Priors[i]
		if (p.ID != 0 && p.ID == inv.ID) || p.CreditNote != inv.CreditNote {
			continue
		}
		pn := appendNormalisedNumber(priorBuf[:0], p.Number)
		if len(own) > 0 && bytes.Equal(own, pn) {
			m.addHeader(Reason{Code: CodeDuplicateInvoice, Message: msgDuplicate(inv.Number, p, string(own)), Prior: priorRef(p, ownDay)})
			continue
		}
		// Dates are only worked out for the rare prior with the same total.
		if !ownDated || p.Total != inv.Total || !sameCurrency(p.Currency, inv.Currency) {
			continue
		}
		priorDay, priorDated := civilDay(p.Date)
		if apart := absI(satSub(ownDay, priorDay)); priorDated && apart <= window {
			m.addHeader(Reason{Code: CodeNearDuplicate, Message: msgNearDuplicate(p, apart, m.exp), Prior: priorRef(p, ownDay)})
		}
	}
}

func priorRef(p *PriorInvoice, ownDay int64) *PriorRef {
	ref := &PriorRef{ID: p.ID, Number: p.Number, Date: p.Date, Total: p.Total}
	if day, ok := civilDay(p.Date); ok {
		ref.DaysApart = absI(satSub(ownDay, day))
	}
	return ref
}

// civilDay numbers calendar days (in the date's own location) so "days
// apart" counts dates, not 24-hour periods.
func civilDay(t time.Time) (int64, bool) {
	if t.IsZero() {
		return 0, false
	}
	y, m, d := t.Date()
	return daysFromCivil(int64(y), int64(m), int64(d)), true
}

// daysFromCivil is Howard Hinnant's days-from-civil algorithm: days since
// 1970-01-01 in the proleptic Gregorian calendar, without building a
// time.Time per prior invoice.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
