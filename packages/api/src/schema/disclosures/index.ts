/**
 * How information lawfully leaves the organisation (DATA-PROTECTION.md, Consent and disclosure): the register
 * and its entries, the request's life from receipt to release, exceptional disclosures, and what a partner
 * agency reads through the grants its releases created.
 */
import './register';
import './requests';
import './exceptional';
import './partner';

export { LegalBasisEnum } from './register';
