export { enqueueEmail, type EmailMessage, type OutboxMessageId } from './outbox.js';
export { createMailer, type DeliveryCounts, type Mailer, type MailerLog, type MailerOptions } from './mailer.js';
export { transportFromUrl } from './transport.js';
export { renderTemplate, type Locale, type RenderedEmail, type TemplateInput, type TemplateName, type TemplateVars } from './templates.js';
export { maxAttemptsDefault } from './retry.js';
