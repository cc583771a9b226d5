package edi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// Segment is one tokenized segment. Its byte slices point into the
// Scanner's buffer and are valid only until the next call to Scan; copy
// what you keep. The segment and its element boundaries are kept as
// offsets, not slices, so splitting stores no pointers (no GC write
// barriers on the hot path).
type Segment struct {
	// buf is the Scanner's buffer, set again only when that buffer is
	// replaced; the segment is buf[start:start+ends[len(ends)-1]].
	buf    []byte
	start  int
	ends   []int32 // ends[k] is where element k ends, from start (element 0 is the ID)
	delims Delimiters
}

// ID is the segment identifier ("ST", "BEG").
func (s *Segment) ID() []byte { return s.el(0) }

func (s *Segment) el(k int) []byte {
	start := int32(0)
	if k > 0 {
		start = s.ends[k-1] + 1
	}
	return s.buf[s.start+int(start) : s.start+int(s.ends[k])]
}

// Is reports whether the segment ID equals id, without allocating.
func (s *Segment) Is(id string) bool { return len(s.ends) > 0 && string(s.el(0)) == id }

// Len is the number of elements after the ID, trailing empties included.
func (s *Segment) Len() int { return len(s.ends) - 1 }

// Element returns element i (1-based, as in "BEG03"), or nil when absent.
func (s *Segment) Element(i int) []byte {
	if i <= 0 || i >= len(s.ends) {
		return nil
	}
	return s.el(i)
}

// Component returns component j (1-based) of element i, or nil.
func (s *Segment) Component(i, j int) []byte {
	e := s.Element(i)
	if s.delims.Component == 0 {
		if j == 1 {
			return e
		}
		return nil
	}
	for k := 1; ; k++ {
		n := bytes.IndexByte(e, s.delims.Component)
		if k == j {
			if n < 0 {
				return e
			}
			return e[:n]
		}
		if n < 0 {
			return nil
		}
		e = e[n+1:]
	}
}

// Delimiters are those of the interchange the segment belongs to.
func (s *Segment) Delimiters() Delimiters { return s.delims }

// String renders the segment with its own delimiters (for messages).
func (s *Segment) String() string {
	if len(s.ends) == 0 {
		return ""
	}
	return string(s.buf[s.start : s.start+int(s.ends[len(s.ends)-1])])
}

// ScannerOptions tune the Scanner; the zero value is fine.
type ScannerOptions struct {
	// BufferSize is the initial buffer (default 64 KiB).
	BufferSize int
	// MaxSegment bounds a single segment (default 1 MiB): a file without
	// terminators must not make the buffer grow without limit.
	MaxSegment int
}

// Scanner splits X12 input into segments, re-detecting delimiters at every
// ISA. It never holds more than one buffer (64 KiB, growing only for a
// segment longer than that), whatever the size of the input.
type Scanner struct {
	r          io.Reader
	buf        []byte
	start, end int   // unread bytes are buf[start:end]
	base       int64 // input offset of buf[0]
	eof        bool
	readErr    error
	err        error // fatal, reported by Err
	pending    error // reported after the current segment
	maxSeg     int
	inISA      bool // delimiters known: inside an interchange
	delims     Delimiters
	seg        Segment
	segOffset  int64
	notes      []string
	stray      byte // dropped at the end of a segment (see detectISA)
}

// NewScanner returns a Scanner reading from r.
func NewScanner(r io.Reader) *Scanner { return NewScannerOptions(r, ScannerOptions{}) }

// NewScannerOptions returns a Scanner with explicit limits.
func NewScannerOptions(r io.Reader, o ScannerOptions) *Scanner {
	if o.BufferSize <= 0 {
		o.BufferSize = 64 << 10
	}
	if o.MaxSegment <= 0 {
		o.MaxSegment = 1 << 20
	}
	o.BufferSize = max(o.BufferSize, detectWindow)
	s := &Scanner{r: r, buf: make([]byte, o.BufferSize), maxSeg: max(o.MaxSegment, o.BufferSize)}
	s.seg.buf = s.buf
	return s
}

// Segment is the segment found by the last successful Scan.
func (s *Scanner) Segment() *Segment { return &s.seg }

// Offset is the input byte offset where the current segment starts.
func (s *Scanner) Offset() int64 { return s.segOffset }

// Delimiters of the current interchange.
func (s *Scanner) Delimiters() Delimiters { return s.delims }

// Err is the error that stopped scanning; nil at a clean end of input. A
// delimiter problem is an *Error whose Code is a TA1 note code.
func (s *Scanner) Err() error { return s.err }

// TakeNotes returns and clears tolerance notes (e.g. a missing ISA16).
func (s *Scanner) TakeNotes() []string {
	n := s.notes
	s.notes = nil
	return n
}

// Scan advances to the next segment. It returns false at the end of input
// or on a fatal error (see Err).
func (s *Scanner) Scan() bool {
	if s.err != nil {
		return false
	}
	if s.pending != nil {
		s.err, s.pending = s.pending, nil
		return false
	}
	if !s.skipBlank() {
		return false
	}
	if !s.inISA || s.atISA() {
		return s.scanISA()
	}
	return s.scanSegment()
}

// skipBlank skips whitespace (and a BOM between interchanges) before a
// segment. It returns false when the input is exhausted.
func (s *Scanner) skipBlank() bool {
	for {
		for s.start < s.end {
			switch c := s.buf[s.start]; c {
			case ' ', '\t', '\r', '\n', '\f', '\v', 0, 0x1a:
				s.start++
			case 0xEF:
				if s.end-s.start < 3 && !s.eof {
					goto refill
				}
				if !s.inISA && bytes.HasPrefix(s.buf[s.start:s.end], bom) {
					s.start += 3
					continue
				}
				return true
			default:
				return true
			}
		}
	refill:
		if !s.fill() {
			if s.start < s.end {
				return true
			}
			s.finishRead()
			return false
		}
	}
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// atISA reports whether the unread data starts a new ISA (a previous
// interchange lacked its IEA). It runs before every segment, so a first
// byte other than 'I' answers at once.
func (s *Scanner) atISA() bool {
	if s.start < s.end && s.buf[s.start] != 'I' {
		return false
	}
	for s.end-s.start < 4 && !s.eof {
		if !s.fill() {
			break
		}
	}
	d := s.buf[s.start:s.end]
	return len(d) >= 4 && d[0] == 'I' && d[1] == 'S' && d[2] == 'A' && !isAlnum(d[3])
}

func (s *Scanner) finishRead() {
	if s.readErr != nil && s.err == nil {
		s.err = fmt.Errorf("edi: reading input: %w", s.readErr)
	}
}

// fill reads more input, compacting or growing the buffer first. It returns
// false when nothing more can be read.
func (s *Scanner) fill() bool {
	if s.eof || s.readErr != nil {
		return false
	}
	if s.start > 0 && (s.start == s.end || s.end == len(s.buf)) {
		copy(s.buf, s.buf[s.start:s.end])
		s.base += int64(s.start)
		s.end -= s.start
		s.start = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.maxSeg {
			s.err = &Error{Level: LevelInterchange, Code: TA1InvalidSegmentTerminator, Offset: s.base,
				Message: fmt.Sprintf("no segment terminator within %d bytes", s.maxSeg)}
			return false
		}
		nb := make([]byte, min(2*len(s.buf), s.maxSeg))
		copy(nb, s.buf[:s.end])
		s.buf, s.seg.buf = nb, nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			if errors.Is(err, io.EOF) {
				s.eof = true
			} else {
				s.readErr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.readErr = io.ErrNoProgress
	return false
}

// scanISA detects the delimiters of the interchange starting here and
// returns its ISA segment.
func (s *Scanner) scanISA() bool {
	for s.end-s.start < detectWindow && s.fill() {
	}
	if s.err != nil {
		return false
	}
	data := s.buf[s.start:s.end]
	s.segOffset = s.base + int64(s.start)
	if !bytes.HasPrefix(data, []byte("ISA")) {
		what := "an interchange"
		if s.inISA {
			what = "the next interchange"
		}
		s.err = &Error{Level: LevelFile, Code: TA1InvalidContent, Offset: s.segOffset,
			Message: fmt.Sprintf("expected ISA to start %s, found %q", what, clip(data, 20))}
		return false
	}
	l := detectISA(data, s.eof)
	if l.err != nil && l.err.Level == LevelFile {
		l.err.Offset = s.segOffset
		s.err = l.err
		return false
	}
	s.delims = l.delims
	s.stray = l.stray
	isaBytes := data[:l.length]
	if s.delims.Segment != '\n' {
		isaBytes = removeNewlines(isaBytes) // a fixed-width mailbox wrapped the ISA
	}
	s.splitISA(s.start, isaBytes)
	if l.err != nil {
		l.err.Offset = s.segOffset
		s.pending = l.err
		s.inISA = false
		s.start = s.end // nothing after a bad terminator can be trusted
		return true
	}
	if l.note != "" {
		s.notes = append(s.notes, l.note)
	}
	s.delims.Repetition = repetitionSeparator(s.seg.Element(11), trimPad(s.seg.Element(12)), s.delims)
	s.seg.delims = s.delims
	s.inISA = true
	s.start += l.next
	return true
}

// splitISA splits the ISA bytes, which start at s.buf[lo]; ISA16 is the
// single byte after the 16th separator (absent when the sender left it out).
func (s *Scanner) splitISA(lo int, isa []byte) {
	s.seg.delims = s.delims
	s.seg.start = lo
	ends := s.seg.ends[:0]
	for i, c := range isa {
		if c == s.delims.Element && len(ends) < 16 {
			ends = append(ends, int32(i))
		}
	}
	s.setEnds(append(ends, int32(len(isa))))
}

// setEnds stores the element ends built on s.seg.ends. Storing the slice
// only when append moved it keeps the per-segment path free of pointer
// stores: x = x[:n] is compiled without a write barrier.
func (s *Scanner) setEnds(ends []int32) {
	if cap(ends) != cap(s.seg.ends) {
		s.seg.ends = ends
		return
	}
	s.seg.ends = s.seg.ends[:len(ends)]
}

// scanSegment returns the next segment of the current interchange.
func (s *Scanner) scanSegment() bool {
	term := s.delims.Segment
	from := 0
	for {
		data := s.buf[s.start:s.end]
		var i int
		if term == '\n' {
			i = lineEnd(data[from:])
		} else {
			i = bytes.IndexByte(data[from:], term)
		}
		if i >= 0 {
			i += from
			s.segOffset = s.base + int64(s.start)
			s.split(s.start, data[:i])
			s.start += i + 1
			return true
		}
		from = len(data) // relative to s.start, so compaction keeps it valid
		if !s.fill() {
			if s.err != nil {
				return false
			}
			// Last segment without a terminator: take what is there.
			data = bytes.TrimRight(s.buf[s.start:s.end], " \t\r\n")
			s.segOffset = s.base + int64(s.start)
			lo := s.start
			s.start = s.end
			if len(data) == 0 {
				s.finishRead()
				return false
			}
			s.split(lo, data)
			return true
		}
	}
}

// lineEnd returns the index of the first CR or LF in data, or -1.
func lineEnd(data []byte) int {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		return bytes.IndexByte(data, '\r')
	}
	if j := bytes.IndexByte(data[:i], '\r'); j >= 0 {
		return j
	}
	return i
}

// split cuts a segment's bytes b, which start at s.buf[lo], into elements.
// Line breaks inside a segment whose terminator is not a line break are
// line wrapping and are removed.
func (s *Scanner) split(lo int, b []byte) {
	// A stray is only set for line-terminated interchanges, which never
	// have line breaks removed, so trimming it first keeps the order.
	if s.stray != 0 && len(b) > 0 && b[len(b)-1] == s.stray {
		b = b[:len(b)-1]
	}
	ends, ctl := appendSeparators(s.seg.ends[:0], b, s.delims.Element)
	if ctl && s.delims.Segment != '\n' && (bytes.IndexByte(b, '\n') >= 0 || bytes.IndexByte(b, '\r') >= 0) {
		b = removeNewlines(b)
		ends, _ = appendSeparators(ends[:0], b, s.delims.Element)
	}
	s.setEnds(append(ends, int32(len(b))))
	s.seg.start = lo
	s.seg.delims = s.delims
	if s.seg.ends[0] == 3 && string(b[:3]) == "IEA" {
		s.inISA = false
	}
}

// Byte patterns for working on eight bytes in a uint64.
const (
	swarOnes  = 0x0101010101010101
	swarHighs = 0x8080808080808080
	swarLows  = 0x7F7F7F7F7F7F7F7F
)

// appendSeparators appends the index of every sep byte in b to ends. ctl
// reports whether b may hold a CR or LF (it holds a byte below 0x0E). It
// reads eight bytes at a time: splitting is most of the tokenizer's work.
func appendSeparators(ends []int32, b []byte, sep byte) (_ []int32, ctl bool) {
	pattern := swarOnes * uint64(sep)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		// Any byte below 0x0E (exact as a yes/no answer).
		if (w-swarOnes*0x0E)&^w&swarHighs != 0 {
			ctl = true
		}
		// 0x80 in exactly the bytes of w equal to sep: x has a zero byte
		// there, and the 7-bit sums cannot carry into the next byte.
		x := w ^ pattern
		m := ^((x&swarLows + swarLows) | x | swarLows)
		for m != 0 {
			ends = append(ends, int32(i+bits.TrailingZeros64(m)>>3))
			m &= m - 1
		}
	}
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c == sep:
			ends = append(ends, int32(i))
		case c < 0x0E:
			ctl = true
		}
	}
	return ends, ctl
}

// removeNewlines drops CR and LF bytes in place.
func removeNewlines(b []byte) []byte {
	out := b[:0]
	for _, c := range b {
		if c != '\r' && c != '\n' {
			out = append(out, c)
		}
	}
	return out
}

func clip(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// trimPad trims the padding senders put in fixed-width ISA fields: spaces
// and U+00A0 no-break spaces.
func trimPad(b []byte) []byte {
	for len(b) > 0 {
		switch {
		case b[len(b)-1] == ' ' || b[len(b)-1] == '\t':
			b = b[:len(b)-1]
		case len(b) >= 2 && b[len(b)-2] == 0xC2 && b[len(b)-1] == 0xA0:
			b = b[:len(b)-2]
		default:
			goto left
		}
	}
left:
	for len(b) > 0 {
		switch {
		case b[0] == ' ' || b[0] == '\t':
			b = b[1:]
		case len(b) >= 2 && b[0] == 0xC2 && b[1] == 0xA0:
			b = b[2:]
		default:
			return b
		}
	}
	return b
}
