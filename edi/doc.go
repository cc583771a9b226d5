// Package edi reads, validates, maps and writes ANSI X12 interchanges for the
// supply-chain transaction sets pogate exchanges with trading partners:
// 850 purchase order, 855 acknowledgement, 856 ship notice, 810 invoice and
// the 997 functional acknowledgement (plus TA1 interchange acknowledgements).
//
// The package is pure: bytes in, values out. It imports only the standard
// library and shopspring/decimal, so the gateway, the CLI and the tests can
// all use it without a database.
//
// # Layers
//
//   - [Scanner] is the streaming tokenizer. It detects the delimiters from
//     each ISA and yields one [Segment] at a time whose elements are
//     sub-slices of one reused buffer (element boundaries are int32
//     offsets, so splitting allocates nothing). Memory stays flat however
//     large the file is.
//   - [Decoder] checks the envelopes (ISA/IEA, GS/GE, ST/SE counts and
//     control numbers) and hands each transaction set's segments to a mapper
//     that validates the elements it uses and builds the typed document
//     ([PO850], [Ack855], [ASN856], [Invoice810], [FuncAck997]). It emits
//     one [Event] per completed transaction, group and interchange and keeps
//     nothing itself, so a 100 MB file is processed set by set.
//   - [Parse] is the convenience wrapper that keeps everything in a [File].
//   - [Build997], [BuildTA1] and [Acks] turn the errors found into
//     acknowledgements; every [Error] carries the X12 code that belongs in
//     the TA1, AK9, AK5, AK3 or AK4 segment (see [Level]), with segment and
//     element positions and the byte offset in the file.
//   - [WriteInterchange], [Write850], [Write997] and [WriteAck] render
//     documents back to X12. Every typed document round-trips: read → write
//     → read gives the same value (tested over the shared corpus and fuzzed).
//
// # Tolerant reading
//
// Real partners send a UTF-8 BOM, whitespace and line breaks between
// segments, a line break as the terminator (CR, LF or CRLF), ISAs that are
// not 106 bytes (unpadded Ariba ISAs, 14-character ids, U+00A0 padding),
// several interchanges per file with different delimiters, optional ISB/ISE
// segments, TA1-only interchanges, lines wrapped inside segments by
// fixed-width mailboxes (dropped when the terminator is not a line break),
// and a last segment without a terminator. All of that is read. ISA11 is a
// repetition separator only from version 00402 on. One known sender bug is
// recognised: an ISA ending "*~" + line break (ISA16 left out) is read as
// line-terminated with the stray "~" dropped; the interchange carries a note.
// A segment terminator that cannot work (a space, a non-ASCII byte such as
// the UTF-8 "…", a letter) is rejected with TA1 code 004 rather than
// guessed at.
//
// # Strict checking
//
// Envelopes: ISA fields (dates, times, version, control number, flags),
// IEA01/IEA02, GS04/GS05/GS06, GE01/GE02, ST01 against GS01, ST02/SE02 and
// SE01. Documents: mandatory segments and elements, X12 syntax notes on the
// segments mapped (PO1 and IT1 pairs, PO4, N1, SAC, REF), dates (CCYYMMDD;
// YYMMDD for groups older than 004010; 20240230 is invalid), times, R and
// N0/N2 numbers, the code lists that drive business decisions (BEG01,
// BAK02, ACK01, HL03, SAC01, AK5/AK9 statuses) and HL tree structure (S-O-P-I,
// S-O-I-P, S-O-T-P-I, and trees without HL02 parents). Negative quantities
// are rejected (AK4 code 6): credits travel as their own documents. Values
// longer than the standard allows on key fields are kept but noted, which
// makes the 997 say "accepted, errors noted" (AK5 E) instead of rejecting.
//
// # Numbers
//
// Amounts and quantities are exact: [Decimal] is a scaled int64 parsed
// straight from the X12 text and keeps the scale it was written with;
// [Decimal.Scaled] converts to the project's fixed-scale integers (minor
// units, micro-units for prices) rounding half-even once. Floats are never
// involved.
package edi
