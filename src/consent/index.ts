export { businessDaysLater, isBusinessDay, type BusinessCalendar } from './business-days.js';
export { coveredCells, purposes, scopesOf, type Cell, type Purpose, type RequestScope } from './coverage.js';
export { mayContact, permissionsAt, type Permission } from './permissions.js';
export { openContactReports, reportContact, resolveContactReport, type ContactReport } from './reports.js';
export { consentOf, listContactRequests, submitContactRequest, type ContactRequest, type ContactRequestInput } from './requests.js';
export { exportSuppressions } from './suppressions.js';
export { sendMarketingEmail } from './marketing.js';
export { contactDataOf, eraseContactData, type ContactData } from './personal-data.js';
