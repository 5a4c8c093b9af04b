// Tracing: a request id per attempt, the gateway's trace id on results, errors and events, the hooks
// and the one-line logger — and that none of them ever carries a parameter value, record data, a key
// or a signature. The fake gateway (node:crypto) checks every signature and sends the trace_id header.
import { describe, expect, it, vi } from 'vitest';
import { GatewayError, TransportError, UnverifiedResponseError, type AttemptEvent, type RequestEvent, type ResponseEvent } from '../src/index.js';
import { app, alipay, feedback, useFakeGateways } from './fixtures/client-setup.js';
import { rejectionOf } from './fixtures/caught.js';

const { setup } = useFakeGateways();
const REQUEST_ID = /^[0-9a-f]{32}$/;
const file = (text = '{"records":[{"user_name":"张三","order_no":"A1","pay_month":"2024-01"}]}') => new TextEncoder().encode(text);
const traced = (traceId: string) => ({ headers: { trace_id: traceId } });

function recorder() {
  const requests: RequestEvent[] = [];
  const responses: ResponseEvent[] = [];
  const attempts: AttemptEvent[] = [];
  const lines: string[] = [];
  return {
    requests,
    responses,
    attempts,
    lines,
    config: {
      hooks: { onRequest: (event: RequestEvent) => requests.push(event), onResponse: (event: ResponseEvent) => responses.push(event) },
      retry: { baseDelayMs: 1, maxDelayMs: 5, onAttempt: (event: AttemptEvent) => attempts.push(event) },
      log: (line: string) => lines.push(line),
    },
  };
}

describe('request ids and trace ids', () => {
  it('sends a fresh alipay-request-id with every attempt and puts the ids on the result and every event', async () => {
    const seen = recorder();
    const { gateway, client } = await setup(
      (_request, index) => (index === 0 ? { node: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error' }, ...traced('0b1f0001') } : traced('0b1f0002')),
      seen.config,
    );
    const result = await client.batchFeedback({ ...feedback, file: file() });
    const sent = gateway.received.map((request) => request.headers['alipay-request-id']);
    expect(sent).toHaveLength(2);
    for (const id of sent) expect(id).toMatch(REQUEST_ID);
    expect(sent[0]).not.toBe(sent[1]);
    expect(gateway.received.every((request) => request.signatureValid)).toBe(true);
    expect(result).toMatchObject({ code: '10000', requestId: sent[1], traceId: '0b1f0002' });

    expect(seen.requests.map(({ attempt, requestId, records }) => ({ attempt, requestId, records }))).toEqual([
      { attempt: 1, requestId: sent[0], records: 1 },
      { attempt: 2, requestId: sent[1], records: 1 },
    ]);
    expect(seen.requests[0]!.requestBytes).toBe(gateway.received[0]!.bodyLength);
    expect(seen.responses.map(({ attempt, requestId, traceId, status, code, subCode, verified, errorCode }) => ({ attempt, requestId, traceId, status, code, subCode, verified, errorCode }))).toEqual([
      { attempt: 1, requestId: sent[0], traceId: '0b1f0001', status: 200, code: '20000', subCode: 'isp.unknow-error', verified: true, errorCode: 'GATEWAY_ERROR' },
      { attempt: 2, requestId: sent[1], traceId: '0b1f0002', status: 200, code: '10000', subCode: undefined, verified: true, errorCode: undefined },
    ]);
    for (const event of seen.responses) {
      expect(event.responseBytes).toBeGreaterThan(0);
      for (const ms of Object.values(event.durations)) expect(ms).toBeGreaterThanOrEqual(0);
    }
    expect(seen.attempts.map(({ attempt, outcome, requestId, traceId }) => ({ attempt, outcome, requestId, traceId }))).toEqual([
      { attempt: 1, outcome: 'retry', requestId: sent[0], traceId: '0b1f0001' },
      { attempt: 2, outcome: 'success', requestId: sent[1], traceId: '0b1f0002' },
    ]);
    expect(seen.lines).toHaveLength(1);
    expect(seen.lines[0]).toBe(
      `zhima method=zhima.data.batch.feedback outcome=ok status=200 code=10000 attempts=2 ms=${/ ms=(\d+)/.exec(seen.lines[0]!)![1]} sent=${/ sent=(\S+)/.exec(seen.lines[0]!)![1]} records=1 request_id=${sent[1]} trace_id=0b1f0002`,
    );
  });

  it('a GatewayError carries the request id it was sent with and the answer trace id', async () => {
    const { gateway, client } = await setup(() => ({ node: { code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER', sub_msg: '字段 user_name 值 张三 不合法' }, ...traced('0b1f00aa') }));
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(GatewayError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ requestId: gateway.received[0]!.headers['alipay-request-id'], traceId: '0b1f00aa' });
  });

  it('a TransportError (HTTP 502 from a proxy) carries both ids; an unverified answer too', async () => {
    const { gateway, client } = await setup((_request, index) => (index === 0 ? { status: 502, raw: 'Bad Gateway', contentType: 'text/plain', ...traced('0b1f00bb') } : { unsigned: true, ...traced('0b1f00cc') }), { retry: false });
    const transport = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(TransportError.isInstance(transport) && transport.reason).toBe('HTTP_STATUS');
    expect(transport).toMatchObject({ requestId: gateway.received[0]!.headers['alipay-request-id'], traceId: '0b1f00bb' });
    const unverified = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(UnverifiedResponseError.isInstance(unverified)).toBe(true);
    expect(unverified).toMatchObject({ requestId: gateway.received[1]!.headers['alipay-request-id'], traceId: '0b1f00cc' });
  });

  it('a network failure carries the request id and no trace id; the event says TRANSPORT_ERROR and its reason', async () => {
    const seen = recorder();
    const { gateway, client } = await setup(() => ({}), { ...seen.config, retry: false });
    await gateway.close();
    const error = await rejectionOf(client.batchFeedback({ ...feedback, file: file() }));
    expect(TransportError.isInstance(error)).toBe(true);
    expect((error as TransportError).requestId).toMatch(REQUEST_ID);
    expect((error as TransportError).traceId).toBeUndefined();
    expect(seen.responses).toEqual([expect.objectContaining({ requestId: (error as TransportError).requestId, status: undefined, errorCode: 'TRANSPORT_ERROR', reason: (error as TransportError).reason })]);
    expect(seen.lines[0]).toMatch(new RegExp(`^zhima method=zhima\\.data\\.batch\\.feedback outcome=failed error=TRANSPORT_ERROR reason=\\w+ attempts=1 .*request_id=${(error as TransportError).requestId}$`));
  });

  it('a hook that throws changes nothing: the accepted upload still resolves', async () => {
    const lines: string[] = [];
    const { client } = await setup(() => traced('0b1f00dd'), {
      hooks: {
        onRequest: () => {
          throw new Error('exporter down');
        },
        onResponse: () => {
          throw new TypeError('exporter down');
        },
      },
      log: (line: string) => lines.push(line),
    });
    await expect(client.batchFeedback({ ...feedback, file: file() })).resolves.toMatchObject({ traceId: '0b1f00dd' });
    expect(lines.slice(0, 2)).toEqual(['zhima hook=onRequest threw=Error (ignored)', 'zhima hook=onResponse threw=TypeError (ignored)']);
  });

  it('log: true writes one line per call with console.info', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    try {
      const { client } = await setup(() => traced('0b1f00ee'), { log: true });
      await client.batchFeedback({ ...feedback, file: file() });
      expect(info).toHaveBeenCalledTimes(1);
      expect(info.mock.calls[0]![0]).toMatch(/^zhima method=zhima\.data\.batch\.feedback outcome=ok .* trace_id=0b1f00ee$/);
    } finally {
      info.mockRestore();
    }
  });
});

describe('privacy of hooks, events and log lines', () => {
  it('no value from the records file, the params, a key or a signature ever reaches a hook or the log', async () => {
    const seen = recorder();
    // Markers that would show up if any value were copied: record values, keys, params, the answer's sub_msg.
    const secrets = ['张三丰PRIVATE', 'ORDER-SECRET-9911', 'extparam-SECRET', 'DESCRIPTION-SECRET', '202401SECRETTOKEN'];
    const text = `{"records":[{"user_name":"${secrets[0]}","order_no":"${secrets[1]}","pay_month":"2024-01"}]}`;
    const { gateway, client } = await setup(
      (_request, index) =>
        index === 0
          ? { node: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: `busy with ${secrets[1]}` }, ...traced('0b1f0100') }
          : index === 1
            ? { node: { code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER', sub_msg: `字段 user_name 值 ${secrets[0]} 不合法` }, ...traced('0b1f0101') }
            : { status: 500, raw: `<html>${secrets[1]}</html>`, contentType: 'text/html', ...traced('0b1f0102') },
      { ...seen.config, appAuthToken: secrets[4] },
    );
    const upload = () => client.batchFeedback({ ...feedback, file: file(text), bizExtParams: { extparam1: secrets[2] }, fileDescription: secrets[3] });
    await rejectionOf(upload());
    await rejectionOf(upload());
    expect(gateway.received.length).toBeGreaterThanOrEqual(3);
    const signatures = gateway.received.map((request) => request.query.sign!);
    const keyMaterial = [
      ...Object.values(app.privateKeys).filter((key): key is string => typeof key === 'string'),
      ...Object.values(alipay.publicKeys).filter((key): key is string => typeof key === 'string'),
    ].map((key) => key.replace(/-----[^-]+-----|\s/g, '').slice(64, 128));
    const everything = JSON.stringify([seen.requests, seen.responses, seen.attempts, seen.lines]);
    expect(seen.requests.length).toBeGreaterThanOrEqual(3);
    expect(seen.lines).toHaveLength(2);
    for (const secret of [...secrets, ...signatures, ...keyMaterial]) expect(everything).not.toContain(secret);
    // And the events are not empty shells: the ids and codes are there.
    expect(everything).toContain('0b1f0101');
    expect(everything).toContain('INVALID_PARAMETER');
  });
});
