package docs

import (
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Confidence levels. They are coarse on purpose: the confirm page shows
// "check this" below confidenceSure, and nothing finer is meaningful.
const (
	confidenceHinted    = 95 // found where this supplier's hints said
	confidenceLabelled  = 90 // found next to a standard label
	confidenceSure      = 80
	confidenceInferred  = 70 // e.g. currency from a symbol, ambiguous date order
	confidenceDoubtful  = 40 // does not reconcile
	confidenceNotFound  = 0
	maxBelowRowDistance = 2 // rows below a label searched for its value
)

// interpreter holds the state of reading one layout.
type interpreter struct {
	layout *Layout
	hints  *Hints
	style  numberStyle
	order  dateOrder
	draft  Draft
	// tableRows marks rows that belong to the line table so header labels
	// are not looked for inside it.
	tableRows map[int]bool
	tableEnd  int // index of the first row after the table
	decimals  int
	// dateAmbiguous is set by validDate when the last date it accepted
	// could be read day-first or month-first.
	dateAmbiguous bool
}

// interpret turns a layout into a reconciled draft.
func interpret(layout *Layout, hints *Hints) Draft {
	in := &interpreter{layout: layout, hints: hints, tableRows: map[int]bool{}}
	in.draft = Draft{Fields: map[string]FieldInfo{}, Lines: []Line{}, Charges: []Charge{}, Reasons: []string{},
		Source: DocumentInfo{Kind: layout.Kind, Pages: layout.Pages, Rows: len(layout.Rows), Hinted: hints != nil}}
	in.style = in.numberStyle()
	in.findCurrency()
	in.decimals = currencyDecimals(in.draft.Currency)
	in.order = in.dateOrder()
	in.findTable()
	in.findHeaderFields()
	in.findTotals()
	reconcile(&in.draft, in.decimals)
	return in.draft
}

func (in *interpreter) numberStyle() numberStyle {
	if in.hints != nil && in.hints.DecimalComma != nil {
		if *in.hints.DecimalComma {
			return styleCommaDecimal
		}
		return styleDotDecimal
	}
	var texts []string
	for _, r := range in.layout.Rows {
		for _, c := range r.Cells {
			if !c.Numeric {
				texts = append(texts, c.Text)
			}
		}
	}
	return detectNumberStyle(texts)
}

// dateOrder picks day-first unless the hints or a US-dollar invoice with a
// dot decimal say month-first.
func (in *interpreter) dateOrder() dateOrder {
	if in.hints != nil && in.hints.DateOrder != "" {
		return dateOrder(in.hints.DateOrder)
	}
	if in.draft.Currency == "USD" && in.style != styleCommaDecimal {
		return orderMDY
	}
	return orderDMY
}

func (in *interpreter) number(c Cell) (parsedNumber, bool) {
	if c.Numeric {
		return parseNumber(c.Text, styleDotDecimal)
	}
	return parseNumber(c.Text, in.style)
}

func location(r Row, c Cell) Location {
	if r.Sheet != "" {
		return Location{Sheet: r.Sheet, Cell: c.Ref}
	}
	return Location{Page: r.Page, X: c.X0, Y: r.Y}
}

// ---- currency ----

var reISOWord = regexp.MustCompile(`\b([A-Z]{3})\b`)

func (in *interpreter) findCurrency() {
	if v, info, ok := in.labelled(FieldCurrency, func(s string) (string, bool) {
		code := strings.ToUpper(strings.TrimSpace(s))
		if f := strings.Fields(code); len(f) > 0 {
			code = f[0]
		}
		if _, known := isoCurrencies[code]; known {
			return code, true
		}
		if _, c := stripCurrency(code + "0"); c != "" {
			return c, true
		}
		return "", false
	}); ok {
		in.draft.Currency, in.draft.Fields[FieldCurrency] = v, info
		return
	}
	codes, symbols := map[string]int{}, map[string]int{}
	firstLoc := map[string]Location{}
	for _, r := range in.layout.Rows {
		for _, c := range r.Cells {
			for _, m := range reISOWord.FindAllString(c.Text, -1) {
				if _, ok := isoCurrencies[m]; ok {
					codes[m]++
					if _, seen := firstLoc[m]; !seen {
						firstLoc[m] = location(r, c)
					}
				}
			}
			if n, ok := in.number(c); ok && n.currency != "" {
				symbols[n.currency]++
				if _, seen := firstLoc[n.currency]; !seen {
					firstLoc[n.currency] = location(r, c)
				}
			}
		}
	}
	best, conf := mostFrequent(codes), confidenceSure
	if best == "" {
		best, conf = mostFrequent(symbols), confidenceInferred
	}
	if best == "" {
		return
	}
	in.draft.Currency = best
	in.draft.Fields[FieldCurrency] = FieldInfo{Value: best, Confidence: conf, Source: firstLoc[best]}
}

func mostFrequent(counts map[string]int) string {
	best, n := "", 0
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if counts[k] > n {
			best, n = k, counts[k]
		}
	}
	return best
}

// ---- header fields ----

func (in *interpreter) findHeaderFields() {
	validators := map[string]func(string) (string, bool){
		FieldInvoiceNumber: validReference,
		FieldPONumber:      validReference,
		FieldInvoiceDate:   in.validDate,
		FieldDueDate:       in.validDate,
	}
	for _, field := range headerFieldOrder {
		if field == FieldCurrency {
			continue
		}
		in.dateAmbiguous = false
		v, info, ok := in.labelled(field, validators[field])
		if !ok {
			continue
		}
		if in.dateAmbiguous {
			// "03/04/2026": the day/month order came from the document's
			// currency and number style, not from the date itself.
			info.Confidence = min(info.Confidence, confidenceInferred)
		}
		in.draft.Fields[field] = info
		switch field {
		case FieldInvoiceNumber:
			in.draft.InvoiceNumber = v
		case FieldInvoiceDate:
			in.draft.InvoiceDate = v
		case FieldDueDate:
			in.draft.DueDate = v
		case FieldPONumber:
			in.draft.PONumber = v
		}
	}
}

// validReference accepts a document number: one token (or two when the
// second is numeric, "INV 0001") containing a digit.
func validReference(s string) (string, bool) {
	f := strings.Fields(strings.Trim(strings.TrimSpace(s), ":#"))
	if len(f) == 0 {
		return "", false
	}
	v := strings.Trim(f[0], ",;")
	if len(f) > 1 && len(f[1]) > 0 && isDigit(rune(f[1][0])) && !strings.ContainsAny(v, "0123456789") {
		v += " " + f[1]
	}
	if !strings.ContainsAny(v, "0123456789") || len(v) > 40 {
		return "", false
	}
	return v, true
}

func (in *interpreter) validDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, cand := range []string{s, firstWords(s, 3), firstWords(s, 1)} {
		if iso, ambiguous, ok := parseDate(cand, in.order); ok {
			in.dateAmbiguous = ambiguous
			return iso, true
		}
	}
	return "", false
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

// labelled finds the value of a header field: first through this
// supplier's hinted labels, then through the standard label variants.
func (in *interpreter) labelled(field string, valid func(string) (string, bool)) (string, FieldInfo, bool) {
	if in.hints != nil {
		for _, h := range in.hints.Labels[field] {
			re := regexp.MustCompile(`^` + regexp.QuoteMeta(normalize(h.Text)) + `(?:\s*[:#.])?\s*`)
			if v, info, ok := in.searchLabel(re, h.Direction, valid); ok {
				info.Confidence = confidenceHinted
				return v, info, true
			}
		}
	}
	re, ok := headerLabels[field]
	if !ok {
		return "", FieldInfo{}, false
	}
	return in.searchLabel(re, "", valid)
}

// searchLabel scans every row outside the table for a cell starting with
// the label, then takes the value inline, to the right, or below.
func (in *interpreter) searchLabel(re *regexp.Regexp, direction string, valid func(string) (string, bool)) (string, FieldInfo, bool) {
	rows := in.layout.Rows
	for ri, r := range rows {
		if in.tableRows[ri] {
			continue
		}
		for ci, c := range r.Cells {
			norm := normalize(c.Text)
			loc := re.FindStringIndex(norm)
			if loc == nil || loc[0] != 0 || !labelEnds(norm, loc[1]) {
				continue
			}
			label := strings.TrimSpace(norm[:loc[1]])
			rest := strings.TrimSpace(c.Text[min(len(c.Text), inlineOffset(c.Text, loc[1])):])
			if rest != "" && (direction == "" || direction == "inline") {
				if v, ok := valid(rest); ok {
					return v, FieldInfo{Value: v, Confidence: confidenceLabelled, Source: location(r, c), Label: label}, true
				}
				continue // "Invoice Date 2026/99/99": a label with garbage is not a label to search around
			}
			if direction == "" || direction == "right" {
				if ci+1 < len(r.Cells) {
					n := r.Cells[ci+1]
					if v, ok := valid(n.Text); ok {
						return v, FieldInfo{Value: v, Confidence: confidenceLabelled, Source: location(r, n), Label: label}, true
					}
				}
			}
			if direction == "" || direction == "below" {
				if v, src, ok := in.valueBelow(ri, c, valid); ok {
					return v, FieldInfo{Value: v, Confidence: confidenceLabelled, Source: src, Label: label}, true
				}
			}
		}
	}
	return "", FieldInfo{}, false
}

// labelEnds reports whether a label match ends at a word boundary, so the
// value "PO-504853" is not read as the label "PO" followed by "-504853".
func labelEnds(norm string, end int) bool {
	if end >= len(norm) || end == 0 {
		return true
	}
	prev, next := rune(norm[end-1]), rune(norm[end])
	if prev == ' ' || prev == ':' || prev == '#' || prev == '.' {
		return true
	}
	return !(next >= 'a' && next <= 'z' || next >= '0' && next <= '9' || next == '-' || next == '_' || next == '/')
}

// inlineOffset maps an offset in the normalised text back to the original
// cell text (normalisation only lower-cases and collapses spaces).
func inlineOffset(orig string, normOffset int) int {
	seen := 0
	prevSpace := true
	for i, r := range orig {
		if seen >= normOffset {
			return i
		}
		isSpace := r == ' ' || r == '\t' || r == '\u00a0'
		if isSpace && prevSpace {
			continue
		}
		prevSpace = isSpace
		seen += len(string(r))
	}
	return len(orig)
}

func (in *interpreter) valueBelow(ri int, label Cell, valid func(string) (string, bool)) (string, Location, bool) {
	rows := in.layout.Rows
	for k := ri + 1; k < len(rows) && k <= ri+maxBelowRowDistance; k++ {
		if rows[k].Page != rows[ri].Page || rows[k].Sheet != rows[ri].Sheet {
			break
		}
		for _, c := range rows[k].Cells {
			if c.X1 < label.X0-1 || c.X0 > label.X1+1 {
				continue
			}
			if v, ok := valid(c.Text); ok {
				return v, location(rows[k], c), true
			}
		}
	}
	return "", Location{}, false
}

// ---- line table ----

type column struct {
	kind   string
	x0, x1 float64
}

// headerColumns recognises a line-table heading row: at least three known
// column kinds including a quantity and a price or amount.
func (in *interpreter) headerColumns(r Row) ([]column, bool) {
	var cols []column
	kinds := map[string]bool{}
	for _, c := range splitHeadings(r.Cells, in.hints) {
		kind := ""
		if in.hints != nil {
			kind = in.hints.Columns[normalize(c.Text)]
		}
		if kind == "" {
			kind = columnKind(c.Text)
		}
		if kind == "" {
			if len(cols) > 0 || len(r.Cells) > 8 {
				kind = "unknown"
			} else {
				continue
			}
		}
		kinds[kind] = true
		cols = append(cols, column{kind: kind, x0: c.X0, x1: c.X1})
	}
	known := 0
	for k := range kinds {
		if k != "unknown" {
			known++
		}
	}
	ok := known >= 3 && kinds[ColQuantity] && (kinds[ColAmount] || kinds[ColUnitPrice])
	return cols, ok
}

// splitHeadings splits a heading cell that is two headings glued together
// by tight padding ("Unit Unit price"): when the cell matches no column
// kind but a split at a word boundary gives two that do.
func splitHeadings(cells []Cell, hints *Hints) []Cell {
	kindOf := func(text string) string {
		if hints != nil && hints.Columns[normalize(text)] != "" {
			return hints.Columns[normalize(text)]
		}
		return columnKind(text)
	}
	var out []Cell
	for _, c := range cells {
		if len(c.Words) < 2 || kindOf(c.Text) != "" {
			out = append(out, c)
			continue
		}
		split := false
		for k := 1; k < len(c.Words) && !split; k++ {
			left, right := joinWords(c.Words[:k]), joinWords(c.Words[k:])
			if kindOf(left) != "" && kindOf(right) != "" {
				out = append(out,
					Cell{Text: left, X0: c.Words[0].X0, X1: c.Words[k-1].X1, Size: c.Size},
					Cell{Text: right, X0: c.Words[k].X0, X1: c.Words[len(c.Words)-1].X1, Size: c.Size})
				split = true
			}
		}
		if !split {
			out = append(out, c)
		}
	}
	return out
}

func joinWords(words []Word) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = w.Text
	}
	return strings.Join(parts, " ")
}

func (in *interpreter) findTable() {
	rows := in.layout.Rows
	var cols []column
	var last *Line
	var lastRow Row
	// pending holds wrapped description text seen before we know whether
	// it ends the previous line's description or starts the next one:
	// Writer centres a short cell vertically against a wrapped one, so
	// the first half of a description can come before its line's numbers.
	type fragment struct {
		text string
		pos  float64
	}
	var pending []fragment
	var lastLinePos float64
	appendTo := func(l *Line, text string) {
		if l != nil {
			l.Description = strings.TrimSpace(l.Description + " " + text)
		}
	}
	flushPending := func() {
		for _, f := range pending {
			appendTo(last, f.text)
		}
		pending = nil
	}
	in.tableEnd = -1
	for ri, r := range rows {
		if in.tableRows[ri] {
			continue // a heading fragment claimed by wrappedHeadings
		}
		if band, used := in.headingBand(ri); len(band.Cells) > 0 {
			c, ok := in.headerColumns(band)
			if !ok && len(used) > 1 {
				c, ok = in.headerColumns(r)
				used = []int{ri}
			}
			if ok {
				// A repeated heading on a new page keeps the last line
				// open: its description may continue under the new heading.
				cols = c
				for _, k := range used {
					in.tableRows[k] = true
				}
				lastRow = rows[used[len(used)-1]]
				continue
			}
		}
		if cols == nil {
			continue
		}
		line, ok := in.parseLine(r, cols)
		if ok {
			if line.Description == "" && len(pending) > 0 {
				// Each fragment goes to the line whose numbers it is
				// nearer to.
				here := rowPos(r)
				for _, f := range pending {
					if last != nil && f.pos-lastLinePos < here-f.pos {
						appendTo(last, f.text)
					} else {
						appendTo(&line, f.text)
					}
				}
				pending = nil
			}
			flushPending()
			lastLinePos = rowPos(r)
			in.draft.Lines = append(in.draft.Lines, line)
			last = &in.draft.Lines[len(in.draft.Lines)-1]
			lastRow = r
			in.tableRows[ri] = true
			continue
		}
		// The table ends at the first totals row: a totals label with an
		// amount. A label word alone ("packaging" wrapped from a
		// description) is not one.
		if label, _, _, hasAmount := in.labelAndAmount(r); hasAmount {
			if kind, _ := totalsKind(label); kind != "" {
				flushPending()
				in.tableEnd = ri
				return
			}
		}
		if in.isContinuation(r, lastRow, cols) {
			for _, c := range r.Cells {
				pending = append(pending, fragment{c.Text, rowPos(r)})
			}
			lastRow = r
			in.tableRows[ri] = true
		}
	}
	flushPending()
	if cols != nil {
		in.tableEnd = len(rows)
	}
}

// rowPos is a row's vertical position: points on a PDF page, the row
// number in a sheet.
func rowPos(r Row) float64 {
	if r.Sheet != "" {
		return float64(r.Index)
	}
	return r.Y
}

// maxHeadingBand is the most visual lines one heading row may spread over.
const maxHeadingBand = 4

// headingBand merges a row with the text-only rows right above and below
// it (within a line's height) into one heading row: headings that wrap
// ("Unit" over "price", "Item" over "Code") are stacked, and producers
// centre them vertically against one-line neighbours, so one table heading
// spreads over two or three visual lines. Stacked fragments that overlap
// horizontally are joined top to bottom. It returns the merged row and the
// indexes of the rows it used.
func (in *interpreter) headingBand(ri int) (Row, []int) {
	rows := in.layout.Rows
	r := rows[ri]
	if r.Sheet != "" || len(r.Cells) == 0 {
		return r, []int{ri}
	}
	size := r.Cells[0].Size
	used := []int{ri}
	joins := func(k, near int) bool {
		if k < 0 || k >= len(rows) || in.tableRows[k] || rows[k].Page != r.Page || math.Abs(rows[k].Y-rows[near].Y) > 1.3*size {
			return false
		}
		for _, c := range rows[k].Cells {
			if _, isNum := in.number(c); isNum {
				return false
			}
		}
		return true
	}
	// Grow the band a row at a time in both directions, up to four rows.
	top, bottom := ri, ri
	for len(used) < maxHeadingBand {
		if joins(bottom+1, bottom) {
			bottom++
			used = append(used, bottom)
			continue
		}
		if joins(top-1, top) {
			top--
			used = append(used, top)
			continue
		}
		break
	}
	if len(used) == 1 {
		return r, used
	}
	sort.Ints(used)
	var cells []Cell
	for _, k := range used {
		cells = append(cells, rows[k].Cells...) // rows in top-to-bottom order
	}
	var merged []Cell
	for _, c := range cells {
		joined := false
		for i := range merged {
			if c.X1 > merged[i].X0 && c.X0 < merged[i].X1 {
				merged[i].Text += " " + c.Text
				merged[i].X0, merged[i].X1 = min(merged[i].X0, c.X0), max(merged[i].X1, c.X1)
				joined = true
				break
			}
		}
		if !joined {
			c.Words = nil
			merged = append(merged, c)
		}
	}
	sort.Slice(merged, func(i, j int) bool { return merged[i].X0 < merged[j].X0 })
	band := r
	band.Cells = merged
	return band, used
}

func firstText(r Row) string {
	for _, c := range r.Cells {
		if strings.TrimSpace(c.Text) != "" {
			return c.Text
		}
	}
	return ""
}

// isContinuation reports whether a row is a wrapped description: only
// text, within the description column, right under the previous line.
func (in *interpreter) isContinuation(r, prev Row, cols []column) bool {
	if len(r.Cells) == 0 || len(cols) == 0 || r.Page != prev.Page || r.Sheet != prev.Sheet {
		return false
	}
	if r.Sheet == "" {
		size := 10.0
		if len(prev.Cells) > 0 && prev.Cells[0].Size > 0 {
			size = prev.Cells[0].Size
		}
		if r.Y-prev.Y > 2.2*size {
			return false
		}
	} else if r.Index != prev.Index+1 {
		return false
	}
	assign := assignColumns(r.Cells, cols)
	for i, c := range r.Cells {
		if _, isNum := in.number(c); isNum {
			return false
		}
		switch cols[assign[i]].kind {
		case ColDescription, ColVendorPart, ColLineNo, "unknown": // numbers were excluded above
		default:
			return false
		}
	}
	return len(r.Cells) > 0
}

// parseLine reads one table row against the heading's columns. Cells
// that run across column headings are first split at word boundaries;
// when that reading fails the row is read as it was grouped.
func (in *interpreter) parseLine(r Row, cols []column) (Line, bool) {
	line, ok := in.parseCells(r, cols)
	if split, changed := splitByColumns(r.Cells, cols); changed {
		sr := r
		sr.Cells = split
		// The split reading wins only when it is needed: the row did not
		// read as a line, or the split fills a text column left empty
		// (a part number glued to its description).
		if sl, sok := in.parseCells(sr, cols); sok && (!ok || columnsFilled(split, cols) > columnsFilled(r.Cells, cols)) {
			return sl, true
		}
	}
	return line, ok
}

// columnsFilled counts the columns that receive at least one cell.
func columnsFilled(cells []Cell, cols []column) int {
	seen := map[int]bool{}
	for _, j := range assignColumns(cells, cols) {
		seen[j] = true
	}
	return len(seen)
}

// splitByColumns breaks multi-word cells where producers with tight
// table padding glued neighbouring columns together: around every number
// (a number is never part of a multi-word value in a line table's numeric
// columns), and between a part code and the description next to it when
// the headings put those two columns side by side.
func splitByColumns(cells []Cell, cols []column) ([]Cell, bool) {
	partBeforeDesc, partAfterDesc := false, false
	for j := 1; j < len(cols); j++ {
		if cols[j-1].kind == ColVendorPart && cols[j].kind == ColDescription {
			partBeforeDesc = true
		}
		if cols[j-1].kind == ColDescription && cols[j].kind == ColVendorPart {
			partAfterDesc = true
		}
	}
	changed := false
	var out []Cell
	for _, c := range cells {
		if len(c.Words) < 2 {
			out = append(out, c)
			continue
		}
		n := len(c.Words)
		part := Cell{Text: c.Words[0].Text, X0: c.Words[0].X0, X1: c.Words[0].X1, Size: c.Size}
		for i := 1; i < n; i++ {
			prev, w := c.Words[i-1].Text, c.Words[i].Text
			cut := isNumberWord(prev) || isNumberWord(w) ||
				(i == 1 && partBeforeDesc && isPartCode(prev)) ||
				(i == n-1 && partAfterDesc && isPartCode(w))
			if cut {
				out = append(out, part)
				part = Cell{Text: w, X0: c.Words[i].X0, X1: c.Words[i].X1, Size: c.Size}
				changed = true
				continue
			}
			part.Text += " " + w
			part.X1 = c.Words[i].X1
		}
		out = append(out, part)
	}
	return out, changed
}

func isNumberWord(s string) bool {
	_, ok := parseNumber(s, styleUnknown)
	return ok
}

// isPartCode recognises supplier part numbers: letters and digits with a
// separator ("AB-1234", "X/200") or upper-case letters and at least two
// digits ("KT2257"), but not sizes such as "750ml" or "A5".
func isPartCode(s string) bool {
	letters, digits, upper, sep := 0, 0, 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'A' && r <= 'Z':
			letters++
			upper++
		case r >= 'a' && r <= 'z':
			letters++
		case r == '-' || r == '/' || r == '.' || r == '_':
			sep = true
		}
	}
	return digits > 0 && letters > 0 && (sep || (digits >= 2 && upper == letters))
}

func (in *interpreter) parseCells(r Row, cols []column) (Line, bool) {
	if len(r.Cells) < 2 || len(cols) == 0 {
		return Line{}, false
	}
	assign := assignColumns(r.Cells, cols)
	values := map[string][]Cell{}
	for i, c := range r.Cells {
		kind := cols[assign[i]].kind
		values[kind] = append(values[kind], c)
	}
	line := Line{Cells: &LineRefs{}}
	amount, okAmount := in.single(values[ColAmount])
	price, okPrice := in.single(values[ColUnitPrice])
	qty, okQty := in.quantity(values[ColQuantity])
	if !okAmount || (!okPrice && !okQty) {
		return Line{}, false
	}
	if okQty {
		line.Quantity = formatDecimal(qty.value, 0)
		loc := location(r, values[ColQuantity][0])
		line.Cells.Quantity = &loc
	}
	if okPrice {
		line.UnitPrice = formatDecimal(price.value, in.decimals)
		loc := location(r, values[ColUnitPrice][0])
		line.Cells.UnitPrice = &loc
	}
	line.Amount = formatDecimal(amount.value, in.decimals)
	amountLoc := location(r, values[ColAmount][0])
	line.Cells.Amount = &amountLoc
	line.Description = joinText(values[ColDescription])
	line.VendorPart = joinText(values[ColVendorPart])
	if line.Description != "" {
		loc := location(r, values[ColDescription][0])
		line.Cells.Description = &loc
	}
	if line.VendorPart != "" {
		loc := location(r, values[ColVendorPart][0])
		line.Cells.VendorPart = &loc
	}
	for _, kind := range []string{ColQuantity, ColUnitPrice, ColAmount} {
		for _, c := range values[kind] {
			if c.Formula {
				line.Formula = append(line.Formula, c.Ref)
			}
		}
	}
	line.Source = location(r, r.Cells[0])
	line.Confidence = confidenceLabelled
	return line, true
}

func joinText(cells []Cell) string {
	parts := make([]string, 0, len(cells))
	for _, c := range cells {
		parts = append(parts, c.Text)
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

func (in *interpreter) single(cells []Cell) (parsedNumber, bool) {
	if len(cells) != 1 {
		return parsedNumber{}, false
	}
	return in.number(cells[0])
}

// quantity reads "12", "12 pcs", "12.5 kg": a number optionally followed
// by a unit word.
func (in *interpreter) quantity(cells []Cell) (parsedNumber, bool) {
	if len(cells) != 1 {
		return parsedNumber{}, false
	}
	if n, ok := in.number(cells[0]); ok {
		return n, true
	}
	f := strings.Fields(cells[0].Text)
	if len(f) == 2 {
		if n, ok := parseNumber(f[0], in.style); ok && n.currency == "" {
			return n, true
		}
	}
	return parsedNumber{}, false
}

// assignColumns maps each cell (left to right) to a column so that the
// order is kept and the total horizontal distance between each cell and
// its column heading is smallest. Keeping the order matters: a long
// description may reach under the next heading, but it never jumps over
// the quantity.
//
// Two cells under one heading cost sharedColumnPenalty extra: a table row
// has one value per column, so a narrow right-aligned "8" that sits nearer
// the next heading than its own still goes to the quantity.
func assignColumns(cells []Cell, cols []column) []int {
	n, m := len(cells), len(cols)
	if n == 0 || m == 0 {
		return make([]int, n) // callers never pass m == 0 with cells: every table has a heading row
	}
	const inf = 1e18
	cost := make([][]float64, n+1)
	from := make([][]int, n+1)
	for i := range cost {
		cost[i] = make([]float64, m)
		from[i] = make([]int, m)
		for j := range cost[i] {
			cost[i][j] = inf
		}
	}
	for j := 0; j < m; j++ {
		cost[1][j] = distance(cells[0], cols, j)
	}
	for i := 2; i <= n; i++ {
		for j := 0; j < m; j++ {
			best, arg := inf, 0
			for k := 0; k <= j; k++ {
				c := cost[i-1][k]
				if k == j {
					c += sharedColumnPenalty
				}
				if c < best {
					best, arg = c, k
				}
			}
			cost[i][j] = best + distance(cells[i-1], cols, j)
			from[i][j] = arg
		}
	}
	end := 0
	for j := 1; j < m; j++ {
		if cost[n][j] < cost[n][end] {
			end = j
		}
	}
	out := make([]int, n)
	for i := n; i >= 1; i-- {
		out[i-1] = end
		end = from[i][end]
	}
	return out
}

// sharedColumnPenalty is in the same unit as distance (PDF points, or
// columns for spreadsheets, where it is simply prohibitive).
const sharedColumnPenalty = 50

// distance between a cell and column j. Headings and values are aligned
// differently by every producer (left-aligned headings over right-aligned
// numbers in spreadsheets, centred headings in Writer), so a cell is at
// distance zero when it lies inside the column under any of the three
// readings: the column running from its heading's left edge to the next
// heading, running from the previous heading to its right edge, or
// overlapping the heading. A tiny centre distance breaks ties.
func distance(c Cell, cols []column, j int) float64 {
	col := cols[j]
	leftEnd, rightStart := math.Inf(1), math.Inf(-1)
	if j+1 < len(cols) {
		leftEnd = cols[j+1].x0
	}
	if j > 0 {
		rightStart = cols[j-1].x1
	}
	d := min(
		outside(c, col.x0, leftEnd),
		outside(c, rightStart, col.x1),
		outside(c, col.x0, col.x1),
	)
	return d + math.Abs((c.X0+c.X1)/2-(col.x0+col.x1)/2)/1000
}

// outside is how far the cell sticks out of [lo, hi].
func outside(c Cell, lo, hi float64) float64 {
	return max(0, lo-c.X0) + max(0, c.X1-hi)
}

// ---- totals ----

func (in *interpreter) findTotals() {
	rows := in.layout.Rows
	start := in.tableEnd
	if start < 0 {
		start = 0
	}
	totalStrength := -1
	var taxSum decimal.Decimal
	taxFound := false
	for ri := start; ri < len(rows); ri++ {
		if in.tableRows[ri] {
			continue
		}
		r := rows[ri]
		label, value, cell, ok := in.labelAndAmount(r)
		if !ok {
			continue
		}
		kind, strong := totalsKind(label)
		loc := location(r, cell)
		info := FieldInfo{Value: formatDecimal(value.value, in.decimals), Confidence: confidenceLabelled, Source: loc, Label: normalize(label)}
		switch kind {
		case totalSubtotal:
			if in.draft.Subtotal == "" {
				in.draft.Subtotal = info.Value
				in.draft.Fields[FieldSubtotal] = info
			}
		case totalTax:
			taxSum = taxSum.Add(value.value)
			taxFound = true
			info.Value = formatDecimal(taxSum, in.decimals)
			in.draft.Tax = info.Value
			in.draft.Fields[FieldTax] = info
		case totalTotal:
			s := 0
			if strong {
				s = 1
			}
			if s >= totalStrength {
				totalStrength = s
				in.draft.Total = info.Value
				in.draft.Fields[FieldTotal] = info
			}
		case totalFreight, totalDiscount, totalOther:
			v := value.value
			if kind == totalDiscount && v.IsPositive() {
				v = v.Neg()
			}
			in.draft.Charges = append(in.draft.Charges, Charge{Kind: ChargeKind(kind), Label: strings.TrimSpace(label),
				Amount: formatDecimal(v, in.decimals), Confidence: confidenceLabelled, Source: loc})
		}
	}
	if !taxFound {
		in.draft.Tax = ""
	}
}

// labelAndAmount splits a totals row into its label and its amount, the
// rightmost number on the row ("VAT 20% on 1,000.00   200.00" → 200.00).
func (in *interpreter) labelAndAmount(r Row) (string, parsedNumber, Cell, bool) {
	if len(r.Cells) == 0 {
		return "", parsedNumber{}, Cell{}, false
	}
	first := r.Cells[0]
	label := first.Text
	for i := len(r.Cells) - 1; i >= 1; i-- {
		if n, ok := in.number(r.Cells[i]); ok {
			return label, n, r.Cells[i], true
		}
	}
	// "Total: 1,234.00" in one cell: split after the last letter or colon.
	text := first.Text
	cut := strings.LastIndexAny(text, ":")
	if cut < 0 {
		cut = lastLetter(text)
	}
	if cut >= 0 && cut+1 < len(text) {
		if n, ok := parseNumber(text[cut+1:], in.style); ok {
			return text[:cut+1], n, first, true
		}
	}
	return "", parsedNumber{}, Cell{}, false
}

func lastLetter(s string) int {
	idx := -1
	for i, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ')' || r == '%' {
			idx = i
		}
	}
	return idx
}
