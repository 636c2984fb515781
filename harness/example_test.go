package harness_test

import (
	"fmt"

	"github.com/uapos/uapos/harness"
)

// FindPANs is the hygiene check of the fault matrix: run it over any log, error text or
// journal file. Masked numbers, RRNs and time stamps pass.
func ExampleFindPANs() {
	log := `level=DEBUG msg="purchase" pan=4731XXXXXXXX9838 rrn=600000000001 time=20260102030405`
	fmt.Println(len(harness.FindPANs(log)))
	// Output: 0
}
