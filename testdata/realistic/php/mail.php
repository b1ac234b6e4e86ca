<?php
use Mailgun\Mailgun;
use PHPMailer\PHPMailer\PHPMailer;

$mg = Mailgun::create('{{hex:32}}-{{hex:8}}-{{hex:8}}'); // expect:mailgun-sending-key
$mj = new \Mailjet\Client('{{hex:32}}', '{{hex:32}}', true, ['version' => 'v3.1']); // expect:mailjet-api-key,mailjet-secret-key

$mail = new PHPMailer(true);
$mail->isSMTP();
$mail->Host = 'smtp.example.com';
$mail->SMTPAuth = true;
$mail->Username = 'noreply@example.com';
$mail->Password = '{{alnum:14}}'; // expect:smtp-password-context
