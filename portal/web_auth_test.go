package portal

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSignInRenewsTokenAndSignOutEndsSession(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	// A pre-sign-in session (flash) must not survive sign-in under the same token.
	r := c.get("/pos")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/signin?next=") {
		t.Fatalf("anonymous /pos: %d %s", r.status, r.location)
	}
	before := cookieValue(c, e, sessionCookieName)
	r = c.post("/signin", url.Values{"email": {"acme@demo.pogate"}, "password": {"pogate-demo"}, "next": {"/pos"}})
	if r.status != http.StatusSeeOther || r.location != "/pos" {
		t.Fatalf("sign in: %d %q %s", r.status, r.location, r.body)
	}
	after := cookieValue(c, e, sessionCookieName)
	if after == "" || after == before {
		t.Fatalf("session token not renewed at sign-in: before %q after %q", before, after)
	}
	if r := c.get("/pos"); r.status != http.StatusOK || !strings.Contains(r.body, "Purchase orders") {
		t.Fatalf("signed-in /pos: %d", r.status)
	}
	stolen := e.client()
	stolen.http.Jar.SetCookies(mustURL(e.ts.URL), []*http.Cookie{{Name: sessionCookieName, Value: after}})
	if r := stolen.get("/pos"); r.status != http.StatusOK {
		t.Fatalf("copied cookie should work before sign-out: %d", r.status)
	}
	r = c.post("/signout", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", r.status)
	}
	if cookieValue(c, e, sessionCookieName) == after {
		t.Fatal("session token not renewed at sign-out")
	}
	if r := stolen.get("/pos"); r.status != http.StatusSeeOther {
		t.Fatalf("old token still signed in after sign-out: %d", r.status)
	}
}

func TestSignInFailuresLookAlikeAndThrottle(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	unknown := c.post("/signin", url.Values{"email": {"nobody@demo.pogate"}, "password": {"whatever-123"}})
	wrong := c.post("/signin", url.Values{"email": {"buyer@demo.pogate"}, "password": {"whatever-123"}})
	if unknown.status != http.StatusUnauthorized || wrong.status != http.StatusUnauthorized {
		t.Fatalf("statuses %d %d", unknown.status, wrong.status)
	}
	if strings.ReplaceAll(unknown.body, "nobody@demo.pogate", "X") != strings.ReplaceAll(wrong.body, "buyer@demo.pogate", "X") {
		t.Fatal("unknown e-mail and wrong password answer differently")
	}
	// Account throttle: four more failures lock the account, even with the
	// right password, and X-Forwarded-For does not reset the address count.
	for i := 0; i < maxAccountFailures-1; i++ {
		c.post("/signin", url.Values{"email": {"buyer@demo.pogate"}, "password": {"nope-nope-nope"}})
	}
	r := c.post("/signin", url.Values{"email": {"buyer@demo.pogate"}, "password": {"pogate-demo"}})
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("locked account: %d", r.status)
	}
	// Time passes: the window frees up and the right password works.
	now := time.Now().UTC()
	e.store.Now = func() time.Time { return now.Add(throttleWindow + time.Minute) }
	if r := c.post("/signin", url.Values{"email": {"buyer@demo.pogate"}, "password": {"pogate-demo"}}); r.status != http.StatusSeeOther {
		t.Fatalf("after the window: %d", r.status)
	}
}

func TestAddressThrottleIgnoresForwardedFor(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	for i := 0; i < maxAddressFailures; i++ {
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/signin", strings.NewReader(url.Values{
			"email": {"user" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@x.test"}, "password": {"guess-guess"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113."+string(rune('1'+i%9)))
		c.do(req)
	}
	r := c.post("/signin", url.Values{"email": {"ap@demo.pogate"}, "password": {"pogate-demo"}})
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("address throttle: %d", r.status)
	}
}

func TestPasswordResetLinkWorksOnce(t *testing.T) {
	e := newWebEnv(t)
	c := e.client()
	signedIn := e.signIn("warehouse@demo.pogate")
	if r := c.post("/password/forgot", url.Values{"email": {"warehouse@demo.pogate"}}); r.status != http.StatusSeeOther {
		t.Fatalf("forgot: %d", r.status)
	}
	// Unknown e-mails get the same answer.
	if r := c.post("/password/forgot", url.Values{"email": {"ghost@demo.pogate"}}); r.status != http.StatusSeeOther {
		t.Fatalf("forgot unknown: %d", r.status)
	}
	link := e.logs.lastLink(t, "warehouse@demo.pogate")
	if r := c.get(link); r.status != http.StatusOK || !strings.Contains(r.body, "warehouse@demo.pogate") {
		t.Fatalf("reset page: %d", r.status)
	}
	token := mustURL(e.ts.URL + link).Query().Get("token")
	bad := c.post("/password/reset", url.Values{"token": {token}, "password": {"short"}, "confirm": {"short"}})
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "at least 10 characters") {
		t.Fatalf("short password: %d", bad.status)
	}
	ok := c.post("/password/reset", url.Values{"token": {token}, "password": {"a-new-long-password"}, "confirm": {"a-new-long-password"}})
	if ok.status != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", ok.status, ok.body)
	}
	again := c.post("/password/reset", url.Values{"token": {token}, "password": {"another-password-1"}, "confirm": {"another-password-1"}})
	if again.status != http.StatusNotFound {
		t.Fatalf("second use of link: %d", again.status)
	}
	if r := signedIn.get("/pos"); r.status != http.StatusSeeOther {
		t.Fatalf("other sessions must end at password reset: %d", r.status)
	}
	if r := c.post("/signin", url.Values{"email": {"warehouse@demo.pogate"}, "password": {"a-new-long-password"}}); r.status != http.StatusSeeOther {
		t.Fatalf("sign in with new password: %d", r.status)
	}
}

func TestAdminInvitesAndDisablesSupplierUser(t *testing.T) {
	e := newWebEnv(t)
	admin := e.signIn("admin@demo.pogate")
	acme := e.sup["ACME"]
	r := admin.post("/admin/users/invite", url.Values{"email": {"new.rep@acme.example"}, "name": {"New Rep"}, "role": {"supplier"}, "supplier_id": {itoa(acme.ID)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("invite: %d %s", r.status, r.body)
	}
	if r := admin.follow(r); !strings.Contains(r.body, "Invitation sent to new.rep@acme.example") {
		t.Fatal("no flash after invite")
	}
	// Re-shown with a field error when the e-mail exists.
	dup := admin.post("/admin/users/invite", url.Values{"email": {"new.rep@acme.example"}, "role": {"supplier"}, "supplier_id": {itoa(acme.ID)}})
	if dup.status != http.StatusBadRequest || !strings.Contains(dup.body, "already exists") || !strings.Contains(dup.body, `value="new.rep@acme.example"`) {
		t.Fatalf("duplicate invite: %d", dup.status)
	}
	rep := e.client()
	link := e.logs.lastLink(t, "new.rep@acme.example")
	token := mustURL(e.ts.URL + link).Query().Get("token")
	if r := rep.post("/invite/accept", url.Values{"token": {token}, "password": {"acme-rep-password"}, "confirm": {"acme-rep-password"}}); r.status != http.StatusSeeOther {
		t.Fatalf("accept invite: %d %s", r.status, r.body)
	}
	if r := rep.post("/signin", url.Values{"email": {"new.rep@acme.example"}, "password": {"acme-rep-password"}}); r.status != http.StatusSeeOther {
		t.Fatalf("invited user signs in: %d", r.status)
	}
	if r := rep.get("/pos"); r.status != http.StatusOK {
		t.Fatalf("invited user /pos: %d", r.status)
	}
	u, err := e.store.UserByEmail(context.Background(), "new.rep@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := e.store.CountUserSessions(context.Background(), u.ID); n != 1 {
		t.Fatalf("sessions of invited user = %d, want 1", n)
	}
	if r := admin.post("/admin/users/"+itoa(u.ID)+"/disable", nil); r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.status)
	}
	if n, _ := e.store.CountUserSessions(context.Background(), u.ID); n != 0 {
		t.Fatalf("sessions after disable = %d", n)
	}
	if r := rep.get("/pos"); r.status != http.StatusSeeOther {
		t.Fatalf("disabled user still signed in: %d", r.status)
	}
	if r := rep.post("/signin", url.Values{"email": {"new.rep@acme.example"}, "password": {"acme-rep-password"}}); r.status != http.StatusUnauthorized {
		t.Fatalf("disabled user signs in: %d", r.status)
	}
	// A supplier user cannot reach the admin page.
	if r := e.signIn("acme@demo.pogate").get("/admin/users"); r.status != http.StatusForbidden {
		t.Fatalf("supplier on admin page: %d", r.status)
	}
}

func TestIdleAndAbsoluteTimeouts(t *testing.T) {
	e := newWebEnv(t)
	c := e.signIn("buyer@demo.pogate")
	start := time.Now().UTC()
	// The absolute timeout is checked against the sign-in time on the store clock.
	e.store.Now = func() time.Time { return start.Add(SessionAbsoluteTimeout + time.Minute) }
	if r := c.get("/"); r.status != http.StatusSeeOther {
		t.Fatalf("after absolute timeout: %d", r.status)
	}
	e.store.Now = func() time.Time { return time.Now().UTC() }
	c = e.signIn("buyer@demo.pogate")
	// The idle expiry is in the database row: push the clock past it.
	e.store.Now = func() time.Time { return time.Now().UTC().Add(SessionIdleTimeout + time.Minute) }
	if r := c.get("/"); r.status != http.StatusSeeOther {
		t.Fatalf("after idle timeout: %d", r.status)
	}
}

func cookieValue(c *client, e *webEnv, name string) string {
	for _, ck := range c.http.Jar.Cookies(mustURL(e.ts.URL)) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func itoa(n int64) string { return strconvI(n) }
