package main

import "os/user"

// currentUser names the user hwprobe runs as, or "".
func currentUser() string {
	u, err := user.Current()
	if err != nil {
		return ""
	}
	return u.Username
}
