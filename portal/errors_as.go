package portal

import "errors"

func asType[T any](err error, target *T) bool { return errors.As(err, target) }
