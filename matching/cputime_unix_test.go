//go:build unix

package matching

import (
	"syscall"
	"time"
)

// processCPUTime is the user+system CPU time of the test process. On a
// machine shared with other work, wall-clock throughput says as much about
// the neighbours as about the engine; CPU time is what the engine itself cost.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
