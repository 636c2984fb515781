// Package simpays is the place of the SimPays KKM protocol (Sense Bank and TAS Bank terminals)
// in uapos, and says plainly why it has no driver: no public source describes the SimPays KKM
// wire format.
//
// # What is known
//
// Vchasno Device Manager lists two rows for it (reference/device-manager.md of the project
// notes): Sense Bank (SimPays KKM) and TAS Bank (SimPays KKM), each with tasks 1 purchase,
// 2 refund, 3 cancel, 10 X-report and 11 close batch, and the services merchant list and last
// transaction. [Rows] returns them, as does payment.Capabilities(payment.BankSense,
// payment.ProtoSimPays).
//
// The research notes (protocols/simpays.md) searched code, documentation, web pages and issue
// trackers for "SimPays", "SimPays KKM" and the bank names: every hit was unrelated (a Polish
// SMS-payment service, unrelated apps). Sense Bank moves merchants to Android POS terminals, so
// SimPays KKM is most likely the cash-register interface of a vendor payment app on Android
// terminals; whether it resembles PrivatBank JSON, Ingenico BPOS1 or something else is not
// known. This package therefore invents no wire format: [Terminal] answers every operation
// with a *payment.Error of code 5029 (kind payment.ErrNotSupported) wrapping [ErrWireUnknown].
//
// # How to help: send a capture
//
// A recording of the real traffic between a working cash-register application and a SimPays
// terminal is enough to start a codec, a simulator and regression tests. With the terminal on
// TCP (replace the address and port with the terminal's):
//
//	hwprobe capture --listen 127.0.0.1:7000 --to tcp://TERMINAL-IP:PORT --out simpays.cap
//
// then point the cash-register application at 127.0.0.1:7000 instead of the terminal. With a
// terminal on a serial or USB-serial port:
//
//	hwprobe capture --listen pty --to 'serial:///dev/ttyACM0?baud=115200' --out simpays.cap
//
// and point the application at the /dev/pts/N path hwprobe prints. Then, on a test merchant
// with a test card, run each operation once: purchase, refund, cancel, X-report, close batch,
// merchant list, last transaction, and one declined purchase. Stop hwprobe with Ctrl-C and
// check what it recognised:
//
//	hwprobe identify simpays.cap
//
// A capture holds the raw bytes: terminals normally mask card numbers, but read the file (it
// is text: one line per chunk, time, direction and hex) before sending it, and use a test
// card. Send the file, the names of the operations in the order you ran them, and the bank's
// protocol document if you have one ("протокол суміщення з касою / KKM") to the project's
// issue tracker.
package simpays
