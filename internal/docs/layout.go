package docs

import (
	"sort"
	"strings"
)

// Layout is a document reduced to rows of positioned text cells, in reading
// order. PDFs and spreadsheets both become a Layout so one interpreter finds
// labels, tables and totals in either.
type Layout struct {
	Kind  Kind  `json:"kind"`
	Pages int   `json:"pages,omitempty"`
	Rows  []Row `json:"rows"`
}

// Row is one visual line of a PDF page or one spreadsheet row.
type Row struct {
	Page  int     `json:"page,omitempty"`
	Y     float64 `json:"y,omitempty"` // PDF points from the top of the page
	Sheet string  `json:"sheet,omitempty"`
	Index int     `json:"index,omitempty"` // 1-based spreadsheet row number
	Cells []Cell  `json:"cells"`
}

// Cell is a run of text that belongs together: a PDF phrase separated from
// its neighbours by a column-sized gap, or a spreadsheet cell. For
// spreadsheets X0/X1 are the column number and the next one, so the same
// alignment rules apply.
type Cell struct {
	Text    string  `json:"text"`
	X0      float64 `json:"x0"`
	X1      float64 `json:"x1"`
	Size    float64 `json:"size,omitempty"` // font size in points (PDF)
	Ref     string  `json:"ref,omitempty"`  // spreadsheet cell reference ("D12")
	Numeric bool    `json:"numeric,omitempty"`
	Formula bool    `json:"formula,omitempty"`
	// Words are the words of a multi-word PDF cell with their extents.
	Words []Word `json:"words,omitempty"`
}

// Word is one word of a cell.
type Word struct {
	Text string  `json:"t"`
	X0   float64 `json:"x0"`
	X1   float64 `json:"x1"`
}

func (c Cell) center() float64 { return (c.X0 + c.X1) / 2 }

// span is one text-showing string from a PDF content stream with its
// extent in page coordinates (y from the top).
type span struct {
	x0, x1, y, size float64
	text            string
}

// rowTolerance is the fraction of the font size within which two baselines
// count as the same visual row (superscripts and mixed fonts wobble a bit).
const rowTolerance = 0.35

// cellGap is the fraction of the font size above which a horizontal gap
// separates two cells. A space glyph is about 0.28–0.32 em, so words of one
// phrase stay together while table columns, padded by at least half an em
// in every producer we met, split.
const cellGap = 0.45

// buildRows groups a page's spans into rows and cells.
func buildRows(spans []span, page int) []Row {
	clean := spans[:0:0]
	for _, s := range spans {
		if strings.TrimSpace(s.text) != "" && s.size > 0 {
			clean = append(clean, s)
		}
	}
	sort.SliceStable(clean, func(i, j int) bool {
		if clean[i].y != clean[j].y {
			return clean[i].y < clean[j].y
		}
		return clean[i].x0 < clean[j].x0
	})
	var rows []Row
	var group []span
	flush := func() {
		if len(group) == 0 {
			return
		}
		rows = append(rows, Row{Page: page, Y: round2(group[0].y), Cells: mergeCells(group)})
		group = nil
	}
	for _, s := range clean {
		if len(group) > 0 {
			ref := group[0]
			tol := rowTolerance * max(ref.size, s.size)
			if s.y-ref.y > tol {
				flush()
			}
		}
		group = append(group, s)
	}
	flush()
	return rows
}

// mergeCells joins the spans of one row into cells by horizontal gaps,
// keeping the words of each cell with their positions: producers with
// tight table padding (LibreOffice Writer) leave less than a space between
// columns, and only the table headings can then tell where to split.
func mergeCells(group []span) []Cell {
	sort.SliceStable(group, func(i, j int) bool { return group[i].x0 < group[j].x0 })
	var cells []Cell
	var cur *Cell
	var word *Word
	endWord := func() {
		if word != nil && word.Text != "" {
			cur.Words = append(cur.Words, *word)
		}
		word = nil
	}
	finish := func() {
		if cur == nil {
			return
		}
		endWord()
		texts := make([]string, len(cur.Words))
		for i, w := range cur.Words {
			texts[i] = w.Text
		}
		cur.Text = strings.Join(texts, " ")
		cur.X1 = round2(cur.X1)
		if len(cur.Words) == 1 {
			cur.Words = nil // one word adds nothing to the cell itself
		}
		cells = append(cells, *cur)
		cur = nil
	}
	for _, s := range group {
		if cur != nil && s.x0-cur.X1 > cellGap*max(cur.Size, s.size) {
			finish()
		}
		if cur == nil {
			cur = &Cell{X0: round2(s.x0), X1: s.x1, Size: s.size}
		}
		if word != nil && s.x0-word.X1 > wordGap*s.size {
			endWord()
		}
		addWords(s, &word, endWord)
		cur.X1 = max(cur.X1, s.x1)
	}
	finish()
	return cells
}

// wordGap is the fraction of the font size above which two pieces of text
// are separate words even without a space glyph between them.
const wordGap = 0.12

// addWords splits a span at its spaces, estimating positions inside the
// span in proportion to the characters.
func addWords(s span, word **Word, endWord func()) {
	runes := []rune(s.text)
	if len(runes) == 0 {
		return
	}
	per := (s.x1 - s.x0) / float64(len(runes))
	for i, r := range runes {
		x0 := s.x0 + per*float64(i)
		x1 := x0 + per
		if r == ' ' || r == '\u00a0' || r == '\t' {
			endWord()
			continue
		}
		if *word == nil {
			*word = &Word{X0: round2(x0)}
		}
		(*word).Text += string(r)
		(*word).X1 = round2(x1)
	}
}

func round2(f float64) float64 {
	return float64(int64(f*100+0.5)) / 100
}
