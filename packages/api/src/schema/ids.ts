import { type IdKind, isIdOf, notFound } from '@confide/domain';

function decodeGlobalID(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0 || Buffer.from(decoded, 'utf8').toString('base64') !== globalId) throw notFound();
  return { typename: decoded.slice(0, separator), id: decoded.slice(separator + 1) };
}

/**
 * The local id inside a Relay global id, or NOT_FOUND: a malformed id, an id of another type, or an id that
 * could never exist all get the same answer as an id of someone else's record.
 */
export function localId(globalId: string | number, typename: string, kind: IdKind, what = typename): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(globalId));
  } catch {
    throw notFound(what);
  }
  if (decoded.typename !== typename || !isIdOf(kind, decoded.id)) throw notFound(what);
  return decoded.id;
}

/** Case notes are addressed within their client's partition: the local id carries both. */
export function noteLocalId(globalId: string | number): { clientId: string; noteId: string } {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(globalId));
  } catch {
    throw notFound('Note');
  }
  const [clientId, noteId] = decoded.id.split('.');
  if (
    !decoded.typename.endsWith('Note') ||
    !clientId ||
    !noteId ||
    !isIdOf('serviceUser', clientId) ||
    !isIdOf('note', noteId)
  ) {
    throw notFound('Note');
  }
  return { clientId, noteId };
}
