//go:build unix

package budget

import (
	"os"
	"syscall"
)

// lock takes an exclusive lock on f, waiting for it; it belongs to this open file, so two
// opens in one process exclude each other as two processes do.
func lock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func unlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
