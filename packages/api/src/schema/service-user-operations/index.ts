/**
 * Service users and their cases: reading (a client, caseloads, a service's list, a note, search), case
 * management (registering, closing, reopening, allocating) and notes. Every query and mutation is decided by
 * its operation policy in `@confide/access` (policies/clients.ts) and audited by the operation plugin.
 */
import './reads';
import './case-management';
import './notes';
import './contact-details';
