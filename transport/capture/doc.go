// Package capture records the bytes on a [transport.Conn] to a text file and plays such a
// file back, so an exchange with a real device becomes a regression test with no code change
// (style.md rule 10; transports.md §5 "hwprobe -record").
//
// # Format
//
// A capture is UTF-8 text, one chunk per line. A chunk is the bytes of one Read or Write
// call on the link:
//
//	# uapos capture v1
//	0.000000 > 10 04 01
//	0.012345 < 16
//	0.250000 > 1b 40 1d 56 00
//
// Fields are separated by one or more spaces or tabs:
//
//   - time: seconds since the capture started, a non-negative decimal number (Record writes
//     six decimals, that is microseconds);
//   - direction: '>' for bytes the host wrote to the device, '<' for bytes the host read
//     from the device;
//   - data: one or more bytes, each as two hex digits (either case), separated by spaces.
//
// Empty lines and lines whose first non-blank character is '#' are comments. Lines end
// with LF or CRLF. [Parse] refuses lines longer than [MaxLineBytes], chunks of more than
// [MaxChunkBytes] bytes and captures of more than [MaxTotalBytes] bytes of data, so a hostile
// file cannot exhaust memory.
//
// # Replay
//
// [Replay] plays the device side of a capture: the host's writes must equal the recorded
// '>' bytes (in any fragmentation), and its reads return the recorded '<' chunks, each once
// every '>' byte recorded before it has been written. Timing is not replayed.
package capture
