package docs

import (
	"strings"

	"github.com/shopspring/decimal"
)

// HintsVersion is bumped when the meaning of Hints changes, so stored hints
// from an older release can be ignored rather than misread.
const HintsVersion = 1

// Hints are what a supplier's earlier corrected invoices taught us about
// their layout. They are plain JSON so the store keeps them per supplier
// and passes them to the next extraction for that supplier.
type Hints struct {
	Version int `json:"version"`
	// Labels maps a header field (FieldInvoiceNumber, …) to the labels this
	// supplier prints for it and where the value sits relative to the label.
	Labels map[string][]LabelHint `json:"labels,omitempty"`
	// Columns maps a normalised table heading ("cnt") to a column kind
	// (ColQuantity, …).
	Columns map[string]string `json:"columns,omitempty"`
	// ColumnOrder is the column kinds of the line table, left to right, as
	// seen on the corrected invoice (informational, for support staff).
	ColumnOrder []string `json:"column_order,omitempty"`
	// DecimalComma forces the number style when set.
	DecimalComma *bool `json:"decimal_comma,omitempty"`
	// DateOrder is "DMY" or "MDY" when the corrected date settled it.
	DateOrder string `json:"date_order,omitempty"`
}

// LabelHint is one learned label: its text, where the value is relative to
// it ("inline", "right", "below") and where the label was on the page.
type LabelHint struct {
	Text      string   `json:"text"`
	Direction string   `json:"direction"`
	Source    Location `json:"source"`
}

// LearnHints works out, from the layout of an extraction and the draft as a
// person corrected it, which labels and column headings this supplier uses.
// It merges into previous (which may be nil) so hints accumulate.
func LearnHints(layout *Layout, corrected Draft, previous *Hints) Hints {
	h := Hints{Version: HintsVersion, Labels: map[string][]LabelHint{}, Columns: map[string]string{}}
	if previous != nil && previous.Version == HintsVersion {
		for k, v := range previous.Labels {
			h.Labels[k] = append([]LabelHint(nil), v...)
		}
		for k, v := range previous.Columns {
			h.Columns[k] = v
		}
		h.DecimalComma, h.DateOrder = previous.DecimalComma, previous.DateOrder
	}
	if layout == nil {
		return h
	}
	style := detectNumberStyle(allTexts(layout))
	if style == styleCommaDecimal {
		t := true
		h.DecimalComma = &t
	}
	fields := map[string]string{
		FieldInvoiceNumber: corrected.InvoiceNumber,
		FieldPONumber:      corrected.PONumber,
		FieldInvoiceDate:   corrected.InvoiceDate,
		FieldDueDate:       corrected.DueDate,
	}
	for field, want := range fields {
		if want == "" {
			continue
		}
		isDate := field == FieldInvoiceDate || field == FieldDueDate
		if hint, order, ok := learnLabel(layout, want, isDate); ok {
			h.Labels[field] = addLabel(h.Labels[field], hint)
			if order != "" && field == FieldInvoiceDate {
				h.DateOrder = string(order)
			}
		}
	}
	learnColumns(layout, corrected, style, &h)
	return h
}

func allTexts(layout *Layout) []string {
	var texts []string
	for _, r := range layout.Rows {
		for _, c := range r.Cells {
			if !c.Numeric {
				texts = append(texts, c.Text)
			}
		}
	}
	return texts
}

func addLabel(list []LabelHint, h LabelHint) []LabelHint {
	for _, existing := range list {
		if normalize(existing.Text) == normalize(h.Text) && existing.Direction == h.Direction {
			return list
		}
	}
	return append([]LabelHint{h}, list...)
}

// learnLabel finds the cell holding want and the label that introduces it.
func learnLabel(layout *Layout, want string, isDate bool) (LabelHint, dateOrder, bool) {
	matches := func(text string) (prefix string, order dateOrder, ok bool) {
		if !isDate {
			i := strings.Index(text, want)
			if i < 0 {
				return "", "", false
			}
			return text[:i], "", true
		}
		f := strings.Fields(text)
		for start := 0; start < len(f); start++ {
			for end := start + 1; end <= len(f) && end <= start+3; end++ {
				cand := strings.Join(f[start:end], " ")
				dmy, ambD, okD := parseDate(cand, orderDMY)
				mdy, _, okM := parseDate(cand, orderMDY)
				if okD && dmy == want || okM && mdy == want {
					var order dateOrder
					if ambD {
						order = orderDMY
						if mdy == want {
							order = orderMDY
						}
					}
					return strings.Join(f[:start], " "), order, true
				}
			}
		}
		return "", "", false
	}
	rows := layout.Rows
	for ri, r := range rows {
		for ci, c := range r.Cells {
			prefix, order, ok := matches(c.Text)
			if !ok {
				continue
			}
			if label := cleanLabel(prefix); label != "" {
				return LabelHint{Text: label, Direction: "inline", Source: location(r, c)}, order, true
			}
			if ci > 0 {
				if label := cleanLabel(r.Cells[ci-1].Text); label != "" {
					return LabelHint{Text: label, Direction: "right", Source: location(r, r.Cells[ci-1])}, order, true
				}
			}
			for k := ri - 1; k >= 0 && k >= ri-maxBelowRowDistance; k-- {
				for _, above := range rows[k].Cells {
					if above.X1 < c.X0-1 || above.X0 > c.X1+1 {
						continue
					}
					if label := cleanLabel(above.Text); label != "" {
						return LabelHint{Text: label, Direction: "below", Source: location(rows[k], above)}, order, true
					}
				}
			}
		}
	}
	return LabelHint{}, "", false
}

// cleanLabel keeps a label only if it is words (no digits): a value of
// another field is not a label.
func cleanLabel(s string) string {
	s = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ":#."))
	if s == "" || strings.ContainsAny(s, "0123456789") || len(s) > 40 {
		return ""
	}
	return s
}

// learnColumns finds the row of the first corrected line, then the heading
// row above it, and records which heading sits over which value.
func learnColumns(layout *Layout, corrected Draft, style numberStyle, h *Hints) {
	if len(corrected.Lines) == 0 {
		return
	}
	first := corrected.Lines[0]
	for ri, r := range layout.Rows {
		kinds := lineCellKinds(r, first, style)
		if kinds[ColAmount] == nil || (kinds[ColQuantity] == nil && kinds[ColUnitPrice] == nil) {
			continue
		}
		for k := ri - 1; k >= 0 && k >= ri-6; k-- {
			heading := layout.Rows[k]
			if heading.Page != r.Page || heading.Sheet != r.Sheet || len(heading.Cells) < 3 {
				continue
			}
			learned := map[string]string{}
			for kind, cell := range kinds {
				if hc, ok := overlapping(heading.Cells, *cell); ok {
					learned[normalize(hc.Text)] = kind
				}
			}
			if len(learned) < 3 {
				continue
			}
			for text, kind := range learned {
				h.Columns[text] = kind
			}
			h.ColumnOrder = h.ColumnOrder[:0]
			for _, hc := range heading.Cells {
				if kind, ok := learned[normalize(hc.Text)]; ok {
					h.ColumnOrder = append(h.ColumnOrder, kind)
				}
			}
			return
		}
	}
}

// lineCellKinds finds, in a row, the cells that hold the corrected line's
// values.
func lineCellKinds(r Row, l Line, style numberStyle) map[string]*Cell {
	out := map[string]*Cell{}
	wantNum := map[string]string{ColQuantity: l.Quantity, ColUnitPrice: l.UnitPrice, ColAmount: l.Amount}
	for i := len(r.Cells) - 1; i >= 0; i-- { // right to left: the amount is the rightmost match
		c := &r.Cells[i]
		n, isNum := parseNumber(c.Text, style)
		if c.Numeric {
			n, isNum = parseNumber(c.Text, styleDotDecimal)
		}
		if !isNum {
			if strings.Fields(c.Text) != nil && len(c.Text) > 0 {
				n2, ok := parseNumber(strings.Fields(c.Text)[0], style)
				if ok && sameNumber(n2.value, l.Quantity) && out[ColQuantity] == nil {
					out[ColQuantity] = c
					continue
				}
			}
			switch {
			case l.VendorPart != "" && c.Text == l.VendorPart:
				out[ColVendorPart] = c
			case l.Description != "" && strings.HasPrefix(l.Description, c.Text):
				out[ColDescription] = c
			}
			continue
		}
		for _, kind := range []string{ColAmount, ColUnitPrice, ColQuantity} {
			if out[kind] == nil && sameNumber(n.value, wantNum[kind]) {
				out[kind] = c
				break
			}
		}
	}
	return out
}

func sameNumber(v decimal.Decimal, s string) bool {
	w, err := decimal.NewFromString(s)
	return err == nil && w.Equal(v)
}

func overlapping(cells []Cell, c Cell) (Cell, bool) {
	best, bestOverlap := Cell{}, 0.0
	found := false
	for _, h := range cells {
		ov := min(h.X1, c.X1) - max(h.X0, c.X0)
		if ov > bestOverlap || (!found && ov >= 0) {
			best, bestOverlap, found = h, ov, true
		}
	}
	return best, found
}
