/**
 * Access monitoring (issue 8; DATA-PROTECTION.md "Access audit"; Lets connect 4.3, 5.2, 6): reports over the
 * audit indexes, unusual-access alerts, the person's own access list, aggregate reports with small-number
 * suppression, and the information-governance summary. Everything here returns references, counts and plain
 * words — never the personal data itself. Alerts are computed on read (docs/decisions/0013). Who may run each
 * and how far it reaches is decided by the policies in `@confide/access` (operations/policies/governance.ts).
 */
import './audit-reports';
import './emergency-report';
import './alerts';
import './settings';
import './own-access-log';
import './aggregate-report';
import './governance-summary';
import './access-heat-map';

export { disclosureOutcome } from './scope';

import './integrity-incidents';
import './notifications';
