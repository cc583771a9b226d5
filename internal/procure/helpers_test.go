package procure_test

import (
	"bytes"
	"errors"
	"strings"

	"github.com/pogate/pogate/internal/fault"
)

func asFault(err error, target **fault.Error) bool { return errors.As(err, target) }

type bytesBuffer = bytes.Buffer

func containsStr(s, sub string) bool { return strings.Contains(s, sub) }
