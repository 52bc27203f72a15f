import { aliasArn } from './kms-arns.js';
import { KmsError, validationError } from './kms-errors.js';
import {
  assertNotPendingDeletion,
  epochSeconds,
  findKey,
  type KmsOperation,
  paginate,
} from './kms-operation.js';

const ALIAS_NAME_PATTERN = /^[a-zA-Z0-9:/_-]+$/;

/** Points a new alias at a key. Alias names are unique in the account and region. */
export const createAlias: KmsOperation = (context) => {
  const { fields, store, now, location } = context;
  const aliasName = fields.requiredString('AliasName', { max: 256 });
  const targetKeyId = fields.requiredString('TargetKeyId', { max: 2048 });
  if (!ALIAS_NAME_PATTERN.test(aliasName)) {
    throw validationError(
      `1 validation error detected: Value '${aliasName}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$`,
    );
  }
  if (!aliasName.startsWith('alias/') || aliasName === 'alias/') {
    throw new KmsError(
      'InvalidAliasNameException',
      'Alias must start with the prefix "alias/" followed by a name.',
    );
  }
  if (aliasName.startsWith('alias/aws/')) {
    throw new KmsError(
      'InvalidAliasNameException',
      'Alias names beginning with alias/aws/ are reserved for AWS.',
    );
  }
  const key = findKey(context, targetKeyId, { aliasesAccepted: false });
  assertNotPendingDeletion(context, key);
  if (store.getAlias(aliasName)) {
    throw new KmsError(
      'AlreadyExistsException',
      `An alias with the name ${aliasArn(location, aliasName)} already exists`,
    );
  }
  store.addAlias({ aliasName, targetKeyId: key.keyId, createdAt: now, lastUpdatedDate: now });
  return {};
};

/** Lists aliases by name, all of them or those of one key. */
export const listAliases: KmsOperation = (context) => {
  const { fields, store, location } = context;
  const keyId = fields.optionalString('KeyId', { max: 2048 });
  const targetKeyId =
    keyId === undefined ? undefined : findKey(context, keyId, { aliasesAccepted: false }).keyId;
  const aliases = store
    .aliases()
    .filter((alias) => targetKeyId === undefined || alias.targetKeyId === targetKeyId)
    .sort((a, b) => (a.aliasName < b.aliasName ? -1 : a.aliasName > b.aliasName ? 1 : 0));
  const { page, nextMarker } = paginate(aliases, {
    limit: fields.optionalInteger('Limit', { min: 1, max: 100 }),
    marker: fields.optionalString('Marker', { max: 1024 }),
  });
  return {
    Aliases: page.map((alias) => ({
      AliasName: alias.aliasName,
      AliasArn: aliasArn(location, alias.aliasName),
      TargetKeyId: alias.targetKeyId,
      CreationDate: epochSeconds(alias.createdAt),
      LastUpdatedDate: epochSeconds(alias.lastUpdatedDate),
    })),
    NextMarker: nextMarker,
    Truncated: nextMarker !== undefined,
  };
};
