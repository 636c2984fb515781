package main

import (
	"context"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/simulators/posapisim"
)

// protoPOSAPI is Printec POSAPI. Its wire is not public, so there is nothing to probe and no
// simulator to serve: the demo drives the posapi client through the in-process simulated
// vendor library.
var protoPOSAPI = protocol{
	name:  "posapi",
	title: "Printec POSAPI (vendor library only: the wire is not public; demo in process)",
	demo:  demoPOSAPI,
}

func demoPOSAPI(ctx context.Context, d *demoEnv) []demoRow {
	const name = "posapi"
	c, err := posapi.New(posapisim.New(posapisim.Config{}), posapi.Config{Logger: d.log})
	if err != nil {
		return demoFail(name, "client", err)
	}
	t, err := posapi.NewTerminal(c, posapi.TerminalConfig{Bank: payment.BankRaiffeisen, Logger: d.log})
	if err != nil {
		return demoFail(name, "adapter", err)
	}
	return driveTerminal(ctx, name+" lib", t)
}
