//go:build !unix

package matching

import "time"

// processCPUTime is unavailable here; benchmarks then report wall-clock figures only.
func processCPUTime() time.Duration { return 0 }
