package edi

import "strconv"

// ASN856 is a ship notice (X12 856). The HL tree is folded into orders,
// packs and items; both S-O-P-I (pick and pack) and S-O-I-P (standard
// carton) trees map, as do trees without HL02 parents (taken from order).
type ASN856 struct {
	Purpose        string      `json:"purpose"`     // BSN01
	ShipmentID     string      `json:"shipment_id"` // BSN02
	Date           Date        `json:"date"`        // BSN03
	Time           string      `json:"time"`        // BSN04
	Structure      string      `json:"structure,omitempty"`
	References     []Reference `json:"references,omitempty"` // BM bill of lading, CN pro number...
	Dates          []DateRef   `json:"dates,omitempty"`      // 011 shipped, 017 estimated delivery
	Parties        []Party     `json:"parties,omitempty"`
	Packaging      string      `json:"packaging,omitempty"`       // TD101
	LadingQuantity int         `json:"lading_quantity,omitempty"` // TD102
	Weight         Decimal     `json:"weight,omitzero"`           // TD107
	WeightUnit     string      `json:"weight_unit,omitempty"`     // TD108
	Carrier        string      `json:"carrier,omitempty"`         // TD503 (SCAC)
	Routing        string      `json:"routing,omitempty"`         // TD505
	Orders         []*ASNOrder `json:"orders"`
	// Items shipped without an order level (S-I trees).
	Items     []*ASNItem `json:"items,omitempty"`
	LineCount int        `json:"line_count,omitempty"`
}

// ASNOrder is an HL O level.
type ASNOrder struct {
	PONumber   string      `json:"po_number"` // PRF01
	Release    string      `json:"release,omitempty"`
	PODate     Date        `json:"po_date,omitzero"` // PRF04
	References []Reference `json:"references,omitempty"`
	Packs      []*ASNPack  `json:"packs,omitempty"`
	Items      []*ASNItem  `json:"items,omitempty"`
}

// ASNPack is an HL P (pack) or T (tare, pallet) level.
type ASNPack struct {
	Level string `json:"level"` // P or T
	// SSCC is the serial shipping container code from MAN*GM, 18 digits
	// (a leading "00" application identifier is dropped).
	SSCC  string      `json:"sscc,omitempty"`
	Marks []Reference `json:"marks,omitempty"` // other MAN qualifiers
	Packs []*ASNPack  `json:"packs,omitempty"`
	Items []*ASNItem  `json:"items,omitempty"`
}

// ASNItem is an HL I level.
type ASNItem struct {
	LineNumber string `json:"line_number,omitempty"` // LIN01
	Item
	Quantity        Decimal    `json:"quantity,omitzero"` // SN102
	Unit            string     `json:"unit,omitempty"`    // SN103
	OrderedQuantity Decimal    `json:"ordered_quantity,omitzero"`
	OrderedUnit     string     `json:"ordered_unit,omitempty"`
	PONumber        string     `json:"po_number,omitempty"` // PRF at item level
	Packs           []*ASNPack `json:"packs,omitempty"`     // S-O-I-P
}

// SetID and FunctionalID place the document in ST01 and GS01 when written.
func (*ASN856) SetID() string        { return "856" }
func (*ASN856) FunctionalID() string { return "SH" }

// ValidSSCC reports whether s is 18 digits with a correct GS1 check digit.
// The reader does not reject on it (test data often has made-up SSCCs);
// the gateway decides.
func ValidSSCC(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[16-i]
		if c < '0' || c > '9' {
			return false
		}
		w := 1
		if i%2 == 0 {
			w = 3
		}
		sum += int(c-'0') * w
	}
	return s[17] >= '0' && s[17] <= '9' && int(s[17]-'0') == (10-sum%10)%10
}

var hlLevels = set("S", "O", "T", "P", "I")

type hlNode struct {
	level string
	order *ASNOrder
	pack  *ASNPack
	item  *ASNItem
}

type asn856Mapper struct {
	doc     ASN856
	sawBSN  bool
	sawS    bool
	nodes   map[string]*hlNode
	recent  []*hlNode
	cur     *hlNode
	parties parties
}

func newASN856Mapper() *asn856Mapper {
	return &asn856Mapper{doc: ASN856{Orders: []*ASNOrder{}}, nodes: map[string]*hlNode{}}
}

// canParent says which levels may hold which.
func canParent(parent, child string) bool {
	switch child {
	case "O":
		return parent == "S"
	case "P", "T":
		return parent == "O" || parent == "T" || parent == "P" || parent == "I" || parent == "S"
	case "I":
		return parent == "O" || parent == "P" || parent == "T" || parent == "S"
	}
	return false
}

func (m *asn856Mapper) segment(c *mapCtx) {
	d := &m.doc
	if c.id() == "HL" {
		m.hl(c)
		return
	}
	if c.id() == "BSN" {
		m.sawBSN = true
		d.Purpose = c.text(1, true)
		if len(c.raw(2)) == 0 {
			// Seen from real senders (BSN*00**date). The rest of the
			// notice is readable; the gateway asks for an id before it
			// records a shipment.
			c.lenient(2, "BSN02 shipment identification is missing")
		} else {
			d.ShipmentID = c.textMax(2, true, 30)
		}
		d.Date = c.date(3, true)
		d.Time = c.time(4, true)
		d.Structure = c.text(5, false)
		return
	}
	if c.id() == "CTT" {
		d.LineCount = c.count(1, true)
		return
	}
	level := ""
	if m.cur != nil {
		level = m.cur.level
	}
	switch level {
	case "", "S":
		switch c.id() {
		case "REF":
			d.References = append(d.References, c.readRef())
		case "DTM":
			d.Dates = append(d.Dates, c.readDate())
		case "TD1":
			if d.Packaging == "" && d.LadingQuantity == 0 {
				d.Packaging, d.LadingQuantity = c.text(1, false), c.count(2, false)
				d.Weight, d.WeightUnit = c.real(7, false), c.text(8, false)
				c.conditional(7, 8)
			}
		case "TD5":
			if d.Carrier == "" && d.Routing == "" {
				c.conditional(2, 3)
				d.Carrier, d.Routing = c.text(3, false), c.text(5, false)
			}
		default:
			m.parties.segment(c)
		}
	case "O":
		o := m.cur.order
		switch c.id() {
		case "PRF":
			o.PONumber, o.Release, o.PODate = c.text(1, true), c.text(2, false), c.date(4, false)
		case "REF":
			o.References = append(o.References, c.readRef())
		}
	case "P", "T":
		if c.id() == "MAN" {
			m.man(c, m.cur.pack)
		}
	case "I":
		it := m.cur.item
		switch c.id() {
		case "LIN":
			it.LineNumber = c.text(1, false)
			c.readIDs(&it.Item, 2, 31)
			if len(c.raw(2)) == 0 {
				c.elemErr(2, AK4MandatoryMissing, SeverityReject, "LIN02 product id qualifier is mandatory")
			}
		case "SN1":
			it.Quantity, it.Unit = c.quantity(2, true), c.text(3, true)
			it.OrderedQuantity, it.OrderedUnit = c.quantity(5, false), c.text(6, false)
			c.pair(5, 6)
		case "PRF":
			it.PONumber = c.text(1, true)
		case "PID":
			if it.Description == "" {
				it.Description = c.text(5, false)
			}
		}
	}
}

func (m *asn856Mapper) man(c *mapCtx, p *ASNPack) {
	q, v := c.text(1, true), c.text(2, true)
	if q != "GM" {
		p.Marks = append(p.Marks, Reference{Qualifier: q, Value: v})
		return
	}
	if len(v) == 20 && v[:2] == "00" {
		v = v[2:]
	}
	if _, ok := atoiDigits([]byte(v)); !ok || len(v) != 18 {
		c.elemErr(2, AK4InvalidCharacter, SeverityReject, "MAN02 %q is not an 18-digit SSCC", c.raw(2))
	}
	if p.SSCC == "" {
		p.SSCC = v
	} else {
		p.Marks = append(p.Marks, Reference{Qualifier: q, Value: v})
	}
}

func (m *asn856Mapper) hl(c *mapCtx) {
	id, parentID := c.text(1, true), string(c.raw(2))
	level := c.code(3, true, hlLevels)
	if !hlLevels[level] {
		m.cur = &hlNode{level: "?"}
		return
	}
	if _, dup := m.nodes[id]; dup && id != "" {
		c.elemErr(1, AK4InvalidCode, SeverityReject, "HL01 %q is used twice", id)
	}
	var parent *hlNode
	if parentID != "" {
		parent = m.nodes[parentID]
		if parent == nil {
			c.elemErr(2, AK4InvalidCode, SeverityReject, "HL02 parent %q does not exist", parentID)
		}
	} else if level != "S" {
		// No HL02: the parent is the latest level that can hold this one.
		for i := len(m.recent) - 1; i >= 0; i-- {
			if canParent(m.recent[i].level, level) && !(level == "I" && m.recent[i].level == "S" && m.hasOrder()) {
				parent = m.recent[i]
				break
			}
		}
	}
	n := &hlNode{level: level}
	switch {
	case level == "S":
		if m.sawS || parent != nil {
			c.segErr("HL", AK3Unexpected, "only one shipment level (HL03 S) is allowed, at the top")
		}
		m.sawS = true
	case parent == nil || !canParent(parent.level, level):
		if parent != nil || parentID == "" {
			c.segErr("HL", AK3Unexpected, "HL level %s cannot be placed here", level)
		}
		n.level = "?"
	default:
		m.attach(parent, n)
	}
	if id != "" {
		m.nodes[id] = n
	}
	m.recent = append(m.recent, n)
	m.cur = n
}

func (m *asn856Mapper) hasOrder() bool { return len(m.doc.Orders) > 0 }

func (m *asn856Mapper) attach(parent, n *hlNode) {
	switch n.level {
	case "O":
		n.order = &ASNOrder{}
		m.doc.Orders = append(m.doc.Orders, n.order)
	case "P", "T":
		n.pack = &ASNPack{Level: n.level}
		switch parent.level {
		case "O":
			parent.order.Packs = append(parent.order.Packs, n.pack)
		case "P", "T":
			parent.pack.Packs = append(parent.pack.Packs, n.pack)
		case "I":
			parent.item.Packs = append(parent.item.Packs, n.pack)
		case "S":
			// A pack straight under the shipment: keep it in a
			// placeholder order so it is not lost.
			o := &ASNOrder{}
			m.doc.Orders = append(m.doc.Orders, o)
			o.Packs = append(o.Packs, n.pack)
		}
	case "I":
		n.item = &ASNItem{}
		switch parent.level {
		case "O":
			parent.order.Items = append(parent.order.Items, n.item)
		case "P", "T":
			parent.pack.Items = append(parent.pack.Items, n.item)
		case "S":
			m.doc.Items = append(m.doc.Items, n.item)
		}
	}
}

func (m *asn856Mapper) finish(c *mapCtx) Document {
	if !m.sawBSN {
		c.segErr("BSN", AK3MandatoryMissing, "mandatory segment BSN is missing")
	}
	if !m.sawS {
		c.segErr("HL", AK3MandatoryMissing, "an 856 needs a shipment level HL (HL03 S)")
	}
	m.doc.Parties = m.parties.list
	m.nodes, m.recent = nil, nil
	return &m.doc
}

// asnWriter numbers HL segments while rendering the tree.
type asnWriter struct {
	w    *Writer
	next int
}

func (a *asnWriter) hl(parent int, level string) int {
	a.next++
	p := ""
	if parent > 0 {
		p = strconv.Itoa(parent)
	}
	a.w.Segment("HL", strconv.Itoa(a.next), p, level)
	return a.next
}

func (a *asnWriter) pack(parent int, p *ASNPack) {
	id := a.hl(parent, p.Level)
	if p.SSCC != "" {
		a.w.Segment("MAN", "GM", p.SSCC)
	}
	for _, m := range p.Marks {
		a.w.Segment("MAN", m.Qualifier, m.Value)
	}
	for _, c := range p.Packs {
		a.pack(id, c)
	}
	for _, it := range p.Items {
		a.item(id, it)
	}
}

func (a *asnWriter) item(parent int, it *ASNItem) {
	id := a.hl(parent, "I")
	if ids := idElems(&it.Item); len(ids) > 0 || it.LineNumber != "" {
		a.w.Segment("LIN", append([]string{it.LineNumber}, ids...)...)
	}
	if !it.Quantity.IsZero() || it.Unit != "" || !it.OrderedQuantity.IsZero() {
		a.w.Segment("SN1", "", fmtR(it.Quantity), it.Unit, "", fmtR(it.OrderedQuantity), it.OrderedUnit)
	}
	if it.PONumber != "" {
		a.w.Segment("PRF", it.PONumber)
	}
	writePID(a.w, &it.Item)
	for _, p := range it.Packs {
		a.pack(id, p)
	}
}

func (s *ASN856) writeBody(w *Writer) error {
	w.Segment("BSN", s.Purpose, s.ShipmentID, fmtDate(s.Date), s.Time, s.Structure)
	a := &asnWriter{w: w}
	root := a.hl(0, "S")
	if s.Packaging != "" || s.LadingQuantity != 0 || !s.Weight.IsZero() || s.WeightUnit != "" {
		w.Segment("TD1", s.Packaging, fmtInt(s.LadingQuantity), "", "", "", "", fmtR(s.Weight), s.WeightUnit)
	}
	if s.Carrier != "" || s.Routing != "" {
		q := ""
		if s.Carrier != "" {
			q = "2"
		}
		w.Segment("TD5", "", q, s.Carrier, "", s.Routing)
	}
	writeRefs(w, s.References)
	writeDates(w, s.Dates)
	writeParties(w, s.Parties)
	for _, o := range s.Orders {
		id := a.hl(root, "O")
		if o.PONumber != "" || o.Release != "" || !o.PODate.IsZero() {
			w.Segment("PRF", o.PONumber, o.Release, "", fmtDate(o.PODate))
		}
		writeRefs(w, o.References)
		for _, p := range o.Packs {
			a.pack(id, p)
		}
		for _, it := range o.Items {
			a.item(id, it)
		}
	}
	for _, it := range s.Items {
		a.item(root, it)
	}
	if s.LineCount != 0 {
		w.Segment("CTT", itoa(s.LineCount))
	}
	return w.err
}
