export { createAlertNotifier, type AlertNotifier, type AlertNotifierOptions } from './create-alert-notifier.js';
export { alertMessage } from './alert-message.js';
export { describeAlert, type AlertFacts } from './describe-alert.js';
export { issueMarker, issueTitle, issueDescription, hasMarker } from './alert-issue.js';
export { postAlertWebhook, webhookOrigin, type AlertWebhook } from './post-alert-webhook.js';
export { chatText, cardText } from './chat-text.js';
export { alertNotificationLag, type ChannelLag } from './alert-notification-lag.js';
