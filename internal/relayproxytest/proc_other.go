//go:build !linux

package relayproxytest

import "syscall"

// sysProcAttr is nil where the OS cannot tie the proxy's life to the test
// binary's: the proxy is still stopped by the test's cleanup.
func sysProcAttr() *syscall.SysProcAttr { return nil }
