//go:build libusb

package main

// libusbCompiled says whether this build has the libusb (gousb) backend for usb:// URLs.
const libusbCompiled = true
