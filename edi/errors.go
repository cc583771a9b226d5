package edi

import (
	"fmt"
	"strconv"
)

// Level says which acknowledgement segment an Error belongs to, and so which
// X12 code list its Code is drawn from.
type Level string

const (
	// LevelFile: the input is not X12 at all or could not be read; no
	// acknowledgement can be addressed to anyone.
	LevelFile Level = "file"
	// LevelInterchange: ISA/IEA problems; Code is a TA105 note code ("001").
	LevelInterchange Level = "interchange"
	// LevelGroup: GS/GE problems; Code is an AK905 code ("4").
	LevelGroup Level = "group"
	// LevelTransaction: ST/SE problems; Code is an AK502 code ("3").
	LevelTransaction Level = "transaction"
	// LevelSegment: a segment is missing, unknown or misplaced; Code is an
	// AK304 code ("3").
	LevelSegment Level = "segment"
	// LevelElement: an element value is wrong; Code is an AK403 code ("8").
	LevelElement Level = "element"
)

// Severity separates errors that make the receiver reject the transaction
// set from those it only notes (AK501 "E": accepted, errors noted).
type Severity string

const (
	SeverityReject Severity = "reject"
	SeverityNote   Severity = "note"
)

// TA105 interchange note codes used by this package.
const (
	TA1NoError                  = "000"
	TA1ControlNumberMismatch    = "001"
	TA1InvalidSegmentTerminator = "004"
	TA1InvalidDate              = "014"
	TA1InvalidTime              = "015"
	TA1InvalidStandardsID       = "016"
	TA1InvalidVersion           = "017"
	TA1InvalidControlNumber     = "018"
	TA1InvalidAckRequested      = "019"
	TA1InvalidTestIndicator     = "020"
	TA1InvalidGroupCount        = "021"
	TA1InvalidControlStructure  = "022"
	TA1PrematureEndOfFile       = "023"
	TA1InvalidContent           = "024"
	TA1InvalidElementSeparator  = "026"
	TA1InvalidComponentSep      = "027"
)

// AK905 functional group error codes.
const (
	AK9NotSupported          = "1"
	AK9VersionNotSupported   = "2"
	AK9TrailerMissing        = "3"
	AK9ControlNumberMismatch = "4"
	AK9CountMismatch         = "5"
	AK9ControlNumberSyntax   = "6"
)

// AK502 transaction set error codes.
const (
	AK5NotSupported           = "1"
	AK5TrailerMissing         = "2"
	AK5ControlNumberMismatch  = "3"
	AK5CountMismatch          = "4"
	AK5SegmentsInError        = "5"
	AK5InvalidSetID           = "6"
	AK5InvalidControlNumber   = "7"
	AK5ControlNumberNotUnique = "23"
)

// AK304 segment syntax error codes.
const (
	AK3Unrecognized     = "1"
	AK3Unexpected       = "2"
	AK3MandatoryMissing = "3"
	AK3LoopTooMany      = "4"
	AK3ExceedsMaxUse    = "5"
	AK3NotInSet         = "6"
	AK3OutOfOrder       = "7"
	AK3HasElementErrors = "8"
)

// AK403 element syntax error codes.
const (
	AK4MandatoryMissing   = "1"
	AK4ConditionalMissing = "2"
	AK4TooMany            = "3"
	AK4TooShort           = "4"
	AK4TooLong            = "5"
	AK4InvalidCharacter   = "6"
	AK4InvalidCode        = "7"
	AK4InvalidDate        = "8"
	AK4InvalidTime        = "9"
	AK4ExclusionViolated  = "10"
)

// Error is one problem found in an interchange. It carries everything a
// 997 or TA1 needs to say what failed and where, plus a readable message.
type Error struct {
	Level    Level    `json:"level"`
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	// SegmentID and SegmentPosition locate the segment; the position counts
	// from ST = 1 inside a transaction set (as AK302 wants) and is 0 for
	// envelope errors.
	SegmentID       string `json:"segment,omitempty"`
	SegmentPosition int    `json:"segment_position,omitempty"`
	// ElementPosition is 1-based (AK401); ComponentPosition is set for
	// errors inside a composite.
	ElementPosition   int    `json:"element_position,omitempty"`
	ComponentPosition int    `json:"component_position,omitempty"`
	ElementRef        int    `json:"element_ref,omitempty"`
	Value             string `json:"value,omitempty"`
	Message           string `json:"message"`
	// Offset is the byte offset of the segment in the input file.
	Offset int64 `json:"offset"`
}

// Warning records a lenient reading of a transaction set (see
// Transaction.Warnings): where it was and what was assumed.
type Warning struct {
	SegmentID       string `json:"segment"`
	SegmentPosition int    `json:"segment_position"`
	ElementPosition int    `json:"element_position,omitempty"`
	Message         string `json:"message"`
	Offset          int64  `json:"offset"`
}

func (e *Error) Error() string {
	where := ""
	if e.SegmentID != "" {
		where = e.SegmentID
		if e.ElementPosition > 0 {
			where += fmt.Sprintf("%02d", e.ElementPosition)
		}
		if e.SegmentPosition > 0 {
			where += " (segment " + strconv.Itoa(e.SegmentPosition) + ")"
		}
		where += ": "
	}
	return fmt.Sprintf("edi: %s error %s at byte %d: %s%s", e.Level, e.Code, e.Offset, where, e.Message)
}

// Rejects reports whether the error makes the enclosing unit rejected.
func (e *Error) Rejects() bool { return e.Severity != SeverityNote }
