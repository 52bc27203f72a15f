import { describe, expect, it } from 'vitest';
import { type ApiError, inputPathOf, isRead, RATE_LIMIT_RETRY, retriedWhenRateLimited } from './api';

/** Answers each call with the next of `answers` (the last again once they run out), and counts the calls. */
function answering(answers: (readonly ApiError[])[]) {
  let calls = 0;
  const send = async () => {
    const errors = answers[Math.min(calls, answers.length - 1)] ?? [];
    calls += 1;
    return { data: errors.length === 0 ? { ok: true } : undefined, errors };
  };
  return { send, calls: () => calls };
}

const limited = (retryAfterSeconds?: number): ApiError => ({
  message: 'Too many requests',
  code: 'RATE_LIMITED',
  ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
});

describe('a read refused RATE_LIMITED', () => {
  it('is sent again after the wait the API asks for, and its answer then returned', async () => {
    const waits: number[] = [];
    const { send, calls } = answering([[limited(2)], [limited()], []]);

    const result = await retriedWhenRateLimited(send, async (seconds) => {
      waits.push(seconds);
    });

    expect(result.errors).toEqual([]);
    expect(calls()).toBe(3);
    expect(waits).toEqual([2, 1]);
  });

  it('is shown as refused after its last attempt, and waits no longer than the console allows', async () => {
    const waits: number[] = [];
    const { send, calls } = answering([[limited(600)]]);

    const result = await retriedWhenRateLimited(send, async (seconds) => {
      waits.push(seconds);
    });

    expect(result.errors.map((error) => error.code)).toEqual(['RATE_LIMITED']);
    expect(calls()).toBe(RATE_LIMIT_RETRY.attempts);
    expect(waits).toEqual(Array(RATE_LIMIT_RETRY.attempts - 1).fill(RATE_LIMIT_RETRY.maxWaitSeconds));
  });

  it('is not sent again for any other refusal', async () => {
    const { send, calls } = answering([[{ message: 'No', code: 'FORBIDDEN' }]]);

    const result = await retriedWhenRateLimited(send, async () => undefined);

    expect(result.errors.map((error) => error.code)).toEqual(['FORBIDDEN']);
    expect(calls()).toBe(1);
  });
});

describe('which documents are reads, sent again when rate limited', () => {
  it('takes queries (named, anonymous, after a comment) and never a mutation', () => {
    expect(
      isRead('query ConsoleServices($after: String) { servicesConnection { edges { node { id } } } }'),
    ).toBe(true);
    expect(isRead('{ me { kind } }')).toBe(true);
    expect(isRead('# the services\nquery ConsoleServices { me { kind } }')).toBe(true);
    expect(
      isRead(
        'mutation ConsoleAssignQaReview($input: AssignQaReviewInput!) { assignQaReview(input: $input) }',
      ),
    ).toBe(false);
    expect(isRead('queryish')).toBe(false);
  });
});

describe('the input a refusal names', () => {
  it('is the path the API gives, from its own checks, a variable’s coercion, or an argument', () => {
    expect(inputPathOf({ field: ['input', 'nature'] })).toEqual(['input', 'nature']);
    expect(inputPathOf({ field: 'input.redactions[2]' })).toEqual(['input', 'redactions', '2']);
    expect(inputPathOf({ argument: 'Mutation.placeLegalHold(reason:)' })).toEqual(['reason']);
  });

  it('is none when the API names no input, or only an input type’s field, which is not a path', () => {
    expect(inputPathOf(undefined)).toBeUndefined();
    expect(inputPathOf({ code: 'BAD_USER_INPUT' })).toBeUndefined();
    expect(inputPathOf({ argument: 'ReleaseDisclosureInput.redactions' })).toBeUndefined();
  });
});
