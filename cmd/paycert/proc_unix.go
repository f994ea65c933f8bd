//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// separateGroup starts cmd in a process group of its own, so that a Ctrl-C at the terminal
// reaches the suite once, through paycert, not twice (Ginkgo takes a second interrupt as "stop
// now, without the report").
func separateGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
