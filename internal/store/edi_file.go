package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"gorm.io/gorm"
)

// EDI file directions.
const (
	EDIInbound  = "in"
	EDIOutbound = "out"
)

// EDI file statuses. An inbound file moves received → parsed → applied,
// parked (some set waits for its purchase order) or failed; a file that
// repeats one already received ends as duplicate. Outbound files are sent.
const (
	EDIFileReceived  = "received"
	EDIFileParsed    = "parsed"
	EDIFileApplied   = "applied"
	EDIFileParked    = "parked"
	EDIFileFailed    = "failed"
	EDIFileDuplicate = "duplicate"
	EDIFileSent      = "sent"
)

// EDIFileStatuses lists the statuses for filters and help texts.
var EDIFileStatuses = []string{EDIFileReceived, EDIFileParsed, EDIFileApplied, EDIFileParked, EDIFileFailed, EDIFileDuplicate, EDIFileSent}

// Outbound acknowledgement states of a file we sent (ack_status): what the
// partner's 997 said, or that none came in time.
const (
	EDIAckAwaiting = "awaiting"
	EDIAckAccepted = "accepted"
	EDIAckPartial  = "partial"
	EDIAckRejected = "rejected"
	EDIAckOverdue  = "overdue"
)

// EDIFile is one X12 file received from or sent to a trading partner. The
// raw bytes live in edi_file_contents, written with the row and never
// changed, so what the partner sent can always be shown and re-read.
type EDIFile struct {
	ID                 int64 `gorm:"primaryKey"`
	Direction          string
	Kind               string
	PartnerID          *int64
	SupplierID         *int64
	Source             string
	Filename           string
	SHA256             string `gorm:"column:sha256"`
	SizeBytes          int64
	Status             string
	ErrorText          string
	SenderQualifier    string
	SenderID           string
	ReceiverQualifier  string
	ReceiverID         string
	InterchangeControl string
	ControlNumber      *int64
	DuplicateOf        *int64
	POID               *int64 `gorm:"column:po_id"`
	AckForFileID       *int64
	AckStatus          string
	AckDueAt           *time.Time
	AckedAt            *time.Time
	FlaggedAt          *time.Time
	FlagReason         string
	ReceivedBy         string
	ProcessedAt        *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (EDIFile) TableName() string { return "edi_files" }

// EDIFileContent holds a file's raw bytes.
type EDIFileContent struct {
	FileID int64 `gorm:"primaryKey;autoIncrement:false"`
	Raw    []byte
}

func (EDIFileContent) TableName() string { return "edi_file_contents" }

// EDI transaction statuses: rejected sets were refused by validation (the
// 997 says why); parked sets wait for a purchase order that is not there
// yet and are retried; after the last retry they become exceptions. A set
// that maps to a core command not wired yet stays mapped, ready to apply.
const (
	EDITxReceived  = "received"
	EDITxRejected  = "rejected"
	EDITxApplied   = "applied"
	EDITxParked    = "parked"
	EDITxException = "exception"
	EDITxMapped    = "mapped"
	EDITxIgnored   = "ignored"
)

// EDITransaction is one ST..SE set of an inbound file and what became of it.
type EDITransaction struct {
	ID                 int64 `gorm:"primaryKey"`
	FileID             int64
	Seq                int
	PartnerID          *int64
	SupplierID         *int64
	InterchangeControl string
	GroupControl       string
	FunctionalID       string
	SetID              string
	ControlNumber      string
	Reference          string
	Status             string
	ErrorText          string
	Entity             string
	EntityID           *int64
	CommandJSON        string `gorm:"column:command_json"`
	Attempts           int
	NextAttemptAt      *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (EDITransaction) TableName() string { return "edi_transactions" }

// EDIAck is a 997 (or TA1) exchanged: Direction out for the ones we wrote,
// in for the partner's answers to our files.
type EDIAck struct {
	ID           int64 `gorm:"primaryKey"`
	Direction    string
	PartnerID    *int64
	FileID       int64
	AckedFileID  *int64
	FunctionalID string
	GroupControl string
	Status       string
	TA1Code      string `gorm:"column:ta1_code"`
	DetailJSON   string `gorm:"column:detail_json"`
	CreatedAt    time.Time
}

func (EDIAck) TableName() string { return "edi_acks" }

func init() {
	RegisterModel(&EDIFile{})
	RegisterModel(&EDIFileContent{})
	RegisterModel(&EDITransaction{})
	RegisterModel(&EDIAck{})
	RegisterModel(&EDICredential{})
}

// InsertEDIFile stores a file row and its raw bytes in the transaction.
// Nothing else ever writes edi_file_contents, so the bytes are immutable.
func (tx *Tx) InsertEDIFile(f *EDIFile, raw []byte) error {
	now := tx.Now()
	f.CreatedAt, f.UpdatedAt = now, now
	if f.Status == "" {
		f.Status = EDIFileReceived
	}
	if err := tx.db.Create(f).Error; err != nil {
		if isUniqueViolation(err) {
			return fault.Wrap(fault.Conflict, err, "control number %d was already used for this partner", deref(f.ControlNumber))
		}
		return notFound(err, "EDI file")
	}
	if raw == nil {
		raw = []byte{}
	}
	if err := tx.db.Create(&EDIFileContent{FileID: f.ID, Raw: raw}).Error; err != nil {
		return notFound(err, "EDI file content")
	}
	return nil
}

// LockEDIFile reads a file row for change, so two workers processing the
// same file serialise. It locks by writing first (see touchLock).
func (tx *Tx) LockEDIFile(id int64) (EDIFile, error) {
	if err := tx.touchLock(&EDIFile{}, id); err != nil {
		return EDIFile{}, notFound(err, "EDI file")
	}
	var f EDIFile
	err := tx.db.Where("id = ?", id).Take(&f).Error
	return f, notFound(err, "EDI file")
}

// LockEDIPartner takes the partner row's lock before its control number is
// read and bumped. Call it before anything that references the partner row
// (inserting a file or set with its partner_id takes a KEY SHARE lock).
func (tx *Tx) LockEDIPartner(id int64) error {
	return notFound(tx.touchLock(&EDIPartner{}, id), "EDI partner")
}

// touchLock locks a row as the transaction's first step. On PostgreSQL it
// is SELECT ... FOR UPDATE, the same strength NextControlNumber takes, so a
// transaction never upgrades a weaker lock it holds (an upgrade while
// another transaction holds a foreign-key KEY SHARE on the row deadlocks).
// On SQLite it is an UPDATE: a first statement that writes waits for the
// write lock under the busy timeout, while a transaction that reads first
// and writes later fails at once with SQLITE_BUSY_SNAPSHOT when another
// writer committed in between, which is what happens today because
// glebarez/go-sqlite ignores _txlock when _time_format is also set, so
// transactions begin DEFERRED.
func (tx *Tx) touchLock(model any, id int64) error {
	if tx.store.dialect == Postgres {
		var ids []int64
		if err := tx.store.forUpdate(tx.db.Model(model).Select("id").Where("id = ?", id)).Find(&ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return gorm.ErrRecordNotFound
		}
		return nil
	}
	res := tx.db.Model(model).Where("id = ?", id).Update("updated_at", tx.Now())
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return gorm.ErrRecordNotFound
	}
	return nil
}

// UpdateEDIFile writes metadata fields of a file row (never its bytes).
func (tx *Tx) UpdateEDIFile(id int64, fields map[string]any) error {
	fields["updated_at"] = tx.Now()
	return notFound(tx.db.Model(&EDIFile{}).Where("id = ?", id).Updates(fields).Error, "EDI file")
}

// EDIFileByID reads one file row. supplierID != 0 limits it to that
// supplier: another supplier's file answers exactly like a missing one.
func (s *Store) EDIFileByID(ctx context.Context, id, supplierID int64) (EDIFile, error) {
	var f EDIFile
	q := s.db.WithContext(ctx).Where("id = ?", id)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	err := q.Take(&f).Error
	return f, notFound(err, "EDI file")
}

// EDIFileRaw returns the stored bytes of a file, scoped like EDIFileByID.
func (s *Store) EDIFileRaw(ctx context.Context, id, supplierID int64) ([]byte, error) {
	if _, err := s.EDIFileByID(ctx, id, supplierID); err != nil {
		return nil, err
	}
	var c EDIFileContent
	if err := s.db.WithContext(ctx).Where("file_id = ?", id).Take(&c).Error; err != nil {
		return nil, notFound(err, "EDI file content")
	}
	return c.Raw, nil
}

// EDIFileFilter narrows an EDI file listing.
type EDIFileFilter struct {
	// SupplierID > 0 limits to one supplier (always set for supplier actors).
	SupplierID int64
	PartnerID  int64
	Direction  string
	Statuses   []string
	// Kind is the transaction set ("850", "856", "997"...).
	Kind string
	POID int64
	// AckForFileID lists the acknowledgements we wrote for one inbound file.
	AckForFileID int64
	// Flagged lists only outbound files flagged for a missing or rejecting 997.
	Flagged bool
	// Search matches the file name or interchange control number (substring).
	Search string
}

// EDIFiles lists file rows newest first with the total count: the data of
// the buyers' EDI page and of GET /api/v1/edi/files.
func (s *Store) EDIFiles(ctx context.Context, f EDIFileFilter, page Page) ([]EDIFile, int64, error) {
	q := s.db.WithContext(ctx).Model(&EDIFile{})
	if f.SupplierID != 0 {
		q = q.Where("supplier_id = ?", f.SupplierID)
	}
	if f.PartnerID > 0 {
		q = q.Where("partner_id = ?", f.PartnerID)
	}
	if f.Direction != "" {
		q = q.Where("direction = ?", f.Direction)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.POID > 0 {
		q = q.Where("po_id = ?", f.POID)
	}
	if f.AckForFileID > 0 {
		q = q.Where("ack_for_file_id = ?", f.AckForFileID)
	}
	if f.Flagged {
		q = q.Where("flagged_at IS NOT NULL")
	}
	if f.Search = strings.TrimSpace(f.Search); f.Search != "" {
		like := "%" + strings.ToUpper(escapeLike(f.Search)) + "%"
		q = q.Where("(UPPER(filename) LIKE ? ESCAPE '\\' OR interchange_control LIKE ? ESCAPE '\\')", like, like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, notFound(err, "EDI files")
	}
	var out []EDIFile
	err := q.Order("id DESC").Limit(page.limit()).Offset(page.offset()).Find(&out).Error
	return out, total, notFound(err, "EDI files")
}

// EarlierEDIFile finds an earlier inbound file from the same partner that
// this one repeats: same content hash at any time, or the same sender and
// ISA13 since `since`. Zero means none.
func (tx *Tx) EarlierEDIFile(beforeID, partnerID int64, sha, senderQual, senderID, isa13 string, since time.Time) (EDIFile, error) {
	var f EDIFile
	q := tx.db.Where("direction = ? AND id < ? AND partner_id = ? AND status <> ?", EDIInbound, beforeID, partnerID, EDIFileDuplicate)
	q = q.Where("(sha256 = ? OR (sender_qualifier = ? AND sender_id = ? AND interchange_control = ? AND interchange_control <> '' AND created_at >= ?))",
		sha, senderQual, senderID, isa13, since)
	err := q.Order("id").Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return EDIFile{}, nil
	}
	return f, notFound(err, "EDI file")
}

// InsertEDITransactions records a file's sets. Sets already recorded (the
// step replayed after a crash) are kept as they are: one query finds them,
// and the rest go in with multi-row inserts, as a file may carry thousands.
func (tx *Tx) InsertEDITransactions(rows []EDITransaction) error {
	if len(rows) == 0 {
		return nil
	}
	var seqs []int
	if err := tx.db.Model(&EDITransaction{}).Where("file_id = ?", rows[0].FileID).Pluck("seq", &seqs).Error; err != nil {
		return notFound(err, "EDI transactions")
	}
	have := make(map[int]bool, len(seqs))
	for _, n := range seqs {
		have[n] = true
	}
	now := tx.Now()
	todo := make([]EDITransaction, 0, len(rows))
	for _, r := range rows {
		if r.FileID != rows[0].FileID {
			return fmt.Errorf("store: sets of files %d and %d in one insert", rows[0].FileID, r.FileID)
		}
		if !have[r.Seq] {
			r.CreatedAt, r.UpdatedAt = now, now
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	return notFound(tx.db.CreateInBatches(&todo, tx.BatchSize()).Error, "EDI transactions")
}

// LockEDITransactions reads set rows for change, locked in id order on
// PostgreSQL (SQLite's transactions already hold the only writer lock).
func (tx *Tx) LockEDITransactions(ids []int64) (map[int64]EDITransaction, error) {
	out := make(map[int64]EDITransaction, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []EDITransaction
	if err := tx.store.forUpdate(tx.db.Where("id IN ?", ids).Order("id")).Find(&rows).Error; err != nil {
		return nil, notFound(err, "EDI transactions")
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// LockEDITransaction reads one set row for change.
func (tx *Tx) LockEDITransaction(id int64) (EDITransaction, error) {
	if err := tx.touchLock(&EDITransaction{}, id); err != nil {
		return EDITransaction{}, notFound(err, "EDI transaction")
	}
	var t EDITransaction
	err := tx.db.Where("id = ?", id).Take(&t).Error
	return t, notFound(err, "EDI transaction")
}

// UpdateEDITransaction writes fields of one set row.
func (tx *Tx) UpdateEDITransaction(id int64, fields map[string]any) error {
	fields["updated_at"] = tx.Now()
	return notFound(tx.db.Model(&EDITransaction{}).Where("id = ?", id).Updates(fields).Error, "EDI transaction")
}

// EDITransactionsOf lists the sets of one file in file order.
func (s *Store) EDITransactionsOf(ctx context.Context, fileID int64) ([]EDITransaction, error) {
	var out []EDITransaction
	err := s.db.WithContext(ctx).Where("file_id = ?", fileID).Order("seq").Find(&out).Error
	return out, notFound(err, "EDI transactions")
}

// TxEDITransactionsOf is EDITransactionsOf inside a transaction.
func (tx *Tx) EDITransactionsOf(fileID int64) ([]EDITransaction, error) {
	var out []EDITransaction
	err := tx.db.Where("file_id = ?", fileID).Order("seq").Find(&out).Error
	return out, notFound(err, "EDI transactions")
}

// DueEDITransactions lists parked and mapped sets whose next attempt is due.
func (s *Store) DueEDITransactions(ctx context.Context, now time.Time, limit int) ([]EDITransaction, error) {
	var out []EDITransaction
	err := s.db.WithContext(ctx).Where("status IN ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)", []string{EDITxParked, EDITxMapped}, now).
		Order("id").Limit(limit).Find(&out).Error
	return out, notFound(err, "EDI transactions")
}

// InsertEDIAck records a 997 or TA1 exchanged.
func (tx *Tx) InsertEDIAck(a *EDIAck) error {
	a.CreatedAt = tx.Now()
	return notFound(tx.db.Create(a).Error, "EDI acknowledgement")
}

// EDIAcksOut lists the acknowledgements we wrote for an inbound file.
func (tx *Tx) EDIAcksOut(inboundFileID int64) ([]EDIAck, error) {
	var out []EDIAck
	err := tx.db.Where("direction = ? AND acked_file_id = ?", EDIOutbound, inboundFileID).Order("id").Find(&out).Error
	return out, notFound(err, "EDI acknowledgements")
}

// EDIAcksFor lists every acknowledgement that answers fileID (ours for an
// inbound file, the partner's for an outbound one) or travels in it.
func (s *Store) EDIAcksFor(ctx context.Context, fileID int64) ([]EDIAck, error) {
	var out []EDIAck
	err := s.db.WithContext(ctx).Where("acked_file_id = ? OR file_id = ?", fileID, fileID).Order("id").Find(&out).Error
	return out, notFound(err, "EDI acknowledgements")
}

// OutboundEDIFileByControl finds the file we sent a partner with the given
// interchange (and group) control number.
func (tx *Tx) OutboundEDIFileByControl(partnerID, control int64) (EDIFile, error) {
	var f EDIFile
	err := tx.store.forUpdate(tx.db.Where("partner_id = ? AND direction = ? AND control_number = ?", partnerID, EDIOutbound, control)).Take(&f).Error
	return f, notFound(err, "outbound EDI file")
}

// OverdueEDIAcks lists outbound files still awaiting a 997 whose window
// closed before now.
func (s *Store) OverdueEDIAcks(ctx context.Context, now time.Time, limit int) ([]EDIFile, error) {
	var out []EDIFile
	err := s.db.WithContext(ctx).Where("direction = ? AND ack_status = ? AND ack_due_at < ?", EDIOutbound, EDIAckAwaiting, now).
		Order("id").Limit(limit).Find(&out).Error
	return out, notFound(err, "EDI files")
}

// StuckEDIFiles lists inbound files left received or parsed (a crash
// between steps) that were created before `before`.
func (s *Store) StuckEDIFiles(ctx context.Context, before time.Time, limit int) ([]EDIFile, error) {
	var out []EDIFile
	err := s.db.WithContext(ctx).Where("direction = ? AND status IN ? AND created_at < ?", EDIInbound, []string{EDIFileReceived, EDIFileParsed}, before).
		Order("id").Limit(limit).Find(&out).Error
	return out, notFound(err, "EDI files")
}

// EDIPartnerByID reads one partner profile.
func (s *Store) EDIPartnerByID(ctx context.Context, id int64) (EDIPartner, error) {
	var p EDIPartner
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&p).Error
	return p, notFound(err, "EDI partner")
}

// EDIPartnerOfSupplier reads the partner profile that speaks for a supplier
// (the oldest, when several do).
func (s *Store) EDIPartnerOfSupplier(ctx context.Context, supplierID int64) (EDIPartner, error) {
	if err := requireSupplier(supplierID); err != nil {
		return EDIPartner{}, err
	}
	var p EDIPartner
	err := s.db.WithContext(ctx).Where("supplier_id = ?", supplierID).Order("id").Take(&p).Error
	return p, notFound(err, "EDI partner for this supplier")
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// isUniqueViolation recognises a unique-index violation on both databases.
func isUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	m := err.Error()
	return strings.Contains(m, "UNIQUE constraint failed") || strings.Contains(m, "SQLSTATE 23505") || strings.Contains(m, "duplicate key value")
}
