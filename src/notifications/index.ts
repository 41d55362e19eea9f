export { enqueueEmail, enqueueMarketingEmail, type EmailMessage, type OutboxMessageId } from './outbox.js';
export { createMailer, type DeliveryCounts, type Mailer, type MailerLog, type MailerOptions } from './mailer.js';
export { createDeliverer, Undeliverable, type ClaimedMessage, type Deliverer, type DelivererLog, type DelivererOptions, type Send } from './deliverer.js';
export { transportFromUrl } from './transport.js';
export { renderTemplate, type Locale, type RenderedEmail, type TemplateInput, type TemplateName, type TemplateVars } from './templates.js';
export { maxAttemptsDefault, nextAttemptAt } from './retry.js';
export { kickOnCommit, type Channel } from './commit-kick.js';
export {
  enqueueWebhookDeliveries,
  enqueueWebhookBatch,
  listWebhookDeliveries,
  requeueWebhookDelivery,
  type WebhookDelivery,
  type WebhookEnqueue,
  type WebhookBatchDelivery,
} from './webhook-outbox.js';
export { deleteFinishedMessages, deleteSettledWebhookFailures, evidenceTemplates } from './retention.js';
