Rails.application.configure do
  config.action_mailer.delivery_method = :smtp
  config.action_mailer.smtp_settings = {
    address: "smtp.example.com",
    port: 587,
    user_name: "noreply@example.com",
    password: "{{alnum:15}}", # expect:smtp-password-context
    authentication: :plain,
  }
end
