//go:build !unix

package main

// accessRW cannot check permissions without opening the device here; it reports success.
func accessRW(path string) error { return nil }

// nodeGroup has no meaning here.
func nodeGroup(path string) string { return "" }

// userGroups has no meaning here.
func userGroups() (member, active map[string]bool) { return map[string]bool{}, map[string]bool{} }
