package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

func main() {
	dir := flag.String("dir", "internal/docs/testdata/corpus", "corpus folder (data/ inside holds the data files)")
	writeData := flag.Bool("data", false, "write data/*.json from the built-in specs")
	render := flag.Bool("render", false, "render every data file and write expected.json")
	only := flag.String("only", "", "render only ids containing this text")
	flag.Parse()
	if *writeData {
		if err := os.MkdirAll(filepath.Join(*dir, "data"), 0o755); err != nil {
			log.Fatal(err)
		}
		for i, s := range specs {
			inv := makeInvoice(i, s)
			raw, _ := json.MarshalIndent(inv, "", "  ")
			if err := os.WriteFile(filepath.Join(*dir, "data", inv.ID+".json"), append(raw, '\n'), 0o644); err != nil {
				log.Fatal(err)
			}
		}
		fmt.Printf("wrote %d data files\n", len(specs))
	}
	if *render {
		if err := renderAll(*dir, *only); err != nil {
			log.Fatal(err)
		}
	}
}

func renderAll(dir, only string) error {
	files, err := filepath.Glob(filepath.Join(dir, "data", "*.json"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	var expected []Expected
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var inv Invoice
		if err := json.Unmarshal(raw, &inv); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		ext := ".pdf"
		if inv.Producer == "xlsx" {
			ext = ".xlsx"
		}
		name := inv.ID + ext
		expected = append(expected, inv.expected(name))
		if only != "" && !strings.Contains(inv.ID, only) {
			continue
		}
		out, err := produce(inv)
		if err != nil {
			return fmt.Errorf("%s: %w", inv.ID, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
			return err
		}
		fmt.Printf("%-40s %s %d bytes\n", name, inv.Producer, len(out))
	}
	raw, _ := json.MarshalIndent(expected, "", "  ")
	return os.WriteFile(filepath.Join(dir, "expected.json"), append(raw, '\n'), 0o644)
}

func produce(inv Invoice) ([]byte, error) {
	switch inv.Producer {
	case "fpdf":
		return renderFPDF(inv, fpdfOptions{})
	case "xlsx":
		return renderXLSX(inv)
	case "chromium":
		return withTemp(func(tmp string) ([]byte, error) {
			in := filepath.Join(tmp, "invoice.html")
			out := filepath.Join(tmp, "invoice.pdf")
			if err := os.WriteFile(in, []byte(renderHTML(inv)), 0o644); err != nil {
				return nil, err
			}
			err := run(tmp, "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
				"--user-data-dir="+filepath.Join(tmp, "profile"), "--print-to-pdf="+out, "file://"+in)
			if err != nil {
				return nil, err
			}
			return os.ReadFile(out)
		})
	case "writer":
		return withTemp(func(tmp string) ([]byte, error) {
			in := filepath.Join(tmp, "invoice.html")
			if err := os.WriteFile(in, []byte(renderHTML(inv)), 0o644); err != nil {
				return nil, err
			}
			// HTML → .odt (Writer document) → PDF: the route of a supplier
			// who keeps invoices as Writer documents.
			if err := soffice(tmp, "--infilter=HTML (StarWriter)", "--convert-to", "odt", in); err != nil {
				return nil, err
			}
			if err := soffice(tmp, "--convert-to", "pdf", filepath.Join(tmp, "invoice.odt")); err != nil {
				return nil, err
			}
			return os.ReadFile(filepath.Join(tmp, "invoice.pdf"))
		})
	case "calc":
		return withTemp(func(tmp string) ([]byte, error) {
			x, err := renderXLSX(inv)
			if err != nil {
				return nil, err
			}
			in := filepath.Join(tmp, "invoice.xlsx")
			if err := os.WriteFile(in, x, 0o644); err != nil {
				return nil, err
			}
			if err := soffice(tmp, "--convert-to", "pdf", in); err != nil {
				return nil, err
			}
			return os.ReadFile(filepath.Join(tmp, "invoice.pdf"))
		})
	case "scan":
		return renderScan(inv)
	}
	return nil, fmt.Errorf("unknown producer %q", inv.Producer)
}

// renderScan makes a scanned-looking PDF: each page is a grey raster image
// (the fpdf rendering rasterised by Ghostscript at 100 dpi) with the text
// drawn invisibly on top, as OCR software leaves it.
func renderScan(inv Invoice) ([]byte, error) {
	return withTemp(func(tmp string) ([]byte, error) {
		plain, err := renderFPDF(inv, fpdfOptions{})
		if err != nil {
			return nil, err
		}
		src := filepath.Join(tmp, "plain.pdf")
		if err := os.WriteFile(src, plain, 0o644); err != nil {
			return nil, err
		}
		if err := run(tmp, "gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pnggray", "-r100", "-o", filepath.Join(tmp, "page-%d.png"), src); err != nil {
			return nil, err
		}
		return renderFPDF(inv, fpdfOptions{invisible: true, pageImage: func(pdf *fpdf.Fpdf, page int) {
			name := filepath.Join(tmp, fmt.Sprintf("page-%d.png", page))
			pdf.ImageOptions(name, 0, 0, 210, 297, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		}})
	})
}

func withTemp(fn func(tmp string) ([]byte, error)) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "corpusgen-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	return fn(tmp)
}

// soffice runs a LibreOffice conversion; args end with "--convert-to",
// the format and the input file, and --outdir must follow the format.
func soffice(dir string, args ...string) error {
	base := []string{"--headless", "--norestore", "-env:UserInstallation=file://" + filepath.Join(dir, "lo-profile")}
	n := len(args)
	full := append(append(base, args[:n-1]...), "--outdir", dir, args[n-1])
	return run(dir, "soffice", full...)
}

func run(dir, name string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, out.String())
	}
	return nil
}
