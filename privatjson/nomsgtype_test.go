package privatjson

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// fakeTerminal answers every frame the client sends with answer (typed by hand), then keeps
// the link open until the test ends: a reply that goes unmatched would leave the client
// waiting for its whole timeout.
func fakeTerminal(t *testing.T, c transport.Conn, answer string) {
	t.Helper()
	release := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		var pending []byte
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			pending = append(pending, buf[:n]...)
			for {
				i := bytes.IndexByte(pending, 0)
				if i < 0 {
					break
				}
				frame := bytes.TrimSpace(pending[:i])
				pending = pending[i+1:]
				if len(frame) == 0 {
					continue
				}
				if _, err := c.Write([]byte(answer + "\x00")); err != nil {
					return
				}
			}
		}
	}()
	t.Cleanup(func() {
		close(release)
		c.Close()
		<-done
	})
}

// A terminal's service error without msgType is matched to the pending service message by
// its method and fails it at once with a typed protocol error carrying the terminal's text.
// The client's timeout is an hour and the context has no deadline: only the reply can end
// the call.
func TestServiceErrorWithoutMsgTypeFailsFast(t *testing.T) {
	for _, tc := range []struct {
		name, answer, desc string
	}{
		{"error", `{"method":"ServiceMessage","step":0,"params":{"responseCode":"1000"},"error":true,"errorDescription":"Невідомий тип повідомлення"}`, "Невідомий тип повідомлення"},
		{"misspelt key", `{"method":"ServiceMessage","step":0,"params":{},"error":true,"errorDecsription":"unknown msgType"}`, "unknown msgType"},
		{"no error text", `{"method": "ServiceMessage", "step": 0, "params": {}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := transporttest.Pipe()
			fakeTerminal(t, b, tc.answer)
			c := New(a, Config{SendGap: -1, PingPause: -1, ServiceTimeout: time.Hour})
			defer c.Close()
			got := make(chan error, 1) // the guard: the call's outcome, whenever it comes
			go func() {
				_, err := c.MerchantList(context.Background())
				got <- err
			}()
			err := <-got
			var pe *ProtocolError
			if !errors.As(err, &pe) || !errors.Is(err, ErrNoMsgType) {
				t.Fatalf("got %v (%T), want a *ProtocolError wrapping ErrNoMsgType", err, err)
			}
			if pe.Op != MsgGetMerchantList {
				t.Errorf("op %q", pe.Op)
			}
			var re *ResponseError
			switch {
			case tc.desc == "" && errors.As(err, &re):
				t.Errorf("a ResponseError without any terminal error: %v", re)
			case tc.desc != "" && (!errors.As(err, &re) || re.Description != tc.desc):
				t.Errorf("terminal text lost: %v", err)
			}
		})
	}
}
