// Access governance (ACCESS-MODEL.md): the confidentiality policy and preset, conflicts of interest,
// safeguarding investigations, break-glass and its review, and why a caller can or cannot read a client.
import './policy';
import './conflicts';
import './investigations';
import './emergency-access';
import './explanation';

export { AccessEventRef } from './explanation';
