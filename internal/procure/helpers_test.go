package procure_test

import (
	"bytes"
	"errors"
	"strings"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
)

func asFault(err error, target **fault.Error) bool { return errors.As(err, target) }

type bytesBuffer = bytes.Buffer

func containsStr(s, sub string) bool { return strings.Contains(s, sub) }

func simpleDraft(f *fixture, sku string, qty int64) procure.DraftPO {
	return procure.DraftPO{SupplierID: f.acme.ID, Lines: []procure.DraftLine{{SKU: sku, Quantity: qty}}}
}
