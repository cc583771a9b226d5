package procure_test

import (
	"errors"

	"github.com/pogate/pogate/internal/fault"
)

func asFault(err error, target **fault.Error) bool { return errors.As(err, target) }
