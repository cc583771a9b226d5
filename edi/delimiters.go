package edi

import (
	"bytes"
	"fmt"
)

// Delimiters are the separators an interchange declares in its ISA.
type Delimiters struct {
	Element byte `json:"element"`
	// Component is 0 when the sender declared none (see the issue135 rule in
	// detectISA).
	Component byte `json:"component"`
	// Repetition is ISA11 when the version is 00402 or later and ISA11 is a
	// usable separator; otherwise 0 (before 00402 ISA11 is a standards id).
	Repetition byte `json:"repetition"`
	// Segment is the terminator. '\n' means "a line break": CR, LF or CRLF.
	Segment byte `json:"segment"`
}

// DefaultDelimiters are the ones pogate writes: * > ^ ~.
var DefaultDelimiters = Delimiters{Element: '*', Component: '>', Repetition: '^', Segment: '~'}

// NewlineTerminated reports whether segments end at line breaks.
func (d Delimiters) NewlineTerminated() bool { return d.Segment == '\n' }

const (
	isaMaxBytes  = 512  // an ISA longer than this is not an ISA
	detectWindow = 4096 // bytes buffered when detecting, for the lookahead
)

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func isNewline(c byte) bool { return c == '\r' || c == '\n' }

// isaLayout is the result of locating the ISA in raw bytes.
type isaLayout struct {
	delims Delimiters
	// length is the number of bytes up to and including ISA16 (the byte
	// before the terminator); next is where the byte after the terminator is.
	length, next int
	err          *Error
	note         string
	// stray is a byte to drop at the end of newline-terminated segments.
	stray byte
}

// detectISA finds the delimiters of the ISA that starts at data[0]. data must
// hold the whole ISA plus some lookahead unless atEOF. Positions are not
// fixed: the element separator is the byte after "ISA", and ISA16 is the
// byte after the 16th element separator, so unpadded (Ariba, 81 bytes),
// short (105 bytes) and U+00A0-padded (118-122 bytes) ISAs all work.
func detectISA(data []byte, atEOF bool) isaLayout {
	var l isaLayout
	if len(data) < 4 {
		l.err = &Error{Level: LevelFile, Code: TA1PrematureEndOfFile, Message: "input ends inside the ISA segment"}
		return l
	}
	sep := data[3]
	if isAlnum(sep) || sep == ' ' || isNewline(sep) || sep >= 0x80 {
		l.err = &Error{Level: LevelFile, Code: TA1InvalidElementSeparator, SegmentID: "ISA",
			Message: fmt.Sprintf("element separator %q after ISA is not usable", sep)}
		return l
	}
	count, i := 0, 3
	limit := min(len(data), isaMaxBytes)
	for ; i < limit; i++ {
		if data[i] == sep {
			count++
			if count == 16 {
				break
			}
		}
	}
	if count < 16 || i+2 >= len(data) {
		l.err = &Error{Level: LevelFile, Code: TA1PrematureEndOfFile, SegmentID: "ISA",
			Message: fmt.Sprintf("ISA has %d of 16 elements before the data ends or %d bytes pass", count, isaMaxBytes)}
		if !atEOF && i+2 >= len(data) && count == 16 {
			l.err.Message = "ISA is cut off"
		}
		return l
	}
	comp, term := data[i+1], data[i+2]
	l.length = i + 2
	l.next = i + 3
	d := Delimiters{Element: sep, Component: comp, Segment: term}
	switch {
	case isNewline(term):
		d.Segment = '\n'
		if !isAlnum(comp) && comp != ' ' && nextLinesEndWith(data[i+3:], comp, 3) {
			// The sender left ISA16 out and ended the ISA with "*T*~\n":
			// the following lines end with "~" too, but not all of them
			// (EDI.Net issue 135 has a line without it), so the line
			// break is the terminator and a trailing "~" is a stray to
			// drop. There is no component separator.
			d.Component = 0
			l.stray = comp
			l.length = i + 1
			l.note = fmt.Sprintf("ISA16 missing: segments end at line breaks, a trailing %q is dropped, no component separator", comp)
		}
	case term == ' ' || term == '\t':
		l.err = &Error{Level: LevelInterchange, Code: TA1InvalidSegmentTerminator, SegmentID: "ISA",
			Message: fmt.Sprintf("segment terminator is whitespace (%q); it also occurs inside data, so segments cannot be split reliably", term)}
	case term >= 0x80:
		msg := fmt.Sprintf("segment terminator byte 0x%02X is not ASCII", term)
		if bytes.HasPrefix(data[i+2:], []byte("\u2026")) {
			msg += " (it starts the UTF-8 ellipsis \"…\", a copy/paste artefact)"
		}
		l.err = &Error{Level: LevelInterchange, Code: TA1InvalidSegmentTerminator, SegmentID: "ISA", Message: msg}
	case isAlnum(term) || term == sep:
		l.err = &Error{Level: LevelInterchange, Code: TA1InvalidSegmentTerminator, SegmentID: "ISA",
			Message: fmt.Sprintf("segment terminator %q is not usable", term)}
	}
	if l.err == nil && d.Component != 0 && (isAlnum(comp) || comp == sep || comp == d.Segment || isNewline(comp) || comp >= 0x80) {
		l.err = &Error{Level: LevelInterchange, Code: TA1InvalidComponentSep, SegmentID: "ISA", ElementPosition: 16,
			Message: fmt.Sprintf("component separator %q is not usable", comp)}
	}
	l.delims = d
	return l
}

// nextLinesEndWith reports whether the next n non-blank lines in data (at
// least two, fewer only when data ends) all end with c, ignoring trailing
// blanks. One line is not enough: a TA1 line may end with the component
// separator by accident.
func nextLinesEndWith(data []byte, c byte, n int) bool {
	seen := 0
	for seen < n {
		data = bytes.TrimLeft(data, " \t\r\n")
		if len(data) == 0 {
			break
		}
		end := bytes.IndexAny(data, "\r\n")
		if end < 0 {
			end = len(data)
		}
		line := bytes.TrimRight(data[:end], " \t")
		if len(line) == 0 || line[len(line)-1] != c {
			return false
		}
		seen++
		data = data[end:]
	}
	return seen >= 2
}

// repetitionSeparator returns ISA11 as the repetition separator when the
// version (ISA12) is 00402 or later and the byte can serve as a separator.
func repetitionSeparator(isa11, version []byte, d Delimiters) byte {
	if len(isa11) != 1 || len(version) != 5 || string(version) < "00402" {
		return 0
	}
	c := isa11[0]
	if isAlnum(c) || c == ' ' || c == d.Element || c == d.Component || c == d.Segment || isNewline(c) || c >= 0x80 {
		return 0
	}
	return c
}
