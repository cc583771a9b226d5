package portal

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// multipartBody builds a form with one file field.
func multipartBody(t *testing.T, filename string, content []byte, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (c *client) uploadFile(path, filename string, content []byte, fields map[string]string) response {
	c.t.Helper()
	body, ct := multipartBody(c.t, filename, content, fields)
	req, _ := http.NewRequest(http.MethodPost, c.env.ts.URL+path, body)
	req.Header.Set("Content-Type", ct)
	return c.do(req)
}

func TestCatalogImportPage(t *testing.T) {
	e := newWebEnv(t)
	buyer := e.signIn("buyer@demo.pogate")
	good := "supplier_code,sku,supplier_part,unit_price,lead_time_days\nACME,NW-001,AC-NEW-1,1.25,7\n"
	bad := "supplier_code,sku,supplier_part,unit_price,lead_time_days\nACME,NW-001,AC-NEW-2,abc,7\nNOPE,NW-002,X,1,1\n"
	cases := []struct {
		name, file string
		content    []byte
		fields     map[string]string
		status     int
		contains   []string
	}{
		{"good rows imported", "cat.csv", []byte(good), nil, 303, []string{"1 rows imported from cat.csv"}},
		{"row errors listed with row and column", "bad.csv", []byte(bad), nil, 422, []string{"Rows with errors", "<td class=\"num\">2</td>", "unit_price", "NOPE"}},
		{"partial applies good rows", "mixed.csv", []byte(bad + "ACME,NW-003,AC-NEW-3,2.50,5\n"), map[string]string{"partial": "on"}, 303, []string{"1 of 3 rows imported"}},
		{"wrong extension refused", "cat.exe", []byte(good), nil, 400, []string{"is not a file type this form takes"}},
		{"xlsx that is really text refused", "cat.xlsx", []byte(good), nil, 400, []string{"is named .xlsx but its content is a text file"}},
		{"csv that is really a PDF refused", "cat.csv", []byte("%PDF-1.7\n%binary\x00\x01"), nil, 400, []string{"is named .csv but its content is a PDF"}},
		{"csv that is really a zip refused", "cat.csv", []byte("PK\x03\x04\x14\x00\x00\x00"), nil, 400, []string{"its content is a zip/XLSX workbook"}},
		{"empty file refused", "cat.csv", []byte{}, nil, 400, []string{"is empty"}},
	}
	for _, tc := range cases {
		r := buyer.uploadFile("/catalog/import", tc.file, tc.content, tc.fields)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d\n%.600s", tc.name, r.status, tc.status, r.body)
			continue
		}
		body := r.body
		if r.status == http.StatusSeeOther {
			body = buyer.follow(r).body
		}
		for _, want := range tc.contains {
			if !strings.Contains(body, want) {
				t.Errorf("%s: answer lacks %q", tc.name, want)
			}
		}
	}
	// Only buyers import.
	if r := e.signIn("acme@demo.pogate").uploadFile("/catalog/import", "cat.csv", []byte(good), nil); r.status != http.StatusForbidden {
		t.Errorf("supplier import: %d", r.status)
	}
}

// TestHugeDeclaredUploadRefusedUnread sends headers announcing 200 MB and
// only a few bytes: the server must answer 413 at once, which proves it did
// not wait to read the body.
func TestHugeDeclaredUploadRefusedUnread(t *testing.T) {
	e := newWebEnv(t)
	buyer := e.signIn("buyer@demo.pogate")
	var cookie string
	for _, ck := range buyer.http.Jar.Cookies(mustURL(e.ts.URL)) {
		cookie = ck.Name + "=" + ck.Value
	}
	conn, err := net.DialTimeout("tcp", e.ts.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	fmt.Fprintf(conn, "POST /catalog/import HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n--x\r\n",
		e.ts.Listener.Addr(), cookie, 200<<20)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", res.StatusCode)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
	// The server keeps serving others.
	if r := buyer.get("/catalog"); r.status != http.StatusOK {
		t.Fatalf("after the huge upload: %d", r.status)
	}
}

// TestOversizedChunkedUploadRefused: a body without a declared length is
// cut at the limit and answered with the 413 page.
func TestOversizedChunkedUploadRefused(t *testing.T) {
	e := newWebEnv(t)
	buyer := e.signIn("buyer@demo.pogate")
	big := bytes.Repeat([]byte("ACME,NW-001,P,1,1\n"), (3<<20)/18)
	body, ct := multipartBody(t, "big.csv", append([]byte("supplier_code,sku,supplier_part,unit_price,lead_time_days\n"), big...), nil)
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/catalog/import", io.MultiReader(body)) // unknown length: chunked
	req.Header.Set("Content-Type", ct)
	r := buyer.do(req)
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "over the upload limit") {
		t.Fatalf("status %d\n%.400s", r.status, r.body)
	}
}
