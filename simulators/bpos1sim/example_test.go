package bpos1sim_test

import (
	"fmt"

	"github.com/uapos/uapos/simulators/bpos1sim"
)

// The library simulator follows the vendor's polling model: start, poll LastResult, read
// the properties, Confirm.
func ExampleNewLibrary() {
	lib := bpos1sim.NewLibrary(bpos1sim.Config{})
	lib.CommOpenTCP("127.0.0.1", "2000")
	for lib.LastResult() == 2 { // each poll advances the simulation by one step
	}
	lib.Purchase(10000, 0, 1)
	var progress []uint8
	for lib.LastResult() == 2 {
		progress = append(progress, lib.LastStatMsgCode())
	}
	fmt.Println(progress, lib.Amount(), lib.InvoiceNum(), lib.RRN())
	lib.Confirm()
	for lib.LastResult() == 2 { // each poll advances the simulation by one step
	}
	fmt.Println(lib.Journal()[0].TrnStatus)
	// Output:
	// [9 1 2 6 3 5] 10000 1 600000000001
	// 1
}
