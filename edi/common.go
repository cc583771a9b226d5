package edi

// Reference is a REF segment: qualifier (REF01) and value (REF02/REF03).
type Reference struct {
	Qualifier   string `json:"qualifier"`
	Value       string `json:"value,omitempty"`
	Description string `json:"description,omitempty"`
}

// DateRef is a DTM segment.
type DateRef struct {
	Qualifier string `json:"qualifier"`
	Date      Date   `json:"date,omitzero"`
	Time      string `json:"time,omitempty"`
}

// Party is an N1 loop (N1, N2, N3, N4).
type Party struct {
	Role        string   `json:"role"` // N101 entity code: ST ship-to, BT bill-to, VN vendor...
	Name        string   `json:"name,omitempty"`
	IDQualifier string   `json:"id_qualifier,omitempty"`
	ID          string   `json:"id,omitempty"`
	ExtraNames  []string `json:"extra_names,omitempty"` // N2
	Address     []string `json:"address,omitempty"`     // N3 lines
	City        string   `json:"city,omitempty"`
	State       string   `json:"state,omitempty"`
	PostalCode  string   `json:"postal_code,omitempty"`
	Country     string   `json:"country,omitempty"`
}

// ProductID is a product/service id qualifier and value pair.
type ProductID struct {
	Qualifier string `json:"qualifier"`
	ID        string `json:"id"`
}

// Item is the product identification every line type shares. The
// qualifiers pogate matches on get plain fields; the rest stay in OtherIDs.
type Item struct {
	BuyerPart   string      `json:"buyer_part,omitempty"`  // BP
	VendorPart  string      `json:"vendor_part,omitempty"` // VP or VN
	UPC         string      `json:"upc,omitempty"`         // UP
	OtherIDs    []ProductID `json:"other_ids,omitempty"`
	Description string      `json:"description,omitempty"` // PID05
}

func (it *Item) addID(q, id string) {
	switch {
	case q == "BP" && it.BuyerPart == "":
		it.BuyerPart = id
	case (q == "VP" || q == "VN") && it.VendorPart == "":
		it.VendorPart = id
	case q == "UP" && it.UPC == "":
		it.UPC = id
	default:
		it.OtherIDs = append(it.OtherIDs, ProductID{Qualifier: q, ID: id})
	}
}

// ids lists the pairs in the order the writer renders them.
func (it *Item) ids() []ProductID {
	var out []ProductID
	if it.BuyerPart != "" {
		out = append(out, ProductID{"BP", it.BuyerPart})
	}
	if it.VendorPart != "" {
		out = append(out, ProductID{"VP", it.VendorPart})
	}
	if it.UPC != "" {
		out = append(out, ProductID{"UP", it.UPC})
	}
	return append(out, it.OtherIDs...)
}

// readIDs reads qualifier/id pairs starting at element first (PO106,
// IT106, LIN02), enforcing that each pair is complete.
func (c *mapCtx) readIDs(it *Item, first, last int) {
	for i := first; i+1 <= last && i <= c.seg.Len(); i += 2 {
		q, id := c.raw(i), c.raw(i+1)
		if len(q) > 0 && len(id) > 0 {
			it.addID(c.str(q), c.str(id))
		} else {
			c.pair(i, i+1)
		}
	}
}

// Charge is an SAC segment: allowance, charge or service.
type Charge struct {
	Indicator   string  `json:"indicator"`        // SAC01: A allowance, C charge, N neither
	Code        string  `json:"code,omitempty"`   // SAC02
	Amount      Decimal `json:"amount,omitzero"`  // SAC05 (N2)
	Percent     Decimal `json:"percent,omitzero"` // SAC07 (R)
	Rate        Decimal `json:"rate,omitzero"`    // SAC08 (R)
	Unit        string  `json:"unit,omitempty"`   // SAC09
	Quantity    Decimal `json:"quantity,omitzero"`
	Method      string  `json:"method,omitempty"` // SAC12 handling code
	Description string  `json:"description,omitempty"`
}

var sacIndicators = set("A", "C", "N")

func (c *mapCtx) readCharge() Charge {
	ch := Charge{
		Indicator:   c.code(1, true, sacIndicators),
		Code:        c.text(2, false),
		Amount:      c.implied(5, 2, false),
		Percent:     c.real(7, false),
		Rate:        c.real(8, false),
		Unit:        c.text(9, false),
		Quantity:    c.real(10, false),
		Method:      c.text(12, false),
		Description: c.text(15, false),
	}
	if ch.Code == "" && len(c.raw(3)) == 0 {
		c.elemErr(2, AK4ConditionalMissing, SeverityReject, "SAC needs SAC02 or SAC03")
	}
	return ch
}

// Tax is a TXI segment.
type Tax struct {
	Type    string  `json:"type"`             // TXI01
	Amount  Decimal `json:"amount,omitzero"`  // TXI02 (R)
	Percent Decimal `json:"percent,omitzero"` // TXI03 (R)
	Exempt  string  `json:"exempt,omitempty"` // TXI06
}

func (c *mapCtx) readTax() Tax {
	return Tax{Type: c.text(1, true), Amount: c.real(2, false), Percent: c.real(3, false), Exempt: c.text(6, false)}
}

// Terms is an ITD segment (terms of sale).
type Terms struct {
	Type            string  `json:"type,omitempty"`       // ITD01
	BasisDate       string  `json:"basis_date,omitempty"` // ITD02
	DiscountPercent Decimal `json:"discount_percent,omitzero"`
	DiscountDueDate Date    `json:"discount_due_date,omitzero"`
	DiscountDays    int     `json:"discount_days,omitempty"`
	NetDueDate      Date    `json:"net_due_date,omitzero"`
	NetDays         int     `json:"net_days,omitempty"`
	DiscountAmount  Decimal `json:"discount_amount,omitzero"` // ITD08 (N2)
	Description     string  `json:"description,omitempty"`    // ITD12
	DayOfMonth      int     `json:"day_of_month,omitempty"`   // ITD13
}

func (c *mapCtx) readTerms() Terms {
	return Terms{
		Type: c.text(1, false), BasisDate: c.text(2, false), DiscountPercent: c.real(3, false),
		DiscountDueDate: c.date(4, false), DiscountDays: c.count(5, false), NetDueDate: c.date(6, false),
		NetDays: c.count(7, false), DiscountAmount: c.implied(8, 2, false), Description: c.text(12, false),
		DayOfMonth: c.count(13, false),
	}
}

// readRef, readDate read REF and DTM.
func (c *mapCtx) readRef() Reference {
	r := Reference{Qualifier: c.text(1, true), Value: c.text(2, false), Description: c.text(3, false)}
	if r.Value == "" && r.Description == "" {
		c.elemErr(2, AK4ConditionalMissing, SeverityReject, "REF needs REF02 or REF03")
	}
	return r
}

func (c *mapCtx) readDate() DateRef {
	return DateRef{Qualifier: c.text(1, true), Date: c.date(2, false), Time: c.time(3, false)}
}

// parties collects N1 loops; N2/N3/N4 attach to the last N1.
type parties struct {
	list []Party
}

// segment handles N1/N2/N3/N4 and reports whether it did.
func (p *parties) segment(c *mapCtx) bool {
	switch c.id() {
	case "N1":
		pt := Party{Role: c.text(1, true), Name: c.textMax(2, false, 60), IDQualifier: c.text(3, false), ID: c.text(4, false)}
		if pt.IDQualifier != "" && pt.ID == "" && pt.Name != "" {
			// A qualifier with nothing to qualify (seen from real
			// senders): the name still identifies the party.
			c.lenient(3, "N103 %q has no N104 identification code; the qualifier is ignored and the party is named by N102", pt.IDQualifier)
			pt.IDQualifier = ""
		} else {
			c.pair(3, 4)
		}
		if pt.Name == "" && pt.ID == "" {
			c.elemErr(2, AK4ConditionalMissing, SeverityReject, "N1 needs N102 or N103/N104")
		}
		p.list = c.slabs.parties.add(p.list, pt)
	case "N2", "N3", "N4":
		if len(p.list) == 0 {
			c.segErr(c.id(), AK3Unexpected, "%s before any N1", c.id())
			return true
		}
		pt := &p.list[len(p.list)-1]
		switch c.id() {
		case "N2":
			pt.ExtraNames = appendNonEmpty(pt.ExtraNames, c.text(1, true), c.text(2, false))
		case "N3":
			pt.Address = appendNonEmpty(pt.Address, c.text(1, true), c.text(2, false))
		case "N4":
			pt.City, pt.State, pt.PostalCode, pt.Country = c.text(1, false), c.text(2, false), c.text(3, false), c.text(4, false)
		}
	default:
		return false
	}
	return true
}

func appendNonEmpty(list []string, vals ...string) []string {
	for _, v := range vals {
		if v != "" {
			list = append(list, v)
		}
	}
	return list
}
