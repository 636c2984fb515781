package main

import (
	"context"

	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/transport"
)

// busyDescribers say what a terminal that answered busy is and what it is doing, asked on the
// link of the attempt that found it busy (no second connection). A busy PrivatBank JSON
// terminal still answers service messages (spec §3: they run alongside an operation).
var busyDescribers = map[string]func(ctx context.Context, c transport.Conn) string{
	"privatjson": describeBusyPrivatJSON,
}

// describeBusyPrivatJSON asks identify and getLastStatMsgDescription: "PrivatBank JSON ECR:
// PAX s800 (busy: waiting for card)". It closes c.
func describeBusyPrivatJSON(ctx context.Context, c transport.Conn) string {
	cl := privatjson.New(c, privatjson.Config{PingPause: -1})
	defer cl.Close()
	desc := "PrivatBank JSON ECR"
	if id, err := cl.Identify(ctx); err == nil && id.String() != "" {
		desc += ": " + id.String()
	}
	what := "busy with an operation"
	if s, err := cl.LastStatMsgDescription(ctx); err == nil && s != "" {
		what = "busy: " + s
	}
	return desc + " (" + what + ")"
}
