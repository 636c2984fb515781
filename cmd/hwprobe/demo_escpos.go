package main

import (
	"context"
	"fmt"
	"time"

	"github.com/uapos/uapos/drawer"
	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/transport"
)

// protoESCPOS is the ESC/POS receipt printer with its cash drawer. Its simulator and demo are
// the virtual printer's (demo_vprinter.go).
var protoESCPOS = protocol{
	name:       "escpos",
	title:      "ESC/POS receipt printer and cash drawer (DLE EOT status; TCP 9100, serial, usblp)",
	identify:   identifyESCPOS,
	newSim:     simFor("escpos"),
	faults:     simulators.FaultForms("escpos"),
	demo:       demoVPrinter,
	testPrint:  testPrintESCPOS,
	kickDrawer: kickDrawerESCPOS,
}

// identifyESCPOS is escpos.Identify plus a check that what came back is status replies:
// escpos.Identify skips bytes that are not replies (stale ASB, noise), so a chatty peer of
// another kind (an HTTP server answering "Request") could pass it on one lucky byte.
func identifyESCPOS(ctx context.Context, c transport.Conn) (string, error) {
	rc := &keepConn{Conn: c, max: 512}
	desc, err := escpos.Identify(ctx, rc)
	if err != nil {
		return "", err
	}
	if b := rc.kept(); len(b) > 0 {
		if r := recogniseESCPOSStatus(b); r.explained*10 < len(b)*9 {
			return "", fmt.Errorf("escpos: %d bytes came back, mostly not status replies (starting % x)", len(b), b[:min(len(b), 16)])
		}
	}
	return desc, nil
}

// testPrintProfile is the default profile of --test-print: the most conservative one.
const testPrintProfile = "safe"

// escposProfiles names the escpos profiles for usage.
func escposProfiles() []string { return escpos.Profiles() }

// testPrintDocument is the short page --test-print prints.
func testPrintDocument(now time.Time) *escpos.Document {
	return &escpos.Document{Blocks: []escpos.Block{
		{Type: escpos.BlockText, Text: "uapos hwprobe", Align: "center", Bold: true, Width: 2, Height: 2},
		{Type: escpos.BlockText, Text: "test print / тестовий друк", Align: "center"},
		{Type: escpos.BlockRule},
		{Type: escpos.BlockText, Text: "Ґанок, їжак, Єва, індик: ҐЄІЇ ґєії"},
		{Type: escpos.BlockText, Text: now.Format("2006-01-02 15:04:05")},
		{Type: escpos.BlockFeed, Lines: 3},
		{Type: escpos.BlockCut},
	}}
}

// testPrintESCPOS prints a short test page (a write action, only by flag).
func testPrintESCPOS(ctx context.Context, c transport.Conn, o actionOptions) (string, error) {
	name := o.profile
	if name == "" {
		name = testPrintProfile
	}
	prof, err := escpos.LoadProfile(name)
	if err != nil {
		return "", err
	}
	p := escpos.NewPrinter(c, prof)
	rep, err := p.Print(ctx, testPrintDocument(time.Now()))
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("sent with profile %s, code page %s, %s not exact", name, rep.Charset, plural(len(rep.Inexact), "character"))
	// A status read after the job: the printer answers it once it has taken the job in.
	if st, err := p.Status(ctx); err == nil {
		msg += "; printer then " + describeStatus(st)
	} else {
		msg += "; no status after the job (write-only printer?)"
	}
	return msg, nil
}

// kickDrawerESCPOS pulses the drawer on pin 2 (a write action, only by flag).
func kickDrawerESCPOS(ctx context.Context, c transport.Conn, _ actionOptions) (string, error) {
	d, err := drawer.New(c, drawer.Config{})
	if err != nil {
		return "", err
	}
	if err := d.Open(ctx); err != nil {
		return "", err
	}
	// The sensor read is also the barrier: it is answered after the kick was taken in.
	open, err := d.IsOpen(ctx)
	switch {
	case err != nil:
		return "drawer pulse sent on pin 2; no sensor reading", nil
	case open:
		return "drawer pulse sent on pin 2; sensor reads open", nil
	}
	return "drawer pulse sent on pin 2; sensor reads closed (drawer did not open, or its sensor polarity is inverted)", nil
}
