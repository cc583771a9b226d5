package docs

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// pdfWithObjects assembles a PDF from object bodies with a correct xref
// table, so each hostile case breaks only the thing it means to break.
func pdfWithObjects(objects []string, trailerExtra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objects))
	for i, body := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, trailerExtra, xref)
	return b.Bytes()
}

func streamObj(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// onePage is a catalog, page tree and page whose content and fonts the
// case supplies.
func onePage(content string, resources string, extra ...string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources " + resources + " >>",
		streamObj("", content),
	}
	return pdfWithObjects(append(objs, extra...), "")
}

func zipFile(t testing.TB, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(parts) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(parts[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// baseWorkbookParts are the parts of a minimal valid workbook, built once:
// the fuzzer calls workbookWithSheet for every input.
var baseWorkbookParts = sync.OnceValues(func() (map[string][]byte, error) {
	f := excelize.NewFile()
	if err := f.SetCellValue("Sheet1", "A1", "x"); err != nil {
		return nil, err
	}
	var src bytes.Buffer
	if _, err := f.WriteTo(&src); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(src.Bytes()), int64(src.Len()))
	if err != nil {
		return nil, err
	}
	parts := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		_, err = b.ReadFrom(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		parts[zf.Name] = b.Bytes()
	}
	return parts, nil
})

// workbookWithSheet takes a valid excelize workbook and replaces its first
// worksheet XML.
func workbookWithSheet(t testing.TB, sheetXML string) []byte {
	t.Helper()
	base, err := baseWorkbookParts()
	if err != nil {
		t.Fatal(err)
	}
	parts := make(map[string][]byte, len(base))
	for k, v := range base {
		parts[k] = v
	}
	parts["xl/worksheets/sheet1.xml"] = []byte(sheetXML)
	return zipFile(t, parts)
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`

type hostileCase struct {
	name string
	file string // name to save under: extensions lie on purpose
	data func(t testing.TB) []byte
	kind Kind
	// want lists acceptable refusal codes: for the library-bug cases the
	// exact failure (recovered panic, timeout or crash) depends on the
	// library version; what must hold is a refusal within the limit.
	want []RefusalCode
}

func hostileCases() []hostileCase {
	deep := strings.Repeat("[", 2_000_000) + strings.Repeat("]", 2_000_000)
	return []hostileCase{
		{name: "crafted xref size", file: "xref.pdf", data: func(testing.TB) []byte {
			return pdfWithObjects([]string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"}, "") // fixed below
		}, want: []RefusalCode{RefusedMalformed, RefusedCrashed, RefusedTooLarge, RefusedTimeout}},
		{name: "looping page tree", file: "loop.pdf", data: func(testing.TB) []byte {
			return pdfWithObjects([]string{
				"<< /Type /Catalog /Pages 2 0 R >>",
				"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 5 >>",
				"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 4 >>",
			}, "")
		}, want: []RefusalCode{RefusedMalformed, RefusedCrashed, RefusedTimeout}},
		{name: "endbfchar without begin", file: "cmap.pdf", data: func(testing.TB) []byte {
			cmap := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <00> <FF> endcodespacerange <41> <0042> endbfchar <01> <02> <0043> endbfrange endcmap end end"
			return onePage("BT /F1 12 Tf 72 720 Td (AAA) Tj ET",
				"<< /Font << /F1 5 0 R >> >>",
				"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
				streamObj("", cmap))
		}, want: []RefusalCode{RefusedMalformed, RefusedCrashed, RefusedNoText}},
		{name: "deep nesting", file: "deep.pdf", data: func(testing.TB) []byte {
			return pdfWithObjects([]string{
				"<< /Type /Catalog /Pages 2 0 R >>",
				"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Deep " + deep + " >>",
				streamObj("", "BT /F1 12 Tf 72 720 Td (A) Tj ET"),
			}, "")
		}, want: []RefusalCode{RefusedMalformed, RefusedCrashed, RefusedTimeout}},
		{name: "stream length past the end", file: "length.pdf", data: func(testing.TB) []byte {
			objs := []string{
				"<< /Type /Catalog /Pages 2 0 R >>",
				"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
				"<< /Length 999999999 >>\nstream\nBT /F1 12 Tf (A) Tj ET\nendstream",
			}
			return pdfWithObjects(objs, "")
		}, want: []RefusalCode{RefusedMalformed, RefusedCrashed, RefusedNoText, RefusedNotInvoice}},
		{name: "AES-256 encrypted PDF", file: "aes256.pdf", data: func(t testing.TB) []byte {
			data, err := os.ReadFile(filepath.Join("testdata", "hostile", "aes256.pdf"))
			if err != nil {
				t.Fatalf("AES-256 sample: %v", err)
			}
			return data
		}, want: []RefusalCode{RefusedEncrypted}},
		{name: "XLSX row index 2147483647", file: "rows.xlsx", data: func(t testing.TB) []byte {
			return workbookWithSheet(t, sheetHead+`<row r="2147483647"><c r="A2147483647" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`)
		}, want: []RefusalCode{RefusedTooLarge}},
		{name: "zip bomb", file: "bomb.xlsx", data: func(t testing.TB) []byte {
			filler := bytes.Repeat([]byte("<!-- pogate -->"), int(DefaultLimits.UnzipSize/15)+1000)
			return workbookWithSheet(t, sheetHead+string(filler)+`</sheetData></worksheet>`)
		}, want: []RefusalCode{RefusedTooLarge}},
		{name: "extension lies: PNG named .pdf", file: "invoice.pdf", data: func(testing.TB) []byte {
			return append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
		}, want: []RefusalCode{RefusedUnsupported}},
		{name: "extension lies: workbook sent as pdf", file: "invoice.pdf", kind: KindPDF, data: func(t testing.TB) []byte {
			return workbookWithSheet(t, sheetHead+`</sheetData></worksheet>`)
		}, want: []RefusalCode{RefusedUnsupported}},
		{name: "legacy or encrypted office file", file: "invoice.xlsx", data: func(testing.TB) []byte {
			return append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
		}, want: []RefusalCode{RefusedUnsupported}},
		{name: "image-only PDF", file: "scan.pdf", data: func(testing.TB) []byte {
			return onePage("q 100 0 0 100 0 0 cm 0 0 1 1 re f Q", "<< >>")
		}, want: []RefusalCode{RefusedNoText}},
	}
}

// craftedXref declares an xref stream covering two billion objects, which
// makes a reader that trusts /Size or /Index allocate without bound.
func craftedXref() []byte { return craftedXrefSize(2147483647) }

func craftedXrefSize(size int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	obj := b.Len()
	data := "\x01\x00\x00\x00\x0f\x00"
	fmt.Fprintf(&b, "1 0 obj\n<< /Type /XRef /Size %d /W [1 4 1] /Index [0 1] /Root 2 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n", size, len(data), data)
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", obj)
	return b.Bytes()
}

// TestHostileFilesAreRefusedInTime runs every hostile file through the
// isolated extractor: each must end in a clear refusal within the wall
// clock, and this process must still be alive and working afterwards.
func TestHostileFilesAreRefusedInTime(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	limits := testLimits()
	dir := t.TempDir()
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			if tc.name == "crafted xref size" {
				data = craftedXref()
			}
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+"-"+tc.file)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			res, err := ExtractIsolated(context.Background(), path, tc.kind, nil, limits)
			elapsed := time.Since(start)
			if elapsed > limits.Timeout+3*time.Second {
				t.Errorf("took %s, limit %s", elapsed, limits.Timeout)
			}
			r, ok := AsRefusal(err)
			if !ok {
				t.Fatalf("want a refusal, got result %+v err %v", res, err)
			}
			if r.Message == "" {
				t.Errorf("refusal without a message")
			}
			codeOK := false
			for _, c := range tc.want {
				codeOK = codeOK || r.Code == c
			}
			if !codeOK {
				t.Errorf("refusal %s (%s), want one of %v", r.Code, r.Message, tc.want)
			}
			t.Logf("%-32s %-11s %6s  %s", tc.name, r.Code, elapsed.Round(time.Millisecond), r.Message)
		})
	}
	// The parent survived every case: it still extracts a good invoice.
	res, err := ExtractIsolated(context.Background(), filepath.Join("testdata", "corpus", "c01-fpdf-right-usd.pdf"), KindAuto, nil, limits)
	if err != nil {
		t.Fatalf("parent cannot extract after the hostile files: %v", err)
	}
	if res.Draft.InvoiceNumber == "" || res.Draft.NeedsReview {
		t.Errorf("good invoice after hostile files: %+v", res.Draft)
	}
}

// TestIsolationLimits shows each limit ending a child that misbehaves, and
// the caller getting a refusal instead of sharing its fate.
func TestIsolationLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	dir := t.TempDir()
	xref := filepath.Join(dir, "xref.pdf")
	// Below the declared-size pre-check, yet the library allocates a table
	// for every declared object: a 16 MiB child cannot afford it.
	if err := os.WriteFile(xref, craftedXrefSize(999_999), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join("testdata", "corpus", "c02-fpdf-inline-eur.pdf")
	tests := []struct {
		name   string
		path   string
		adjust func(*Limits)
		want   RefusalCode
	}{
		{"memory limit", xref, func(l *Limits) { l.MemoryBytes = 16 << 20 }, RefusedCrashed},
		{"wall clock", good, func(l *Limits) {
			l.Timeout = time.Second
			l.Runner = &Runner{Path: "/bin/sh", Args: []string{"-c", "sleep 30", "sh"}}
		}, RefusedTimeout},
		{"output size", good, func(l *Limits) {
			l.Runner = &Runner{Path: "/bin/sh", Args: []string{"-c", "yes", "sh"}}
			l.MaxOutputBytes = 1 << 20
		}, RefusedTooLarge},
		{"child killed by a signal", good, func(l *Limits) { l.Runner = &Runner{Path: "/bin/sh", Args: []string{"-c", "kill -SEGV $$", "sh"}} }, RefusedCrashed},
		{"upload size", good, func(l *Limits) { l.MaxInputBytes = 100 }, RefusedTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limits := testLimits()
			tt.adjust(&limits)
			start := time.Now()
			_, err := ExtractIsolated(context.Background(), tt.path, KindAuto, nil, limits)
			r, ok := AsRefusal(err)
			if !ok || r.Code != tt.want {
				t.Fatalf("got %v, want refusal %s", err, tt.want)
			}
			if elapsed := time.Since(start); elapsed > limits.Timeout+2*time.Second {
				t.Errorf("took %s", elapsed)
			}
			t.Logf("%s: %s", tt.name, r.Message)
		})
	}
}

// TestChildGetsNoParentEnvironment: the child that parses hostile files
// must not inherit the server's secrets.
func TestChildGetsNoParentEnvironment(t *testing.T) {
	t.Setenv("POGATE_DATABASE_URL", "postgres://secret")
	limits := testLimits()
	script := `if [ -z "$POGATE_DATABASE_URL" ]; then m=clean; else m=leaked; fi; printf '{"refusal":{"code":"malformed","message":"%s"}}' "$m"`
	limits.Runner = &Runner{Path: "/bin/sh", Args: []string{"-c", script, "sh"}}
	_, err := ExtractIsolated(context.Background(), filepath.Join("testdata", "corpus", "c01-fpdf-right-usd.pdf"), KindAuto, nil, limits)
	r, ok := AsRefusal(err)
	if !ok || r.Message != "clean" {
		t.Fatalf("child environment: %v", err)
	}
}

func TestCheckDeclaredSizes(t *testing.T) {
	tests := []struct {
		name string
		data string
		bad  bool
	}{
		{"xref stream size", "<< /Type /XRef /Size 2147483647 >>", true},
		{"index array", "<< /Index [0 5 10 3000000] >>", true},
		{"predictor columns", "<< /DecodeParms << /Columns 99999999 >> >>", true},
		{"classic subsection", "xref\n0 1\n0000000000 65535 f \n2147483600 1\n0000000017 00000 n \ntrailer", true},
		{"ordinary file", "<< /Size 42 /Index [0 42] >> xref\n0 3\n0000000000 65535 f \n0000000017 00000 n \ntrailer\nstartxref\n1234567\n", false},
		{"big offsets are fine", "xref\n0 2\n0000000000 65535 f \n0012345678 00000 n \ntrailer", false},
	}
	for _, tt := range tests {
		err := checkDeclaredSizes([]byte(tt.data))
		if (err != nil) != tt.bad {
			t.Errorf("%s: err = %v, want refusal %v", tt.name, err, tt.bad)
		}
	}
}
