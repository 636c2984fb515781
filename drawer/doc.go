// Package drawer opens a cash drawer wired to an ESC/POS printer's kick-out connector and
// senses whether it is open.
//
// Facts from protocols/escpos.md §1.7-§1.8: ESC p m t1 t2 (1B 70 m t1 t2) pulses pin 2 (m=0)
// or pin 5 (m=1) for t1×2 ms ON and t2×2 ms OFF, keeping the duty at most 20 % (OFF ≥ 4×ON);
// DLE DC4 1 m t (10 14 01 m t) is the real-time pulse of t×100 ms (1 ≤ t ≤ 8) that works even
// when the print buffer is full; the drawer switch is read on pin 3 as bit 2 of the DLE EOT 1
// reply. Which level of pin 3 means "open" differs per drawer, so the polarity is
// configuration ([Config.OpenWhenLow]), not a constant.
package drawer
