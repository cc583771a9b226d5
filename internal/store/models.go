package store

// Models lists one value of every table-backed type; the schema test checks
// that each has its table on both dialects, so a model without a migration
// is caught.
func Models() []any {
	return append([]any{
		&BrandSettings{}, &ToleranceRule{}, &Supplier{}, &User{}, &APIToken{}, &Product{},
		&Location{}, &StockLevel{}, &CatalogItem{}, &PriceBreak{}, &PurchaseOrder{}, &POLine{},
		&AuditEvent{}, &IdempotencyRecord{}, &ImportFile{}, &Sale{}, &EDIPartner{}, &sequence{},
	}, extraModels...)
}

// extraModels is appended to by files that add aggregates (register in init).
var extraModels []any

// RegisterModel adds an aggregate's model to Models.
func RegisterModel(m any) { extraModels = append(extraModels, m) }
