package relayproxytest

import "syscall"

// sysProcAttr makes the kernel kill the relay proxy when the test binary
// dies, so that a crashed or killed test run leaves no proxy behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
