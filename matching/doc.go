// Package matching is pogate's three-way match engine: a purchase order, what
// was received against it, an invoice and a tolerance policy go in; a
// Decision with reasons and the figures behind them comes out. It is pure —
// no database, no clock, no I/O — so the store can run it inside its
// transaction, the portal can re-run it to explain a page, and tests can
// drive it with tables and fuzzers. It imports only the standard library and
// shopspring/decimal.
//
// # Numbers
//
// Nothing here is a float. Amounts are int64 minor units of their currency
// (Currency, LookupCurrency: JPY has 0 decimals, USD 2, KWD 3); unit prices
// are int64 micro-units of the major unit (PriceScale = 6); quantities are
// int64 in the PO line's unit of measure; tolerance percentages are basis
// points (250 = 2.50%). ParseScaled and friends read decimal strings exactly
// (too many decimals is an error, never a rounding); FormatScaled writes
// them back. A line amount is qty × unit price rounded half-even exactly
// once (LineAmount), computed in 128 bits so nothing overflows on the way.
//
// # What is checked
//
// Per invoice line, after finding its PO line (by PO line ID, else SKU, else
// vendor part):
//
//   - arithmetic: stated amount = qty × invoice price, ± 1 minor unit of
//     rounding (amount_mismatch);
//   - price: invoice price vs PO price within the UnitPrice band
//     (price_over_tolerance, price_under_tolerance);
//   - amount: stated amount vs qty × PO price within the Amount band, a cap
//     on what a price tolerance lets through on large lines
//     (amount_over_tolerance, amount_under_tolerance);
//   - quantity: invoiced qty vs received-and-not-yet-invoiced. Goods still
//     expected → awaiting_receipt; receiving closed → qty_over_receipt;
//     beyond what was ordered → qty_over_order. Earlier invoices are in
//     POLine.InvoicedQty; earlier lines of the same invoice on the same PO
//     line are allocated first, in line order, so two partial invoices (or
//     two lines) can never both claim the same received goods.
//
// Per invoice: currency known and equal to the PO's (currency_mismatch,
// unknown_currency), same supplier, total = lines + charges − allowances +
// tax within one minor unit per line/charge/allowance (total_mismatch),
// charges within what the PO agreed (charge_over_agreed), duplicate numbers
// after NormaliseInvoiceNumber and near-duplicates (same currency and total,
// dated within NearDuplicateDays) among the supplier's earlier documents
// (duplicate_invoice, near_duplicate), extraction confidence
// (not_confident_extraction), and presence of number, date and lines.
//
// # Outcome
//
// Any reason other than awaiting_receipt makes the invoice an Exception for
// accounts payable; otherwise any awaiting line makes it AwaitingReceipt (the
// store re-runs the match when goods arrive); otherwise it is Matched and
// goes to the payable queue. Each LineResult carries QuantityEffect, and
// Decision.Effects sums them per PO line: what the store adds to
// POLine.InvoicedQty once the invoice is payable. Because availability is
// read from InvoicedQty, the store must apply those effects and re-run
// waiting invoices one at a time, oldest first, under the PO line's row
// lock; two invoices re-matched concurrently on stale figures could both
// claim the same receipt.
//
// # Credit notes
//
// A credit note states positive figures and sets Invoice.CreditNote. Its
// Payable is negative, its QuantityEffect negative, it may credit at most
// what was invoiced and not yet credited (credit_over_invoiced), it never
// waits for receipts and its charges are not held to the PO.
//
// # Tolerances
//
// Each of Quantity, UnitPrice, Amount and Charges has an upper and a lower
// Bound, each with a percentage and an absolute form. Every field is resolved
// on its own: supplier › SKU › brand (Resolve, Tolerances.For); nil inherits,
// 0 means exact. With both forms set the smaller allowance applies; with one,
// that one; with neither, the side is exact — except the Amount band, which
// is a cap and has none when set nowhere. A difference exactly at the
// allowance passes. The quantity band's lower side is not used: invoicing
// less than received is an ordinary partial invoice.
//
// # Explaining
//
// Every Reason has a Code for programs (AllCodes, Code.Title for filter
// labels), a Message for people ("line 1: 500
// invoiced, 480 received, 0 already invoiced: 20 more than received …") and,
// where numbers drove it, a Figure: expected, actual, difference, the
// allowance and which level each tolerance came from. Stores should persist
// the Input next to the Decision (both marshal to JSON) with EngineVersion.
//
// # Speed
//
// MatchInto reuses a Decision's slices; a matched invoice then costs no
// allocation at all, and messages are only formatted for failing checks.
// BenchmarkMatch reports invoice lines per second.
package matching
