package edi

// PO850 is a purchase order (X12 850). It is both what Parse maps an
// inbound 850 to and what Write850 renders; the JSON form is the input of
// `pogate edi render`.
type PO850 struct {
	Purpose    string      `json:"purpose"`    // BEG01: 00 original, 01 cancel, 05 replace...
	OrderType  string      `json:"order_type"` // BEG02: SA stand-alone, NE new, DS drop ship...
	PONumber   string      `json:"po_number"`  // BEG03
	Release    string      `json:"release,omitempty"`
	PODate     Date        `json:"po_date"` // BEG05
	Currency   string      `json:"currency,omitempty"`
	References []Reference `json:"references,omitempty"`
	Terms      []Terms     `json:"terms,omitempty"`
	Dates      []DateRef   `json:"dates,omitempty"`
	Parties    []Party     `json:"parties,omitempty"`
	Lines      []POLine    `json:"lines"`
	Charges    []Charge    `json:"charges,omitempty"` // header SAC
	// LineCount is CTT01 as sent (the writer fills it from Lines).
	LineCount int `json:"line_count,omitempty"`
	// Total is AMT*TT (total transaction amount), when sent.
	Total Decimal `json:"total,omitzero"`
}

// PurchaseOrder850 is the outbound input the gateway fills from the
// database: the same shape as an inbound 850.
type PurchaseOrder850 = PO850

// POLine is a PO1 loop.
type POLine struct {
	LineNumber string  `json:"line_number"` // PO101
	Quantity   Decimal `json:"quantity"`    // PO102 (R)
	Unit       string  `json:"unit"`        // PO103
	UnitPrice  Decimal `json:"unit_price,omitzero"`
	PriceBasis string  `json:"price_basis,omitempty"` // PO105
	Item
	Charges []Charge  `json:"charges,omitempty"`
	Dates   []DateRef `json:"dates,omitempty"`
}

// SetID and FunctionalID place the document in ST01 and GS01 when written.
func (*PO850) SetID() string        { return "850" }
func (*PO850) FunctionalID() string { return "PO" }

var begPurposes = set("00", "01", "02", "03", "04", "05", "06", "07", "08", "10", "11", "12", "13", "14", "15",
	"16", "17", "18", "22", "24", "25", "26", "27", "28", "30", "31", "35", "36", "37", "38", "39", "41", "42",
	"43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55", "56", "5C", "77", "CN", "CO",
	"EX", "GR", "PR", "RH", "RV", "SU", "ZZ")

type po850Mapper struct {
	doc     PO850
	sawBEG  bool
	parties parties
}

// productIDQualifiers are the product/service ID qualifiers (235) that are
// not also basis-of-unit-price codes (639), so one in PO105 can only be a
// shifted pair.
var productIDQualifiers = set("BP", "VP", "VN", "UP", "UK", "EN", "SK", "MG", "CB")

// readLineHead reads the PO1-shaped segments (PO1 in 850/855, IT1 in 810
// share the layout) straight into the line: line number, quantity, unit,
// price, basis, product ids.
func (c *mapCtx) readLineHead(qtyReq bool, num *string, qty *Decimal, unit *string, price *Decimal, basis *string, it *Item) {
	*num = c.textMax(1, false, 20)
	*qty = c.quantity(2, qtyReq)
	*unit = c.text(3, qtyReq)
	*price = c.real(4, false)
	*basis = c.text(5, false)
	// The syntax notes can only fail when a value read above came back
	// empty (the element is missing, or invalid and already reported), so
	// only then are the elements looked up again.
	if *unit != "" && qty.IsZero() {
		c.conditional(3, 2)
	}
	if *basis != "" && price.IsZero() {
		c.conditional(5, 4)
	}
	// Cheapest tests first: most lines are longer than seven elements.
	if q := c.raw(5); c.seg.Len() <= 7 && len(q) > 0 && len(c.raw(7)) == 0 && len(c.raw(6)) > 0 && productIDQualifiers[string(q)] {
		// The basis-of-price element left out without its separator
		// (PO1*1*10*EA*25.00*BP*SKU-A): the last pair is shifted one to
		// the left. Only a product-ID qualifier followed by a lone value
		// at the end of the segment is read this way.
		c.lenient(5, "%s05 %q is a product ID qualifier and %s06 has no %s07: read as the pair %s05/%s06 (the price basis is missing)", c.id(), q, c.id(), c.id(), c.id(), c.id())
		*basis = ""
		it.addID(c.str(q), c.str(c.raw(6)))
		return
	}
	c.readIDs(it, 6, 25)
}

func (m *po850Mapper) segment(c *mapCtx) {
	d := &m.doc
	inDetail := len(d.Lines) > 0
	switch string(c.seg.ID()) {
	case "BEG":
		m.sawBEG = true
		d.Purpose = c.code(1, true, begPurposes)
		d.OrderType = c.text(2, true)
		d.PONumber = c.textMax(3, true, 22)
		d.Release = c.text(4, false)
		d.PODate = c.date(5, true)
	case "CUR":
		d.Currency = c.text(2, true)
	case "REF":
		if !inDetail {
			d.References = c.slabs.refs.add(d.References, c.readRef())
		}
	case "ITD":
		d.Terms = c.slabs.terms.add(d.Terms, c.readTerms())
	case "DTM":
		dt := c.readDate()
		if inDetail {
			l := &d.Lines[len(d.Lines)-1]
			l.Dates = c.slabs.dates.add(l.Dates, dt)
		} else {
			d.Dates = c.slabs.dates.add(d.Dates, dt)
		}
	case "PO1":
		var l *POLine
		d.Lines, l = grow(d.Lines)
		c.readLineHead(true, &l.LineNumber, &l.Quantity, &l.Unit, &l.UnitPrice, &l.PriceBasis, &l.Item)
	case "PID":
		if inDetail {
			l := &d.Lines[len(d.Lines)-1]
			if l.Description == "" {
				l.Description = c.text(5, false)
			}
		}
	case "PO4":
		// Syntax notes checked; the physical details are not mapped.
		c.conditional(2, 3)
		c.conditional(5, 6)
		c.pair(6, 7)
		c.pair(8, 9)
	case "SAC":
		ch := c.readCharge()
		if inDetail {
			l := &d.Lines[len(d.Lines)-1]
			l.Charges = c.slabs.charges.add(l.Charges, ch)
		} else {
			d.Charges = c.slabs.charges.add(d.Charges, ch)
		}
	case "CTT":
		d.LineCount = c.count(1, true)
	case "AMT":
		if string(c.raw(1)) == "TT" {
			d.Total = c.real(2, true)
		}
	default:
		if !inDetail {
			m.parties.segment(c)
		}
	}
}

func (m *po850Mapper) finish(c *mapCtx) Document {
	if !m.sawBEG {
		c.segErr("BEG", AK3MandatoryMissing, "mandatory segment BEG is missing")
	}
	if len(m.doc.Lines) == 0 {
		c.segErr("PO1", AK3MandatoryMissing, "an 850 needs at least one PO1 line")
	}
	m.doc.Parties = m.parties.list
	if m.doc.Lines == nil {
		m.doc.Lines = []POLine{}
	}
	return &m.doc
}

func (po *PO850) writeBody(w *Writer) error {
	w.Segment("BEG", po.Purpose, po.OrderType, po.PONumber, po.Release, fmtDate(po.PODate))
	if po.Currency != "" {
		w.Segment("CUR", "BY", po.Currency)
	}
	writeRefs(w, po.References)
	if err := writeTerms(w, po.Terms); err != nil {
		return err
	}
	writeDates(w, po.Dates)
	if err := writeCharges(w, po.Charges); err != nil {
		return err
	}
	writeParties(w, po.Parties)
	for i := range po.Lines {
		l := &po.Lines[i]
		w.Segment("PO1", append([]string{l.LineNumber, fmtR(l.Quantity), l.Unit, fmtR(l.UnitPrice), l.PriceBasis}, idElems(&l.Item)...)...)
		writePID(w, &l.Item)
		writeDates(w, l.Dates)
		if err := writeCharges(w, l.Charges); err != nil {
			return err
		}
	}
	if po.LineCount != 0 {
		w.Segment("CTT", itoa(po.LineCount))
	}
	if !po.Total.IsZero() {
		w.Segment("AMT", "TT", po.Total.String())
	}
	return w.err
}
