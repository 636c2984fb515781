// Package stxlink is the framing and link layer shared by the two Ingenico ECR protocols,
// B-POS Light (package bposlight) and BPOS1's native wire (package bpos1). It knows nothing
// about the payload: ASCII "TAG=value;" for B-POS Light, binary TLV for BPOS1.
//
// # Frame
//
//	STX | LL_hi LL_lo | data (LL bytes) | LRC
//	0x02  big-endian uint16 = len(data)     XOR of the data bytes
//
// Sources: /work/shared/protocols/bposlight.md §1.2 (B-POS Light spec v1.6: STX = 0x02, LL
// "high byte first, equal to the data length excluding the LRC", LRC = XOR "only the data";
// the full example frame 02 00 12 "REQ=CON;INVOICE=3;" 66) and bpos1.md §B.2 (WebCheck's
// BPOS1 builder: "LEN: 2 bytes big-endian = number of TLV bytes", "LRC: 1 byte = XOR of the
// TLV bytes only (not STX, not LEN)"). The two notes agree that the LRC covers the data
// only; the spec's wording ("from the packet length to the end of the packet") can also be
// read as including LL, so [LRCMode] makes the coverage a parameter and [LRCEither] lets a
// simulator accept both, as bposlight.md §1.2 recommends. Every example frame uses
// [LRCData], the default.
//
// Tolerant reading ([Format.Tolerant]) accepts the frames of the older hobby
// implementation described in bposlight.md §2: LL = len+3 and the data followed by
// 00 00 00 before the LRC (a 4-byte big-endian LRC). Trailing NULs in the counted data are
// dropped; they do not change the XOR.
//
// # Link
//
// Control bytes: STX 0x02, EOT 0x04, ACK 0x06, NAK 0x15 (bposlight.md §1.2; bpos1.md §1.2
// "BYTES.js"). The receiver answers ACK within 6 s (bposlight.md §1.2; the ECRCommX log of
// bpos1.md §1.1 "Timing" shows the same 6 s); on a bad LRC it answers NAK and the sender
// resends; after 3 NAKs the sender sends EOT (bposlight.md §1.2; LITE: "up to 3 sends in
// total"). [Link.Send] stops at the MaxNAK-th NAK, so with the defaults a frame is sent at
// most 3 times. A bare EOT from the ECR aborts the terminal's wait for a card
// (bposlight.md §1.4); [Link.SendEOT] writes it and [Link.Receive] reports a received EOT
// as [ErrEOT].
//
// # Errors
//
// Wire violations are [*ProtocolError]{Op, Offset, Err} wrapping one of the sentinels
// ([ErrBadLRC], [ErrNAKLimit], [ErrEOT], [ErrNoACK], [ErrFrameTooLong], ...). I/O errors
// are wrapped with %w; time-outs keep errors.Is(err, os.ErrDeadlineExceeded) true; ctx
// cancellation returns an error wrapping ctx.Err().
//
// # How bpos1 should use it
//
// Build the TLV payload with bpos1's own codec, then:
//
//	l := stxlink.NewLink(conn, stxlink.Config{})   // 6 s ACK, 3 NAKs, strict framing
//	if err := l.Send(ctx, tlv); err != nil { ... } // frame + wait for ACK (resends on NAK)
//	for {
//		data, err := l.Receive(ctx)                // ACKs a good frame, NAKs a bad LRC
//		if err != nil { ... }                      // errors.Is(err, stxlink.ErrEOT): aborted
//		// class 13 = status frame: report progress and keep receiving; else the answer.
//	}
//	l.Send(ctx, confirmTLV)                        // the confirm frame, when needed
//
// For golden vectors use the pure [AppendFrame]/[ParseFrame]; for log decoders and
// simulators that read a stream, [Format.Split] is a bufio.SplitFunc yielding single
// control bytes and whole raw frames. Simulators must not use this package for their own
// frames (one misunderstanding must not pass both sides): they compute LL and LRC
// themselves. The BPOS1 payload facts (TLV byte order, tags) stay in bpos1; this package
// will never interpret them. Note that the BPOS1 link parameters (LRC coverage, retry
// count) are only inferred to be the same as B-POS Light's (bpos1.md §B.5): pass a Config
// if evidence says otherwise.
package stxlink
