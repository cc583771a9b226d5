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
package docs
