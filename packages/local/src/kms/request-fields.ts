import type { EncryptionContext } from './encryption-context.js';
import { KmsError, validationError } from './kms-errors.js';

/** A JSON value as parsed from a request body. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object; every request body and response body of the KMS JSON protocol is one. */
export interface JsonObject {
  [member: string]: JsonValue;
}

/** A response member: like {@link JsonValue}, but members left `undefined` are omitted. */
export type ResponseValue = JsonValue | undefined | ResponseValue[] | { [member: string]: ResponseValue };

/** A KMS tag. */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Typed, validated access to the members of a request body. A member of the wrong JSON type is a
 * `SerializationException` (the SDK never sends one); a well-typed value outside the model's constraints
 * is a `ValidationException` worded like KMS's own.
 */
export class RequestFields {
  readonly #body: JsonObject;

  constructor(body: JsonObject) {
    this.#body = body;
  }

  requiredString(member: string, constraints: LengthConstraints = {}): string {
    const value = this.optionalString(member, constraints);
    if (value === undefined) throw missingMember(member);
    return value;
  }

  optionalString(
    member: string,
    { min = 1, max = Number.MAX_SAFE_INTEGER }: LengthConstraints = {},
  ): string | undefined {
    const value = this.#body[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw wrongType(member, 'a string');
    assertLength(member, value, value.length, min, max);
    return value;
  }

  optionalEnum<T extends string>(member: string, allowed: readonly T[]): T | undefined {
    const value = this.optionalString(member);
    if (value === undefined) return undefined;
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) {
      throw constraint(member, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    }
    return match;
  }

  optionalInteger(member: string, { min, max }: { min: number; max: number }): number | undefined {
    const value = this.#body[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(member, 'an integer');
    if (value < min || value > max) {
      throw constraint(member, value, `Member must have value between ${min} and ${max}, inclusive`);
    }
    return value;
  }

  optionalBoolean(member: string): boolean | undefined {
    const value = this.#body[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw wrongType(member, 'a boolean');
    return value;
  }

  /** A base64 blob member, decoded; `min` and `max` are in bytes. */
  requiredBlob(member: string, { min, max }: { min: number; max: number }): Buffer {
    const value = this.#body[member];
    if (value === undefined || value === null) throw missingMember(member);
    if (typeof value !== 'string' || !BASE64.test(value)) throw wrongType(member, 'a base64 blob');
    const bytes = Buffer.from(value, 'base64');
    // Blob contents may be secret: never echoed in the message.
    assertLength(member, '***', bytes.length, min, max);
    return bytes;
  }

  encryptionContext(member = 'EncryptionContext'): EncryptionContext | undefined {
    const value = this.#body[member];
    if (value === undefined || value === null) return undefined;
    if (!isJsonObject(value)) throw wrongType(member, 'a map of strings');
    const context: Record<string, string> = {};
    for (const [key, pairValue] of Object.entries(value)) {
      if (typeof pairValue !== 'string') throw wrongType(`${member}.${key}`, 'a string');
      context[key] = pairValue;
    }
    return context;
  }

  /**
   * A `Tags` list.
   * @throws KmsError `TagException` for a reserved (`aws:`) or oversized tag key or value.
   */
  tags(member = 'Tags'): Tag[] | undefined {
    const value = this.#body[member];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw wrongType(member, 'a list of tags');
    return value.map((entry, index) => {
      if (!isJsonObject(entry)) throw wrongType(`${member}[${index}]`, 'a tag');
      const { TagKey: key, TagValue: tagValue } = entry;
      if (typeof key !== 'string' || typeof tagValue !== 'string') {
        throw wrongType(`${member}[${index}]`, 'a tag with a TagKey and a TagValue string');
      }
      if (key.length < 1 || key.length > 128 || tagValue.length > 256) {
        throw new KmsError(
          'TagException',
          `Tag ${key} is too long: keys take 1 to 128 characters, values up to 256`,
        );
      }
      if (key.toLowerCase().startsWith('aws:')) {
        throw new KmsError('TagException', `Tags beginning with aws: are reserved: ${key}`);
      }
      return { key, value: tagValue };
    });
  }
}

export interface LengthConstraints {
  min?: number;
  max?: number;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const lowerFirst = (member: string) => member.charAt(0).toLowerCase() + member.slice(1);

/** The `ValidationException` for a required member left out. */
export const missingMember = (member: string) =>
  validationError(
    `1 validation error detected: Value null at '${lowerFirst(member)}' failed to satisfy constraint: Member must not be null`,
  );

const constraint = (member: string, value: string | number, rule: string) =>
  validationError(
    `1 validation error detected: Value '${value}' at '${lowerFirst(member)}' failed to satisfy constraint: ${rule}`,
  );

function assertLength(member: string, shown: string, length: number, min: number, max: number): void {
  if (length < min)
    throw constraint(member, shown, `Member must have length greater than or equal to ${min}`);
  if (length > max) throw constraint(member, shown, `Member must have length less than or equal to ${max}`);
}

const wrongType = (member: string, expected: string) =>
  new KmsError('SerializationException', `${member} must be ${expected}`);
