package journal

import "testing"

func postgresKit() kit {
	return kit{name: "postgres", open: func(t *testing.T) (Journal, func() Journal) { t.Skip("later"); return nil, nil }}
}
