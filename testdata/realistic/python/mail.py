import smtplib
from email.message import EmailMessage

import requests
from mailjet_rest import Client

MAILGUN_DOMAIN = "mg.example.com"


def send_mailgun(to, subject, text):
    return requests.post(
        f"https://api.mailgun.net/v3/{MAILGUN_DOMAIN}/messages",
        auth=("api", "{{hex:32}}-{{hex:8}}-{{hex:8}}"),  # expect:mailgun-sending-key
        data={"from": "noreply@example.com", "to": to, "subject": subject, "text": text},
    )


def send_smtp(msg: EmailMessage):
    with smtplib.SMTP("smtp.example.com", 587) as server:
        server.starttls()
        server.login("noreply@example.com", "{{alnum:14}}")  # expect:smtp-login-password
        server.send_message(msg)


mailjet = Client(auth=("{{hex:32}}", "{{hex:32}}"), version="v3.1")  # expect:mailjet-api-key,mailjet-secret-key
