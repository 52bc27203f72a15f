import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign as signMessage,
  verify as verifyMessage,
} from 'node:crypto';
import type { KeyRecord } from './key-records.js';
import { keyArn } from './kms-arns.js';
import { KmsError, validationError } from './kms-errors.js';
import {
  assertEnabled,
  assertKeyUsage,
  findKey,
  type KmsOperation,
  type OperationContext,
} from './kms-operation.js';
import { missingMember } from './request-fields.js';

/** Every signing algorithm KMS names; an ECC_NIST_P256 key (the only signing spec here) signs ECDSA_SHA_256 alone. */
const SIGNING_ALGORITHMS = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256',
  'ECDSA_SHA_384',
  'ECDSA_SHA_512',
  'SM2DSA',
  'ML_DSA_SHAKE_256',
] as const;
const MESSAGE_TYPES = ['RAW', 'DIGEST', 'EXTERNAL_MU'] as const;
const DIGEST_BYTES = 32;

interface SignRequest {
  readonly key: KeyRecord;
  readonly message: Buffer;
  readonly messageType: 'RAW' | 'DIGEST';
}

/** The signing key a `Sign` / `Verify` request names, its message and algorithm, checked as KMS does. */
function signRequest(context: OperationContext, operation: string): SignRequest {
  const { fields, location } = context;
  const key = findKey(context, fields.requiredString('KeyId', { max: 2048 }), { aliasesAccepted: true });
  const message = fields.requiredBlob('Message', { min: 1, max: 4096 });
  const messageType = fields.optionalEnum('MessageType', MESSAGE_TYPES) ?? 'RAW';
  const algorithm = fields.optionalEnum('SigningAlgorithm', SIGNING_ALGORITHMS);
  if (algorithm === undefined) throw missingMember('SigningAlgorithm');
  assertEnabled(context, key);
  assertKeyUsage(context, key, 'SIGN_VERIFY', operation);
  if (algorithm !== 'ECDSA_SHA_256' || messageType === 'EXTERNAL_MU') {
    throw new KmsError(
      'InvalidKeyUsageException',
      `${algorithm} with ${messageType} messages is not supported by ${keyArn(location, key.keyId)}: its key spec is ECC_NIST_P256.`,
    );
  }
  if (messageType === 'DIGEST' && message.length !== DIGEST_BYTES) {
    throw validationError(`Digest is invalid length for algorithm ${algorithm}.`);
  }
  return { key, message, messageType };
}

function privateKeyOf(key: KeyRecord): KeyObject {
  // Signing keys are never rotated: their one material version is the key pair.
  const [material] = key.materials;
  if (!material) throw new Error(`Key ${key.keyId} has no key material`);
  return createPrivateKey({ key: material.material, format: 'der', type: 'pkcs8' });
}

/** ECDSA with SHA-256 over the message (RAW), or over the SHA-256 digest the caller computed (DIGEST); DER-encoded. */
export const sign: KmsOperation = (context) => {
  const { key, message, messageType } = signRequest(context, 'Sign');
  const privateKey = privateKeyOf(key);
  const signature =
    messageType === 'RAW' ? signMessage('sha256', message, privateKey) : signDigest(privateKey, message);
  return {
    KeyId: keyArn(context.location, key.keyId),
    Signature: signature.toString('base64'),
    SigningAlgorithm: 'ECDSA_SHA_256',
  };
};

/**
 * Checks a signature. As in KMS, a signature that does not verify is not a `false` answer but
 * `KMSInvalidSignatureException`; `SignatureValid` is only ever true.
 */
export const verify: KmsOperation = (context) => {
  const signature = context.fields.requiredBlob('Signature', { min: 1, max: 6144 });
  const { key, message, messageType } = signRequest(context, 'Verify');
  const publicKey = createPublicKey(privateKeyOf(key));
  const valid =
    messageType === 'RAW'
      ? safely(() => verifyMessage('sha256', message, publicKey, signature))
      : verifyDigest(publicKey, message, signature);
  if (!valid) {
    throw new KmsError('KMSInvalidSignatureException', 'The signature does not match the message and key.');
  }
  return {
    KeyId: keyArn(context.location, key.keyId),
    SignatureValid: true,
    SigningAlgorithm: 'ECDSA_SHA_256',
  };
};

/** The public half of a signing key, as a DER SubjectPublicKeyInfo, with what KMS says about its use. */
export const getPublicKey: KmsOperation = (context) => {
  const { fields, location } = context;
  const key = findKey(context, fields.requiredString('KeyId', { max: 2048 }), { aliasesAccepted: true });
  assertEnabled(context, key);
  if (key.keySpec !== 'ECC_NIST_P256') {
    throw new KmsError(
      'UnsupportedOperationException',
      `${keyArn(location, key.keyId)} key usage is not valid for GetPublicKey: it is a symmetric key.`,
    );
  }
  const spki = createPublicKey(privateKeyOf(key)).export({ format: 'der', type: 'spki' });
  return {
    KeyId: keyArn(location, key.keyId),
    PublicKey: spki.toString('base64'),
    CustomerMasterKeySpec: 'ECC_NIST_P256',
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: ['ECDSA_SHA_256'],
  };
};

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

/*
 * ECDSA over a digest the caller computed (MessageType DIGEST). node:crypto always hashes what it signs, so the
 * curve arithmetic for that one case is here: NIST P-256 (FIPS 186-4 D.1.2.3), affine coordinates, BigInt.
 * Slow by cryptographic standards (milliseconds a signature) and not constant-time: a local stand-in, never a
 * production signer. Signatures agree with node:crypto's (a test verifies each with the other).
 */
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
const G: Point = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};

interface Point {
  readonly x: bigint;
  readonly y: bigint;
}

const mod = (value: bigint, modulus: bigint) => ((value % modulus) + modulus) % modulus;

function inverse(value: bigint, modulus: bigint): bigint {
  let [oldR, r] = [mod(value, modulus), modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return mod(oldS, modulus);
}

function add(left: Point | undefined, right: Point | undefined): Point | undefined {
  if (!left) return right;
  if (!right) return left;
  if (left.x === right.x && mod(left.y + right.y, P) === 0n) return undefined;
  const slope =
    left.x === right.x
      ? mod((3n * left.x * left.x + A) * inverse(2n * left.y, P), P)
      : mod((right.y - left.y) * inverse(right.x - left.x, P), P);
  const x = mod(slope * slope - left.x - right.x, P);
  return { x, y: mod(slope * (left.x - x) - left.y, P) };
}

function multiply(point: Point, scalar: bigint): Point | undefined {
  let result: Point | undefined;
  let addend: Point | undefined = point;
  for (let k = scalar; k > 0n; k >>= 1n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

const toBigInt = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex') || '0'}`);
const fromBase64Url = (value: string | undefined) => toBigInt(Buffer.from(value ?? '', 'base64url'));

function signDigest(privateKey: KeyObject, digest: Buffer): Buffer {
  const d = fromBase64Url(privateKey.export({ format: 'jwk' }).d);
  const z = toBigInt(digest);
  for (;;) {
    const k = mod(toBigInt(randomBytes(40)), N - 1n) + 1n;
    const r = mod(multiply(G, k)?.x ?? 0n, N);
    const s = mod(inverse(k, N) * (z + r * d), N);
    if (r !== 0n && s !== 0n) return derSignature(r, s);
  }
}

function verifyDigest(publicKey: KeyObject, digest: Buffer, signature: Buffer): boolean {
  const parsed = parseDerSignature(signature);
  if (!parsed) return false;
  const { r, s } = parsed;
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const jwk = publicKey.export({ format: 'jwk' });
  const q = { x: fromBase64Url(jwk.x), y: fromBase64Url(jwk.y) };
  const w = inverse(s, N);
  const point = add(multiply(G, mod(toBigInt(digest) * w, N)), multiply(q, mod(r * w, N)));
  return point !== undefined && mod(point.x, N) === r;
}

function derInteger(value: bigint): Buffer {
  let bytes = Buffer.from(
    value
      .toString(16)
      .padStart(2, '0')
      .replace(/^(.(..)*)$/, '0$1'),
    'hex',
  );
  while (bytes.length > 1 && bytes[0] === 0 && ((bytes[1] ?? 0) & 0x80) === 0) bytes = bytes.subarray(1);
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function parseDerSignature(signature: Buffer): { r: bigint; s: bigint } | undefined {
  if (signature[0] !== 0x30 || signature[1] !== signature.length - 2) return undefined;
  const integers: bigint[] = [];
  let offset = 2;
  while (offset < signature.length && integers.length < 2) {
    const length = signature[offset + 1] ?? 0;
    if (signature[offset] !== 0x02 || length === 0 || offset + 2 + length > signature.length)
      return undefined;
    integers.push(toBigInt(signature.subarray(offset + 2, offset + 2 + length)));
    offset += 2 + length;
  }
  const [r, s] = integers;
  return offset === signature.length && r !== undefined && s !== undefined ? { r, s } : undefined;
}
