package procure

import (
	"regexp"
	"strconv"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// ScorecardView is a stored month as people and the API read it. Rates are
// percentages as decimal strings with two places ("96.00"), derived from
// the stored counts with half-even rounding; durations are decimal strings
// of hours or days. A nil value means the month had nothing to measure.
type ScorecardView struct {
	SupplierID int64  `json:"supplier_id"`
	Month      string `json:"month"`

	POsSent        int64   `json:"pos_sent"`
	Acknowledged   int64   `json:"acknowledged"`
	AckMedianHours *string `json:"ack_median_hours"`
	AckSLAHitRate  *string `json:"ack_sla_hit_rate"`

	LinesSettled     int64   `json:"lines_settled"`
	OnTimeRate       *string `json:"on_time_rate"`
	InFullRate       *string `json:"in_full_rate"`
	OTIFRate         *string `json:"otif_rate"`
	FillRateLines    *string `json:"fill_rate_lines"`
	FillRateQuantity *string `json:"fill_rate_quantity"`
	QtyOrdered       int64   `json:"qty_ordered"`
	QtyReceived      int64   `json:"qty_received"`

	LeadTimeSamples    int64   `json:"lead_time_samples"`
	LeadTimeMeanDays   *string `json:"lead_time_mean_days"`
	LeadTimeStddevDays *string `json:"lead_time_stddev_days"`
	LeadTimeBiasDays   *string `json:"lead_time_bias_days"`

	ASNLines        int64   `json:"asn_lines"`
	ASNLineAccuracy *string `json:"asn_line_accuracy"`
	ASNQtyAccuracy  *string `json:"asn_quantity_accuracy"`

	Invoices             int64   `json:"invoices"`
	InvoiceExceptionRate *string `json:"invoice_exception_rate"`
	PriceVarianceRate    *string `json:"price_variance_rate"`
	PriceVarianceMinor   int64   `json:"price_variance_minor"`

	// BP holds the same rates in basis points for programs.
	BP map[string]int64 `json:"bp"`
}

// NewScorecardView derives the rates of a stored month.
func NewScorecardView(c store.Scorecard) ScorecardView {
	v := ScorecardView{SupplierID: c.SupplierID, Month: c.Month, POsSent: c.POsSent, Acknowledged: c.Acks,
		LinesSettled: c.LinesSettled, QtyOrdered: c.QtyOrdered, QtyReceived: c.QtyReceived,
		LeadTimeSamples: c.LeadSamples, ASNLines: c.ASNLines, Invoices: c.Invoices,
		PriceVarianceMinor: c.PriceVarianceMinor, BP: map[string]int64{}}
	rate := func(key string, num, den int64) *string {
		bp, ok := ratioBP(num, den)
		if !ok {
			return nil
		}
		v.BP[key] = bp
		s := matching.FormatPercent(bp)
		return &s
	}
	v.AckSLAHitRate = rate("ack_sla_hit_rate", c.AckSLAHit, c.AckSLADue)
	v.OnTimeRate = rate("on_time_rate", c.LinesOnTime, c.LinesSettled)
	v.InFullRate = rate("in_full_rate", c.LinesInFull, c.LinesSettled)
	v.OTIFRate = rate("otif_rate", c.LinesOTIF, c.LinesSettled)
	v.FillRateLines = rate("fill_rate_lines", c.LinesInFull, c.LinesSettled)
	v.FillRateQuantity = rate("fill_rate_quantity", c.QtyReceived, c.QtyOrdered)
	v.ASNLineAccuracy = rate("asn_line_accuracy", c.ASNLinesAccurate, c.ASNLines)
	if c.ASNQty > 0 {
		v.ASNQtyAccuracy = rate("asn_quantity_accuracy", max(c.ASNQty-c.ASNQtyDeviation, 0), c.ASNQty)
	}
	v.InvoiceExceptionRate = rate("invoice_exception_rate", c.InvoicesException, c.Invoices)
	v.PriceVarianceRate = rate("price_variance_rate", c.PriceVarianceMinor, c.PriceBaseMinor)
	if c.AckMedianMinutes != nil {
		// minutes → hundredths of an hour, rounded half away from zero
		h := matching.FormatScaled(divRound(*c.AckMedianMinutes*100, 60), 2)
		v.AckMedianHours = &h
	}
	days := func(p *int64) *string {
		if p == nil {
			return nil
		}
		s := matching.FormatScaled(*p, 2)
		return &s
	}
	v.LeadTimeMeanDays = days(c.LeadMeanCentidays)
	v.LeadTimeStddevDays = days(c.LeadStddevCentidays)
	v.LeadTimeBiasDays = days(c.LeadBiasCentidays)
	return v
}

// ScorecardCSVHeader and Row give the CSV export's columns in one place.
var ScorecardCSVHeader = []string{"supplier_id", "month", "pos_sent", "acknowledged", "ack_median_hours", "ack_sla_hit_rate",
	"lines_settled", "on_time_rate", "in_full_rate", "otif_rate", "fill_rate_lines", "fill_rate_quantity", "qty_ordered", "qty_received",
	"lead_time_samples", "lead_time_mean_days", "lead_time_stddev_days", "lead_time_bias_days",
	"asn_lines", "asn_line_accuracy", "asn_quantity_accuracy", "invoices", "invoice_exception_rate", "price_variance_rate", "price_variance_minor"}

// CSVRow is the view as CSV cells in ScorecardCSVHeader order. Cells that
// are not plain numbers go through SafeCell against formula injection; a
// plain number (a negative bias or variance) stays a number for the
// spreadsheet, since digits cannot start a formula.
func (v ScorecardView) CSVRow() []string {
	opt := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	n := func(x int64) string { return strconv.FormatInt(x, 10) }
	row := []string{n(v.SupplierID), v.Month, n(v.POsSent), n(v.Acknowledged), opt(v.AckMedianHours), opt(v.AckSLAHitRate),
		n(v.LinesSettled), opt(v.OnTimeRate), opt(v.InFullRate), opt(v.OTIFRate), opt(v.FillRateLines), opt(v.FillRateQuantity),
		n(v.QtyOrdered), n(v.QtyReceived), n(v.LeadTimeSamples), opt(v.LeadTimeMeanDays), opt(v.LeadTimeStddevDays), opt(v.LeadTimeBiasDays),
		n(v.ASNLines), opt(v.ASNLineAccuracy), opt(v.ASNQtyAccuracy), n(v.Invoices), opt(v.InvoiceExceptionRate),
		opt(v.PriceVarianceRate), n(v.PriceVarianceMinor)}
	for i := range row {
		if !plainNumber.MatchString(row[i]) {
			row[i] = SafeCell(row[i])
		}
	}
	return row
}

var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
