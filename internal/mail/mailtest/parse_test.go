package mailtest

import (
	"strings"
	"testing"
)

const multipartSample = "From: a@b.test\r\nTo: c@d.test\r\nSubject: =?UTF-8?q?Caf=C3=A9?=\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n\r\nhello =C3=A9\r\n--XX\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n" +
	"Content-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x\r\nLjQ=\r\n--XX--\r\n"

func TestParseMultipart(t *testing.T) {
	m, err := Parse([]byte(multipartSample))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Café" || !strings.Contains(m.Text, "hello é") {
		t.Errorf("subject %q text %q", m.Subject, m.Text)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "a.pdf" || string(m.Attachments[0].Data) != "%PDF-1.4" {
		t.Errorf("attachments %+v", m.Attachments)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(multipartSample))
	f.Add([]byte("Subject: plain\r\n\r\nbody"))
	f.Add([]byte("Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n\r\nx\r\n--b--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err == nil && len(m.Raw) != len(raw) {
			t.Fatalf("raw kept %d of %d bytes", len(m.Raw), len(raw))
		}
	})
}
