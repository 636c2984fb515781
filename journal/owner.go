package journal

import (
	"crypto/rand"
	"os"
	"strconv"
	"strings"
	"sync"
)

// An owner names the journal handle that wrote an intent: "host/pid/random". A process that
// dies with an intent open leaves an owner that is no longer alive, and that intent is an
// unknown outcome; an intent of a live handle is an exchange still running (in this process or
// another one on the same store) and must not be reconciled or run again.

var (
	ownersMu sync.Mutex
	// openOwners are the handles of this process that are open.
	openOwners = map[string]bool{}
	hostName   = func() string {
		h, err := os.Hostname()
		if err != nil || h == "" {
			return "localhost"
		}
		return strings.ReplaceAll(h, "/", "_")
	}()
)

// newOwner registers a new handle of this process and returns its name.
func newOwner() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	o := hostName + "/" + strconv.Itoa(os.Getpid()) + "/" + letters(b[:])
	ownersMu.Lock()
	openOwners[o] = true
	ownersMu.Unlock()
	return o
}

// releaseOwner marks a handle of this process closed: its intents become unknown.
func releaseOwner(o string) {
	ownersMu.Lock()
	delete(openOwners, o)
	ownersMu.Unlock()
}

// ownerAlive reports whether the handle that wrote an intent may still be running it. Handles
// of this process are alive while open; handles of another process on this host while that
// process exists; handles on another host are taken as alive (a shared store that can tell
// better, such as PostgreSQL's session locks, checks them itself).
func ownerAlive(o string) bool {
	parts := strings.Split(o, "/")
	if len(parts) != 3 {
		return false // no owner recorded (an imported or legacy entry): not running
	}
	if parts[0] != hostName {
		return true
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil {
		return false
	}
	if pid == os.Getpid() {
		ownersMu.Lock()
		defer ownersMu.Unlock()
		return openOwners[o]
	}
	return processAlive(pid)
}
