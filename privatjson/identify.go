package privatjson

import (
	"context"
	"fmt"
	"time"

	"github.com/uapos/uapos/transport"
)

// Identify tells what answers on c without starting any payment and without printing: it
// sends the handshake (PingDevice with the leading 0x00), identify and GetTerminalInfo, and
// returns a short description such as "PrivatBank JSON ECR: PAX s800 (TE7E132 ...)". The
// caller keeps c open; a busy terminal gives an error wrapping [ErrBusy]. Without a deadline
// on ctx it gives up after 10 s.
func Identify(ctx context.Context, c transport.Conn) (string, error) {
	return identifyAs(ctx, c, "PrivatBank JSON ECR")
}

// IdentifyAs is [Identify] with another protocol name in the description (ssijson uses it).
func IdentifyAs(ctx context.Context, c transport.Conn, name string) (string, error) {
	return identifyAs(ctx, c, name)
}

func identifyAs(ctx context.Context, c transport.Conn, name string) (string, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
	}
	cl := newClient(Config{PingPause: -1})
	l := cl.newLink(detachable{c})
	defer func() {
		// Stop the reader without closing the caller's link.
		c.SetReadDeadline(time.Unix(1, 0))
		<-l.exited
		c.SetReadDeadline(time.Time{})
	}()
	cl.link = l
	if err := cl.handshakeOn(ctx, l, true); err != nil {
		return "", err
	}
	id := cl.Identity()
	desc := name + ": " + id.String()
	if id.String() == "" {
		desc = name + " terminal"
	}
	if v, err := cl.call(ctx, Request{Method: MethodGetTerminalInfo}, false, nil); err == nil {
		if ver := v.Params.Get("version"); ver != "" {
			desc += fmt.Sprintf(" (%s)", ver)
		}
	}
	return desc, nil
}

// detachable is a conn whose Close does nothing, so that Identify leaves the caller's link open.
type detachable struct{ transport.Conn }

// Close does nothing: the caller owns the link.
func (detachable) Close() error { return nil }
