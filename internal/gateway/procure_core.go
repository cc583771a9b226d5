package gateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// ProcureCore is the Core over internal/procure: 855 → procure.Acknowledge,
// 856 → procure.SubmitASN (one per PO), 810 → procure.SubmitInvoice. Each
// call is replay-safe: the set's SourceRef is the acknowledgement's
// Reference and the invoice's SourceRef, and an ASN is recognised by
// (supplier, PO, shipment id).
type ProcureCore struct {
	Service *procure.Service
}

// SubmitASN records one procure ASN per purchase order of the shipment.
// procure accepts a shipment id once per PO; an order already recorded
// under this shipment id (a replay after a crash) is taken as applied, so
// calling again with the same command changes nothing.
func (c ProcureCore) SubmitASN(ctx context.Context, actor store.Actor, cmd ASNCommand) (Applied, error) {
	var first Applied
	for _, o := range cmd.Orders {
		var existing store.ASN
		err := c.Service.Store.DB(ctx).Where("supplier_id = ? AND po_id = ? AND shipment_id = ?", cmd.SupplierID, o.POID, cmd.ShipmentID).
			Take(&existing).Error
		switch {
		case err == nil:
			if first.ID == 0 {
				first = Applied{Entity: "asn", ID: existing.ID}
			}
			continue
		case !isNotFound(err):
			return Applied{}, fmt.Errorf("gateway: looking for ASN %s: %w", cmd.ShipmentID, err)
		}
		asn, err := c.Service.SubmitASN(ctx, actor, ASNInputOf(cmd, o))
		if err != nil {
			return Applied{}, fmt.Errorf("purchase order %s: %w", o.PONumber, err)
		}
		if first.ID == 0 {
			first = Applied{Entity: "asn", ID: asn.ID}
		}
	}
	return first, nil
}

// Acknowledge records the 855 with procure.Acknowledge; Reference makes a
// replay return the first acknowledgement.
func (c ProcureCore) Acknowledge(ctx context.Context, actor store.Actor, cmd AckCommand) (Applied, error) {
	res, err := c.Service.Acknowledge(ctx, actor, AckOf(cmd))
	if err != nil {
		return Applied{}, err
	}
	return Applied{Entity: "po_acknowledgement", ID: res.Acknowledgement.ID}, nil
}

// AckOf is the procure acknowledgement of a mapped 855. A whole-order
// rejection (BAK02 RJ/RD) is RejectAll; lines on hold are left as they are.
func AckOf(cmd AckCommand) procure.Ack {
	ack := procure.Ack{POID: cmd.POID, Reference: cmd.SourceRef, Note: strings.TrimSpace("855 " + cmd.AckType + " " + cmd.SupplierOrderNumber)}
	if cmd.Rejected {
		ack.RejectAll = true
		return ack
	}
	for _, l := range cmd.Lines {
		if l.Outcome == LineOnHold {
			continue
		}
		al := procure.AckLine{LineNo: l.LineNo, Outcome: l.Outcome, Date: l.PromisedAt}
		switch l.Outcome {
		case LineQuantityChanged:
			al.Quantity = l.Quantity
		case LinePriceChanged:
			if l.UnitPriceMicros != nil {
				al.UnitPriceMicros = *l.UnitPriceMicros
			}
		}
		if l.Backordered > 0 && l.Outcome == LineAccepted {
			al.Outcome = LineBackordered
		}
		ack.Lines = append(ack.Lines, al)
	}
	return ack
}

// SubmitInvoice records the 810 with procure.SubmitInvoice; an invoice
// already stored from this set (same SourceRef) is the first result.
func (c ProcureCore) SubmitInvoice(ctx context.Context, actor store.Actor, cmd InvoiceCommand) (Applied, error) {
	var existing store.Invoice
	err := c.Service.Store.DB(ctx).Where("supplier_id = ? AND source = ? AND source_ref = ?", cmd.SupplierID, "edi", cmd.SourceRef).Take(&existing).Error
	switch {
	case err == nil:
		return Applied{Entity: "invoice", ID: existing.ID}, nil
	case !isNotFound(err):
		return Applied{}, fmt.Errorf("gateway: looking for invoice %s: %w", cmd.InvoiceNumber, err)
	}
	res, err := c.Service.SubmitInvoice(ctx, actor, InvoiceInputOf(cmd))
	if err != nil {
		return Applied{}, err
	}
	return Applied{Entity: "invoice", ID: res.Invoice.ID}, nil
}

// SubmitInvoices records many 810s with procure.SubmitInvoices (same
// results as SubmitInvoice for each in turn, in a few statements per
// table); invoices already stored from their set (a replay) are taken as
// applied, found with one query.
func (c ProcureCore) SubmitInvoices(ctx context.Context, actor store.Actor, cmds []InvoiceCommand) []CallResult {
	out := make([]CallResult, len(cmds))
	bySupplier := map[int64][]string{}
	for _, cmd := range cmds {
		bySupplier[cmd.SupplierID] = append(bySupplier[cmd.SupplierID], cmd.SourceRef)
	}
	type key struct {
		supplierID int64
		ref        string
	}
	stored := map[key]int64{}
	for supplierID, refs := range bySupplier {
		var rows []store.Invoice
		err := c.Service.Store.DB(ctx).Select("id", "source_ref").
			Where("supplier_id = ? AND source = ? AND source_ref IN ?", supplierID, "edi", refs).Find(&rows).Error
		if err != nil {
			for i := range out {
				out[i].Err = fmt.Errorf("gateway: looking for invoices already stored: %w", err)
			}
			return out
		}
		for _, r := range rows {
			stored[key{supplierID, r.SourceRef}] = r.ID
		}
	}
	var (
		ins []procure.InvoiceInput
		at  []int
	)
	for i, cmd := range cmds {
		if id, ok := stored[key{cmd.SupplierID, cmd.SourceRef}]; ok {
			out[i].Applied = Applied{Entity: "invoice", ID: id}
			continue
		}
		ins, at = append(ins, InvoiceInputOf(cmd)), append(at, i)
	}
	for lo := 0; lo < len(ins); lo += procure.MaxInvoiceBatch {
		hi := min(lo+procure.MaxInvoiceBatch, len(ins))
		outcomes, err := c.Service.SubmitInvoices(ctx, actor, ins[lo:hi])
		for k := lo; k < hi; k++ {
			switch {
			case err != nil:
				out[at[k]].Err = err
			case outcomes[k-lo].Err != nil:
				out[at[k]].Err = outcomes[k-lo].Err
			default:
				out[at[k]].Applied = Applied{Entity: "invoice", ID: outcomes[k-lo].Invoice.ID}
			}
		}
	}
	return out
}

// InvoiceInputOf is the procure invoice of a mapped 810: lines name their
// PO line by our SKU (IT1 BP) and the supplier's part; allowances are
// listed apart as positive amounts.
func InvoiceInputOf(cmd InvoiceCommand) procure.InvoiceInput {
	in := procure.InvoiceInput{SupplierID: cmd.SupplierID, POID: cmd.POID, PONumber: cmd.PONumber, Number: cmd.InvoiceNumber,
		Date: cmd.InvoiceDate, Currency: cmd.Currency, CreditNote: cmd.Credit, Source: "edi", SourceRef: cmd.SourceRef,
		TaxMinor: cmd.TaxMinor, TotalMinor: cmd.TotalMinor}
	for _, l := range cmd.Lines {
		in.Lines = append(in.Lines, procure.InvoiceLineInput{SKU: l.BuyerPart, VendorPart: l.VendorPart, Quantity: l.Quantity,
			UnitPriceMicros: l.UnitPriceMicros, AmountMinor: l.AmountMinor})
	}
	for _, ch := range cmd.Charges {
		c := procure.ChargeInput{Code: ch.Code, Description: ch.Description, AmountMinor: ch.AmountMinor}
		if c.AmountMinor < 0 {
			c.AmountMinor = -c.AmountMinor
			in.Allowances = append(in.Allowances, c)
			continue
		}
		in.Charges = append(in.Charges, c)
	}
	return in
}

// ASNInputOf is the procure input for one order of a mapped 856: items in
// a pack with an SSCC become pack contents, the rest plain lines (summed
// per PO line). Each item names its PO line by one reference only, the
// most specific the 856 carries (our SKU from BP, else the supplier's part,
// else the UPC, else LIN01), so a partner's own line numbering never
// contradicts a part number.
func ASNInputOf(cmd ASNCommand, o ASNOrderCommand) procure.ASNInput {
	in := procure.ASNInput{POID: o.POID, PONumber: o.PONumber, ShipmentID: cmd.ShipmentID, ShipDate: cmd.ShippedAt,
		ExpectedAt: cmd.ExpectedAt, Carrier: cmd.Carrier, Tracking: cmd.BillOfLading}
	packIdx := map[string]int{}
	lineIdx := map[procure.LineRef]int{}
	for _, l := range o.Lines {
		ref := lineRefOf(l)
		item := procure.ASNLineInput{LineRef: ref, Quantity: l.Quantity}
		if sscc := strings.TrimSpace(l.SSCC); sscc != "" {
			i, ok := packIdx[sscc]
			if !ok {
				i = len(in.Packs)
				packIdx[sscc] = i
				in.Packs = append(in.Packs, procure.ASNPackInput{SSCC: sscc})
			}
			in.Packs[i].Items = append(in.Packs[i].Items, item)
			continue
		}
		if i, ok := lineIdx[ref]; ok {
			in.Lines[i].Quantity += l.Quantity
			continue
		}
		lineIdx[ref] = len(in.Lines)
		in.Lines = append(in.Lines, item)
	}
	return in
}

func lineRefOf(l ASNLineCommand) procure.LineRef {
	switch {
	case l.BuyerPart != "":
		return procure.LineRef{SKU: l.BuyerPart}
	case l.VendorPart != "":
		return procure.LineRef{SupplierPart: l.VendorPart}
	case l.UPC != "":
		return procure.LineRef{GTIN: l.UPC}
	}
	return procure.LineRef{LineNo: l.LineNo}
}
