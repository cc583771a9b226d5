package portal

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// pageCase is one HTTP scenario: who asks, what, and what the answer must
// and must not contain. Paths and bodies may use {aPO}, {bPO} (ACME's and
// EDIWORKS's PO ids) and {aNum}, {bNum} (their numbers).
type pageCase struct {
	name     string
	who      string // demo user e-mail; "" = not signed in
	method   string
	path     string
	form     url.Values
	status   int
	contains []string
	absent   []string
	location string // prefix of the redirect target
}

func TestPageScenarios(t *testing.T) {
	e := newWebEnv(t)
	aPO, bPO := e.poOf("ACME"), e.poOf("EDIWORKS")
	e.setPOStatus(aPO.ID, "approved", "sent")
	subst := strings.NewReplacer("{aPO}", strconv.FormatInt(aPO.ID, 10), "{bPO}", strconv.FormatInt(bPO.ID, 10),
		"{aNum}", aPO.Number, "{bNum}", bPO.Number, "{aLine}", strconv.FormatInt(aPO.Lines[0].ID, 10))
	cases := []pageCase{
		{name: "anonymous dashboard goes to sign-in", method: "GET", path: "/", status: 303, location: "/signin?next=%2F"},
		{name: "sign-in page", method: "GET", path: "/signin", status: 200, contains: []string{`<label for="email">E-mail</label>`, `autocomplete="current-password"`}, absent: []string{"<script>"}},
		{name: "open redirect refused", method: "GET", path: "/signin?next=//evil.example", status: 200, contains: []string{`name="next" value="/"`}},
		{name: "unknown page is an HTML 404", method: "GET", path: "/no/such/page", status: 404, contains: []string{"Not found", "Go to sign in"}},
		{name: "stylesheet is served", method: "GET", path: "/static/app.css", status: 200, contains: []string{"--accent"}},
		{name: "supplier dashboard", who: "acme@demo.pogate", method: "GET", path: "/", status: 200, contains: []string{"Orders to acknowledge", "{aNum}", "Acme Housewares"}, absent: []string{"{bNum}", "Approvals waiting"}},
		{name: "supplier PO list shows only own", who: "acme@demo.pogate", method: "GET", path: "/pos", status: 200, contains: []string{"{aNum}"}, absent: []string{"{bNum}", `name="supplier_id"`}},
		{name: "supplier PO list ignores a supplier_id query", who: "acme@demo.pogate", method: "GET", path: "/pos?supplier_id=2", status: 200, contains: []string{"{aNum}"}, absent: []string{"{bNum}"}},
		{name: "search without hits says what to do", who: "acme@demo.pogate", method: "GET", path: "/pos?q=ZZZ", status: 200, contains: []string{"No order matches these filters", "Clear the filters"}},
		{name: "bad sort re-shows the filter with an error", who: "acme@demo.pogate", method: "GET", path: "/pos?sort=evil", status: 400, contains: []string{"choose a sort order"}},
		{name: "bad date re-shows the filter with an error", who: "acme@demo.pogate", method: "GET", path: "/pos?from=31/12/2026", status: 400, contains: []string{"use a date such as"}},
		{name: "supplier sees own PO", who: "acme@demo.pogate", method: "GET", path: "/pos/{aPO}", status: 200, contains: []string{"{aNum}", "Send a ship notice", "Timeline"}, absent: []string{"Cancel order"}},
		{name: "supplier gets 404 for other supplier's PO", who: "acme@demo.pogate", method: "GET", path: "/pos/{bPO}", status: 404, contains: []string{"Not found", "Back to the dashboard"}, absent: []string{"{bNum}"}},
		{name: "supplier may not cancel", who: "acme@demo.pogate", method: "POST", path: "/pos/{aPO}/cancel", form: url.Values{"reason": {"x"}}, status: 403, contains: []string{"Not allowed"}},
		{name: "ASN form pre-fills open quantity", who: "acme@demo.pogate", method: "GET", path: "/pos/{aPO}/asn", status: 200, contains: []string{`name="qty_{aLine}"`, `value="` + strconv.FormatInt(aPO.Lines[0].Quantity, 10) + `"`}},
		{name: "ASN without shipment number re-shown", who: "acme@demo.pogate", method: "POST", path: "/pos/{aPO}/asn", form: url.Values{"carrier": {"DHL"}, "qty_{aLine}": {"5"}}, status: 400, contains: []string{"is required", `value="DHL"`}},
		{name: "ASN with a bad quantity re-shown", who: "acme@demo.pogate", method: "POST", path: "/pos/{aPO}/asn", form: url.Values{"shipment_id": {"S1"}, "qty_{aLine}": {"five"}}, status: 400, contains: []string{"enter a whole number"}},
		{name: "ASN sent", who: "acme@demo.pogate", method: "POST", path: "/pos/{aPO}/asn", form: url.Values{"shipment_id": {"DN-77"}, "carrier": {"DHL"}, "qty_{aLine}": {"5"}}, status: 303, location: "/asns/"},
		{name: "shipments list shows it", who: "acme@demo.pogate", method: "GET", path: "/asns", status: 200, contains: []string{"DN-77", "{aNum}"}},
		{name: "buyer dashboard", who: "buyer@demo.pogate", method: "GET", path: "/", status: 200, contains: []string{"Late acknowledgements", "Approvals waiting", "{bNum}", "Arriving this week"}},
		{name: "buyer sees all POs", who: "buyer@demo.pogate", method: "GET", path: "/pos", status: 200, contains: []string{"{aNum}", "{bNum}", `name="supplier_id"`}},
		{name: "buyer filters by status", who: "buyer@demo.pogate", method: "GET", path: "/pos?status=pending_approval", status: 200, contains: []string{"{bNum}"}, absent: []string{"{aNum}"}},
		{name: "buyer PO page has timeline and cancel", who: "buyer@demo.pogate", method: "GET", path: "/pos/{bPO}", status: 200, contains: []string{"Order created", "Cancel order", "buyer@demo.pogate"}},
		{name: "cancel without reason re-shown", who: "buyer@demo.pogate", method: "POST", path: "/pos/{bPO}/cancel", form: url.Values{"reason": {" "}}, status: 400, contains: []string{"say why"}},
		{name: "cancel with reason", who: "buyer@demo.pogate", method: "POST", path: "/pos/{bPO}/cancel", form: url.Values{"reason": {"duplicate order"}}, status: 303, location: "/pos/{bPO}", contains: []string{"is cancelled", "Order cancelled"}},
		{name: "cancelled shows", who: "buyer@demo.pogate", method: "GET", path: "/pos/{bPO}", status: 200, contains: []string{"status-cancelled"}, absent: []string{"Cancel order"}},
		{name: "warehouse may not cancel", who: "warehouse@demo.pogate", method: "POST", path: "/pos/{aPO}/cancel", form: url.Values{"reason": {"x"}}, status: 403},
		{name: "admin users page", who: "admin@demo.pogate", method: "GET", path: "/admin/users?q=acme", status: 200, contains: []string{"acme@demo.pogate", "Invite a user"}, absent: []string{"mailco@demo.pogate"}},
		{name: "buyer has no users page", who: "buyer@demo.pogate", method: "GET", path: "/admin/users", status: 403},
		{name: "suppliers list", who: "buyer@demo.pogate", method: "GET", path: "/suppliers?q=acme", status: 200, contains: []string{"Acme Housewares"}, absent: []string{"EDI Works"}},
		{name: "supplier page with catalog", who: "buyer@demo.pogate", method: "GET", path: "/suppliers/" + strconv.FormatInt(e.sup["ACME"].ID, 10), status: 200, contains: []string{"ACM-0100", "Open orders"}},
		{name: "catalog with import form", who: "buyer@demo.pogate", method: "GET", path: "/catalog?q=NW-001", status: 200, contains: []string{"NW-001", "Import a catalog file"}},
		{name: "stale catalog", who: "buyer@demo.pogate", method: "GET", path: "/catalog/stale", status: 200, contains: []string{"Catalog items to review"}},
		{name: "reorder page before any run", who: "buyer@demo.pogate", method: "GET", path: "/reorder", status: 200, contains: []string{"No reorder run yet", "Create drafts"}},
		{name: "reorder preview", who: "buyer@demo.pogate", method: "POST", path: "/reorder/run", form: url.Values{"mode": {"preview"}}, status: 303, contains: []string{"proposals from", "Nothing was ordered"}},
		{name: "supplier changes queue", who: "buyer@demo.pogate", method: "GET", path: "/changes", status: 200, contains: []string{"No change waits for you"}},
		{name: "receiving start page", who: "warehouse@demo.pogate", method: "GET", path: "/receiving", status: 200, contains: []string{"Ship notices on the way", "DN-77", "data-keep-focus"}},
		{name: "receiving unknown number", who: "warehouse@demo.pogate", method: "GET", path: "/receiving?q=NOPE-1", status: 200, contains: []string{"no order or ship notice NOPE-1"}},
		{name: "receipt form from the PO", who: "warehouse@demo.pogate", method: "GET", path: "/receiving/po/{aPO}", status: 200, contains: []string{"Book receipt", "Count scan", `name="scan"`}},
		{name: "scan counts a line", who: "warehouse@demo.pogate", method: "POST", path: "/receiving/po/{aPO}?count=1", form: url.Values{"scan": {"NW-001"}}, status: 200, contains: []string{"Line 1 NW-001"}},
		{name: "scan of an unknown item", who: "warehouse@demo.pogate", method: "POST", path: "/receiving/po/{aPO}", form: url.Values{"scan": {"0000000000000"}}, status: 200, contains: []string{"is not on this order"}},
		{name: "supplier may not receive", who: "acme@demo.pogate", method: "GET", path: "/receiving", status: 403},
		{name: "supplier invoices list empty", who: "acme@demo.pogate", method: "GET", path: "/invoices", status: 200, contains: []string{"Create invoice from this order"}},
		{name: "invoice flip form", who: "acme@demo.pogate", method: "GET", path: "/pos/{aPO}/invoice", status: 200, contains: []string{"Your invoice number", `name="qty_{aLine}"`}},
		{name: "invoice without number re-shown", who: "acme@demo.pogate", method: "POST", path: "/pos/{aPO}/invoice", form: url.Values{"qty_{aLine}": {"1"}, "price_{aLine}": {"1.00"}}, status: 400, contains: []string{"enter your invoice number"}},
		{name: "AP exceptions empty", who: "ap@demo.pogate", method: "GET", path: "/invoices?status=exception", status: 200, contains: []string{"Invoice exceptions", "No invoice matches"}},
		{name: "AP payables empty", who: "ap@demo.pogate", method: "GET", path: "/payables", status: 200, contains: []string{"The queue is empty", "Export"}},
		{name: "AP export with nothing queued", who: "ap@demo.pogate", method: "POST", path: "/payables/export", form: url.Values{"format": {"csv"}}, status: 303, contains: []string{"Nothing was waiting for export"}},
		{name: "supplier scorecard empty", who: "acme@demo.pogate", method: "GET", path: "/scorecards", status: 200, contains: []string{"Your scorecard", "No scorecards yet"}},
		{name: "scorecards bad month", who: "buyer@demo.pogate", method: "GET", path: "/scorecards?from=2026-13", status: 400},
		{name: "supplier EDI files", who: "acme@demo.pogate", method: "GET", path: "/edi", status: 200, contains: []string{"EDI files"}},
		{name: "acknowledge form", who: "acme@demo.pogate", method: "GET", path: "/pos/{aPO}/acknowledge", status: 200, contains: []string{"Accept the whole order", "line_1_outcome"}},
		{name: "acknowledge change without reason re-shown", who: "acme@demo.pogate", method: "POST", path: "/pos/{aPO}/acknowledge", form: url.Values{"ref": {"t1"}, "line_1_outcome": {"quantity_changed"}, "line_1_qty": {"7"}}, status: 400, contains: []string{"say why"}},
		{name: "acknowledge all", who: "acme@demo.pogate", method: "POST", path: "/pos/{aPO}/acknowledge", form: url.Values{"ref": {"t2-all"}, "all": {"1"}}, status: 303, contains: []string{"is acknowledged"}},
	}
	clients := map[string]*client{"": e.client()}
	for _, tc := range cases {
		c, ok := clients[tc.who]
		if !ok {
			c = e.signIn(tc.who)
			clients[tc.who] = c
		}
		path := subst.Replace(tc.path)
		var r response
		if tc.method == "POST" {
			form := url.Values{}
			for k, vs := range tc.form {
				form[subst.Replace(k)] = vs
			}
			r = c.post(path, form)
		} else {
			r = c.get(path)
		}
		if r.status != tc.status {
			t.Errorf("%s: %s %s status %d, want %d\n%.500s", tc.name, tc.method, path, r.status, tc.status, r.body)
			continue
		}
		if tc.location != "" && !strings.HasPrefix(r.location, subst.Replace(tc.location)) {
			t.Errorf("%s: redirect to %q, want %q", tc.name, r.location, tc.location)
		}
		body := r.body
		if r.status == http.StatusSeeOther {
			body = c.follow(r).body
		}
		for _, want := range tc.contains {
			if !strings.Contains(body, subst.Replace(want)) {
				t.Errorf("%s: answer lacks %q", tc.name, subst.Replace(want))
			}
		}
		for _, bad := range tc.absent {
			if strings.Contains(body, subst.Replace(bad)) {
				t.Errorf("%s: answer contains %q", tc.name, subst.Replace(bad))
			}
		}
	}
}

// TestPagesCarrySecurityHeaders checks the headers a page needs against
// framing, sniffing and inline script.
// TestApprovalPages: the buyer submits a draft over the threshold, the
// approver finds it in the queue, sends one back and approves another,
// which the job queue then sends to the supplier.
func TestApprovalPages(t *testing.T) {
	e := newWebEnv(t)
	draft, pending := e.poOf("ACME"), e.poOf("EDIWORKS")
	buyer, approver := e.signIn("buyer@demo.pogate"), e.signIn("approver@demo.pogate")
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	steps := []struct {
		name     string
		c        *client
		path     string
		form     url.Values
		status   int
		contains []string
	}{
		{"buyer sees submit on a draft", buyer, "GET /pos/" + id(draft.ID), nil, 200, []string{"Submit for approval"}},
		{"approver may not submit", approver, "POST /pos/" + id(draft.ID) + "/submit", nil, 403, nil},
		{"buyer submits", buyer, "POST /pos/" + id(draft.ID) + "/submit", nil, 303, []string{"waits for an approver"}},
		{"buyer may not approve", buyer, "POST /pos/" + id(pending.ID) + "/approve", nil, 403, nil},
		{"queue lists both", approver, "GET /approvals", nil, 200, []string{draft.Number, pending.Number, "Send back"}},
		{"send back needs a reason", approver, "POST /pos/" + id(draft.ID) + "/reject", url.Values{"reason": {""}}, 400, []string{"say why"}},
		{"send back", approver, "POST /pos/" + id(draft.ID) + "/reject", url.Values{"reason": {"split by season"}, "back": {"/approvals"}}, 303, []string{"went back to its buyer"}},
		{"buyer sees the reason", buyer, "GET /pos/" + id(draft.ID), nil, 200, []string{"split by season", "Sent back by the approver"}},
		{"approve", approver, "POST /pos/" + id(pending.ID) + "/approve", url.Values{"back": {"/approvals"}}, 303, []string{"is approved"}},
		{"queue is empty", approver, "GET /approvals", nil, 200, []string{"Nothing waits for approval"}},
	}
	for _, st := range steps {
		method, path, _ := strings.Cut(st.path, " ")
		var r response
		if method == "POST" {
			r = st.c.post(path, st.form)
		} else {
			r = st.c.get(path)
		}
		if r.status != st.status {
			t.Fatalf("%s: status %d, want %d\n%.600s", st.name, r.status, st.status, r.body)
		}
		body := r.body
		if r.status == http.StatusSeeOther {
			body = st.c.follow(r).body
		}
		for _, w := range st.contains {
			if !strings.Contains(body, w) {
				t.Errorf("%s: answer lacks %q", st.name, w)
			}
		}
	}
	e.drain()
	r := buyer.get("/pos/" + id(pending.ID))
	for _, w := range []string{"status-sent", "Send attempt 1", "Approved", "Sent to the supplier"} {
		if !strings.Contains(r.body, w) {
			t.Errorf("after the send job the PO page lacks %q", w)
		}
	}
}

func TestBarChartIsSafeSVG(t *testing.T) {
	cases := []struct {
		bars []bar
		want []string
		not  []string
	}{
		{[]bar{{Label: "2026-01", BP: 9500}}, []string{`width="285"`, "95.00%", "<svg", "</svg>"}, nil},
		{[]bar{{Label: "<script>x</script>", BP: 12000}}, []string{"&lt;script&gt;", `width="300"`}, []string{"<script>"}},
		{[]bar{{Label: "neg", BP: -5, Bad: true}}, []string{`width="0"`, "bar bar-bad"}, nil},
	}
	for _, tc := range cases {
		got := string(barChart("T & C", tc.bars))
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("chart lacks %q:\n%s", w, got)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(got, n) {
				t.Errorf("chart contains %q", n)
			}
		}
		if !strings.Contains(got, "T &amp; C") {
			t.Error("title not escaped")
		}
	}
}

func TestPagesCarrySecurityHeaders(t *testing.T) {
	e := newWebEnv(t)
	r := e.client().get("/signin")
	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
	if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=") || strings.Contains(r.body, " onclick=") {
		t.Error("page has inline script or style, which the CSP blocks")
	}
	// A cross-origin browser form post is refused.
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/signin", strings.NewReader("email=a&password=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if got := e.client().do(req); got.status != http.StatusForbidden {
		t.Errorf("cross-origin post: %d, want 403", got.status)
	}
}
