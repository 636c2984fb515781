//go:build !(darwin || freebsd || linux || netbsd || windows)

package posapi

import (
	"fmt"

	"github.com/uapos/uapos/posapi/capi"
)

// VendorLibrary is the user-supplied Printec library. On this platform the run-time binding
// is not built: [Load] always fails.
type VendorLibrary struct{ capi.Library }

// Load fails with [ErrNotAvailable] on this platform.
func Load(path string, opts LoadOptions) (*VendorLibrary, error) {
	return nil, fmt.Errorf("%w: no run-time binding on this platform (%s)", ErrNotAvailable, path)
}

// Unload does nothing.
func (l *VendorLibrary) Unload() error { return nil }
