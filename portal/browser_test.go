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
	text, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("body")))
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

// TestBrowserOrderLoop drives the order loop as far as its commands exist:
// the supplier signs in, finds the order, sends a ship notice with one
// line short; the buyer sees the shipment on the order's page and timeline.
func TestBrowserOrderLoop(t *testing.T) {
	e := newWebEnv(t)
	b := newBrowser(t, e)
	po := e.poOf("ACME")
	e.setPOStatus(po.ID, "approved", "sent")
	poPath := "/pos/" + strconv.FormatInt(po.ID, 10)

	b.signIn("acme@demo.pogate")
	b.see("Orders to acknowledge", po.Number, "Acme Housewares")
	b.screenshot("supplier-dashboard")

	b.open("/pos")
	b.see(po.Number)
	b.screenshot("supplier-po-list")

	b.open(poPath)
	b.see(po.Number, "Send a ship notice", "Timeline")
	b.screenshot("supplier-po")

	b.submit("open ship notice form", chromedp.Click(chromedp.CSS("a.button.primary")))
	b.see("Quantities shipped")
	first := "#qty_" + strconv.FormatInt(po.Lines[0].ID, 10)
	short := po.Lines[0].Quantity - 10
	b.do("fill ship notice",
		chromedp.SendKeys(chromedp.CSS("#shipment_id"), "DN-4711"),
		chromedp.SendKeys(chromedp.CSS("#carrier"), "DHL"),
		chromedp.SetValue(chromedp.CSS(first), strconv.FormatInt(short, 10)),
	)
	b.screenshot("supplier-asn-form")
	b.submit("send ship notice", chromedp.Click(chromedp.CSS("form[action$='/asn'] button[type=submit]")))
	b.see("Ship notice", "sent for "+po.Number, "DN-4711", strconv.FormatInt(short, 10))
	b.screenshot("supplier-asn-sent")
	b.signOut()

	b.signIn("buyer@demo.pogate")
	b.see("Late acknowledgements", "Approvals waiting")
	b.screenshot("buyer-dashboard")
	b.open(poPath)
	b.see("Ship notices", "DN-4711", "Ship notice received", "Order created")
	b.screenshot("buyer-po-timeline")
	b.signOut()
	t.Logf("screenshots in %s", b.dir)
}
