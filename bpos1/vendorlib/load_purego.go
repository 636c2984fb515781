//go:build linux && (amd64 || arm64)

package vendorlib

import (
	"fmt"

	"github.com/ebitengine/purego"
)

// bind registers the C function name into fptr when the library exports it; fptr stays
// nil otherwise.
func bind(h uintptr, fptr any, name string) bool {
	sym, err := purego.Dlsym(h, "BPOSLib_"+name)
	if err != nil || sym == 0 {
		return false
	}
	purego.RegisterFunc(fptr, sym)
	return true
}

func load(l *Library) error {
	h, err := purego.Dlopen(l.cfg.Path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return fmt.Errorf("vendorlib: load %s: %w", l.cfg.Path, err)
	}
	l.handle = h
	f := &l.f
	bind(h, &f.initialize, "InitializeBPOS")
	bind(h, &f.uninitialize, "UninitializeBPOS")
	bind(h, &f.commOpen, "CommOpen")
	bind(h, &f.commOpenTCP, "CommOpenTCP")
	bind(h, &f.commClose, "CommClose")
	bind(h, &f.purchase, "Purchase")
	bind(h, &f.refund, "Refund")
	bind(h, &f.void, "Void")
	bind(h, &f.completion, "Completion")
	bind(h, &f.purchaseService, "PurchaseService")
	bind(h, &f.identifyCard, "IdentifyCard")
	bind(h, &f.cashAdvance, "CashAdvance")
	bind(h, &f.startScenario, "StartScenario")
	bind(h, &f.correctTransaction, "CorrectTransaction")
	bind(h, &f.getTxnDataByOrder, "GetTxnDataByOrder")
	f.byInv = map[string]func(int32, uint8) int32{}
	for _, n := range byInvNames {
		var fn func(int32, uint8) int32
		if bind(h, &fn, n) {
			f.byInv[n] = fn
		}
	}
	f.byMerch = map[string]func(uint8) int32{}
	for _, n := range byMerchNames {
		var fn func(uint8) int32
		if bind(h, &fn, n) {
			f.byMerch[n] = fn
		}
	}
	f.noArg = map[string]func() int32{}
	for _, n := range noArgNames {
		var fn func() int32
		if bind(h, &fn, n) {
			f.noArg[n] = fn
		}
	}
	f.u8 = map[string]func() uint8{}
	for _, n := range u8Names {
		var fn func() uint8
		if bind(h, &fn, n) {
			f.u8[n] = fn
		}
	}
	f.i32 = map[string]func() int32{}
	for _, n := range i32Names {
		var fn func() int32
		if bind(h, &fn, n) {
			f.i32[n] = fn
		}
	}
	f.str = map[string]func(*byte) int32{}
	for n := range strNames {
		var fn func(*byte) int32
		if bind(h, &fn, n) {
			f.str[n] = fn
		}
	}
	if f.purchase == nil || f.noArg["Confirm"] == nil || f.u8["LastResult"] == nil {
		_ = purego.Dlclose(h)
		return fmt.Errorf("vendorlib: %s does not export the BPOSLib_* API (no BPOSLib_Purchase, Confirm or LastResult)", l.cfg.Path)
	}
	return nil
}

func (l *Library) unload() error {
	if l.handle == 0 {
		return nil
	}
	h := l.handle
	l.handle = 0
	if err := purego.Dlclose(h); err != nil {
		return fmt.Errorf("vendorlib: unload: %w", err)
	}
	return nil
}
