package procure

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// ASNInput is a ship notice from any channel: the portal form, POST
// /api/v1/asns, or the 856 mapping (one ASNInput per PO of the shipment).
// The supplier is the actor's, never a field.
type ASNInput struct {
	// POID or PONumber names the purchase order.
	POID     int64  `json:"po_id,omitempty"`
	PONumber string `json:"po_number,omitempty"`
	// ShipmentID is the supplier's shipment number (856 BSN02); one
	// shipment id is accepted once per PO.
	ShipmentID string     `json:"shipment_id"`
	ShipDate   *time.Time `json:"ship_date,omitempty"`
	// ExpectedAt is the expected delivery; it becomes the expected date of
	// the PO lines shipped.
	ExpectedAt *time.Time     `json:"expected_delivery,omitempty"`
	Carrier    string         `json:"carrier,omitempty"`
	Tracking   string         `json:"tracking,omitempty"`
	Notes      string         `json:"notes,omitempty"`
	Lines      []ASNLineInput `json:"lines,omitempty"`
	// Packs list cartons and pallets with their SSCC and contents. A line
	// that appears only in packs is shipped with the packs' total.
	Packs []ASNPackInput `json:"packs,omitempty"`
}

// ASNLineInput is a shipped quantity of one PO line, in the line's unit.
type ASNLineInput struct {
	LineRef
	Quantity int64 `json:"quantity"`
}

// ASNPackInput is one carton ("P", the default) or pallet ("T").
type ASNPackInput struct {
	SSCC  string `json:"sscc"`
	Level string `json:"level,omitempty"`
	// ParentSSCC puts a carton on a pallet listed earlier.
	ParentSSCC string         `json:"parent_sscc,omitempty"`
	Items      []ASNLineInput `json:"items,omitempty"`
}

// Limits on what one ASN may carry; a bigger one is surely a mistake.
const (
	maxASNLines = 5000
	maxASNPacks = 20000
)

// SubmitASN records a ship notice against a PO the actor's supplier holds.
// It is refused, with the line named, when a line is not on the PO, ships
// more than is open beyond the quantity tolerance, or the PO is not (or no
// longer) out with the supplier. It sets the expected date of the shipped
// lines and puts the quantities in transit.
func (s *Service) SubmitASN(ctx context.Context, actor store.Actor, in ASNInput) (store.ASN, error) {
	var out store.ASN
	if !actor.IsSupplier() && !actor.HasRole(store.RoleBuyer) {
		return out, fault.New(fault.Forbidden, "your role (%s) may not submit ship notices", actor.Role)
	}
	if err := in.check(); err != nil {
		return out, err
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClaimWrite(); err != nil {
			return err
		}
		var err error
		out, err = s.submitASNTx(tx, actor, in)
		return err
	})
	return out, err
}

// check validates what needs no database.
func (in *ASNInput) check() error {
	in.ShipmentID = strings.TrimSpace(in.ShipmentID)
	in.Carrier, in.Tracking, in.Notes = strings.TrimSpace(in.Carrier), strings.TrimSpace(in.Tracking), strings.TrimSpace(in.Notes)
	switch {
	case in.POID == 0 && strings.TrimSpace(in.PONumber) == "":
		return fault.FieldErr("po_id", "name the purchase order by po_id or po_number")
	case in.ShipmentID == "":
		return fault.FieldErr("shipment_id", "is required: your shipment or delivery note number")
	case len(in.ShipmentID) > 80:
		return fault.FieldErr("shipment_id", "is longer than 80 characters")
	case len(in.Lines) == 0 && len(in.Packs) == 0:
		return fault.FieldErr("lines", "a ship notice needs at least one line")
	case len(in.Lines) > maxASNLines:
		return fault.FieldErr("lines", "at most %d lines per ship notice", maxASNLines)
	case len(in.Packs) > maxASNPacks:
		return fault.FieldErr("packs", "at most %d packs per ship notice", maxASNPacks)
	case in.ShipDate != nil && in.ExpectedAt != nil && in.ExpectedAt.Before(*in.ShipDate):
		return fault.FieldErr("expected_delivery", "is before the ship date")
	}
	for i, l := range in.Lines {
		if l.Quantity <= 0 {
			return fault.FieldErr("lines["+strconv.Itoa(i)+"].quantity", "must be a positive whole number, got %d", l.Quantity)
		}
	}
	for i, p := range in.Packs {
		for j, it := range p.Items {
			if it.Quantity <= 0 {
				return fault.FieldErr(fmt.Sprintf("packs[%d].items[%d].quantity", i, j), "must be a positive whole number, got %d", it.Quantity)
			}
		}
	}
	return nil
}

// poForActor finds the PO by id or number within the actor's scope and
// locks it; another supplier's PO is NotFound, exactly like a missing one.
func poForActor(tx *store.Tx, actor store.Actor, id int64, number string) (store.PurchaseOrder, error) {
	sc := scope(actor)
	if sc < 0 {
		return store.PurchaseOrder{}, fault.New(fault.NotFound, "purchase order not found")
	}
	if id == 0 {
		q := tx.DB().Model(&store.PurchaseOrder{}).Select("id").Where("number = ?", strings.TrimSpace(number))
		if sc != 0 {
			q = q.Where("supplier_id = ?", sc)
		}
		if err := q.Scan(&id).Error; err != nil {
			return store.PurchaseOrder{}, fmt.Errorf("procure: find PO %s: %w", number, err)
		}
		if id == 0 {
			return store.PurchaseOrder{}, fault.New(fault.NotFound, "purchase order %s not found", strings.TrimSpace(number))
		}
	}
	po, err := tx.LockPO(id, sc)
	if err != nil {
		return po, err
	}
	if number != "" && !strings.EqualFold(strings.TrimSpace(number), po.Number) {
		return po, fault.FieldErr("po_number", "%q does not match po_id %d (%s)", number, id, po.Number)
	}
	return po, nil
}

// notOutWithSupplier says why goods cannot be notified or received against
// a PO in its status (nil = they can).
func notOutWithSupplier(po store.PurchaseOrder, doing string) error {
	switch po.Status {
	case store.POStatusSent, store.POStatusAcknowledged, store.POStatusPartiallyReceived:
		return nil
	case store.POStatusDraft, store.POStatusPendingApproval, store.POStatusApproved:
		return fault.New(fault.Conflict, "purchase order %s has not been sent to the supplier yet (it is %s); %s only after it is sent",
			po.Number, strings.ReplaceAll(po.Status, "_", " "), doing)
	case store.POStatusCancelled:
		return fault.New(fault.Conflict, "purchase order %s was cancelled; nothing can be %s against it", po.Number, strings.TrimSuffix(doing, " goods"))
	case store.POStatusReceived:
		return fault.New(fault.Conflict, "purchase order %s is already fully received", po.Number)
	default:
		return fault.New(fault.Conflict, "purchase order %s is %s; nothing more can be %s against it", po.Number, po.Status, strings.TrimSuffix(doing, " goods"))
	}
}

func (s *Service) submitASNTx(tx *store.Tx, actor store.Actor, in ASNInput) (store.ASN, error) {
	po, err := poForActor(tx, actor, in.POID, in.PONumber)
	if err != nil {
		return store.ASN{}, err
	}
	if err := notOutWithSupplier(po, "shipped"); err != nil {
		return store.ASN{}, err
	}
	lines, err := tx.LockPOLines(po.ID)
	if err != nil {
		return store.ASN{}, err
	}
	idx, err := newPOLineIndex(tx, po.Number, lines)
	if err != nil {
		return store.ASN{}, err
	}
	asn := store.ASN{SupplierID: po.SupplierID, POID: po.ID, ShipmentID: in.ShipmentID, ShipDate: utcPtr(in.ShipDate),
		ExpectedAt: utcPtr(in.ExpectedAt), Carrier: in.Carrier, Tracking: in.Tracking, Notes: in.Notes,
		Status: store.ASNStatusOpen, Channel: channelOf(actor)}

	// ASN line per PO line: explicit lines first, then lines only in packs.
	lineOf := map[int]int{}    // PO line index -> ASN line index
	explicit := map[int]bool{} // PO line index given in Lines
	for i, l := range in.Lines {
		field := "lines[" + strconv.Itoa(i) + "]"
		li, err := idx.resolve(l.LineRef, field)
		if err != nil {
			return store.ASN{}, err
		}
		if prev, dup := lineOf[li]; dup {
			return store.ASN{}, fault.FieldErr(field, "%s is already listed as lines[%d]; give one quantity per line", idx.label(li), prev)
		}
		lineOf[li] = len(asn.Lines)
		explicit[li] = true
		asn.Lines = append(asn.Lines, store.ASNLine{POLineID: lines[li].ID, ProductID: lines[li].ProductID, LineNo: lines[li].LineNo, Quantity: l.Quantity})
	}
	packed, err := s.asnPacks(&asn, idx, lineOf, in.Packs)
	if err != nil {
		return store.ASN{}, err
	}
	for li, qty := range packed {
		ai := lineOf[li]
		if explicit[li] && qty > asn.Lines[ai].Quantity {
			return store.ASN{}, fault.FieldErr("packs", "%s: the packs hold %d but the line ships %d", idx.label(li), qty, asn.Lines[ai].Quantity)
		}
		if !explicit[li] {
			asn.Lines[ai].Quantity = qty
		}
	}

	if err := checkASNQuantities(tx, po, lines, idx, lineOf, asn.Lines); err != nil {
		return store.ASN{}, err
	}
	if err := tx.InsertASN(&asn); err != nil {
		return store.ASN{}, err
	}
	if err := s.applyASNExpected(tx, actor, &po, asn); err != nil {
		return store.ASN{}, err
	}
	return asn, tx.Audit(actor, "asn.submitted", "asn", asn.ID, asn.SupplierID, nil, asnSnapshot(po, asn))
}

// asnPacks validates SSCCs and pack nesting and attaches contents to ASN
// lines, adding lines that appear only in packs. It returns the packed
// quantity per PO line index.
func (s *Service) asnPacks(asn *store.ASN, idx *poLineIndex, lineOf map[int]int, packs []ASNPackInput) (map[int]int64, error) {
	packed := map[int]int64{}
	where := map[string]int{}
	for i, p := range packs {
		field := "packs[" + strconv.Itoa(i) + "]"
		sscc := store.NormalizeSSCC(p.SSCC)
		if !store.ValidSSCC(sscc) {
			return nil, fault.FieldErr(field+".sscc", "%q is not a valid SSCC-18 (18 digits, the last a GS1 check digit)", p.SSCC)
		}
		if prev, dup := where[sscc]; dup {
			return nil, fault.FieldErr(field+".sscc", "SSCC %s is already packs[%d]; every carton and pallet has its own", sscc, prev)
		}
		level := strings.ToUpper(strings.TrimSpace(p.Level))
		if level == "" {
			level = "P"
		}
		if level != "P" && level != "T" {
			return nil, fault.FieldErr(field+".level", "must be P (carton) or T (pallet), got %q", p.Level)
		}
		pack := store.ASNPack{SSCC: sscc, Level: level, ParentIndex: -1}
		if p.ParentSSCC != "" {
			parent, ok := where[store.NormalizeSSCC(p.ParentSSCC)]
			if !ok {
				return nil, fault.FieldErr(field+".parent_sscc", "pallet %s is not listed before this pack", p.ParentSSCC)
			}
			pack.ParentIndex = parent
		}
		seen := map[int]bool{}
		for j, it := range p.Items {
			ifield := fmt.Sprintf("%s.items[%d]", field, j)
			li, err := idx.resolve(it.LineRef, ifield)
			if err != nil {
				return nil, err
			}
			if seen[li] {
				return nil, fault.FieldErr(ifield, "%s is listed twice in pack %s", idx.label(li), sscc)
			}
			seen[li] = true
			ai, ok := lineOf[li]
			if !ok {
				ai = len(asn.Lines)
				lineOf[li] = ai
				l := idx.lines[li]
				asn.Lines = append(asn.Lines, store.ASNLine{POLineID: l.ID, ProductID: l.ProductID, LineNo: l.LineNo})
			}
			packed[li] += it.Quantity
			pack.Contents = append(pack.Contents, store.ASNPackContent{LineIndex: ai, Quantity: it.Quantity})
		}
		where[sscc] = i
		asn.Packs = append(asn.Packs, pack)
	}
	return packed, nil
}

// checkASNQuantities refuses a line that would put more on its way than the
// PO still expects, beyond the quantity tolerance: shipped now + in transit
// on other open ASNs + already received may not pass ordered − cancelled +
// allowance.
func checkASNQuantities(tx *store.Tx, po store.PurchaseOrder, lines []store.POLine, idx *poLineIndex, lineOf map[int]int, asnLines []store.ASNLine) error {
	tol, err := loadQtyTolerance(tx, po.SupplierID, lines)
	if err != nil {
		return err
	}
	transit, err := tx.InTransitByPOLine(po.ID, 0)
	if err != nil {
		return err
	}
	for li, ai := range lineOf {
		l := lines[li]
		q := asnLines[ai].Quantity
		limit := l.Quantity - l.CancelledQty + tol.allowance(l)
		if l.ReceivedQty+transit[l.ID]+q > limit {
			var already []string
			if l.ReceivedQty > 0 {
				already = append(already, fmt.Sprintf("%d already received", l.ReceivedQty))
			}
			if t := transit[l.ID]; t > 0 {
				already = append(already, fmt.Sprintf("%d already in transit on earlier ship notices", t))
			}
			if l.CancelledQty > 0 {
				already = append(already, fmt.Sprintf("%d cancelled", l.CancelledQty))
			}
			return overDeliveryError(fault.Invalid, fmt.Sprintf("lines[%d].quantity", ai), idx.label(li), "shipped", q, l, tol, already...)
		}
	}
	return nil
}

// applyASNExpected moves the expected date of the shipped lines (and the
// PO's latest expected date) to the ASN's expected delivery.
func (s *Service) applyASNExpected(tx *store.Tx, actor store.Actor, po *store.PurchaseOrder, asn store.ASN) error {
	if asn.ExpectedAt == nil {
		return nil
	}
	shipped := map[int64]bool{}
	for _, l := range asn.Lines {
		shipped[l.POLineID] = true
		if err := tx.UpdatePOLine(l.POLineID, map[string]any{"expected_at": *asn.ExpectedAt}); err != nil {
			return err
		}
	}
	lines := po.Lines
	var latest *time.Time
	for i := range lines {
		if shipped[lines[i].ID] {
			e := *asn.ExpectedAt
			lines[i].ExpectedAt = &e
		}
		if lines[i].OpenQty() > 0 && lines[i].ExpectedAt != nil && (latest == nil || lines[i].ExpectedAt.After(*latest)) {
			latest = lines[i].ExpectedAt
		}
	}
	before := po.ExpectedAt
	if latest == nil || (before != nil && before.Equal(*latest)) {
		return nil
	}
	if err := tx.SavePOHeader(po, map[string]any{"expected_at": *latest}); err != nil {
		return err
	}
	po.Lines = lines
	return tx.Audit(actor, "po.expected_changed", "purchase_order", po.ID, po.SupplierID,
		map[string]any{"expected_at": before}, map[string]any{"expected_at": latest, "asn": asn.Number})
}

func asnSnapshot(po store.PurchaseOrder, a store.ASN) map[string]any {
	lines := make([]map[string]any, 0, len(a.Lines))
	for _, l := range a.Lines {
		lines = append(lines, map[string]any{"po_line": l.LineNo, "qty": l.Quantity})
	}
	packs := make([]string, 0, len(a.Packs))
	for _, p := range a.Packs {
		packs = append(packs, p.SSCC)
	}
	return map[string]any{"number": a.Number, "po": po.Number, "shipment_id": a.ShipmentID, "ship_date": a.ShipDate,
		"expected_at": a.ExpectedAt, "carrier": a.Carrier, "tracking": a.Tracking, "lines": lines, "packs": packs}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func channelOf(a store.Actor) string {
	if a.Channel == "" {
		return "system"
	}
	return a.Channel
}

// GetASN returns an ASN the actor may see, with lines and packs.
func (s *Service) GetASN(ctx context.Context, actor store.Actor, id int64) (store.ASN, error) {
	sc := scope(actor)
	if sc < 0 {
		return store.ASN{}, fault.New(fault.NotFound, "ASN not found")
	}
	return s.Store.ASN(ctx, id, sc)
}

// ListASNs lists ASNs the actor may see.
func (s *Service) ListASNs(ctx context.Context, actor store.Actor, f store.ASNFilter, page store.Page) ([]store.ASN, int64, error) {
	if sc := scope(actor); sc != 0 {
		f.SupplierID = sc
	}
	return s.Store.ASNs(ctx, f, page)
}

// InTransit is, per product, the stock units shipped on open ASNs and not
// yet received (shipped − received against them, × units per purchase
// unit). It is part of on-order; the inventory position shows it separately.
func (s *Service) InTransit(ctx context.Context, productIDs []int64) (map[int64]int64, error) {
	return s.Store.InTransitByProduct(ctx, productIDs)
}
