// Preloaded into cognito-local (node --require) by the dev platform: the local stand-in for the email Cognito
// sends. cognito-local only prints a code it delivers; this records each emailed code (sign-up, password reset)
// as a JSON line { email, source, code, sentAt } in COGNITO_MAIL_OUTBOX_FILE, which the users service's local-only
// GET /dev/mail-outbox reads. The service code is the same as deployed: only the AWS side is emulated here.
'use strict';
const { appendFileSync } = require('node:fs');
const path = require('node:path');
const { env } = require('node:process');

const file = env.COGNITO_MAIL_OUTBOX_FILE;
if (!file) throw new Error('COGNITO_MAIL_OUTBOX_FILE is not set');

// MessagesService.deliver(ctx, source, clientId, userPoolId, user, code, clientMetadata, deliveryDetails) is
// where every code cognito-local sends passes, with the reason it is sent (SignUp, ForgotPassword, ...).
const messagesModule = path.join(path.dirname(require.resolve('cognito-local/package.json', { paths: [__dirname] })), 'lib', 'services', 'messages.js');
const { MessagesService } = require(messagesModule);
if (typeof MessagesService?.prototype?.deliver !== 'function') throw new Error('cognito-local has no MessagesService.deliver: check its version');

const deliver = MessagesService.prototype.deliver;
MessagesService.prototype.deliver = async function deliverAndRecord(ctx, source, clientId, userPoolId, user, code, clientMetadata, deliveryDetails) {
  await deliver.call(this, ctx, source, clientId, userPoolId, user, code, clientMetadata, deliveryDetails);
  if (deliveryDetails?.DeliveryMedium !== 'EMAIL') return;
  appendFileSync(file, `${JSON.stringify({ email: deliveryDetails.Destination, source, code, sentAt: new Date().toISOString() })}\n`);
};
