package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pogate/pogate/edi"
)

func init() {
	register(command{name: "edi", summary: "read, acknowledge and render X12 EDI files (parse, ack, render)", run: runEDI})
}

func runEDI(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		ediUsage(env.Stderr)
		return 2
	}
	switch args[0] {
	case "parse":
		return ediParse(env, args[1:])
	case "ack":
		return ediAck(env, args[1:])
	case "render":
		return ediRender(env, args[1:])
	case "-h", "--help", "help":
		ediUsage(env.Stderr)
		return 0
	}
	fmt.Fprintf(env.Stderr, "pogate edi: unknown subcommand %q\n", args[0])
	ediUsage(env.Stderr)
	return 2
}

func ediUsage(w io.Writer) {
	fmt.Fprintln(w, `usage:
  pogate edi parse FILE...         print interchanges, groups, typed transactions and errors as JSON
  pogate edi ack [flags] FILE      print the 997 (and/or TA1) the gateway would send back
  pogate edi render --po PO.json   write an 850 for a purchase order given as JSON (edi.PurchaseOrder850)
exit codes: 0 all valid, 1 the input had errors (still printed), 2 usage or unreadable input`)
}

// parseInterleaved parses flags given before or after the file names, so
// "pogate edi ack FILE -time ..." works like "pogate edi ack -time ... FILE".
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// parsedFile is the JSON shape of one parsed input.
type parsedFile struct {
	Path string `json:"file"`
	*edi.File
}

func readEDIFile(path string) (*edi.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return edi.Parse(f)
}

func ediParse(env *Env, args []string) int {
	fs := flag.NewFlagSet("edi parse", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintln(env.Stderr, "pogate edi parse: give at least one FILE")
		return 2
	}
	code := 0
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	for _, path := range files {
		file, err := readEDIFile(path)
		if err != nil {
			fmt.Fprintf(env.Stderr, "pogate edi parse: %s: %v\n", path, err)
			code = 2
			continue
		}
		if err := enc.Encode(parsedFile{Path: path, File: file}); err != nil {
			fmt.Fprintf(env.Stderr, "pogate edi parse: %v\n", err)
			return 2
		}
		if !file.Valid() && code == 0 {
			code = 1
		}
	}
	return code
}

func ediAck(env *Env, args []string) int {
	fs := flag.NewFlagSet("edi ack", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	control := fs.Int64("control", 1, "ISA13 of the first reply interchange (incremented per interchange)")
	at := fs.String("time", "", "reply date/time, RFC 3339 (default now)")
	includeFA := fs.Bool("ack-acks", false, "also acknowledge groups of 997s (X12 says not to)")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(files) != 1 {
		fmt.Fprintln(env.Stderr, "pogate edi ack: give exactly one FILE")
		return 2
	}
	when, err := parseWhen(*at)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi ack: %v\n", err)
		return 2
	}
	file, err := readEDIFile(files[0])
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi ack: %s: %v\n", files[0], err)
		return 2
	}
	for _, e := range file.Errors {
		fmt.Fprintf(env.Stderr, "pogate edi ack: %v (no acknowledgement possible)\n", e)
	}
	wrote := false
	for _, ic := range file.Interchanges {
		ta1, acks := edi.Acks(ic, *includeFA)
		if ta1 == nil && len(acks) == 0 {
			continue
		}
		renv := edi.ReplyEnvelope(ic)
		renv.ControlNumber, renv.Time = *control, when
		*control++
		if err := edi.WriteAck(env.Stdout, renv, ta1, acks); err != nil {
			fmt.Fprintf(env.Stderr, "pogate edi ack: %v\n", err)
			return 2
		}
		wrote = true
	}
	if !wrote {
		fmt.Fprintln(env.Stderr, "pogate edi ack: nothing to acknowledge (acknowledgements are not acknowledged)")
	}
	if !file.Valid() {
		return 1
	}
	return 0
}

func parseWhen(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("-time: %w", err)
	}
	return t.UTC(), nil
}

func ediRender(env *Env, args []string) int {
	fs := flag.NewFlagSet("edi render", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	poPath := fs.String("po", "", "purchase order JSON file (edi.PurchaseOrder850); - for stdin")
	var e edi.Envelope
	fs.StringVar(&e.SenderID, "sender", "", "ISA06/GS02 sender id (required)")
	fs.StringVar(&e.ReceiverID, "receiver", "", "ISA08/GS03 receiver id (required)")
	fs.StringVar(&e.SenderQualifier, "sender-qualifier", "ZZ", "ISA05")
	fs.StringVar(&e.ReceiverQualifier, "receiver-qualifier", "ZZ", "ISA07")
	fs.Int64Var(&e.ControlNumber, "control", 0, "ISA13 interchange control number (required, 1..999999999)")
	fs.Int64Var(&e.GroupControlNumber, "group-control", 0, "GS06 (default: the interchange control number)")
	fs.IntVar(&e.FirstSetNumber, "set-control", 1, "ST02 of the transaction set")
	fs.StringVar(&e.Version, "version", "00401", "ISA12")
	fs.StringVar(&e.GroupVersion, "group-version", "004010", "GS08")
	test := fs.Bool("test", false, "mark the interchange as test data (ISA15 = T)")
	ackReq := fs.Bool("ack-requested", false, "ask for a TA1 (ISA14 = 1)")
	at := fs.String("time", "", "interchange date/time, RFC 3339 (default now)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *poPath == "" || e.SenderID == "" || e.ReceiverID == "" || e.ControlNumber == 0 {
		fmt.Fprintln(env.Stderr, "pogate edi render: --po, --sender, --receiver and --control are required")
		return 2
	}
	if *test {
		e.Usage = "T"
	}
	e.AckRequested = *ackReq
	var err error
	if e.Time, err = parseWhen(*at); err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi render: %v\n", err)
		return 2
	}
	po, err := readPOJSON(env, *poPath)
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi render: %v\n", err)
		return 2
	}
	var out bytes.Buffer
	if err := edi.Write850(&out, po, e); err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi render: %v\n", err)
		return 1
	}
	// Read what was written with the same checks partners apply, so a PO
	// with a bad date or a negative quantity never leaves the building.
	check, err := edi.Parse(bytes.NewReader(out.Bytes()))
	if err != nil {
		fmt.Fprintf(env.Stderr, "pogate edi render: %v\n", err)
		return 2
	}
	if _, err := env.Stdout.Write(out.Bytes()); err != nil {
		return 2
	}
	if !check.Valid() {
		for _, ic := range check.Interchanges {
			for _, g := range ic.Groups {
				for _, tx := range g.Transactions {
					for _, e := range tx.Errors {
						fmt.Fprintf(env.Stderr, "pogate edi render: %v\n", e)
					}
				}
			}
		}
		return 1
	}
	return 0
}

func readPOJSON(env *Env, path string) (*edi.PurchaseOrder850, error) {
	var r io.Reader
	if path == "-" {
		r = env.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var po edi.PurchaseOrder850
	if err := dec.Decode(&po); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if po.PONumber == "" || len(po.Lines) == 0 {
		return nil, errors.New("the purchase order needs po_number and at least one line")
	}
	return &po, nil
}
