import { Type } from 'typebox';
import { Instant, iso, isoOrNull, JsonObject, nullable, section } from './section.js';
import { contactDataOf } from '../consent/index.js';

/** consent/ (DN-1..DN-8): contact requests with what the person gave to verify them, the permission changes, reports. */
export const contactSection = section({
  name: 'contact',
  tables: ['contact_requests', 'contact_permission_changes', 'contact_reports'],
  schema: Type.Object({
    requests: Type.Array(
      Type.Object({
        id: Type.String(),
        kind: Type.String(),
        channel: Type.String(),
        scope: Type.String(),
        status: Type.String(),
        verification: JsonObject,
        mismatches: nullable(Type.Array(Type.String())),
        receivedAt: Instant,
        verifiedAt: nullable(Instant),
        effectiveAt: nullable(Instant),
      }),
    ),
    permissionChanges: Type.Array(
      Type.Object({ requestId: Type.String(), channel: Type.String(), purpose: Type.String(), scope: Type.String(), allowed: Type.Boolean(), effectiveAt: Instant }),
    ),
    reports: Type.Array(
      Type.Object({
        id: Type.String(),
        requestId: Type.String(),
        channel: Type.String(),
        scope: Type.String(),
        contactedAt: Instant,
        description: Type.String(),
        reportedAt: Instant,
        resolvedAt: nullable(Instant),
      }),
    ),
  }),
  async read(q, person) {
    const { requests, changes, reports } = await contactDataOf(q, person.memberId);
    return {
      requests: requests.map((r) => ({
        id: r.id,
        kind: r.kind,
        channel: r.channel,
        scope: r.scope,
        status: r.status,
        verification: r.verification,
        mismatches: r.mismatches,
        receivedAt: iso(r.received_at),
        verifiedAt: isoOrNull(r.verified_at),
        effectiveAt: isoOrNull(r.effective_at),
      })),
      permissionChanges: changes.map((c) => ({
        requestId: c.request_id,
        channel: c.channel,
        purpose: c.purpose,
        scope: c.scope,
        allowed: c.allowed,
        effectiveAt: iso(c.effective_at),
      })),
      reports: reports.map((r) => ({
        id: r.id,
        requestId: r.request_id,
        channel: r.channel,
        scope: r.scope,
        contactedAt: iso(r.contacted_at),
        description: r.description,
        reportedAt: iso(r.reported_at),
        resolvedAt: isoOrNull(r.resolved_at),
      })),
    };
  },
});
