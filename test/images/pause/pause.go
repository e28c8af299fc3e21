// A stand-in for registry.k8s.io/pause: as PID 1 of a pod's sandbox it sleeps until SIGINT or SIGTERM
// (then exits 0) and reaps any zombie it inherits. Built static by test/support/stand-ins.ts.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is the PAUSE_IMAGE tag, set at build time (-ldflags -X main.version=...).
var version = "unknown"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		fmt.Printf("pause.go (wiki-appliance stand-in) version %s\n", version)
		return
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "Warning: pause should be the first process")
	}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s == syscall.SIGCHLD {
			reap()
			continue
		}
		fmt.Fprintf(os.Stderr, "Shutting down, got signal: %v\n", s)
		os.Exit(0)
	}
}

// reap collects every exited child without blocking (several may share one SIGCHLD).
func reap() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
