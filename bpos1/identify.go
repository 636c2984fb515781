package bpos1

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/uapos/uapos/internal/stxlink"
	"github.com/uapos/uapos/transport"
)

// identifyReplyWindow bounds the wait for the ping answer when ctx has no deadline.
const identifyReplyWindow = 6 * time.Second

// Identify sends the ping frame of the provisional native wire (1=11, bpos1.md §B.3) and
// describes what answers. It starts no payment and prints nothing. A frame with a TLV
// payload as answer identifies a BPOS1 terminal; an ACK alone, an STX-framed link.
func Identify(ctx context.Context, c transport.Conn) (string, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, identifyReplyWindow)
		defer cancel()
	}
	link := stxlink.NewLink(c, stxlink.Config{})
	if err := link.Send(ctx, AppendMessage(nil, PingRequest(), binary.BigEndian)); err != nil {
		return "", fmt.Errorf("bpos1: identify: %w", err)
	}
	data, err := link.Receive(ctx)
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
			return "STX/LRC link: ping frame acknowledged, no BPOS1 answer", nil
		}
		return "", fmt.Errorf("bpos1: identify: %w", err)
	}
	m, order, err := ParseMessageAuto(data)
	if err != nil {
		return "", fmt.Errorf("bpos1: identify: %w", err)
	}
	rc, _ := m.Uint(TagResult, order)
	name := "little"
	if order == binary.BigEndian {
		name = "big"
	}
	return fmt.Sprintf("BPOS1 terminal (provisional native wire): ping answered, result %d, %s-endian TLV", rc, name), nil
}
