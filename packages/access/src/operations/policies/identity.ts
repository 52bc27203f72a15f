import { allow, operationPolicy } from '../policy';

/** Who the caller is, their organisation and staff: identity and organisation administration. */
export const IDENTITY_POLICIES = [
  operationPolicy({
    id: 'identity.self',
    clause: 'ACCESS-MODEL.md Principals: every verified caller may see who the server takes them to be',
    principals: ['STAFF', 'SERVICE_USER', 'PARTNER', 'OPERATOR'],
    decide: () => allow('identity.self'),
  }),
  operationPolicy({
    id: 'node.read',
    clause:
      'ACCESS-MODEL.md Existence hiding: a node is looked up by any tenant principal; its type decides what it shows',
    principals: ['STAFF', 'SERVICE_USER', 'PARTNER'],
    decide: () => allow('node.read'),
  }),
] as const;
