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
//     each ISA (tolerating a UTF-8 BOM, leading whitespace, line breaks after
//     terminators, a line break as the terminator, ISAs of odd width and
//     several interchanges per file) and yields one [Segment] at a time whose
//     elements are sub-slices of an internal buffer. Nothing is copied, so
//     memory stays flat however large the file is.
//   - [Decoder] checks the envelopes (ISA/IEA, GS/GE, ST/SE counts and
//     control numbers) and hands each transaction set's segments to a mapper
//     that validates the elements it uses and builds the typed document
//     ([PO850], [Ack855], [ASN856], [Invoice810], [FuncAck997]). It emits
//     one [Event] per completed transaction, group and interchange, so a
//     caller can process a 100 MB file transaction by transaction.
//   - [Parse] is the convenience wrapper that keeps everything in a [File].
//   - [Build997] and [BuildTA1] turn the errors found into acknowledgements;
//     every [Error] carries the X12 code that belongs in the AK3/AK4/AK5/AK9
//     or TA1 segment, with segment and element positions.
//   - [WriteInterchange] (and [Write850], [Write997]) renders documents back
//     to X12, so every typed document round-trips: read → write → read gives
//     the same value.
//
// Amounts and quantities are exact: [Decimal] is a scaled int64 parsed
// straight from the X12 text (R type, or N0/N2 implied decimals); floats are
// never involved.
package edi
