/**
 * Stands in for `@smithy/core/event-streams` in every Lambda bundle (lambda-bundling.ts). The SDK's HTTP protocol
 * imports it only to serialise or parse an operation with an event-stream member, and the S3 client wires a marshaller
 * for them when it is built; none of the operations Confide's functions call has one (DynamoDB, KMS, S3 objects,
 * Cognito, EventBridge). Leaving it out keeps about 15 KB out of the api's bundle and cold start. Clients are still
 * built as before; should an event stream ever be sent or read, it fails loudly instead of streaming.
 */
const refuse = (): never => {
  throw new Error(
    'Event streams are not shipped in Confide’s Lambda bundles: no operation they call has one.',
  );
};

/** The SDK's event-stream serde, for the HTTP protocol: refuses when built. */
export class EventStreamSerde {
  constructor() {
    refuse();
  }
}

/** A marshaller the S3 client keeps in its configuration, which refuses to marshal anything. */
export function eventStreamSerdeProvider(): { serialize: () => never; deserialize: () => never } {
  return { serialize: refuse, deserialize: refuse };
}

/** As the SDK's own: the client's configuration with the provider's marshaller. */
export function resolveEventStreamSerdeConfig<T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
): T & { eventStreamMarshaller: unknown } {
  return Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
}
