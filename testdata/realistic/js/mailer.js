const nodemailer = require("nodemailer");
const formData = require("form-data");
const Mailgun = require("mailgun.js");
const Mailjet = require("node-mailjet");

const transporter = nodemailer.createTransport({
  host: "smtp.example.com",
  port: 587,
  auth: {
    user: "noreply@example.com",
    pass: "{{alnum:16}}", // expect:smtp-password-context
  },
});

const mailgun = new Mailgun(formData);
const mg = mailgun.client({ username: "api", key: "key-{{hex:32}}" }); // expect:mailgun-api-key

const mailjet = Mailjet.apiConnect("{{hex:32}}", "{{hex:32}}"); // expect:mailjet-api-key,mailjet-secret-key

module.exports = { transporter, mg, mailjet };
