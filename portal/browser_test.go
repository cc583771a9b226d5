package portal

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pogate/pogate/internal/store"
)

const chromiumPath = "/usr/bin/chromium"

// browser drives Debian's Chromium against the real server of a webEnv and
// saves a screenshot after every step.
type browser struct {
	t    *testing.T
	env  *webEnv
	ctx  context.Context
	dir  string
	shot int
}

// screenshotDir is POGATE_SCREENSHOTS or <tmp>/pogate-screenshots; the
// pictures are for people reviewing a run and are never committed.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("POGATE_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "pogate-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func newBrowser(t *testing.T, e *webEnv) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need %s (CI installs it with apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("skipping browser test: %s not found (apt-get install -y chromium to run it)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("window-size", "1280,900"),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{t: t, env: e, ctx: ctx, dir: screenshotDir(t)}
}

// open loads a page of the server.
func (b *browser) open(path string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(b.env.ts.URL+path)); err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
}

// submit runs steps that end in a navigation (a form post) and waits for it.
func (b *browser) submit(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// see fails unless the page's main text contains every string.
func (b *browser) see(wants ...string) {
	b.t.Helper()
	// The footer is the last element: once it is there the page is whole.
	// A read can still race a navigation's document swap, so it is retried.
	var text string
	var err error
	for try := 0; try < 5; try++ {
		if err = chromedp.Do(b.ctx, chromedp.WaitReady(chromedp.CSS("footer.foot"))); err == nil {
			if text, err = chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("body"))); err == nil {
				break
			}
		}
	}
	if err != nil {
		b.t.Fatalf("read page: %v", err)
	}
	for _, w := range wants {
		if !strings.Contains(text, w) {
			loc, _ := chromedp.Run(b.ctx, chromedp.Location())
			b.t.Fatalf("page %s lacks %q; it shows:\n%.1500s", loc, w, text)
		}
	}
}

// screenshot saves the whole page as <test>-NN-name.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // quality 100 = PNG
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.shot++
	file := filepath.Join(b.dir, b.t.Name()+"-"+strconv.Itoa(100 + b.shot)[1:]+"-"+name+".png")
	if err := os.WriteFile(file, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) signIn(email string) {
	b.t.Helper()
	b.open("/signin")
	b.do("fill sign-in", chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), "pogate-demo"))
	b.submit("sign in", chromedp.Click(chromedp.CSS("form[action='/signin'] button[type=submit]")))
}

func (b *browser) signOut() {
	b.t.Helper()
	b.submit("sign out", chromedp.Click(chromedp.CSS("form.signout button")))
	b.see("You are signed out.")
}

// TestBrowserOrderLoop drives the whole order loop through the pages: the
// supplier signs in, acknowledges the PO with one quantity change and sends
// a ship notice; the buyer accepts the change; the warehouse receives line 1
// short and closes the order; the supplier flips the PO into an invoice
// billing everything shipped; accounts payable sees the invoice in
// exception with its reason; the supplier sees that status.
func TestBrowserOrderLoop(t *testing.T) {
	e := newWebEnv(t)
	b := newBrowser(t, e)
	po := e.poOf("ACME")
	e.setPOStatus(po.ID, "approved", "sent")
	poPath := "/pos/" + strconv.FormatInt(po.ID, 10)
	line1 := po.Lines[0]
	changed := line1.Quantity - 10 // the supplier can only make this many
	short := changed - 4           // and the warehouse counts fewer still

	// Supplier: dashboard, order, acknowledgement with a quantity change.
	b.signIn("acme@demo.pogate")
	b.see("Orders to acknowledge", po.Number, "Acme Housewares")
	b.screenshot("supplier-dashboard")
	b.open("/pos")
	b.see(po.Number)
	b.screenshot("supplier-po-list")
	b.open(poPath)
	b.see(po.Number, "Acknowledge", "Send a ship notice", "Timeline")
	b.screenshot("supplier-po")
	b.open(poPath + "/acknowledge")
	b.do("fill acknowledgement",
		chromedp.SetValue(chromedp.CSS("#line_1_outcome"), "quantity_changed"),
		chromedp.SendKeys(chromedp.CSS("#line_1_qty"), strconv.FormatInt(changed, 10)),
		chromedp.SendKeys(chromedp.CSS("#line_1_note"), "short of glaze"),
	)
	b.screenshot("supplier-ack-form")
	b.submit("send acknowledgement", chromedp.Click(chromedp.CSS("form.card button.primary")))
	b.see(po.Number+" is acknowledged", "1 change(s) wait for the buyer", "quantity changed", "short of glaze")
	b.screenshot("supplier-acknowledged")

	// Supplier: ship notice for what will be shipped.
	b.open(poPath + "/asn")
	b.see("Quantities shipped")
	b.do("fill ship notice",
		chromedp.SendKeys(chromedp.CSS("#shipment_id"), "DN-4711"),
		chromedp.SendKeys(chromedp.CSS("#carrier"), "DHL"),
		chromedp.SetValue(chromedp.CSS("#qty_"+strconv.FormatInt(line1.ID, 10)), strconv.FormatInt(changed, 10)),
	)
	b.screenshot("supplier-asn-form")
	b.submit("send ship notice", chromedp.Click(chromedp.CSS("form[action$='/asn'] button[type=submit]")))
	b.see("sent for "+po.Number, "DN-4711")
	b.screenshot("supplier-asn-sent")
	b.signOut()

	// Buyer: accepts the supplier's change.
	b.signIn("buyer@demo.pogate")
	b.open("/changes")
	b.see(po.Number, "short of glaze")
	b.screenshot("buyer-changes")
	b.submit("accept change", chromedp.Click(chromedp.CSS("form[action$='/accept'] button")))
	b.see("change accepted")
	b.open(poPath)
	b.see("Ship notice received", "accepted", strconv.FormatInt(changed, 10))
	b.screenshot("buyer-po-timeline")
	b.signOut()

	// Warehouse: receives line 1 short from the ship notice.
	b.signIn("warehouse@demo.pogate")
	b.open("/receiving")
	b.see("Ship notices on the way", "DN-4711")
	b.screenshot("warehouse-receiving")
	b.submit("open the ASN receipt", chromedp.Click(chromedp.CSS("a[href^='/receiving/asn/']")))
	b.do("count line 1 short and close the order",
		chromedp.SetValue(chromedp.CSS("#l"+strconv.FormatInt(line1.ID, 10)+"_received"), strconv.FormatInt(short, 10)),
		chromedp.Click(chromedp.CSS("input[name=close]")),
		chromedp.SendKeys(chromedp.CSS("#close_reason"), "supplier confirmed no more stock"))
	b.screenshot("warehouse-receipt-form")
	b.submit("book receipt", chromedp.Click(chromedp.CSS("button[name=book]")))
	b.see("booked for " + po.Number)
	b.screenshot("warehouse-received")
	b.signOut()
	e.drain() // background jobs the receipt queued

	// Supplier: flips the order into an invoice and bills all it shipped.
	b.signIn("acme@demo.pogate")
	b.open(poPath + "/invoice")
	b.see("Invoice for " + po.Number)
	b.do("fill invoice", chromedp.SendKeys(chromedp.CSS("#number"), "ACME-INV-1001"),
		chromedp.SetValue(chromedp.CSS("#qty_"+strconv.FormatInt(line1.ID, 10)), strconv.FormatInt(changed, 10)))
	b.screenshot("supplier-invoice-flip")
	b.submit("submit invoice", chromedp.Click(chromedp.CSS("form[action$='/invoice'] button.primary")))
	b.see("Invoice ACME-INV-1001 submitted")
	if invs, _, err := e.store.Invoices(context.Background(), store.InvoiceFilter{Search: "ACME-INV-1001"}, store.Page{}); err == nil && len(invs) == 1 {
		t.Logf("invoice: %s — %s", invs[0].Status, invs[0].MatchReasons)
	}
	b.screenshot("supplier-invoice-submitted")
	b.signOut()

	// Accounts payable: the invoice is an exception, with the reason.
	b.signIn("ap@demo.pogate")
	b.open("/invoices?status=exception")
	b.see("ACME-INV-1001")
	b.screenshot("ap-exceptions")
	b.submit("open the invoice", chromedp.Click(chromedp.CSS("a[href^='/invoices/']:not([href*='?'])")))
	b.see("Match result", "exception", strconv.FormatInt(short, 10))
	b.screenshot("ap-invoice-exception")
	b.signOut()

	// Supplier: sees the status of the invoice and why.
	b.signIn("acme@demo.pogate")
	b.open("/invoices")
	b.see("ACME-INV-1001", "exception")
	b.screenshot("supplier-invoice-status")
	t.Logf("screenshots in %s", b.dir)
}
