package edi

// File is everything read from one input: its interchanges, and the
// problems that belong to no interchange (not X12, garbage between
// interchanges, a broken ISA).
type File struct {
	Interchanges []*Interchange `json:"interchanges"`
	Errors       []*Error       `json:"errors"`
}

// Interchange is one ISA..IEA envelope.
type Interchange struct {
	SenderQualifier   string `json:"sender_qualifier"`
	SenderID          string `json:"sender_id"`
	ReceiverQualifier string `json:"receiver_qualifier"`
	ReceiverID        string `json:"receiver_id"`
	Date              Date   `json:"date,omitzero"`
	Time              string `json:"time"`
	Version           string `json:"version"`
	ControlNumber     string `json:"control_number"`
	AckRequested      bool   `json:"ack_requested"`
	Usage             string `json:"usage"`
	// RawDate is ISA09 as sent, echoed in TA102.
	RawDate    string     `json:"-"`
	Delimiters Delimiters `json:"-"`
	Groups     []*Group   `json:"groups"`
	// TA1 holds interchange acknowledgements received (TA1-only
	// interchanges answer an interchange we sent).
	TA1    []TA1    `json:"ta1,omitempty"`
	Errors []*Error `json:"errors"`
	// Notes are tolerated irregularities (e.g. ISA16 missing).
	Notes  []string `json:"notes,omitempty"`
	Offset int64    `json:"offset"`
	// GroupCount is the number of GS..GE groups received, also when the
	// caller does not keep them (streaming).
	GroupCount int `json:"-"`
	closed     bool
}

// Group is one GS..GE functional group.
type Group struct {
	FunctionalID  string         `json:"functional_id"`
	SenderID      string         `json:"sender_id"`
	ReceiverID    string         `json:"receiver_id"`
	Date          Date           `json:"date,omitzero"`
	Time          string         `json:"time"`
	ControlNumber string         `json:"control_number"`
	Agency        string         `json:"agency"`
	Version       string         `json:"version"`
	Transactions  []*Transaction `json:"transactions"`
	// DeclaredCount is GE01 (-1 when GE is missing); ReceivedCount the
	// number of ST..SE sets seen; AcceptedCount those without rejecting
	// errors (filled as sets complete).
	DeclaredCount int      `json:"declared_count"`
	ReceivedCount int      `json:"received_count"`
	AcceptedCount int      `json:"accepted_count"`
	Errors        []*Error `json:"errors"`
	Offset        int64    `json:"offset"`
	// Errored holds the AK2/AK5 facts of every set that had errors, so a
	// 997 can be built even when a streaming caller drops the transactions;
	// accepted sets are only counted, keeping memory flat.
	Errored []SetStatus `json:"-"`
	closed  bool
}

// SetStatus is what a 997 needs to know about one received transaction set.
type SetStatus struct {
	Set, ControlNumber, Convention string
	Errors                         []*Error
}

// Transaction is one ST..SE transaction set.
type Transaction struct {
	Set           string `json:"set"`
	ControlNumber string `json:"control_number"`
	Convention    string `json:"convention,omitempty"`
	// Document is the typed mapping (*PO850, *Ack855, *ASN856,
	// *Invoice810, *FuncAck997), nil for sets without one.
	Document Document `json:"document"`
	Errors   []*Error `json:"errors"`
	// Warnings are lenient readings: a departure from the standard that
	// has one safe interpretation, which pogate applied. They do not
	// reject the set or change its 997; they tell the EDI analyst what
	// the partner should fix.
	Warnings []Warning `json:"warnings,omitempty"`
	Segments int       `json:"segment_count"`
	Offset   int64     `json:"offset"`
}

// Rejected reports whether any error rejects the set (AK501 "R").
func (t *Transaction) Rejected() bool { return anyRejects(t.Errors) }

// Valid reports whether the file has no error at any level.
func (f *File) Valid() bool {
	if len(f.Errors) > 0 {
		return false
	}
	for _, ic := range f.Interchanges {
		if len(ic.Errors) > 0 {
			return false
		}
		for _, g := range ic.Groups {
			if len(g.Errors) > 0 {
				return false
			}
			for _, t := range g.Transactions {
				if len(t.Errors) > 0 {
					return false
				}
			}
		}
	}
	return true
}

func anyRejects(errs []*Error) bool {
	for _, e := range errs {
		if e.Rejects() {
			return true
		}
	}
	return false
}

// TA1 is an interchange acknowledgement segment.
type TA1 struct {
	ControlNumber string `json:"control_number"` // TA101
	Date          string `json:"date"`           // TA102 YYMMDD as in the ISA
	Time          string `json:"time"`           // TA103
	AckCode       string `json:"ack_code"`       // TA104: A, E, R
	NoteCode      string `json:"note_code"`      // TA105
}

// Document is a typed transaction set mapping that can be written back.
type Document interface {
	// SetID is the transaction set identifier, "850".
	SetID() string
	// FunctionalID is the GS01 code of the set's group, "PO".
	FunctionalID() string
	writeBody(w *Writer) error
}
