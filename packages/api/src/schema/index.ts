import { builder } from '../builder';
import './vocabulary';
import './staff';
import './organisations';
import './viewer';

/** The whole schema; importing this module registers every type on the builder once. */
export const schema = builder.toSchema({ sortSchema: true });
