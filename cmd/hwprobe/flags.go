package main

import (
	"flag"
	"io"
)

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("hwprobe "+name, flag.ContinueOnError)
	fs.SetOutput(w)
	return fs
}

// parseInterspersed parses flags placed before, between or after positional arguments
// ("probe tcp://a --json tcp://b") and returns the positional arguments in order. "--" ends
// flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
