//go:build !unix

package bench

import (
	"os"
	"time"
)

// processCPU reports that this system's CPU time is not measured.
func processCPU() (time.Duration, bool) { return 0, false }

// peakRSS reports that this system's peak memory is not measured.
func peakRSS(*os.ProcessState) (int64, bool) { return 0, false }
