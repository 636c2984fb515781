package bposlightsim

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// The frames below are written by hand from bposlight.md (§1.2 framing, §3 examples):
// STX, LL (big-endian data length), data, LRC (XOR of the data). The LRCs of the
// simulator's own answers were worked out by hand the same way.

func fr(ll uint16, data string, lrc byte) []byte {
	b := []byte{0x02, byte(ll >> 8), byte(ll)}
	return append(append(b, data...), lrc)
}

var (
	reqACQ    = fr(0x0008, "REQ=ACQ;", 0x13)                                         // bposlight.md §1.2, §3
	reqSET    = fr(0x0011, "REQ=SET;MID=BANK;", 0x42)                                // §1.2, §3
	reqCON3   = fr(0x0012, "REQ=CON;INVOICE=3;", 0x66)                               // §1.2, §3
	reqQR     = fr(0x0030, "REQ=PUR;AMOUNT=10;MID=BANK;QRALLOW=1;CARDTYPE=1;", 0x0a) // §3 QR example
	reqQRCON  = fr(0x001E, "REQ=CON;QRDATA=www.qrcode.net;", 0x11)                   // §3 QR example
	respCONQR = fr(0x000E, "RESP=CON;RC=0;", 0x77)                                   // §3 QR example, byte for byte
	respACQ   = fr(0x0027, "RESP=ACQ;RC=0000;MID=BANK;TID=12123123;", 0x4A)
	respSET0  = fr(0x006E, "RESP=SET;RC=0000;MID=BANK;TID=12123123;BATCH=1;DEBAMT=0;DEBNUM=0;CRDAMT=0;CRDNUM=0;CANAMT=0;CANNUM=0;TXNNUM=0;", 0x1C)
	respQR    = fr(0x006F, "RESP=PUR;MID=BANK;RC=0;AMOUNT=10;TID=12123123;DATETIM=200917165145;CARDTYPE=QR;QRDATA=www.qrcode.net;INVOICE=1;", 0x44)
	respCONNo = fr(0x0011, "RESP=CON;RC=1000;", 0x46)
)

func serve(t *testing.T, cfg Config) (*Server, transport.Conn) {
	t.Helper()
	s := New(cfg)
	a, b := transporttest.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.ServeConn(ctx, b) }()
	t.Cleanup(func() { a.Close(); cancel(); <-done; s.Close() })
	return s, a
}

func expect(t *testing.T, c transport.Conn, want []byte) {
	t.Helper()
	got := make([]byte, len(want))
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read: %v (want % x)", err, want)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got  % x\nwant % x", got, want)
	}
}

func TestSimACQAndSET(t *testing.T) {
	_, c := serve(t, Config{})
	c.Write(reqACQ)
	expect(t, c, []byte{ack})
	expect(t, c, respACQ)
	c.Write([]byte{ack})
	c.Write(reqSET)
	expect(t, c, []byte{ack})
	expect(t, c, respSET0)
	c.Write([]byte{ack})
}

func TestSimQRPurchase(t *testing.T) {
	s, c := serve(t, Config{Now: func() time.Time { return time.Date(2020, 9, 17, 16, 51, 45, 0, time.UTC) }})
	c.Write(reqQR)
	expect(t, c, []byte{ack})
	expect(t, c, respQR)
	c.Write([]byte{ack})
	c.Write(reqQRCON)
	expect(t, c, []byte{ack})
	expect(t, c, respCONQR)
	c.Write([]byte{ack})
	c.Write(reqACQ) // a round trip so the CON is surely processed
	expect(t, c, []byte{ack})
	expect(t, c, respACQ)
	if j := s.Journal(false); len(j) != 1 || j[0].State != StateConfirmed || j[0].CardType != "QR" {
		t.Fatalf("journal %+v", j)
	}
}

func TestSimConfirmWithoutPurchase(t *testing.T) {
	_, c := serve(t, Config{})
	c.Write(reqCON3)
	expect(t, c, []byte{ack})
	expect(t, c, respCONNo)
}

func TestSimLinkRules(t *testing.T) {
	s, c := serve(t, Config{})
	// bad LRC → NAK
	bad := bytes.Clone(reqACQ)
	bad[len(bad)-1] = 0x14
	c.Write(bad)
	expect(t, c, []byte{nak})
	// LRC over LL and data (0x13 ^ 0x00 ^ 0x08 = 0x1B) is accepted too
	alt := bytes.Clone(reqACQ)
	alt[len(alt)-1] = 0x1B
	c.Write(alt)
	expect(t, c, []byte{ack})
	expect(t, c, respACQ)
	c.Write([]byte{ack})
	// LITE's variant: LL = 8+3, three NULs, same LRC (bposlight.md §2)
	c.Write(append(append([]byte{0x02, 0x00, 0x0B}, "REQ=ACQ;"...), 0, 0, 0, 0x13))
	expect(t, c, []byte{ack})
	expect(t, c, respACQ)
	// the ECR NAKs the answer three times: resent twice, then EOT
	c.Write([]byte{nak})
	expect(t, c, respACQ)
	c.Write([]byte{nak})
	expect(t, c, respACQ)
	c.Write([]byte{nak})
	expect(t, c, []byte{eot})
	if st := s.Stats(); st.BadFrames != 1 || len(st.Requests) != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSimFaults(t *testing.T) {
	s, c := serve(t, Config{Faults: Faults{NAKRequests: 1, CorruptResponses: 1}})
	c.Write(reqACQ)
	expect(t, c, []byte{nak})
	c.Write(reqACQ)
	expect(t, c, []byte{ack})
	bad := bytes.Clone(respACQ)
	bad[len(bad)-1] ^= 0xFF
	expect(t, c, bad)
	c.Write([]byte{nak})
	expect(t, c, respACQ)
	c.Write([]byte{ack})
	// EOT abort of the card wait (bposlight.md §1.4)
	s2, c2 := serve(t, Config{WaitForCard: true, Now: func() time.Time { return time.Date(2017, 1, 1, 12, 0, 0, 0, time.UTC) }})
	c2.Write(fr(0x0027, "REQ=PUR;AMOUNT=10;MID=BANK;SERVID=1234;", 0x41)) // §3 purchase
	expect(t, c2, []byte{ack})
	<-s2.WaitingForCard()
	c2.Write([]byte{eot})
	// the shape of the spec's abort answer (§3), with this simulator's TID:
	// RESP=PUR;RC=1001;DATETIM=20170101120000;MID=BANK;TID=12123123; — the spec's own
	// frame, 003E ... 0B
	expect(t, c2, fr(0x003E, "RESP=PUR;RC=1001;DATETIM=20170101120000;MID=BANK;TID=12123123;", 0x0B))
	_ = s
}
