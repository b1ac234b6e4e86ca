package mail

import (
	"net/smtp"

	"github.com/mailgun/mailgun-go/v4"
)

func Send(to []string, body []byte) error {
	auth := smtp.PlainAuth("", "noreply@example.com", "{{alnum:16}}", "smtp.example.com") // expect:smtp-login-password
	return smtp.SendMail("smtp.example.com:587", auth, "noreply@example.com", to, body)
}

func Mailgun() *mailgun.MailgunImpl {
	return mailgun.NewMailgun("mg.example.com", "{{hex:32}}-{{hex:8}}-{{hex:8}}") // expect:mailgun-sending-key
}
