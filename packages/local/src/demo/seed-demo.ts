import { onboardOrganisation } from '@confide/api/onboarding';
import type { ConfideServices } from '@confide/api/services';
import { ItemLoader, tenantScope } from '@confide/store';
import { DEMO_ORGANISATIONS } from './demo-organisations';
import { seedDemoRecords } from './demo-records';

/**
 * Onboards the demo organisations that do not exist yet, as an operator would, and adds their staff.
 * Idempotent: run on every `npm start`, it only fills what is missing. For a demo organisation already there, it
 * keeps the lists kept as their own items (issue 19, decision 0044: open breaches, the disclosure work queue, what
 * partners were released) for work recorded before they were kept.
 */
export async function seedDemo(
  services: ConfideServices,
  /** Called as each demo organisation is onboarded (about a second each on a 2-core machine). */
  onCreated?: (slug: string) => void,
): Promise<{ created: string[] }> {
  const created: string[] = [];
  for (const demo of DEMO_ORGANISATIONS) {
    const existing = await services.directory.organisationIdBySlug(demo.slug);
    if (existing) {
      const scope = tenantScope(existing);
      await services.breaches.indexOpenEntries(scope);
      await services.disclosureQueue.keepExisting(scope);
      const loader = new ItemLoader(services.tenantClients, services.keys);
      await services.disclosures.indexExistingReleases(
        scope,
        (await services.partners.list(scope)).map((partner) => partner.partnerId),
        (clientId) => loader.subjectKey(existing, clientId),
      );
      continue;
    }
    const { organisation } = await onboardOrganisation(services, {
      name: demo.name,
      slug: demo.slug,
      preset: demo.preset,
      dataProcessingAgreement: `DPA-${demo.slug.toUpperCase()}-2026`,
      firstAdmin: { handle: demo.admin.handle, displayName: demo.admin.displayName },
    });
    const scope = tenantScope(organisation.orgId);
    for (const staff of demo.staff) await services.directory.addStaff(scope, staff);
    await seedDemoRecords(services, organisation.orgId, demo.slug);
    // The policy the organisation follows, published and signed by its demo staff: the printed tokens read records,
    // and the importer (which needs a published policy) runs. Publishing a new version shows the gate.
    const { policyVersion } = await services.directory.publishPolicy(
      organisation.orgId,
      `${demo.name} confidentiality policy (shared/policies/${demo.policy})`,
    );
    for (const member of await services.directory.listStaff(scope)) {
      await services.directory.acknowledgePolicy(scope, member.staffId, policyVersion ?? 1);
    }
    created.push(demo.slug);
    onCreated?.(demo.slug);
  }
  return { created };
}
