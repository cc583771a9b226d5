// Package demo seeds a believable brand on an empty database so a newcomer
// can click through every page: three suppliers (portal, EDI, e-mail), forty
// products with catalog items, ninety days of sales, stock, POs in several
// states and a user for every role.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// Password is every demo user's password (printed at start).
const Password = "pogate-demo"

// Login is one demo account.
type Login struct {
	Role  store.Role
	Email string
	Token string // set for the buyer's API token
}

var actor = store.Actor{Kind: store.ActorSystem, Label: "demo", Role: store.RoleAdmin, Channel: "system"}

// Seeded reports whether the database already has demo (or any) suppliers.
func Seeded(ctx context.Context, s *store.Store) (bool, error) {
	_, total, err := s.Suppliers(ctx, "", store.Page{Size: 1})
	return total > 0, err
}

// Seed fills an empty database; on a non-empty one it does nothing and
// returns false.
func Seed(ctx context.Context, s *store.Store, svc *procure.Service) (bool, []Login, error) {
	if done, err := Seeded(ctx, s); err != nil || done {
		return false, nil, err
	}
	b := store.DefaultBrand()
	b.Name, b.Currency, b.TimeZone = "Northwind Goods", "USD", "Europe/London"
	if err := s.SaveBrand(ctx, actor, b); err != nil {
		return false, nil, err
	}
	loc := store.Location{Code: "MAIN", Name: "Main warehouse"}
	if err := s.CreateLocation(ctx, actor, &loc); err != nil {
		return false, nil, err
	}
	suppliers := []*store.Supplier{
		{Code: "ACME", Name: "Acme Housewares Ltd", ContactName: "Ada Ng", Email: "orders@acme.example", Currency: "USD", PaymentTerms: "Net 30", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelPortal},
		{Code: "EDIWORKS", Name: "EDI Works Inc", ContactName: "Ben Ortiz", Email: "edi@ediworks.example", Currency: "USD", PaymentTerms: "Net 45", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelEDI},
		{Code: "MAILCO", Name: "Mail Order Supplies Co", ContactName: "Cara Diaz", Email: "sales@mailco.example", Currency: "USD", PaymentTerms: "Net 30", AckSLAHours: 48, BackorderPolicy: store.BackorderCancel, Channel: store.ChannelEmail},
	}
	for _, sp := range suppliers {
		if err := s.CreateSupplier(ctx, actor, sp); err != nil {
			return false, nil, err
		}
	}
	if err := s.CreateEDIPartner(ctx, actor, &store.EDIPartner{SupplierID: suppliers[1].ID, Name: "EDI Works", ISAQualifier: "ZZ", ISAID: "EDIWORKS", GSID: "EDIWORKS",
		OurISAQualifier: "ZZ", OurISAID: "NORTHWIND", OurGSID: "NORTHWIND", Version: "00401", ElementSep: "*", ComponentSep: ">", RepetitionSep: "U", SegmentTerm: "~", Expects997: true, AckWindowHours: 24}); err != nil {
		return false, nil, err
	}
	rng := rand.New(rand.NewPCG(42, 7))
	names := []string{"Mug", "Teapot", "Tumbler", "Plate", "Bowl", "Jug", "Vase", "Candle", "Coaster", "Tray"}
	colours := []string{"Red", "Blue", "Sand", "Slate"}
	now := s.Now()
	var products []store.Product
	for i := 0; i < 40; i++ {
		p := store.Product{SKU: fmt.Sprintf("NW-%03d", i+1), Name: fmt.Sprintf("%s %s", colours[i%4], names[i/4]),
			GTIN: gtin(fmt.Sprintf("50123450%04d", i+1)), Category: names[i/4]}
		if err := s.CreateProduct(ctx, actor, &p); err != nil {
			return false, nil, err
		}
		products = append(products, p)
	}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		var items []store.CatalogItem
		for i, p := range products {
			sp := suppliers[i%3]
			price := int64(200+rng.IntN(1800)) * 10_000 // 2.00 to 20.00, whole cents
			items = append(items, store.CatalogItem{SupplierID: sp.ID, ProductID: p.ID, SupplierPart: fmt.Sprintf("%s-%04d", sp.Code[:3], 100+i),
				UnitPriceMicros: price, Currency: "USD", MOQ: int64(12 * (1 + i%3)), OrderMultiple: int64(6 * (1 + i%2)), PurchaseUnit: "EA",
				UnitsPerPurchaseUnit: 1, LeadTimeDays: 7 + 7*(i%3), LastReviewedAt: now.AddDate(0, 0, -rng.IntN(120)),
				PriceBreaks: []store.PriceBreak{{MinQty: 300, UnitPriceMicros: cents(price * 95 / 100)}, {MinQty: 1000, UnitPriceMicros: cents(price * 90 / 100)}}})
			if i%5 == 0 { // a second source for some products
				alt := suppliers[(i+1)%3]
				items = append(items, store.CatalogItem{SupplierID: alt.ID, ProductID: p.ID, SupplierPart: fmt.Sprintf("%s-%04d", alt.Code[:3], 500+i),
					UnitPriceMicros: cents(price * 105 / 100), Currency: "USD", MOQ: 24, OrderMultiple: 12, PurchaseUnit: "EA", UnitsPerPurchaseUnit: 1,
					LeadTimeDays: 10, LastReviewedAt: now.AddDate(0, 0, -10)})
			}
		}
		if err := tx.UpsertCatalogItems(items); err != nil {
			return err
		}
		var sales []store.Sale
		for i, p := range products {
			rate := 2 + i%9*3
			for d := 90; d >= 1; d-- {
				day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -d)
				q := rate + rng.IntN(rate+1) - rate/2
				if q <= 0 {
					continue
				}
				ch := []string{"shopify", "amazon", "ebay"}[d%3]
				sales = append(sales, store.Sale{ProductID: p.ID, SoldOn: day, Channel: ch, Quantity: int64(q), SourceRef: fmt.Sprintf("demo-%d-%d", p.ID, d)})
			}
			onHand := int64(rate * (5 + rng.IntN(30)))
			if err := tx.SetStock(actor, p.ID, loc.ID, onHand, 0); err != nil {
				return err
			}
		}
		_, err := tx.InsertSales(sales)
		return err
	})
	if err != nil {
		return false, nil, err
	}
	var logins []Login
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return false, nil, err
	}
	users := []store.User{
		{Email: "admin@demo.pogate", Name: "Avery Admin", Role: store.RoleAdmin},
		{Email: "buyer@demo.pogate", Name: "Blake Buyer", Role: store.RoleBuyer},
		{Email: "approver@demo.pogate", Name: "Alex Approver", Role: store.RoleApprover},
		{Email: "warehouse@demo.pogate", Name: "Wren Warehouse", Role: store.RoleWarehouse},
		{Email: "ap@demo.pogate", Name: "Pat Payables", Role: store.RoleAP},
		{Email: "acme@demo.pogate", Name: "Ada Ng (Acme)", Role: store.RoleSupplier, SupplierID: &suppliers[0].ID},
		{Email: "ediworks@demo.pogate", Name: "Ben Ortiz (EDI Works)", Role: store.RoleSupplier, SupplierID: &suppliers[1].ID},
		{Email: "mailco@demo.pogate", Name: "Cara Diaz (MailCo)", Role: store.RoleSupplier, SupplierID: &suppliers[2].ID},
	}
	var buyer store.User
	for i := range users {
		users[i].PasswordHash = hash
		if err := s.CreateUser(ctx, actor, &users[i]); err != nil {
			return false, nil, err
		}
		if users[i].Role == store.RoleBuyer {
			buyer = users[i]
		}
		logins = append(logins, Login{Role: users[i].Role, Email: users[i].Email})
	}
	secret, th, prefix := auth.NewToken()
	if err := s.CreateToken(ctx, actor, &store.APIToken{Name: "demo-buyer", Role: store.RoleBuyer, TokenHash: th, Prefix: prefix}); err != nil {
		return false, nil, err
	}
	logins = append(logins, Login{Role: "api", Email: "(token)", Token: secret})

	// A few POs in different states.
	ba := buyer.Actor("system")
	for i, sp := range suppliers {
		var lines []procure.DraftLine
		for j := i; j < 40 && len(lines) < 4; j += 3 {
			lines = append(lines, procure.DraftLine{ProductID: products[j].ID, Quantity: int64(60 + 12*j)})
		}
		po, err := svc.CreateDraft(ctx, ba, procure.DraftPO{SupplierID: sp.ID, Lines: lines, Notes: "Demo order"})
		if err != nil {
			return false, nil, fmt.Errorf("demo PO for %s: %w", sp.Code, err)
		}
		if err := advance(ctx, s, ba, po.ID, []string{store.POStatusDraft, store.POStatusPendingApproval, store.POStatusApproved}[i]); err != nil {
			return false, nil, err
		}
	}
	return true, logins, nil
}

// advance moves a demo PO to a status with plain status writes; the approval
// and dispatch commands replace this once they exist.
func advance(ctx context.Context, s *store.Store, a store.Actor, poID int64, to string) error {
	if to == store.POStatusDraft {
		return nil
	}
	return s.InTx(ctx, func(tx *store.Tx) error {
		po, err := tx.LockPO(poID, 0)
		if err != nil {
			return err
		}
		path := []string{store.POStatusPendingApproval}
		if to == store.POStatusApproved {
			path = []string{store.POStatusApproved}
		}
		for _, st := range path {
			if err := tx.SavePOHeader(&po, map[string]any{"status": st}); err != nil {
				return err
			}
		}
		return tx.Audit(a, "po.status", "purchase_order", po.ID, po.SupplierID, nil, map[string]string{"status": to})
	})
}

// cents rounds a micro-unit price down to whole cents, as real price lists are.
func cents(micros int64) int64 { return micros / 10_000 * 10_000 }

// gtin completes 12 digits with the GTIN-13 check digit.
func gtin(d12 string) string {
	sum := 0
	for i, c := range d12 {
		n := int(c - '0')
		if i%2 == 1 {
			n *= 3
		}
		sum += n
	}
	return d12 + string(rune('0'+(10-sum%10)%10))
}
