package main

import (
	"context"

	"github.com/pogate/pogate/internal/mail"
)

// The mailer is set up for every subcommand that opens the app, so commands
// and jobs that send e-mail (dispatch, chases) share one configuration.
func init() {
	appHooks = append(appHooks, func(_ context.Context, a *app) error {
		m, err := mail.New(mail.OptionsFrom(a.cfg), a.log)
		if err != nil {
			return err
		}
		a.procure.Mail = m
		return nil
	})
}
