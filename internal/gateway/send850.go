package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
	"gorm.io/gorm"
)

// Sent is an outbound file the gateway wrote.
type Sent struct {
	File  store.EDIFile
	Bytes []byte
}

// Send850 renders purchase order poID as an X12 850 for its supplier's
// trading partner (ids, version and delimiters from the partner profile),
// numbers it with the partner's next interchange control number, records it
// as an outbound file (with its 997 deadline when the partner sends 997s)
// and writes it to the partner's outbox once recorded. It runs its own
// transaction; dispatch, which sends inside its own, uses Render850. It
// does not change the PO's status (sending is the dispatch command's
// transition).
//
// Each call sends a new interchange with a new control number: a resend is
// a new file, and no number is ever used twice for a partner.
func (g *Gateway) Send850(ctx context.Context, actor store.Actor, poID int64) (Sent, error) {
	head, err := g.store.PO(ctx, poID, 0)
	if err != nil {
		return Sent{}, err
	}
	partner, err := g.store.EDIPartnerOfSupplier(ctx, head.SupplierID)
	if err != nil && !fault.Is(err, fault.NotFound) {
		return Sent{}, err
	}
	var sent Sent
	err = g.store.InTx(ctx, func(tx *store.Tx) error {
		// Writing first takes the partner's lock before anything is read
		// (see store.Tx.LockEDIPartner); Send850Tx takes it again, harmlessly.
		if partner.ID != 0 {
			if err := tx.LockEDIPartner(partner.ID); err != nil {
				return err
			}
		}
		po, err := tx.LockPO(poID, 0)
		if err != nil {
			return err
		}
		var sup store.Supplier
		if err := tx.DB().Where("id = ?", po.SupplierID).Take(&sup).Error; err != nil {
			return fmt.Errorf("gateway: supplier of %s: %w", po.Number, err)
		}
		sent, err = g.Send850Tx(ctx, tx, actor, po, sup)
		return err
	})
	return sent, err
}

// Render850 implements procure.EDIRenderer for the dispatch step: it runs
// Send850Tx inside the send's transaction and returns the reference kept
// with the dispatch attempt.
func (g *Gateway) Render850(ctx context.Context, tx *store.Tx, po store.PurchaseOrder, sup store.Supplier) (string, error) {
	sent, err := g.Send850Tx(ctx, tx, store.System("dispatch"), po, sup)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("850 ISA13 %d edi_file %d %s", *sent.File.ControlNumber, sent.File.ID, sent.File.Filename), nil
}

// Send850Tx is Send850 inside the caller's transaction; the outbox file is
// written when that transaction commits.
func (g *Gateway) Send850Tx(ctx context.Context, tx *store.Tx, actor store.Actor, po store.PurchaseOrder, sup store.Supplier) (Sent, error) {
	switch po.Status {
	case store.POStatusApproved, store.POStatusSent, store.POStatusAcknowledged:
	default:
		return Sent{}, fault.New(fault.Conflict, "purchase order %s is %s; only approved or sent orders go out as an 850", po.Number, po.Status)
	}
	var p store.EDIPartner
	if err := tx.DB().Where("supplier_id = ?", po.SupplierID).Order("id").Take(&p).Error; err != nil {
		if isNotFound(err) {
			return Sent{}, fault.New(fault.Unprocessable, "the supplier of %s has no EDI partner profile; add one or send the order another way", po.Number)
		}
		return Sent{}, fmt.Errorf("gateway: partner of %s: %w", po.Number, err)
	}
	if len(po.Lines) == 0 {
		if err := tx.DB().Where("po_id = ?", po.ID).Order("line_no").Find(&po.Lines).Error; err != nil {
			return Sent{}, fmt.Errorf("gateway: lines of %s: %w", po.Number, err)
		}
	}
	doc, err := build850(tx.DB(), po, sup)
	if err != nil {
		return Sent{}, err
	}
	if err := tx.LockEDIPartner(p.ID); err != nil {
		return Sent{}, err
	}
	n, err := tx.NextControlNumber(p.ID)
	if err != nil {
		return Sent{}, err
	}
	now := tx.Now()
	env := Envelope850(p, n, now)
	var buf bytes.Buffer
	if err := edi.Write850(&buf, doc, env); err != nil {
		return Sent{}, fault.Wrap(fault.Unprocessable, err, "purchase order %s cannot be written as an 850: %v", po.Number, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	name := fmt.Sprintf("850-%s-%09d.edi", safeName(po.Number), n)
	f := store.EDIFile{Direction: store.EDIOutbound, Kind: "850", PartnerID: ptr(p.ID), SupplierID: ptr(p.SupplierID),
		Source: "gateway", Filename: name, SHA256: hex.EncodeToString(sum[:]), SizeBytes: int64(buf.Len()), Status: store.EDIFileSent,
		SenderQualifier: env.SenderQualifier, SenderID: env.SenderID, ReceiverQualifier: env.ReceiverQualifier, ReceiverID: env.ReceiverID,
		InterchangeControl: fmt.Sprintf("%09d", n), ControlNumber: ptr(n), POID: ptr(po.ID), ReceivedBy: actor.Label, ProcessedAt: ptr(now)}
	if p.Expects997 {
		hours := p.AckWindowHours
		if hours <= 0 {
			hours = 24
		}
		f.AckStatus, f.AckDueAt = store.EDIAckAwaiting, ptr(now.Add(time.Duration(hours)*time.Hour))
	}
	if err := tx.InsertEDIFile(&f, buf.Bytes()); err != nil {
		return Sent{}, err
	}
	if err := tx.Audit(actor, "po.edi_850_written", "purchase_order", po.ID, po.SupplierID, nil,
		map[string]any{"edi_file_id": f.ID, "control_number": n, "partner": p.Name}); err != nil {
		return Sent{}, err
	}
	g.stage(tx, p, name, buf.Bytes())
	return Sent{File: f, Bytes: buf.Bytes()}, nil
}

// Envelope850 addresses an interchange to partner p from the profile.
func Envelope850(p store.EDIPartner, control int64, now time.Time) edi.Envelope {
	env := edi.Envelope{SenderQualifier: p.OurISAQualifier, SenderID: p.OurISAID, ReceiverQualifier: p.ISAQualifier, ReceiverID: p.ISAID,
		GroupSenderID: orDefault(p.OurGSID, p.OurISAID), GroupReceiverID: orDefault(p.GSID, p.ISAID),
		ControlNumber: control, GroupControlNumber: control, Version: p.Version, AckRequested: false, Usage: "P", Time: now,
		Delimiters: delimitersOf(p)}
	if len(env.Version) != 5 {
		env.Version = "00401"
	}
	// ISA12 00401 → GS08 004010, 00501 → 005010.
	env.GroupVersion = "00" + env.Version[2:] + "0"
	return env
}

// build850 turns a PO into the edi package's typed 850: our SKU as the
// buyer's part, the supplier's part as the vendor's, whole quantities,
// unit prices with their trailing zeros dropped, the expected date per line.
func build850(db *gorm.DB, po store.PurchaseOrder, sup store.Supplier) (*edi.PO850, error) {
	exp, ok := matching.CurrencyExponent(po.Currency)
	if !ok {
		return nil, fault.New(fault.Unprocessable, "purchase order %s has unknown currency %q", po.Number, po.Currency)
	}
	ids := make([]int64, 0, len(po.Lines))
	for _, l := range po.Lines {
		ids = append(ids, l.ProductID)
	}
	var products []store.Product
	if err := db.Where("id IN ?", ids).Find(&products).Error; err != nil {
		return nil, fmt.Errorf("gateway: products of %s: %w", po.Number, err)
	}
	sku := map[int64]string{}
	for _, pr := range products {
		sku[pr.ID] = pr.SKU
	}
	date := po.CreatedAt
	if po.ApprovedAt != nil {
		date = *po.ApprovedAt
	}
	doc := &edi.PO850{Purpose: "00", OrderType: "SA", PONumber: po.Number, PODate: edi.DateOf(date.UTC()), Currency: po.Currency,
		Parties: []edi.Party{{Role: "VN", Name: sup.Name, IDQualifier: "92", ID: sup.Code}}}
	var brand store.BrandSettings
	if err := db.Take(&brand).Error; err == nil && brand.Name != "" {
		doc.Parties = append([]edi.Party{{Role: "BY", Name: brand.Name}}, doc.Parties...)
	}
	for _, l := range po.Lines {
		line := edi.POLine{LineNumber: strconv.Itoa(l.LineNo), Quantity: edi.NewDecimal(l.Quantity, 0), Unit: orDefault(l.Unit, "EA"),
			UnitPrice: trimmed(l.UnitPriceMicros, matching.PriceScale), PriceBasis: "PE"}
		line.BuyerPart, line.VendorPart, line.Description = sku[l.ProductID], l.SupplierPart, l.Description
		if l.ExpectedAt != nil {
			line.Dates = []edi.DateRef{{Qualifier: "002", Date: edi.DateOf(l.ExpectedAt.UTC())}}
		}
		doc.Lines = append(doc.Lines, line)
	}
	if len(doc.Lines) == 0 {
		return nil, fault.New(fault.Unprocessable, "purchase order %s has no lines", po.Number)
	}
	doc.Total = trimmed(po.TotalMinor, exp)
	return doc, nil
}

// trimmed is units×10^-scale with trailing zero decimals dropped
// ("2.125", not "2.125000"), down to a whole number.
func trimmed(units int64, scale int) edi.Decimal {
	for scale > 0 && units%10 == 0 {
		units /= 10
		scale--
	}
	return edi.NewDecimal(units, int32(scale))
}
