package edi

// Invoice810 is an invoice (X12 810).
type Invoice810 struct {
	InvoiceDate   Date          `json:"invoice_date"`   // BIG01
	InvoiceNumber string        `json:"invoice_number"` // BIG02
	PODate        Date          `json:"po_date,omitzero"`
	PONumber      string        `json:"po_number,omitempty"`        // BIG04
	Type          string        `json:"transaction_type,omitempty"` // BIG07: DI debit, CR credit...
	Currency      string        `json:"currency,omitempty"`
	References    []Reference   `json:"references,omitempty"`
	Parties       []Party       `json:"parties,omitempty"`
	Terms         []Terms       `json:"terms,omitempty"`
	Dates         []DateRef     `json:"dates,omitempty"`
	Lines         []InvoiceLine `json:"lines"`
	// Total is TDS01 (N2): the total invoice amount including charges
	// and less allowances.
	Total             Decimal  `json:"total"`
	SubjectToDiscount Decimal  `json:"subject_to_discount,omitzero"` // TDS02
	DiscountedDue     Decimal  `json:"discounted_due,omitzero"`      // TDS03
	TermsDiscount     Decimal  `json:"terms_discount,omitzero"`      // TDS04
	Taxes             []Tax    `json:"taxes,omitempty"`
	Charges           []Charge `json:"charges,omitempty"` // summary SAC
	LineCount         int      `json:"line_count,omitempty"`
}

// InvoiceLine is an IT1 loop.
type InvoiceLine struct {
	LineNumber string  `json:"line_number"`
	Quantity   Decimal `json:"quantity"`   // IT102
	Unit       string  `json:"unit"`       // IT103
	UnitPrice  Decimal `json:"unit_price"` // IT104
	PriceBasis string  `json:"price_basis,omitempty"`
	Item
	Charges []Charge `json:"charges,omitempty"`
	Taxes   []Tax    `json:"taxes,omitempty"`
}

// SetID and FunctionalID place the document in ST01 and GS01 when written.
func (*Invoice810) SetID() string        { return "810" }
func (*Invoice810) FunctionalID() string { return "IN" }

type inv810Mapper struct {
	doc     Invoice810
	sawBIG  bool
	sawTDS  bool
	parties parties
}

func (m *inv810Mapper) segment(c *mapCtx) {
	d := &m.doc
	inDetail := len(d.Lines) > 0 && !m.sawTDS
	switch string(c.seg.ID()) {
	case "BIG":
		m.sawBIG = true
		d.InvoiceDate = c.date(1, true)
		d.InvoiceNumber = c.textMax(2, true, 22)
		d.PODate = c.date(3, false)
		d.PONumber = c.textMax(4, false, 22)
		d.Type = c.text(7, false)
	case "CUR":
		d.Currency = c.text(2, true)
	case "REF":
		if len(d.Lines) == 0 {
			d.References = c.slabs.refs.add(d.References, c.readRef())
		}
	case "ITD":
		d.Terms = c.slabs.terms.add(d.Terms, c.readTerms())
	case "DTM":
		if len(d.Lines) == 0 {
			d.Dates = c.slabs.dates.add(d.Dates, c.readDate())
		}
	case "IT1":
		if m.sawTDS {
			c.segErr("IT1", AK3OutOfOrder, "IT1 after TDS")
		}
		var l *InvoiceLine
		d.Lines, l = grow(d.Lines)
		c.readLineHead(true, &l.LineNumber, &l.Quantity, &l.Unit, &l.UnitPrice, &l.PriceBasis, &l.Item)
		if len(c.raw(4)) == 0 {
			c.elemErr(4, AK4MandatoryMissing, SeverityReject, "IT104 unit price is mandatory on an invoice line")
		}
	case "PID":
		if inDetail {
			l := &d.Lines[len(d.Lines)-1]
			if l.Description == "" {
				l.Description = c.text(5, false)
			}
		}
	case "SAC":
		ch := c.readCharge()
		if inDetail {
			l := &d.Lines[len(d.Lines)-1]
			l.Charges = c.slabs.charges.add(l.Charges, ch)
		} else {
			d.Charges = c.slabs.charges.add(d.Charges, ch)
		}
	case "TXI":
		t := c.readTax()
		if inDetail {
			l := &d.Lines[len(d.Lines)-1]
			l.Taxes = c.slabs.taxes.add(l.Taxes, t)
		} else {
			d.Taxes = c.slabs.taxes.add(d.Taxes, t)
		}
	case "TDS":
		m.sawTDS = true
		d.Total = c.implied(1, 2, true)
		d.SubjectToDiscount = c.implied(2, 2, false)
		d.DiscountedDue = c.implied(3, 2, false)
		d.TermsDiscount = c.implied(4, 2, false)
	case "CTT":
		d.LineCount = c.count(1, true)
	default:
		if len(d.Lines) == 0 {
			m.parties.segment(c)
		}
	}
}

func (m *inv810Mapper) finish(c *mapCtx) Document {
	if !m.sawBIG {
		c.segErr("BIG", AK3MandatoryMissing, "mandatory segment BIG is missing")
	}
	if !m.sawTDS {
		c.segErr("TDS", AK3MandatoryMissing, "mandatory segment TDS is missing")
	}
	m.doc.Parties = m.parties.list
	if m.doc.Lines == nil {
		m.doc.Lines = []InvoiceLine{}
	}
	return &m.doc
}

func (v *Invoice810) writeBody(w *Writer) error {
	w.Segment("BIG", fmtDate(v.InvoiceDate), v.InvoiceNumber, fmtDate(v.PODate), v.PONumber, "", "", v.Type)
	if v.Currency != "" {
		w.Segment("CUR", "SE", v.Currency)
	}
	writeRefs(w, v.References)
	writeParties(w, v.Parties)
	if err := writeTerms(w, v.Terms); err != nil {
		return err
	}
	writeDates(w, v.Dates)
	for i := range v.Lines {
		l := &v.Lines[i]
		w.Segment("IT1", append([]string{l.LineNumber, fmtR(l.Quantity), l.Unit, fmtR(l.UnitPrice), l.PriceBasis}, idElems(&l.Item)...)...)
		writePID(w, &l.Item)
		writeTaxes(w, l.Taxes)
		if err := writeCharges(w, l.Charges); err != nil {
			return err
		}
	}
	total, err := fmtN(v.Total, 2)
	if err != nil {
		return err
	}
	if total == "" {
		total = "0"
	}
	var tds [3]string
	for i, d := range []Decimal{v.SubjectToDiscount, v.DiscountedDue, v.TermsDiscount} {
		if tds[i], err = fmtN(d, 2); err != nil {
			return err
		}
	}
	w.Segment("TDS", total, tds[0], tds[1], tds[2])
	writeTaxes(w, v.Taxes)
	if err := writeCharges(w, v.Charges); err != nil {
		return err
	}
	if v.LineCount != 0 {
		w.Segment("CTT", itoa(v.LineCount))
	}
	return w.err
}
