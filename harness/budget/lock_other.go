//go:build !unix

package budget

import "os"

// lock is not available: the budget holds within one process (its mutex), not across processes.
func lock(*os.File) error { return errNoLock }

func unlock(*os.File) {}
