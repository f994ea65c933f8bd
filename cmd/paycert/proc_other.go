//go:build !unix

package main

import "os/exec"

// separateGroup does nothing where process groups are not Unix ones.
func separateGroup(*exec.Cmd) {}
