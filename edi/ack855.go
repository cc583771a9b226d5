package edi

// Ack855 is a purchase order acknowledgement (X12 855).
type Ack855 struct {
	Purpose     string      `json:"purpose"`  // BAK01
	AckType     string      `json:"ack_type"` // BAK02: AC, AD, AE, AK, RD, RJ...
	PONumber    string      `json:"po_number"`
	PODate      Date        `json:"po_date"`
	Release     string      `json:"release,omitempty"`
	OrderNumber string      `json:"order_number,omitempty"` // BAK08 seller's order number
	AckDate     Date        `json:"ack_date,omitzero"`      // BAK09
	Currency    string      `json:"currency,omitempty"`
	References  []Reference `json:"references,omitempty"`
	Dates       []DateRef   `json:"dates,omitempty"`
	Parties     []Party     `json:"parties,omitempty"`
	Lines       []AckLine   `json:"lines"`
	LineCount   int         `json:"line_count,omitempty"`
}

// AckLine is a PO1 loop of an 855 with its ACK line outcomes.
type AckLine struct {
	LineNumber string  `json:"line_number"`
	Quantity   Decimal `json:"quantity,omitzero"`
	Unit       string  `json:"unit,omitempty"`
	UnitPrice  Decimal `json:"unit_price,omitzero"`
	PriceBasis string  `json:"price_basis,omitempty"`
	Item
	// Status is ACK01 of the first ACK: IA accepted, IR rejected, IQ
	// quantity changed, DR date rescheduled, IP price changed, IB
	// backordered...
	Status string    `json:"status,omitempty"`
	Acks   []LineAck `json:"acks,omitempty"`
}

// LineAck is an ACK segment.
type LineAck struct {
	Status        string  `json:"status"`            // ACK01
	Quantity      Decimal `json:"quantity,omitzero"` // ACK02
	Unit          string  `json:"unit,omitempty"`    // ACK03
	DateQualifier string  `json:"date_qualifier,omitempty"`
	Date          Date    `json:"date,omitzero"`
}

// SetID and FunctionalID place the document in ST01 and GS01 when written.
func (*Ack855) SetID() string        { return "855" }
func (*Ack855) FunctionalID() string { return "PR" }

// BAK02 acknowledgement types (004010/005010).
var bakTypes = set("AC", "AD", "AE", "AH", "AK", "AP", "AT", "NA", "RD", "RF", "RJ", "RN", "RO", "RV", "ZZ")

// ACK01 line item status codes.
var ackStatuses = set("AC", "AR", "BP", "DR", "IA", "IB", "IC", "ID", "IE", "IF", "IH", "IP", "IQ", "IR", "IS",
	"IW", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "SP")

type ack855Mapper struct {
	doc     Ack855
	sawBAK  bool
	parties parties
}

func (m *ack855Mapper) segment(c *mapCtx) {
	d := &m.doc
	inDetail := len(d.Lines) > 0
	switch c.id() {
	case "BAK":
		m.sawBAK = true
		d.Purpose = c.code(1, true, begPurposes)
		d.AckType = c.code(2, true, bakTypes)
		d.PONumber = c.textMax(3, true, 22)
		d.PODate = c.date(4, true)
		d.Release = c.text(5, false)
		d.OrderNumber = c.text(8, false)
		d.AckDate = c.date(9, false)
	case "CUR":
		d.Currency = c.text(2, true)
	case "REF":
		if !inDetail {
			d.References = append(d.References, c.readRef())
		}
	case "DTM":
		if !inDetail {
			d.Dates = append(d.Dates, c.readDate())
		}
	case "PO1":
		var l *AckLine
		d.Lines, l = grow(d.Lines)
		c.readLineHead(false, &l.LineNumber, &l.Quantity, &l.Unit, &l.UnitPrice, &l.PriceBasis, &l.Item)
	case "PID":
		if inDetail {
			l := &d.Lines[len(d.Lines)-1]
			if l.Description == "" {
				l.Description = c.text(5, false)
			}
		}
	case "ACK":
		if !inDetail {
			c.segErr("ACK", AK3Unexpected, "ACK before any PO1 line")
			return
		}
		l := &d.Lines[len(d.Lines)-1]
		a := LineAck{Status: c.code(1, true, ackStatuses), Quantity: c.quantity(2, false), Unit: c.text(3, false),
			DateQualifier: c.text(4, false), Date: c.date(5, false)}
		c.pair(2, 3)
		c.conditional(5, 4)
		if l.Status == "" {
			l.Status = a.Status
		}
		l.Acks = append(l.Acks, a)
	case "CTT":
		d.LineCount = c.count(1, true)
	default:
		if !inDetail {
			m.parties.segment(c)
		}
	}
}

func (m *ack855Mapper) finish(c *mapCtx) Document {
	if !m.sawBAK {
		c.segErr("BAK", AK3MandatoryMissing, "mandatory segment BAK is missing")
	}
	m.doc.Parties = m.parties.list
	if m.doc.Lines == nil {
		m.doc.Lines = []AckLine{}
	}
	return &m.doc
}

func (a *Ack855) writeBody(w *Writer) error {
	w.Segment("BAK", a.Purpose, a.AckType, a.PONumber, fmtDate(a.PODate), a.Release, "", "", a.OrderNumber, fmtDate(a.AckDate))
	if a.Currency != "" {
		w.Segment("CUR", "SE", a.Currency)
	}
	writeRefs(w, a.References)
	writeDates(w, a.Dates)
	writeParties(w, a.Parties)
	for i := range a.Lines {
		l := &a.Lines[i]
		w.Segment("PO1", append([]string{l.LineNumber, fmtR(l.Quantity), l.Unit, fmtR(l.UnitPrice), l.PriceBasis}, idElems(&l.Item)...)...)
		writePID(w, &l.Item)
		if len(l.Acks) == 0 && l.Status != "" {
			w.Segment("ACK", l.Status)
		}
		for _, k := range l.Acks {
			w.Segment("ACK", k.Status, fmtR(k.Quantity), k.Unit, k.DateQualifier, fmtDate(k.Date))
		}
	}
	if a.LineCount != 0 {
		w.Segment("CTT", itoa(a.LineCount))
	}
	return w.err
}
