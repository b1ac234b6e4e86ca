import os

DEBUG = False
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "email-smtp.us-east-1.amazonaws.com"
EMAIL_PORT = 587
EMAIL_HOST_USER = "AKIA{{b32:16}}"  # expect:aws-access-key-id
EMAIL_HOST_PASSWORD = "B{{b64:43}}"  # expect:aws-ses-smtp-password
EMAIL_USE_TLS = True

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "PASSWORD": os.environ.get("DB_PASSWORD")}}
