import type { AliasRecord, KeyRecord, StoreSnapshot } from './key-records.js';
import { readStoreFile, serialiseStore, writeFileAtomically } from './key-store-file.js';

/**
 * The keys, aliases and deleted-key ids of one local KMS, held in memory and, when a file is given,
 * persisted to it as JSON. Callers change records in place and then call {@link KeyStore.persist}, which
 * writes only when something changed.
 */
export class KeyStore {
  readonly #keys = new Map<string, KeyRecord>();
  readonly #aliases = new Map<string, AliasRecord>();
  /** Ids of keys deleted after their waiting period, so that their old blobs say "not found". */
  readonly #deletedKeyIds = new Set<string>();
  readonly #filePath: string | undefined;
  #persistedText: string;
  #lastWrite: Promise<void> = Promise.resolve();

  private constructor(filePath: string | undefined, snapshot: StoreSnapshot | undefined) {
    this.#filePath = filePath;
    for (const key of snapshot?.keys ?? []) this.#keys.set(key.keyId, key);
    for (const alias of snapshot?.aliases ?? []) this.#aliases.set(alias.aliasName, alias);
    for (const keyId of snapshot?.deletedKeyIds ?? []) this.#deletedKeyIds.add(keyId);
    this.#persistedText = this.#serialise();
  }

  /** A store that lives only as long as the process. */
  static inMemory(): KeyStore {
    return new KeyStore(undefined, undefined);
  }

  /** Opens the store persisted at `filePath`, or an empty one if the file does not exist yet. */
  static async open(filePath: string): Promise<KeyStore> {
    return new KeyStore(filePath, await readStoreFile(filePath));
  }

  getKey(keyId: string): KeyRecord | undefined {
    return this.#keys.get(keyId);
  }

  keys(): KeyRecord[] {
    return [...this.#keys.values()];
  }

  addKey(key: KeyRecord): void {
    this.#keys.set(key.keyId, key);
  }

  wasDeleted(keyId: string): boolean {
    return this.#deletedKeyIds.has(keyId);
  }

  /** Removes a key for good: its material is overwritten in memory and dropped from the file, with its aliases. */
  deleteKey(keyId: string): void {
    const key = this.#keys.get(keyId);
    if (!key) return;
    for (const { material } of key.materials) material.fill(0);
    this.#keys.delete(keyId);
    for (const alias of this.#aliases.values()) {
      if (alias.targetKeyId === keyId) this.#aliases.delete(alias.aliasName);
    }
    this.#deletedKeyIds.add(keyId);
  }

  getAlias(aliasName: string): AliasRecord | undefined {
    return this.#aliases.get(aliasName);
  }

  aliases(): AliasRecord[] {
    return [...this.#aliases.values()];
  }

  addAlias(alias: AliasRecord): void {
    this.#aliases.set(alias.aliasName, alias);
  }

  /**
   * Writes the current state, atomically, if it differs from what was last written. Writes are queued so
   * that a later state is never overwritten by an earlier one.
   */
  async persist(): Promise<void> {
    const filePath = this.#filePath;
    if (filePath === undefined) return;
    const text = this.#serialise();
    if (text === this.#persistedText) return;
    const write = this.#lastWrite.catch(() => undefined).then(() => writeFileAtomically(filePath, text));
    this.#lastWrite = write;
    await write;
    this.#persistedText = text;
  }

  /** Resolves when every queued write has finished (successfully or not). */
  async settled(): Promise<void> {
    await this.#lastWrite.catch(() => undefined);
  }

  #serialise(): string {
    return serialiseStore({
      keys: [...this.#keys.values()],
      aliases: [...this.#aliases.values()],
      deletedKeyIds: [...this.#deletedKeyIds],
    });
  }
}
