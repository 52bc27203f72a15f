/**
 * Retention (DATA-PROTECTION.md, Retention): the client's retention state, the organisation's rules and their
 * rescheduling, legal holds, erasure and the schedule reports. Closing and reopening schedule and unschedule
 * through `use-cases/retention-schedule.ts`.
 *
 * Who may do what is each operation's policy (`@confide/access`, policies/clients.ts):
 * - `setRetentionRules` / `rescheduleRetention`: ORG_ADMIN, unless the change would let records expire at once;
 * - `placeLegalHold`: the service's managers, SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN (keeping is safe);
 * - `liftLegalHold`: SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN, unless the lift would expire the records at once;
 * - `eraseServiceUser`: the IG lead proposes, the Caldicott Guardian or another IG lead approves (two people);
 * - `legalHolds`: SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN; `retentionSchedule`, `staffRetentionSchedule`: IG_LEAD.
 * Reasons are sealed on the hold under the client's key and recorded as the audit event's stated purpose.
 */
import './client-retention';
import './rules';
import './legal-holds';
import './erasure';
import './reports';
