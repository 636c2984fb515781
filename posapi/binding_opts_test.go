package posapi

import "testing"

func TestCP1251Option(t *testing.T) {
	o := LoadOptions{CP1251: true}
	enc := o.encode("ОПЛАТА")
	// Windows-1251: О=0xCE П=0xCF Л=0xCB А=0xC0 Т=0xD2 А=0xC0.
	if enc != "\xce\xcf\xcb\xc0\xd2\xc0" {
		t.Fatalf("encode % x", enc)
	}
	if dec := o.decode(enc); dec != "ОПЛАТА" {
		t.Fatalf("decode %q", dec)
	}
	if (LoadOptions{}).decode(enc) != enc {
		t.Fatal("bytes changed without the option")
	}
}
