package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"gorm.io/gorm"
)

// ASN statuses. An ASN is open (goods in transit) until a receipt takes it
// in, its PO is closed or cancelled, or every line is received.
const (
	ASNStatusOpen     = "open"
	ASNStatusReceived = "received"
	ASNStatusClosed   = "closed"
)

// ASN is an advance ship notice for one PO.
type ASN struct {
	ID         int64 `gorm:"primaryKey"`
	Number     string
	SupplierID int64
	POID       int64 `gorm:"column:po_id"`
	// ShipmentID is the supplier's own shipment number (856 BSN02).
	ShipmentID string
	ShipDate   *time.Time
	ExpectedAt *time.Time
	Carrier    string
	Tracking   string
	Status     string
	// Channel is how the ASN arrived: portal, api, edi, email.
	Channel    string
	Notes      string
	ReceivedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Lines      []ASNLine `gorm:"foreignKey:ASNID"`
	Packs      []ASNPack `gorm:"foreignKey:ASNID"`
}

func (ASN) TableName() string { return "asns" }

// ASNLine is the shipped quantity of one PO line, in the line's purchase unit.
type ASNLine struct {
	ID          int64 `gorm:"primaryKey"`
	ASNID       int64 `gorm:"column:asn_id"`
	SupplierID  int64
	POLineID    int64 `gorm:"column:po_line_id"`
	ProductID   int64
	LineNo      int
	Quantity    int64
	ReceivedQty int64
}

func (ASNLine) TableName() string { return "asn_lines" }

// InTransit is what is shipped on this line and not yet received.
func (l ASNLine) InTransit() int64 {
	if q := l.Quantity - l.ReceivedQty; q > 0 {
		return q
	}
	return 0
}

// ASNPack is a carton (level P) or pallet (level T) identified by its SSCC.
type ASNPack struct {
	ID         int64 `gorm:"primaryKey"`
	ASNID      int64 `gorm:"column:asn_id"`
	SupplierID int64
	ParentID   *int64
	Level      string
	SSCC       string           `gorm:"column:sscc"`
	Contents   []ASNPackContent `gorm:"foreignKey:PackID"`
	// ParentIndex is, on insert only, the index in ASN.Packs of the pallet
	// holding this pack (-1 for none); InsertASN turns it into ParentID.
	ParentIndex int `gorm:"-" json:"-"`
}

func (ASNPack) TableName() string { return "asn_packs" }

// ASNPackContent says how much of one ASN line is in one pack.
type ASNPackContent struct {
	ID        int64 `gorm:"primaryKey"`
	PackID    int64
	ASNLineID int64 `gorm:"column:asn_line_id"`
	Quantity  int64
	// LineIndex is, on insert only, the index in ASN.Lines of the line
	// packed; InsertASN turns it into ASNLineID.
	LineIndex int `gorm:"-" json:"-"`
}

func (ASNPackContent) TableName() string { return "asn_pack_contents" }

func init() {
	RegisterModel(&ASN{})
	RegisterModel(&ASNLine{})
	RegisterModel(&ASNPack{})
	RegisterModel(&ASNPackContent{})
}

// NormalizeSSCC strips spaces and a leading "(00)"/"00" application
// identifier from a scanned or keyed SSCC, so "(00) 0 0614141 123456789 0"
// and the bare 18 digits compare equal.
func NormalizeSSCC(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r', '\v', '\f', '(', ')':
		default:
			b = append(b, c)
		}
	}
	s = string(b)
	if len(s) == 20 && strings.HasPrefix(s, "00") {
		s = s[2:]
	}
	return s
}

// ValidSSCC reports whether s is 18 digits with a correct GS1 mod-10 check
// digit (the same algorithm as GTINs: weights 3,1,3,... from the right).
func ValidSSCC(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 16; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if (16-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	last := s[17]
	return last >= '0' && last <= '9' && int(last-'0') == (10-sum%10)%10
}

// InsertASN numbers and writes an ASN with its lines and packs. Packs refer
// to their pallet by ParentIndex (an earlier index in asn.Packs, -1 none) and
// their contents to lines by LineIndex; ids are filled in here.
func (tx *Tx) InsertASN(asn *ASN) error {
	if err := requireSupplier(asn.SupplierID); err != nil {
		return err
	}
	var dup ASN
	res := tx.db.Where("supplier_id = ? AND shipment_id = ? AND po_id = ?", asn.SupplierID, asn.ShipmentID, asn.POID).Limit(1).Find(&dup)
	if res.Error != nil {
		return notFound(res.Error, "ASN")
	}
	if res.RowsAffected > 0 {
		return fault.FieldErr("shipment_id", "shipment %q was already notified for this purchase order as %s; send a new shipment id for a new shipment", asn.ShipmentID, dup.Number)
	}
	n, err := tx.NextValue("asn_number")
	if err != nil {
		return err
	}
	asn.Number = fmt.Sprintf("ASN-%06d", n)
	if asn.Status == "" {
		asn.Status = ASNStatusOpen
	}
	now := tx.Now()
	asn.CreatedAt, asn.UpdatedAt = now, now
	lines, packs := asn.Lines, asn.Packs
	asn.Lines, asn.Packs = nil, nil
	if err := tx.db.Create(asn).Error; err != nil {
		return notFound(err, "ASN")
	}
	for i := range lines {
		lines[i].ID, lines[i].ASNID, lines[i].SupplierID = 0, asn.ID, asn.SupplierID
	}
	if len(lines) > 0 {
		if err := tx.db.Create(&lines).Error; err != nil {
			return notFound(err, "ASN lines")
		}
	}
	for i := range packs {
		p := &packs[i]
		p.ID, p.ASNID, p.SupplierID, p.ParentID = 0, asn.ID, asn.SupplierID, nil
		if p.ParentIndex >= 0 && p.ParentIndex < i {
			parent := packs[p.ParentIndex].ID
			p.ParentID = &parent
		}
		contents := p.Contents
		p.Contents = nil
		if err := tx.db.Create(p).Error; err != nil {
			return notFound(err, "ASN pack "+p.SSCC)
		}
		for j := range contents {
			c := &contents[j]
			if c.LineIndex < 0 || c.LineIndex >= len(lines) {
				return fmt.Errorf("store: ASN pack %s refers to line index %d of %d", p.SSCC, c.LineIndex, len(lines))
			}
			c.ID, c.PackID, c.ASNLineID = 0, p.ID, lines[c.LineIndex].ID
		}
		if len(contents) > 0 {
			if err := tx.db.Create(&contents).Error; err != nil {
				return notFound(err, "ASN pack contents")
			}
		}
		p.Contents = contents
	}
	asn.Lines, asn.Packs = lines, packs
	return nil
}

// InTransitByPOLine sums, per PO line of one PO, what open ASNs ship and
// receipts have not yet taken in. exceptASN > 0 leaves that ASN out.
func (tx *Tx) InTransitByPOLine(poID, exceptASN int64) (map[int64]int64, error) {
	var rows []struct {
		POLineID int64
		Qty      int64
	}
	err := tx.db.Table("asn_lines").
		Select("asn_lines.po_line_id AS po_line_id, SUM(asn_lines.quantity - asn_lines.received_qty) AS qty").
		Joins("JOIN asns ON asns.id = asn_lines.asn_id").
		Where("asns.po_id = ? AND asns.status = ? AND asns.id <> ? AND asn_lines.quantity > asn_lines.received_qty", poID, ASNStatusOpen, exceptASN).
		Group("asn_lines.po_line_id").Scan(&rows).Error
	if err != nil {
		return nil, notFound(err, "ASN lines")
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.POLineID] = r.Qty
	}
	return out, nil
}

// InTransitByProduct is the stock-unit quantity shipped on open ASNs and not
// yet received, per product: shipped minus received, times the PO line's
// units per purchase unit, on POs still open (an ASN left open on a PO that
// was cancelled or fully received is not stock on its way). It is part of
// on-order (not in addition to it). Empty productIDs means all.
func (s *Store) InTransitByProduct(ctx context.Context, productIDs []int64) (map[int64]int64, error) {
	return InTransitByProductDB(s.db.WithContext(ctx), productIDs)
}

// InTransitByProductDB is InTransitByProduct on a caller's handle (a
// transaction or a read projection's *gorm.DB).
func InTransitByProductDB(db *gorm.DB, productIDs []int64) (map[int64]int64, error) {
	var rows []struct {
		ProductID int64
		Qty       int64
	}
	q := db.Table("asn_lines").
		Select("asn_lines.product_id AS product_id, SUM((asn_lines.quantity - asn_lines.received_qty) * po_lines.units_per_purchase_unit) AS qty").
		Joins("JOIN asns ON asns.id = asn_lines.asn_id").
		Joins("JOIN po_lines ON po_lines.id = asn_lines.po_line_id").
		Joins("JOIN purchase_orders ON purchase_orders.id = asns.po_id").
		Where("asns.status = ? AND asn_lines.quantity > asn_lines.received_qty AND purchase_orders.status IN ?", ASNStatusOpen, OpenPOStatuses)
	if len(productIDs) > 0 {
		q = q.Where("asn_lines.product_id IN ?", productIDs)
	}
	if err := q.Group("asn_lines.product_id").Scan(&rows).Error; err != nil {
		return nil, notFound(err, "in-transit stock")
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.ProductID] = r.Qty
	}
	return out, nil
}

// LockASN reads an ASN with its lines for change; supplierID != 0 scopes it (a negative id matches nothing).
// Callers lock the ASN's PO first, which serialises every change to both.
func (tx *Tx) LockASN(id, supplierID int64) (ASN, error) {
	var a ASN
	q := tx.store.forUpdate(tx.db.Where("id = ?", id))
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	if err := q.Take(&a).Error; err != nil {
		return a, notFound(err, "ASN")
	}
	if err := tx.db.Where("asn_id = ?", a.ID).Order("line_no, id").Find(&a.Lines).Error; err != nil {
		return a, notFound(err, "ASN lines")
	}
	return a, nil
}

// OpenASNLinesForPO lists the open ASN lines of one PO, oldest ASN first:
// a receipt without an ASN reference takes goods off them in that order.
func (tx *Tx) OpenASNLinesForPO(poID int64) ([]ASNLine, error) {
	var lines []ASNLine
	err := tx.db.Table("asn_lines").Select("asn_lines.*").
		Joins("JOIN asns ON asns.id = asn_lines.asn_id").
		Where("asns.po_id = ? AND asns.status = ?", poID, ASNStatusOpen).
		Order("asns.id, asn_lines.line_no").Find(&lines).Error
	return lines, notFound(err, "ASN lines")
}

// AddASNLineReceived records qty received against an ASN line.
func (tx *Tx) AddASNLineReceived(lineID, qty int64) error {
	return notFound(tx.db.Model(&ASNLine{}).Where("id = ?", lineID).
		Update("received_qty", gormExpr("received_qty + ?", qty)).Error, "ASN line")
}

// SetASNStatus moves an ASN to status (received or closed), stamping the
// time goods were taken in for received.
func (tx *Tx) SetASNStatus(id int64, status string) error {
	fields := map[string]any{"status": status, "updated_at": tx.Now()}
	if status == ASNStatusReceived {
		fields["received_at"] = tx.Now()
	}
	return notFound(tx.db.Model(&ASN{}).Where("id = ?", id).Updates(fields).Error, "ASN")
}

// CloseOpenASNsOfPO closes every open ASN of a PO (the PO was closed or
// cancelled: what they still show as shipped will not arrive against it).
func (tx *Tx) CloseOpenASNsOfPO(poID int64) ([]int64, error) {
	var ids []int64
	if err := tx.db.Model(&ASN{}).Where("po_id = ? AND status = ?", poID, ASNStatusOpen).Pluck("id", &ids).Error; err != nil {
		return nil, notFound(err, "ASNs")
	}
	if len(ids) == 0 {
		return nil, nil
	}
	err := tx.db.Model(&ASN{}).Where("id IN ?", ids).Updates(map[string]any{"status": ASNStatusClosed, "updated_at": tx.Now()}).Error
	return ids, notFound(err, "ASNs")
}

// ASNFilter narrows an ASN listing.
type ASNFilter struct {
	SupplierID int64
	POID       int64
	Status     string
}

// ASNs lists ASN headers, newest first, with the total count.
func (s *Store) ASNs(ctx context.Context, f ASNFilter, page Page) ([]ASN, int64, error) {
	q := s.db.WithContext(ctx).Model(&ASN{})
	if f.SupplierID != 0 {
		q = q.Where("supplier_id = ?", f.SupplierID)
	}
	if f.POID > 0 {
		q = q.Where("po_id = ?", f.POID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, notFound(err, "ASNs")
	}
	var out []ASN
	err := q.Order("id DESC").Limit(page.limit()).Offset(page.offset()).Find(&out).Error
	return out, total, notFound(err, "ASNs")
}

// ASN reads one ASN with lines, packs and pack contents; supplierID > 0
// scopes it (another supplier's ASN is NotFound, like a missing one).
func (s *Store) ASN(ctx context.Context, id, supplierID int64) (ASN, error) {
	var a ASN
	q := s.db.WithContext(ctx).Where("id = ?", id)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	if err := q.Take(&a).Error; err != nil {
		return a, notFound(err, "ASN")
	}
	db := s.db.WithContext(ctx)
	if err := db.Where("asn_id = ?", a.ID).Order("line_no, id").Find(&a.Lines).Error; err != nil {
		return a, notFound(err, "ASN lines")
	}
	if err := db.Where("asn_id = ?", a.ID).Order("id").Preload("Contents", func(d *gormDB) *gormDB { return d.Order("id") }).Find(&a.Packs).Error; err != nil {
		return a, notFound(err, "ASN packs")
	}
	return a, nil
}
