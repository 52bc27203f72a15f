import { ACCESS_PRESETS, CLASSIFICATIONS, EMERGENCY_REASONS, ROLES, type Role } from '@confide/domain';
import { decideRead, decideWrite } from './decide';
import { READ_INVARIANTS, WRITE_INVARIANTS } from './invariants';
import type { CallerFacts, ClientRelationFacts, ItemFacts } from './facts';
const B = [false, true];
const roleSets: Role[][] = [[]];
ROLES.forEach((r, i) => { roleSets.push([r]); for (const s of ROLES.slice(i + 1)) roleSets.push([r, s]); });
const rels: ClientRelationFacts[] = []; for (const allocated of B) for (const managesService of B) for (const qaReview of B) for (const investigation of B) for (const serviceMember of B) for (const self of B) for (const conflict of B) for (const emergency of [undefined, ...EMERGENCY_REASONS]) rels.push({ allocated, managesService, qaReview, investigation, serviceMember, self, conflict, emergency });
const its: ItemFacts[] = []; for (const sealed of B) for (const namedStaff of B) for (const withheldFromSubject of B) for (const grantedToPartner of B) its.push({ sealed, namedStaff, withheldFromSubject, grantedToPartner });
const callers: CallerFacts[] = [{ kind: 'SERVICE_USER' }, { kind: 'PARTNER' }, { kind: 'OPERATOR' }, ...roleSets.slice(0, 30).flatMap((roles) => B.map((acknowledgedPolicy) => ({ kind: 'STAFF' as const, roles, acknowledgedPolicy })))];
const failed = new Set<string>();
for (const caller of callers) for (const relation of rels) for (const item of its) for (const classification of CLASSIFICATIONS) for (const preset of ACCESS_PRESETS) {
  for (const purpose of [undefined, 'p']) { const r = { caller, relation, item, classification, preset, purpose }; const d = decideRead(r); for (const i of READ_INVARIANTS) if (!failed.has(i.id) && !i.holds(r, d)) failed.add(i.id); }
  const w = { caller, relation, item, classification, preset }; const d = decideWrite(w); for (const i of WRITE_INVARIANTS) if (!failed.has(i.id) && !i.holds(w, d)) failed.add(i.id);

}
console.log('violated:', [...failed].join(', ') || 'NONE');
