package main

import "context"

// The virtual printer (simulators/vprinter) has not landed yet: no simulator, no demo.
var (
	newVPrinterSim func(faults []string) (simulator, error)
	vprinterFaults []string
	demoVPrinter   func(ctx context.Context, d *demoEnv) []demoRow
)
