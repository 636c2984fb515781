package wiring_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/service"
	"github.com/uapos/uapos/service/wiring"
	"github.com/uapos/uapos/simulators"
)

// Serve the devices of a uaposd configuration from a Go program: here one PrivatBank
// terminal, which is the built-in simulator on loopback. The configuration is the file
// cmd/uaposd reads; Wiring gives each device its protocol's Open function and one journal
// to the adapters and the service alike.
func ExampleWiring_Options() {
	ctx := context.Background()
	sim, err := simulators.Start(ctx, simulators.Spec{Name: "privatjson"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()

	cfg, err := service.ParseConfig([]byte(`
devices:
  - {name: priv, kind: terminal, protocol: privatjson, url: "tcp://` + sim.Addr() + `"}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	j := journal.NewMemory()                    // journal.OpenSQLite for a shop
	w := &wiring.Wiring{Journal: j, Fast: true} // Fast: a simulator needs no pauses
	opts, err := w.Options(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	opts.Loopback = true
	svc, err := service.New(opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer svc.Shutdown(ctx) // runs after the server below has closed
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()

	body := `{"transaction_id":"w-1","amount":"5.00"}`
	resp, err := http.Post(srv.URL+"/v1/terminals/priv/purchase", "application/json", bytes.NewBufferString(body))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var reply struct {
		Result struct {
			Approved bool   `json:"approved"`
			Amount   string `json:"amount"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		fmt.Println(err)
	}
	fmt.Println(resp.StatusCode, reply.Result.Approved, reply.Result.Amount)
	e, ok, _ := j.Get(ctx, "w-1")
	fmt.Println("journal:", ok, e.State, e.Terminal)
	// Output:
	// 200 true 5.00
	// journal: true approved uaposd:priv
}
