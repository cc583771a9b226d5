package store

import (
	"context"
	"time"
)

// EDIPartner is a trading partner's X12 profile: who they are in the
// envelopes, which supplier they speak for, and how their files look.
type EDIPartner struct {
	ID              int64 `gorm:"primaryKey"`
	SupplierID      int64
	Name            string
	ISAQualifier    string `gorm:"column:isa_qualifier"`
	ISAID           string `gorm:"column:isa_id"`
	GSID            string `gorm:"column:gs_id"`
	OurISAQualifier string `gorm:"column:our_isa_qualifier"`
	OurISAID        string `gorm:"column:our_isa_id"`
	OurGSID         string `gorm:"column:our_gs_id"`
	Version         string
	ElementSep      string
	ComponentSep    string
	RepetitionSep   string
	SegmentTerm     string
	Expects997      bool `gorm:"column:expects_997"`
	AckWindowHours  int
	NextControl     int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (EDIPartner) TableName() string { return "edi_partners" }

// CreateEDIPartner inserts a partner profile.
func (s *Store) CreateEDIPartner(ctx context.Context, actor Actor, p *EDIPartner) error {
	if p.NextControl == 0 {
		p.NextControl = 1
	}
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.db.Create(p).Error; err != nil {
			return notFound(err, "EDI partner")
		}
		return tx.Audit(actor, "edi_partner.created", "edi_partner", p.ID, p.SupplierID, nil, p)
	})
}

// EDIPartners lists partner profiles.
func (s *Store) EDIPartners(ctx context.Context) ([]EDIPartner, error) {
	var ps []EDIPartner
	err := s.db.WithContext(ctx).Order("name").Find(&ps).Error
	return ps, notFound(err, "EDI partners")
}

// EDIPartnerByISA finds the partner that sent an interchange.
func (s *Store) EDIPartnerByISA(ctx context.Context, qualifier, id string) (EDIPartner, error) {
	var p EDIPartner
	err := s.db.WithContext(ctx).Where("isa_qualifier = ? AND isa_id = ?", qualifier, id).Take(&p).Error
	return p, notFound(err, "EDI partner "+qualifier+"/"+id)
}

// NextControlNumber hands out the partner's next interchange control
// number, persistently and never twice (locked row, same transaction).
func (tx *Tx) NextControlNumber(partnerID int64) (int64, error) {
	var p EDIPartner
	if err := tx.store.forUpdate(tx.db.Where("id = ?", partnerID)).Take(&p).Error; err != nil {
		return 0, notFound(err, "EDI partner")
	}
	n := p.NextControl
	next := n + 1
	if next > 999999999 {
		next = 1
	}
	err := tx.db.Model(&EDIPartner{}).Where("id = ?", partnerID).Updates(map[string]any{"next_control": next, "updated_at": tx.Now()}).Error
	return n, notFound(err, "EDI partner")
}
