package gateway

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/matching"
)

// The command inputs below are what an inbound set becomes: plain values
// in pogate's units (whole quantities, unit prices in micro-units, amounts
// in minor units), with the supplier taken from the partner profile and
// never from the file. They are stored as JSON on the set's row, so a
// parked set is retried without reading the file again.

// Line outcomes of an acknowledgement (DESIGN section 5).
const (
	LineAccepted        = "accepted"
	LineRejected        = "rejected"
	LineQuantityChanged = "quantity_changed"
	LineDateChanged     = "date_changed"
	LinePriceChanged    = "price_changed"
	LineBackordered     = "backordered"
	LineOnHold          = "on_hold"
)

// AckCommand is an 855 as the acknowledgement command's input.
type AckCommand struct {
	SourceRef           string           `json:"source_ref"`
	SupplierID          int64            `json:"supplier_id"`
	PONumber            string           `json:"po_number"`
	POID                int64            `json:"po_id,omitempty"`
	AckType             string           `json:"ack_type"` // BAK02
	Rejected            bool             `json:"rejected"` // BAK02 RJ/RD: the whole order refused
	SupplierOrderNumber string           `json:"supplier_order_number,omitempty"`
	AckDate             *time.Time       `json:"ack_date,omitempty"`
	Lines               []AckLineCommand `json:"lines"`
}

// AckLineCommand is one acknowledged line.
type AckLineCommand struct {
	LineNo          int        `json:"line_no"`
	BuyerPart       string     `json:"buyer_part,omitempty"`
	VendorPart      string     `json:"vendor_part,omitempty"`
	Outcome         string     `json:"outcome"`
	X12Status       string     `json:"x12_status"`
	Quantity        int64      `json:"quantity"` // the quantity the supplier confirms (ACK02, else PO102)
	Unit            string     `json:"unit,omitempty"`
	UnitPriceMicros *int64     `json:"unit_price_micros,omitempty"`
	PromisedAt      *time.Time `json:"promised_at,omitempty"`
	// Backordered is the quantity of IB/BP acks on the line.
	Backordered int64 `json:"backordered,omitempty"`
}

// ASNCommand is an 856 as the ship-notice command's input.
type ASNCommand struct {
	SourceRef    string            `json:"source_ref"`
	SupplierID   int64             `json:"supplier_id"`
	ShipmentID   string            `json:"shipment_id"`
	ShippedAt    *time.Time        `json:"shipped_at,omitempty"`
	ExpectedAt   *time.Time        `json:"expected_at,omitempty"`
	Carrier      string            `json:"carrier,omitempty"`
	BillOfLading string            `json:"bill_of_lading,omitempty"`
	Orders       []ASNOrderCommand `json:"orders"`
}

// ASNOrderCommand is the part of a shipment for one purchase order.
type ASNOrderCommand struct {
	PONumber string           `json:"po_number"`
	POID     int64            `json:"po_id,omitempty"`
	Lines    []ASNLineCommand `json:"lines"`
}

// ASNLineCommand is one shipped item, with the pack it travels in.
type ASNLineCommand struct {
	LineNo     int    `json:"line_no,omitempty"`
	BuyerPart  string `json:"buyer_part,omitempty"`
	VendorPart string `json:"vendor_part,omitempty"`
	UPC        string `json:"upc,omitempty"`
	Quantity   int64  `json:"quantity"`
	Unit       string `json:"unit,omitempty"`
	SSCC       string `json:"sscc,omitempty"`
}

// InvoiceCommand is an 810 as the invoice command's input.
type InvoiceCommand struct {
	SourceRef     string               `json:"source_ref"`
	SupplierID    int64                `json:"supplier_id"`
	InvoiceNumber string               `json:"invoice_number"`
	InvoiceDate   time.Time            `json:"invoice_date"`
	PONumber      string               `json:"po_number"`
	POID          int64                `json:"po_id,omitempty"`
	Credit        bool                 `json:"credit,omitempty"` // BIG07 CR
	Currency      string               `json:"currency"`
	TotalMinor    int64                `json:"total_minor"` // TDS01
	TaxMinor      int64                `json:"tax_minor,omitempty"`
	Lines         []InvoiceLineCommand `json:"lines"`
	Charges       []ChargeCommand      `json:"charges,omitempty"`
}

// InvoiceLineCommand is one invoiced line.
type InvoiceLineCommand struct {
	LineNo          int    `json:"line_no,omitempty"`
	BuyerPart       string `json:"buyer_part,omitempty"`
	VendorPart      string `json:"vendor_part,omitempty"`
	UPC             string `json:"upc,omitempty"`
	Quantity        int64  `json:"quantity"`
	Unit            string `json:"unit,omitempty"`
	UnitPriceMicros int64  `json:"unit_price_micros"`
	AmountMinor     int64  `json:"amount_minor"`
}

// ChargeCommand is an allowance (negative) or charge (positive).
type ChargeCommand struct {
	Code        string `json:"code,omitempty"`
	Description string `json:"description,omitempty"`
	AmountMinor int64  `json:"amount_minor"`
	LineNo      int    `json:"line_no,omitempty"`
}

// MapAck turns an 855 into the acknowledgement command input.
func MapAck(doc *edi.Ack855, supplierID int64, sourceRef string) (AckCommand, error) {
	cmd := AckCommand{SourceRef: sourceRef, SupplierID: supplierID, PONumber: strings.TrimSpace(doc.PONumber),
		AckType: doc.AckType, Rejected: doc.AckType == "RJ" || doc.AckType == "RD", SupplierOrderNumber: doc.OrderNumber,
		AckDate: timeOf(doc.AckDate), Lines: []AckLineCommand{}}
	if cmd.PONumber == "" {
		return cmd, fault.FieldErr("po_number", "the 855 names no purchase order (BAK03)")
	}
	for i, l := range doc.Lines {
		where := fmt.Sprintf("line %d", i+1)
		no, err := lineNo(l.LineNumber, i)
		if err != nil {
			return cmd, err
		}
		lc := AckLineCommand{LineNo: no, BuyerPart: l.BuyerPart, VendorPart: l.VendorPart, X12Status: l.Status, Unit: l.Unit}
		lc.Outcome = lineOutcome(l.Status)
		if lc.Outcome == "" {
			lc.Outcome = LineAccepted
			if cmd.Rejected {
				lc.Outcome = LineRejected
			}
		}
		if !l.Quantity.IsZero() {
			if lc.Quantity, err = wholeQuantity(l.Quantity, where); err != nil {
				return cmd, err
			}
		}
		if !l.UnitPrice.IsZero() {
			p, err := l.UnitPrice.Scaled(matching.PriceScale)
			if err != nil {
				return cmd, fault.FieldErr(where+".unit_price", "%s is out of range", l.UnitPrice)
			}
			lc.UnitPriceMicros = &p
		}
		for j, a := range l.Acks {
			q := int64(0)
			if !a.Quantity.IsZero() {
				if q, err = wholeQuantity(a.Quantity, fmt.Sprintf("%s ack %d", where, j+1)); err != nil {
					return cmd, err
				}
			}
			if a.Unit != "" && lc.Unit == "" {
				lc.Unit = a.Unit
			}
			switch lineOutcome(a.Status) {
			case LineBackordered:
				lc.Backordered += q
			default:
				if j == 0 && !a.Quantity.IsZero() {
					lc.Quantity = q
				}
			}
			if !a.Date.IsZero() && lc.PromisedAt == nil {
				lc.PromisedAt = timeOf(a.Date)
			}
		}
		cmd.Lines = append(cmd.Lines, lc)
	}
	return cmd, nil
}

// lineOutcome maps ACK01 to pogate's line outcomes; "" for codes that
// say nothing about the line's fate.
func lineOutcome(code string) string {
	switch code {
	case "IA", "AC", "AR", "IE", "IS", "IC":
		return LineAccepted
	case "IR", "ID", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8":
		return LineRejected
	case "IQ":
		return LineQuantityChanged
	case "DR":
		return LineDateChanged
	case "IP":
		return LinePriceChanged
	case "IB", "BP", "SP":
		return LineBackordered
	case "IF", "IH", "IW":
		return LineOnHold
	}
	return ""
}

// MapASN turns an 856 into the ship-notice command input, flattening the
// HL tree (S-O-P-I or S-O-I-P) into lines that carry their pack's SSCC.
func MapASN(doc *edi.ASN856, supplierID int64, sourceRef string) (ASNCommand, error) {
	cmd := ASNCommand{SourceRef: sourceRef, SupplierID: supplierID, ShipmentID: strings.TrimSpace(doc.ShipmentID),
		Carrier: doc.Carrier, Orders: []ASNOrderCommand{}}
	if cmd.ShipmentID == "" {
		return cmd, fault.FieldErr("shipment_id", "the 856 has no shipment id (BSN02)")
	}
	for _, d := range doc.Dates {
		switch d.Qualifier {
		case "011":
			cmd.ShippedAt = timeOf(d.Date)
		case "017", "067":
			cmd.ExpectedAt = timeOf(d.Date)
		}
	}
	if cmd.ShippedAt == nil {
		cmd.ShippedAt = timeOf(doc.Date)
	}
	for _, r := range doc.References {
		if r.Qualifier == "BM" {
			cmd.BillOfLading = r.Value
		}
	}
	byPO := map[string]int{}
	order := func(po string) *ASNOrderCommand {
		po = strings.TrimSpace(po)
		i, ok := byPO[po]
		if !ok {
			i = len(cmd.Orders)
			byPO[po] = i
			cmd.Orders = append(cmd.Orders, ASNOrderCommand{PONumber: po, Lines: []ASNLineCommand{}})
		}
		return &cmd.Orders[i]
	}
	var firstErr error
	add := func(po string, it *edi.ASNItem, sscc string) {
		if firstErr != nil {
			return
		}
		if it.PONumber != "" {
			po = it.PONumber
		}
		if strings.TrimSpace(po) == "" {
			firstErr = fault.FieldErr("po_number", "item %s ships without a purchase order number (PRF01)", itemName(&it.Item, it.LineNumber))
			return
		}
		q, err := wholeQuantity(it.Quantity, "item "+itemName(&it.Item, it.LineNumber))
		if err != nil {
			firstErr = err
			return
		}
		no, _ := strconv.Atoi(strings.TrimSpace(it.LineNumber))
		if sscc == "" && len(it.Packs) == 1 {
			sscc = it.Packs[0].SSCC
		}
		o := order(po)
		o.Lines = append(o.Lines, ASNLineCommand{LineNo: no, BuyerPart: it.BuyerPart, VendorPart: it.VendorPart, UPC: it.UPC,
			Quantity: q, Unit: it.Unit, SSCC: sscc})
	}
	var walkPack func(po string, p *edi.ASNPack)
	walkPack = func(po string, p *edi.ASNPack) {
		for _, it := range p.Items {
			add(po, it, p.SSCC)
		}
		for _, sub := range p.Packs {
			walkPack(po, sub)
		}
	}
	for _, o := range doc.Orders {
		if strings.TrimSpace(o.PONumber) == "" {
			return cmd, fault.FieldErr("po_number", "an order level of the 856 has no purchase order number (PRF01)")
		}
		order(o.PONumber)
		for _, p := range o.Packs {
			walkPack(o.PONumber, p)
		}
		for _, it := range o.Items {
			add(o.PONumber, it, "")
		}
	}
	for _, it := range doc.Items {
		add("", it, "")
	}
	if firstErr != nil {
		return cmd, firstErr
	}
	if len(cmd.Orders) == 0 {
		return cmd, fault.FieldErr("orders", "the 856 names no purchase order")
	}
	for _, o := range cmd.Orders {
		if len(o.Lines) == 0 {
			return cmd, fault.FieldErr("orders", "purchase order %s is listed with nothing shipped (no item level under it)", o.PONumber)
		}
	}
	return cmd, nil
}

// MapInvoice turns an 810 into the invoice command input. currency is the
// supplier's when the invoice has no CUR segment.
func MapInvoice(doc *edi.Invoice810, supplierID int64, currency, sourceRef string) (InvoiceCommand, error) {
	cmd := InvoiceCommand{SourceRef: sourceRef, SupplierID: supplierID, InvoiceNumber: strings.TrimSpace(doc.InvoiceNumber),
		PONumber: strings.TrimSpace(doc.PONumber), Credit: doc.Type == "CR", Currency: currency, Lines: []InvoiceLineCommand{}}
	if doc.Currency != "" {
		cmd.Currency = doc.Currency
	}
	exp, ok := matching.CurrencyExponent(cmd.Currency)
	if !ok {
		return cmd, fault.FieldErr("currency", "unknown currency %q", cmd.Currency)
	}
	if cmd.InvoiceNumber == "" {
		return cmd, fault.FieldErr("invoice_number", "the 810 has no invoice number (BIG02)")
	}
	if cmd.PONumber == "" {
		return cmd, fault.FieldErr("po_number", "the 810 names no purchase order (BIG04)")
	}
	if t := timeOf(doc.InvoiceDate); t != nil {
		cmd.InvoiceDate = *t
	}
	var err error
	if cmd.TotalMinor, err = minor(doc.Total, exp, "total"); err != nil {
		return cmd, err
	}
	for _, tx := range doc.Taxes {
		m, err := minor(tx.Amount, exp, "tax")
		if err != nil {
			return cmd, err
		}
		cmd.TaxMinor += m
	}
	for i, l := range doc.Lines {
		where := fmt.Sprintf("line %d", i+1)
		no, err := lineNo(l.LineNumber, i)
		if err != nil {
			return cmd, err
		}
		q, err := wholeQuantity(l.Quantity, where)
		if err != nil {
			return cmd, err
		}
		price, err := l.UnitPrice.Scaled(matching.PriceScale)
		if err != nil {
			return cmd, fault.FieldErr(where+".unit_price", "%s is out of range", l.UnitPrice)
		}
		amount, err := matching.CheckedLineAmount(q, price, exp)
		if err != nil {
			return cmd, fault.FieldErr(where, "amount of %d × %s does not fit: %v", q, l.UnitPrice, err)
		}
		cmd.Lines = append(cmd.Lines, InvoiceLineCommand{LineNo: no, BuyerPart: l.BuyerPart, VendorPart: l.VendorPart, UPC: l.UPC,
			Quantity: q, Unit: l.Unit, UnitPriceMicros: price, AmountMinor: amount})
		for _, tx := range l.Taxes {
			m, err := minor(tx.Amount, exp, where+" tax")
			if err != nil {
				return cmd, err
			}
			cmd.TaxMinor += m
		}
		for _, ch := range l.Charges {
			c, err := chargeOf(ch, exp, no)
			if err != nil {
				return cmd, err
			}
			cmd.Charges = append(cmd.Charges, c)
		}
	}
	for _, ch := range doc.Charges {
		c, err := chargeOf(ch, exp, 0)
		if err != nil {
			return cmd, err
		}
		cmd.Charges = append(cmd.Charges, c)
	}
	return cmd, nil
}

func chargeOf(ch edi.Charge, exp, lineNo int) (ChargeCommand, error) {
	m, err := minor(ch.Amount, exp, "charge "+ch.Code)
	if err != nil {
		return ChargeCommand{}, err
	}
	if ch.Indicator == "A" && m > 0 {
		m = -m
	}
	return ChargeCommand{Code: ch.Code, Description: ch.Description, AmountMinor: m, LineNo: lineNo}, nil
}

// wholeQuantity refuses negative and fractional quantities: pogate keeps
// quantities as whole numbers of the line's unit.
func wholeQuantity(d edi.Decimal, where string) (int64, error) {
	if d.Sign() < 0 {
		return 0, fault.FieldErr(where+".quantity", "quantity %s is negative", d)
	}
	if !d.Decimal().IsInteger() {
		return 0, fault.FieldErr(where+".quantity", "quantity %s is not a whole number; send whole units of the line's unit of measure", d)
	}
	q, err := d.Scaled(0)
	if err != nil {
		return 0, fault.FieldErr(where+".quantity", "quantity %s is out of range", d)
	}
	return q, nil
}

func minor(d edi.Decimal, exp int, what string) (int64, error) {
	if d.IsZero() {
		return 0, nil
	}
	m, err := d.Scaled(int32(exp))
	if err != nil {
		return 0, fault.FieldErr(what, "amount %s is out of range", d)
	}
	return m, nil
}

// lineNo reads PO101/IT101 as the PO line number; an empty one counts the
// lines in order.
func lineNo(s string, i int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return i + 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fault.FieldErr(fmt.Sprintf("line %d", i+1), "line number %q is not a positive whole number", s)
	}
	return n, nil
}

func itemName(it *edi.Item, line string) string {
	for _, v := range []string{it.BuyerPart, it.VendorPart, it.UPC, line} {
		if v != "" {
			return v
		}
	}
	return "?"
}

func timeOf(d edi.Date) *time.Time {
	if d.IsZero() {
		return nil
	}
	t := d.Time()
	return &t
}
