import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type {
  AliasRecord,
  KeyMaterialVersion,
  KeyRecord,
  KeyState,
  LocalKeySpec,
  RotationType,
  StoreSnapshot,
} from './key-records.js';

/**
 * Reads a store file, or `undefined` if there is none yet.
 * @throws Error when the file exists but is not a valid store: refusing to start beats silently losing
 * keys that old ciphertexts depend on.
 */
export async function readStoreFile(filePath: string): Promise<StoreSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if (isFileNotFound(error)) return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`Local KMS store ${filePath} is not valid JSON`, { cause: error });
  }
  return decodeSnapshot(json, filePath);
}

/** The file text of a store: JSON, dates as ISO strings, key material as base64. */
export function serialiseStore(snapshot: StoreSnapshot): string {
  const persisted: PersistedStore = {
    formatVersion: 1,
    keys: snapshot.keys.map(encodeKey),
    aliases: snapshot.aliases.map((alias) => ({
      aliasName: alias.aliasName,
      targetKeyId: alias.targetKeyId,
      createdAt: alias.createdAt.toISOString(),
      lastUpdatedDate: alias.lastUpdatedDate.toISOString(),
    })),
    deletedKeyIds: [...snapshot.deletedKeyIds],
  };
  return `${JSON.stringify(persisted, null, 2)}\n`;
}

/**
 * Writes `text` to a temporary file beside `filePath`, syncs it and renames it over `filePath`, so that a
 * crash leaves either the old or the new content, never a mix.
 */
export async function writeFileAtomically(filePath: string, text: string): Promise<void> {
  await mkdir(dirname(filePath), { recursive: true, mode: 0o700 });
  const temporaryPath = `${filePath}.${process.pid}.${randomUUID()}.tmp`;
  try {
    // The file holds key material: owner-only from the moment it exists.
    const handle = await open(temporaryPath, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporaryPath, filePath);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw error;
  }
}

function isFileNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

interface PersistedKey {
  keyId: string;
  /** Absent for symmetric encryption keys (files written before HMAC keys existed have none). */
  keySpec?: LocalKeySpec;
  createdAt: string;
  description: string;
  policy: string;
  tags: [string, string][];
  state: KeyState;
  deletionDate?: string;
  pendingWindowInDays?: number;
  rotation: { enabled: boolean; periodInDays: number; nextRotationDate?: string };
  materials: { version: number; material: string; createdAt: string; rotationType?: RotationType }[];
}

interface PersistedAlias {
  aliasName: string;
  targetKeyId: string;
  createdAt: string;
  lastUpdatedDate: string;
}

interface PersistedStore {
  formatVersion: 1;
  keys: PersistedKey[];
  aliases: PersistedAlias[];
  deletedKeyIds: string[];
}

function encodeKey(key: KeyRecord): PersistedKey {
  return {
    keyId: key.keyId,
    keySpec: key.keySpec === 'SYMMETRIC_DEFAULT' ? undefined : key.keySpec,
    createdAt: key.createdAt.toISOString(),
    description: key.description,
    policy: key.policy,
    tags: [...key.tags],
    state: key.state,
    deletionDate: key.deletionDate?.toISOString(),
    pendingWindowInDays: key.pendingWindowInDays,
    rotation: {
      enabled: key.rotation.enabled,
      periodInDays: key.rotation.periodInDays,
      nextRotationDate: key.rotation.nextRotationDate?.toISOString(),
    },
    materials: key.materials.map((version) => ({
      version: version.version,
      material: version.material.toString('base64'),
      createdAt: version.createdAt.toISOString(),
      rotationType: version.rotationType,
    })),
  };
}

class StoreFormatError extends Error {
  constructor(filePath: string, path: string, expected: string) {
    super(`Local KMS store ${filePath} is corrupt: ${path} should be ${expected}`);
    this.name = 'StoreFormatError';
  }
}

/** Reads untrusted JSON into records, naming the first field that does not fit. */
function decodeSnapshot(json: unknown, filePath: string): StoreSnapshot {
  const fail = (path: string, expected: string): never => {
    throw new StoreFormatError(filePath, path, expected);
  };
  const object = (value: unknown, path: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : fail(path, 'an object');
  const array = (value: unknown, path: string): unknown[] =>
    Array.isArray(value) ? value : fail(path, 'an array');
  const string = (value: unknown, path: string): string =>
    typeof value === 'string' ? value : fail(path, 'a string');
  const integer = (value: unknown, path: string): number =>
    typeof value === 'number' && Number.isSafeInteger(value) ? value : fail(path, 'an integer');
  const boolean = (value: unknown, path: string): boolean =>
    typeof value === 'boolean' ? value : fail(path, 'a boolean');
  const date = (value: unknown, path: string): Date => {
    const parsed = new Date(string(value, path));
    return Number.isNaN(parsed.getTime()) ? fail(path, 'an ISO date') : parsed;
  };
  const optional = <T>(value: unknown, read: (value: unknown) => T): T | undefined =>
    value === undefined ? undefined : read(value);
  const keyState = (value: unknown, path: string): KeyState =>
    value === 'Enabled' || value === 'Disabled' || value === 'PendingDeletion'
      ? value
      : fail(path, 'Enabled, Disabled or PendingDeletion');

  const keySpec = (value: unknown, path: string): LocalKeySpec =>
    value === 'SYMMETRIC_DEFAULT' || value === 'HMAC_256' || value === 'ECC_NIST_P256'
      ? value
      : fail(path, 'SYMMETRIC_DEFAULT, HMAC_256 or ECC_NIST_P256');
  const rotationType = (value: unknown, path: string): RotationType =>
    value === 'AUTOMATIC' || value === 'ON_DEMAND' ? value : fail(path, 'AUTOMATIC or ON_DEMAND');

  const root = object(json, '$');
  if (root.formatVersion !== 1) fail('$.formatVersion', '1');

  const keys = array(root.keys, '$.keys').map((value, index): KeyRecord => {
    const path = `$.keys[${index}]`;
    const key = object(value, path);
    const spec = optional(key.keySpec, (v) => keySpec(v, `${path}.keySpec`)) ?? 'SYMMETRIC_DEFAULT';
    const rotation = object(key.rotation, `${path}.rotation`);
    return {
      keyId: string(key.keyId, `${path}.keyId`),
      keySpec: spec,
      createdAt: date(key.createdAt, `${path}.createdAt`),
      description: string(key.description, `${path}.description`),
      policy: string(key.policy, `${path}.policy`),
      tags: new Map(
        array(key.tags, `${path}.tags`).map((tag, tagIndex): [string, string] => {
          const pair = array(tag, `${path}.tags[${tagIndex}]`);
          return [
            string(pair[0], `${path}.tags[${tagIndex}][0]`),
            string(pair[1], `${path}.tags[${tagIndex}][1]`),
          ];
        }),
      ),
      state: keyState(key.state, `${path}.state`),
      deletionDate: optional(key.deletionDate, (v) => date(v, `${path}.deletionDate`)),
      pendingWindowInDays: optional(key.pendingWindowInDays, (v) =>
        integer(v, `${path}.pendingWindowInDays`),
      ),
      rotation: {
        enabled: boolean(rotation.enabled, `${path}.rotation.enabled`),
        periodInDays: integer(rotation.periodInDays, `${path}.rotation.periodInDays`),
        nextRotationDate: optional(rotation.nextRotationDate, (v) =>
          date(v, `${path}.rotation.nextRotationDate`),
        ),
      },
      materials: array(key.materials, `${path}.materials`).map((entry, materialIndex): KeyMaterialVersion => {
        const materialPath = `${path}.materials[${materialIndex}]`;
        const version = object(entry, materialPath);
        const material = Buffer.from(string(version.material, `${materialPath}.material`), 'base64');
        // A signing key's material is its PKCS#8 private key; every other key's is 32 bytes.
        if (spec === 'ECC_NIST_P256' ? material.length < 32 : material.length !== 32) {
          fail(`${materialPath}.material`, spec === 'ECC_NIST_P256' ? 'a PKCS#8 key' : '32 bytes of base64');
        }
        return {
          version: integer(version.version, `${materialPath}.version`),
          material,
          createdAt: date(version.createdAt, `${materialPath}.createdAt`),
          rotationType: optional(version.rotationType, (v) =>
            rotationType(v, `${materialPath}.rotationType`),
          ),
        };
      }),
    };
  });

  const aliases = array(root.aliases, '$.aliases').map((value, index): AliasRecord => {
    const path = `$.aliases[${index}]`;
    const alias = object(value, path);
    return {
      aliasName: string(alias.aliasName, `${path}.aliasName`),
      targetKeyId: string(alias.targetKeyId, `${path}.targetKeyId`),
      createdAt: date(alias.createdAt, `${path}.createdAt`),
      lastUpdatedDate: date(alias.lastUpdatedDate, `${path}.lastUpdatedDate`),
    };
  });

  const deletedKeyIds = array(root.deletedKeyIds, '$.deletedKeyIds').map((value, index) =>
    string(value, `$.deletedKeyIds[${index}]`),
  );

  return { keys, aliases, deletedKeyIds };
}
