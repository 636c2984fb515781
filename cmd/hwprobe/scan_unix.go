//go:build unix

package main

import (
	"os"
	"os/user"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// accessRW reports whether the effective user may read and write path, without opening it.
func accessRW(path string) error {
	if err := unix.Access(path, unix.R_OK|unix.W_OK); err != nil {
		return &os.PathError{Op: "access", Path: path, Err: err}
	}
	return nil
}

// nodeGroup names the group that owns path, or "".
func nodeGroup(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	g, err := user.LookupGroupId(strconv.FormatUint(uint64(st.Gid), 10))
	if err != nil {
		return ""
	}
	return g.Name
}

// userGroups returns the groups the user belongs to (from the group database) and those
// active in this process (they differ until the next login after usermod -aG).
func userGroups() (member, active map[string]bool) {
	member, active = map[string]bool{}, map[string]bool{}
	name := func(gid string) string {
		g, err := user.LookupGroupId(gid)
		if err != nil {
			return ""
		}
		return g.Name
	}
	if u, err := user.Current(); err == nil {
		if ids, err := u.GroupIds(); err == nil {
			for _, id := range ids {
				member[name(id)] = true
			}
		}
	}
	if ids, err := os.Getgroups(); err == nil {
		for _, id := range ids {
			active[name(strconv.Itoa(id))] = true
		}
	}
	active[name(strconv.Itoa(os.Getegid()))] = true
	return member, active
}
