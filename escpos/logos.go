package escpos

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// LogoBook remembers which logo (by raster content hash) is stored under which NV key in one
// printer's flash. NV memory wears out (HPRT: fewer than 10 writes a day, escpos.md §1.3), so
// [Printer.StoreLogo] writes only when the book says the key holds something else, and
// printing never writes. Keep one book per physical printer and persist it with
// [LogoBook.Save] / [LoadLogoBook]. The zero value is empty and ready; a nil *LogoBook knows
// no logos. Safe for concurrent use.
type LogoBook struct {
	mu   sync.Mutex
	keys map[string]string // NV key → raster hash
}

// Has reports whether key holds the raster with the given hash.
func (b *LogoBook) Has(key, hash string) bool {
	if b == nil {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.keys[key] == hash && hash != ""
}

// Set records that key now holds the raster with the given hash.
func (b *LogoBook) Set(key, hash string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keys == nil {
		b.keys = map[string]string{}
	}
	b.keys[key] = hash
}

// Forget removes key, e.g. after the printer's NV memory was cleared by hand.
func (b *LogoBook) Forget(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.keys, key)
}

// MarshalJSON encodes the book as {"key": "sha256-hex"}.
func (b *LogoBook) MarshalJSON() ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keys == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(b.keys)
}

// UnmarshalJSON decodes a book written by MarshalJSON.
func (b *LogoBook) UnmarshalJSON(data []byte) error {
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.keys = m
	return nil
}

// Save writes the book to path.
func (b *LogoBook) Save(path string) error {
	data, err := b.MarshalJSON()
	if err != nil {
		return fmt.Errorf("escpos: logo book: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("escpos: logo book: %w", err)
	}
	return nil
}

// LoadLogoBook reads a book saved with Save; a missing file gives an empty book.
func LoadLogoBook(path string) (*LogoBook, error) {
	b := &LogoBook{}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return b, nil
	}
	if err != nil {
		return nil, fmt.Errorf("escpos: logo book: %w", err)
	}
	if err := b.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("escpos: logo book %s: %w", path, err)
	}
	return b, nil
}
