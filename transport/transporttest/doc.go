// Package transporttest provides in-memory links and fakes for testing code that uses
// transport.Conn without hardware:
//
//   - [Pipe]: a buffered in-memory link with deadlines, for a client and a simulator;
//   - [OpenPTY]: a Linux pseudo-terminal pair, so tests drive the real serial code
//     (transport.Open("serial:///dev/pts/N")) against a simulator on the master end;
//   - [Playback]: a scripted device (write this, answer that), with fragmenting delivery;
//   - [Record]: a recorder that turns a live exchange into a Playback script.
//
// Captures of real devices in the text format of transport/capture replay through
// capture.Replay.
package transporttest
