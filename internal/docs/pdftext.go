package docs

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// maxOpsPerPage bounds the content-stream operators interpreted per page.
// A real invoice page has a few thousand; a crafted stream that repeats
// forever is stopped here rather than by the child's wall clock.
const maxOpsPerPage = 2_000_000

// maxSpans bounds the text pieces kept for the whole document.
const maxSpans = 500_000

// pdfFont is what positioning needs from a font: how to decode its strings
// to Unicode and how wide each glyph is. The library's own Content() takes
// widths from the simple-font Widths array only, which gives every glyph of
// a Type0 font (what Chromium and LibreOffice embed) zero width and piles a
// whole string onto one x position; we read the CID W array ourselves.
type pdfFont struct {
	enc          pdf.TextEncoding
	twoByte      bool
	widths       map[int]float64 // glyph code → width in 1/1000 em
	defaultWidth float64
}

func loadFont(page pdf.Page, name string) *pdfFont {
	f := page.Font(name)
	pf := &pdfFont{enc: f.Encoder(), widths: map[int]float64{}, defaultWidth: 500}
	if pf.enc == nil {
		pf.enc = identityEncoding{}
	}
	if f.V.Key("Subtype").Name() == "Type0" {
		pf.twoByte = true
		desc := f.V.Key("DescendantFonts").Index(0)
		if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			pf.defaultWidth = dw.Float64()
		} else {
			pf.defaultWidth = 1000
		}
		readCIDWidths(desc.Key("W"), pf.widths)
		return pf
	}
	first := int(f.V.Key("FirstChar").Int64())
	ws := f.V.Key("Widths")
	for i := 0; i < ws.Len() && i < 65536; i++ {
		pf.widths[first+i] = ws.Index(i).Float64()
	}
	return pf
}

// readCIDWidths reads a CIDFont W array: "c [w1 w2 …]" or "cfirst clast w".
func readCIDWidths(w pdf.Value, into map[int]float64) {
	n := w.Len()
	for i := 0; i < n && len(into) < 65536; {
		start := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(into) < 65536; j++ {
				into[start+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		end := int(next.Int64())
		width := w.Index(i + 2).Float64()
		if end-start > 65536 || end < start {
			return
		}
		for c := start; c <= end; c++ {
			into[c] = width
		}
		i += 3
	}
}

func (f *pdfFont) width(code int) float64 {
	if w, ok := f.widths[code]; ok && w > 0 {
		return w
	}
	return f.defaultWidth
}

type identityEncoding struct{}

func (identityEncoding) Decode(raw string) string { return raw }

// ligatures expands the typographic ligature characters that Chromium and
// LibreOffice emit for "ff", "fi" and friends, so "coﬀee" matches "coffee".
var ligatures = strings.NewReplacer("\ufb00", "ff", "\ufb01", "fi", "\ufb02", "fl", "\ufb03", "ffi", "\ufb04", "ffl", "\ufb05", "st", "\ufb06", "st")

// mat is a PDF transformation matrix [a b 0; c d 0; e f 1].
type mat [3][3]float64

var identity = mat{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}

func (x mat) mul(y mat) mat {
	var z mat
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 3; k++ {
				z[i][j] += x[i][k] * y[k][j]
			}
		}
	}
	return z
}

func translate(tx, ty float64) mat { return mat{{1, 0, 0}, {0, 1, 0}, {tx, ty, 1}} }

type textState struct {
	ctm, tm, tlm              mat
	font                      *pdfFont
	size, hscale, charSpacing float64
	wordSpacing, leading      float64
	rise                      float64
}

// pageSpans interprets one page's content stream and returns its text
// pieces in page coordinates with y measured from the top.
func pageSpans(page pdf.Page, pageHeight float64, budget *int) (spans []span, err error) {
	defer func() {
		if r := recover(); r != nil {
			if re, ok := r.(*Refusal); ok {
				err = re
				return
			}
			err = fmt.Errorf("content stream: %v", r)
		}
	}()
	contents := page.V.Key("Contents")
	if contents.IsNull() {
		return nil, nil
	}
	fonts := map[string]*pdfFont{}
	g := textState{ctm: identity, tm: identity, tlm: identity, hscale: 1}
	var stack []textState
	ops := 0
	show := func(raw string) {
		if g.font == nil || raw == "" {
			return
		}
		trm := mat{{g.size * g.hscale, 0, 0}, {0, g.size, 0}, {0, g.rise, 1}}.mul(g.tm).mul(g.ctm)
		x0, y := trm[2][0], trm[2][1]
		advance := 0.0
		step := 1
		if g.font.twoByte {
			step = 2
		}
		for i := 0; i+step <= len(raw); i += step {
			code := int(raw[i])
			if step == 2 {
				code = code<<8 | int(raw[i+1])
			}
			w := g.font.width(code)/1000*g.size + g.charSpacing
			if step == 1 && code == ' ' {
				w += g.wordSpacing
			}
			advance += w * g.hscale
		}
		g.tm = translate(advance, 0).mul(g.tm)
		end := mat{{1, 0, 0}, {0, 1, 0}, {0, g.rise, 1}}.mul(g.tm).mul(g.ctm)
		size := math.Hypot(trm[1][0], trm[1][1])
		if *budget <= 0 {
			panic(refuse(RefusedTooLarge, "the PDF has more than %d pieces of text", maxSpans))
		}
		*budget--
		spans = append(spans, span{x0: x0, x1: end[2][0], y: pageHeight - y, size: size, text: ligatures.Replace(g.font.enc.Decode(raw))})
	}
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		ops++
		if ops > maxOpsPerPage {
			panic(refuse(RefusedTooLarge, "a page has more than %d drawing operations", maxOpsPerPage))
		}
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 { return args[i].Float64() }
		switch op {
		case "cm":
			if n == 6 {
				g.ctm = matrixFrom(args).mul(g.ctm)
			}
		case "q":
			if len(stack) < 1000 {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "BT":
			g.tm, g.tlm = identity, identity
		case "Tc":
			if n == 1 {
				g.charSpacing = num(0)
			}
		case "Tw":
			if n == 1 {
				g.wordSpacing = num(0)
			}
		case "Tz":
			if n == 1 {
				g.hscale = num(0) / 100
			}
		case "TL":
			if n == 1 {
				g.leading = num(0)
			}
		case "Ts":
			if n == 1 {
				g.rise = num(0)
			}
		case "Tf":
			if n == 2 {
				name := args[0].Name()
				if _, ok := fonts[name]; !ok {
					fonts[name] = loadFont(page, name)
				}
				g.font, g.size = fonts[name], num(1)
			}
		case "TD", "Td":
			if n == 2 {
				if op == "TD" {
					g.leading = -num(1)
				}
				g.tlm = translate(num(0), num(1)).mul(g.tlm)
				g.tm = g.tlm
			}
		case "Tm":
			if n == 6 {
				g.tm = matrixFrom(args)
				g.tlm = g.tm
			}
		case "T*":
			g.tlm = translate(0, -g.leading).mul(g.tlm)
			g.tm = g.tlm
		case "Tj":
			if n == 1 {
				show(args[0].RawString())
			}
		case "'", "\"":
			if n >= 1 {
				if op == "\"" && n == 3 {
					g.wordSpacing, g.charSpacing = num(0), num(1)
				}
				g.tlm = translate(0, -g.leading).mul(g.tlm)
				g.tm = g.tlm
				show(args[n-1].RawString())
			}
		case "TJ":
			if n == 1 {
				a := args[0]
				for i := 0; i < a.Len(); i++ {
					v := a.Index(i)
					if v.Kind() == pdf.String {
						show(v.RawString())
					} else {
						g.tm = translate(-v.Float64()/1000*g.size*g.hscale, 0).mul(g.tm)
					}
				}
			}
		}
	})
	return spans, nil
}

func matrixFrom(args []pdf.Value) mat {
	var m mat
	for i := 0; i < 6; i++ {
		m[i/2][i%2] = args[i].Float64()
	}
	m[2][2] = 1
	return m
}

// encryptMarker is searched for before the library sees the file: an
// encrypted PDF must be refused as encrypted, and the library either
// silently decrypts weak schemes with the empty password or fails on
// AES-256 (V=5) with an error that reads like a broken file.
var encryptMarker = []byte("/Encrypt")

// readPDFLayout parses a PDF into a Layout.
func readPDFLayout(data []byte, limits Limits) (layout *Layout, err error) {
	defer func() {
		if r := recover(); r != nil {
			layout, err = nil, refuse(RefusedMalformed, "the PDF is damaged or uses features we cannot read (%v)", r)
		}
	}()
	start := bytes.Index(data[:min(len(data), pdfHeaderWindow)], []byte("%PDF-"))
	if start < 0 {
		return nil, refuse(RefusedUnsupported, "the file is not a PDF")
	}
	data = data[start:]
	if bytes.Contains(data, encryptMarker) {
		return nil, refuse(RefusedEncrypted, "the PDF is encrypted or password-protected; remove the protection (print to a new PDF) and upload it again")
	}
	if err := checkDeclaredSizes(data); err != nil {
		return nil, err
	}
	if len(data) > 9 && data[5] == '2' {
		data = append([]byte("%PDF-1.7"), data[8:]...) // the library only accepts 1.x headers; 2.0 files parse the same way for text
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, refuse(RefusedMalformed, "the PDF cannot be opened: %v", err)
	}
	if !r.Trailer().Key("Encrypt").IsNull() {
		return nil, refuse(RefusedEncrypted, "the PDF is encrypted or password-protected; remove the protection and upload it again")
	}
	if err := checkPageTree(r.Trailer().Key("Root").Key("Pages")); err != nil {
		return nil, err
	}
	n := r.NumPage()
	if n <= 0 {
		return nil, refuse(RefusedMalformed, "the PDF has no readable pages")
	}
	if n > limits.MaxPages {
		return nil, refuse(RefusedTooLarge, "the PDF has %d pages; the limit is %d", n, limits.MaxPages)
	}
	layout = &Layout{Kind: KindPDF, Pages: n}
	budget := maxSpans
	chars := 0
	for i := 1; i <= n; i++ {
		page := r.Page(i)
		if page.V.IsNull() {
			continue
		}
		height := 842.0
		if box := inherited(page.V, "MediaBox"); box.Len() == 4 {
			height = box.Index(3).Float64()
		}
		spans, err := pageSpans(page, height, &budget)
		if err != nil {
			if re, ok := AsRefusal(err); ok {
				return nil, re
			}
			return nil, refuse(RefusedMalformed, "page %d cannot be read: %v", i, err)
		}
		for _, s := range spans {
			chars += len(s.text)
		}
		layout.Rows = append(layout.Rows, buildRows(spans, i)...)
	}
	if chars == 0 {
		return nil, refuse(RefusedNoText, "the PDF has no text layer (a scanned image?); ask the supplier for a PDF produced by their invoicing software, or enter the invoice by hand")
	}
	return layout, nil
}

// inherited looks a page attribute up the page tree, at most a few levels:
// a crafted Parent chain that loops must not spin forever.
func inherited(v pdf.Value, key string) pdf.Value {
	for depth := 0; depth < 32 && !v.IsNull(); depth++ {
		if r := v.Key(key); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// Declared sizes the library trusts for its allocations: an xref
// stream's /Size or /Index, a predictor's /Columns, a page tree's /Count,
// a classic xref subsection starting at a huge object number. An invoice
// has a few thousand objects; a number of seven digits or more there is a
// crafted file, and refusing it here keeps the allocation
// (make([]xref, Size)) from happening at all instead of relying on the
// child's memory limit. A byte scanner, not a regular expression: this
// runs over every byte of every upload.
var sizeKeys = [][]byte{[]byte("/Size"), []byte("/Columns"), []byte("/Rows"), []byte("/Count"), []byte("/Index")}

const hugeDigits = 7

func checkDeclaredSizes(data []byte) error {
	for _, key := range sizeKeys {
		for i := 0; ; {
			j := bytes.Index(data[i:], key)
			if j < 0 {
				break
			}
			p := i + j + len(key)
			for n := 0; n < 8; n++ { // up to four /Index pairs
				for p < len(data) && (isPDFSpace(data[p]) || data[p] == '[') {
					p++
				}
				start := p
				for p < len(data) && data[p] >= '0' && data[p] <= '9' {
					p++
				}
				if p-start >= hugeDigits {
					return hugeDeclaration(data[i+j : p])
				}
				if p == start {
					break
				}
			}
			i = p
		}
	}
	return checkXrefSubsections(data)
}

// checkXrefSubsections looks at the "start count" headers of classic xref
// tables: the library grows its table to the highest object number.
func checkXrefSubsections(data []byte) error {
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("xref"))
		if j < 0 {
			return nil
		}
		at := i + j
		i = at + 4
		if at >= 5 && string(data[at-5:at]) == "start" {
			continue
		}
		for _, line := range bytes.Split(data[i:min(len(data), i+1<<20)], []byte("\n")) {
			fields := bytes.Fields(line)
			if len(fields) > 0 && string(fields[0]) == "trailer" {
				break
			}
			if len(fields) == 2 && len(fields[0]) >= hugeDigits && isDigits(fields[0]) {
				return hugeDeclaration(line)
			}
		}
	}
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func hugeDeclaration(what []byte) error {
	return refuse(RefusedTooLarge, "the PDF declares an implausible size (%q); it may be crafted to exhaust memory", strings.TrimSpace(string(what)))
}

// Page-tree bounds: real trees are two or three levels deep.
const (
	maxPageTreeDepth = 32
	maxPageTreeNodes = 10_000
)

// checkPageTree walks the page tree before the library does: the library
// follows /Kids without noticing a node that contains itself, and spins
// forever on such a file.
func checkPageTree(root pdf.Value) error {
	nodes := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		nodes++
		if depth > maxPageTreeDepth || nodes > maxPageTreeNodes {
			return refuse(RefusedMalformed, "the PDF page tree loops or is implausibly large")
		}
		if v.Key("Type").Name() != "Pages" {
			return nil
		}
		kids := v.Key("Kids")
		for i := 0; i < kids.Len(); i++ {
			if err := walk(kids.Index(i), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root, 0)
}
