/**
 * Placeholder for the provisioner Lambda: onboards and offboards organisations (KMS key, alias, key policy, tenant
 * item). The CDK app bundles this entry point; the implementation replaces this stub.
 */
export const handler = async (): Promise<Record<string, never>> => ({});
