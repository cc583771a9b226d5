// Package docs turns supplier invoice documents (PDF and XLSX) into a draft
// invoice: header fields, lines, charges, tax and totals, each with a
// confidence and the place in the document it came from.
//
// The package never trusts the file. The third-party readers it uses
// (ledongthuc/pdf, excelize) are known to panic, loop or allocate without
// bound on crafted input, and some of those failures (stack exhaustion,
// out-of-memory) cannot be recovered inside the process. So the server calls
// ExtractIsolated, which runs Extract in a child process under a wall-clock,
// memory and output limit; only the child, started by RunChild, calls Extract
// directly.
//
// A draft is never trusted either: every line is checked (quantity × unit
// price = amount) and the invoice is checked (lines + charges + tax = total).
// Anything that does not reconcile, or any field that could not be found,
// sets NeedsReview with a human-readable reason, so a partly read invoice is
// never paid silently.
//
// Pipeline: Sniff decides PDF or XLSX from the bytes; a PDF becomes a
// Layout (rows of positioned cells) from our own content-stream walk over
// ledongthuc/pdf's parser (the library's Content() gives Type0 glyphs zero
// width); a workbook becomes the same Layout from raw cell values, unless it
// is the exact per-PO template (WriteTemplate), which is read cell by cell.
// interpret finds labels, the line table (columns from the heading row,
// cells assigned in order) and the totals block, and reconcile checks the
// arithmetic. Hints learned from a corrected draft (LearnHints) add a
// supplier's own labels and column headings.
//
// Limits inside the child: RLIMIT_DATA (not RLIMIT_AS, which counts the Go
// runtime's address-space reservations and killed healthy children),
// debug.SetMemoryLimit, a 64 MiB goroutine stack. Cheap pre-checks refuse
// what we can recognise before the libraries allocate: encryption markers,
// seven-digit size declarations, looping page trees, zip bombs and huge
// row indexes (by unpacking and scanning the worksheet XML ourselves).
//
// Fuzzing runs the readers in-process: library panics are recovered into
// refusals, so a panic that reaches the fuzzer is ours; faults no recover
// can catch are what the child process is for.
package docs
