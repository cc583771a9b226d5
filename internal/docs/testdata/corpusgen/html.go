package main

import (
	"fmt"
	"html"
	"strings"
)

var htmlStyles = map[string]string{
	"modern":  `body{font-family:"DejaVu Sans",sans-serif;font-size:10pt;color:#222;margin:0}h1{font-size:22pt;color:#2a5d9f;margin:0 0 8pt}.meta div{margin:2pt 0}table.lines{border-collapse:collapse;width:100%;margin-top:14pt}table.lines th{background:#2a5d9f;color:#fff;padding:5pt 8pt;text-align:left}table.lines td{padding:4pt 8pt;border-bottom:1px solid #ddd}.num{text-align:right!important}table.totals{margin-left:auto;margin-top:10pt}table.totals td{padding:3pt 8pt}`,
	"classic": `body{font-family:"DejaVu Serif",serif;font-size:10pt;margin:0}h1{font-size:18pt;text-align:right}table.meta td{padding:2pt 12pt 2pt 0}table.lines{border-collapse:collapse;width:100%;margin-top:16pt}table.lines th,table.lines td{border:1px solid #444;padding:4pt 7pt}.num{text-align:right}table.totals{margin-left:auto;margin-top:12pt}table.totals td{padding:3pt 10pt}`,
	"wrap":    `body{font-family:"DejaVu Sans",sans-serif;font-size:10pt;margin:0}h1{font-size:20pt}.meta div{margin:2pt 0}table.lines{border-collapse:collapse;width:100%;margin-top:12pt}table.lines th{text-align:left;padding:4pt 6pt;border-bottom:1px solid #000}table.lines td{padding:3pt 6pt;vertical-align:top;border-bottom:1px solid #ccc}td.desc{width:22%}.num{text-align:right!important}table.totals{margin-left:auto;margin-top:10pt}table.totals td{padding:2pt 8pt}`,
	"nordic":  `body{font-family:"Liberation Sans",Arial,sans-serif;font-size:10pt;margin:0}h1{font-size:20pt;text-align:right}.meta div{margin:2pt 0;text-align:right}table.lines{border-collapse:collapse;width:100%;margin-top:16pt}table.lines th{background:#eee;padding:4pt 6pt;width:1%;text-align:left}table.lines td{padding:4pt 6pt}td.desc{width:auto}.num{text-align:right!important}table.totals{margin-left:auto;margin-top:10pt}table.totals td{padding:2pt 8pt}`,
	"grid":    `body{font-family:"DejaVu Sans",sans-serif;font-size:9pt;margin:0}h1{font-size:16pt}table.meta{border-collapse:collapse}table.meta td{border:1px solid #999;padding:3pt 10pt;vertical-align:top}table.lines{border-collapse:collapse;width:100%;margin-top:12pt}table.lines th{border-bottom:2px solid #000;padding:4pt 8pt;text-align:left}table.lines td{padding:3pt 8pt}.num{text-align:right}table.totals{margin-left:auto;margin-top:10pt}table.totals td{padding:2pt 8pt}`,
}

// renderHTML writes the invoice as a web invoicing tool would.
func renderHTML(inv Invoice) string {
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Invoice %s</title><style>@page{size:A4;margin:15mm}%s</style></head><body>\n", e(inv.InvoiceNumber), htmlStyles[inv.Style])
	fmt.Fprintf(&b, "<h1>INVOICE</h1>\n<p><b>%s</b><br>%s</p>\n", e(inv.Seller[0]), strings.Join(escapeAll(inv.Seller[1:]), "<br>"))
	fields := [][2]string{
		{inv.Labels["invoice_number"], inv.InvoiceNumber},
		{inv.Labels["invoice_date"], inv.date(inv.InvoiceDate)},
		{inv.Labels["po_number"], inv.PONumber},
		{inv.Labels["due_date"], inv.date(inv.DueDate)},
	}
	switch inv.Style {
	case "modern", "wrap", "nordic":
		b.WriteString(`<div class="meta">`)
		for _, f := range fields {
			fmt.Fprintf(&b, "<div><b>%s</b> %s</div>", e(inlineLabel(f[0])), e(f[1]))
		}
		b.WriteString("</div>\n")
	case "grid":
		b.WriteString(`<table class="meta"><tr>`)
		for _, f := range fields {
			fmt.Fprintf(&b, "<td><b>%s</b><br>%s</td>", e(f[0]), e(f[1]))
		}
		b.WriteString("</tr></table>\n")
	default:
		b.WriteString(`<table class="meta">`)
		for _, f := range fields {
			fmt.Fprintf(&b, "<tr><td><b>%s</b></td><td>%s</td></tr>", e(f[0]), e(f[1]))
		}
		b.WriteString("</table>\n")
	}
	fmt.Fprintf(&b, "<p>%s</p>\n", strings.Join(escapeAll(inv.Buyer), "<br>"))
	b.WriteString(`<table class="lines"><thead><tr>`)
	for _, c := range inv.Columns {
		fmt.Fprintf(&b, `<th class="%s">%s</th>`, numClass(c), e(inv.ColumnLabels[c]))
	}
	b.WriteString("</tr></thead><tbody>\n")
	for n, l := range inv.Lines {
		b.WriteString("<tr>")
		for _, c := range inv.Columns {
			class := numClass(c)
			if c == "description" {
				class = "desc"
			}
			fmt.Fprintf(&b, `<td class="%s">%s</td>`, class, e(inv.cellValue(c, n, l)))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>\n<table class=\"totals\">")
	for _, t := range inv.totalsRows() {
		fmt.Fprintf(&b, `<tr><td>%s</td><td class="num">%s</td></tr>`, e(t[0]), e(t[1]))
	}
	fmt.Fprintf(&b, "</table>\n<p style=\"font-size:8pt\">%s</p>\n</body></html>\n", e(inv.Notes))
	return b.String()
}

func numClass(col string) string {
	if alignOf(col) == "R" {
		return "num"
	}
	return ""
}

func escapeAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = html.EscapeString(s)
	}
	return out
}
