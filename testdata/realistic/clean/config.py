import os

MAILGUN_API_KEY = os.environ["MAILGUN_API_KEY"]
MAILGUN_API_KEY_EXAMPLE = "key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
MJ_APIKEY_PRIVATE = os.getenv("MJ_APIKEY_PRIVATE")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_HOST_PASSWORD_TEMPLATE = "%(smtp_password)s"
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SMTP_URL = "smtp://mailer:${SMTP_PASSWORD}@smtp.example.com:587"
api_key = "your_api_key_here"
password = "changeme"
token = "<YOUR_TOKEN>"
secret = "{{ vault_secret }}"
